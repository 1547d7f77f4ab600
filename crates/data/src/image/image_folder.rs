//! [`ImageFolder`]: a folder with one sub-folder of images per class, as a
//! [`BatchSource`] that decodes each batch's files when it is asked for (Keras's
//! `flow_from_directory`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use gradus_tensor::{BatchKey, BatchSource, Rng, SourceError, Tensor};
use rayon::prelude::*;

use super::folder_listing::{Listing, list};
use super::image::write_f32;
use super::options::check_target_size;
use super::{ClassMode, ImageFolderOptions, ImageOptions, decode_img, load::read_file};
use crate::{Error, Result};

/// Stream id of pass 0's shuffle; pass `p` uses `SHUFFLE_STREAM − p`, as
/// [`TensorSource`](gradus_tensor::TensorSource) does.
const SHUFFLE_STREAM: u64 = u64::MAX;

/// The images of a folder with one sub-folder per class, as a [`BatchSource`] for `fit`
/// (Keras's `ImageDataGenerator().flow_from_directory(directory, …)`).
///
/// **Listing** (at construction): the classes are the sub-folders, sorted by name, or
/// [`ImageFolderOptions::classes`] in the given order; class `i` is the `i`-th. Each class's
/// images are found by a walk of its folder (sub-folders included) in Keras's order: folders
/// sorted by path, files sorted by name, keeping files whose extension (after the last dot,
/// any case) is one of [`IMAGE_EXTENSIONS`](super::IMAGE_EXTENSIONS). With a
/// [`subset`](ImageFolderOptions::subset), the **first** `⌊validation_split · n⌋` files of
/// each class (in that order) are the validation subset and the rest the training subset, so
/// the two never overlap and do not change between runs.
///
/// **Batches**: pass `p` visits the images in a permutation drawn from the seed and `p`
/// (or in file order without shuffling); [`BatchSource::fill`] reads and decodes the
/// batch's files, in parallel, each converted and resized as
/// [`load_img`](super::load_img) does, into `x` (`[n, h, w, c]`, values 0..=255) and the
/// targets into `y` ([`ClassMode`]). Only the file list is kept in memory.
///
/// # Keras's `image_dataset_from_directory`
///
/// Keras has a second loader with other defaults: bilinear resizing, integer labels
/// (`sparse`), and a validation subset drawn at random — it shuffles all files with the seed
/// before taking the **last** `validation_split` fraction. `ImageFolder` follows
/// `flow_from_directory`; set [`Interpolation::Bilinear`](super::Interpolation::Bilinear) and
/// [`ClassMode::Sparse`] for the first two.
///
/// # Differences from Keras
///
/// An empty class folder, or a folder without images, is an error (Keras reports "Found 0
/// images" and trains on nothing); an extension must follow a dot (Keras also takes
/// `xpng`); special files (pipes, devices) and broken links are skipped; the default seed is
/// 0, not a fresh random one.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
/// use gradus_data::image::{ImageFolder, ImageFolderOptions, Subset, save_img};
/// use gradus_tensor::{BatchKey, BatchSource, Tensor};
/// let dir = tempfile::tempdir()?;
/// for (class, n) in [("cat", 3), ("dog", 2)] {
///     std::fs::create_dir(dir.path().join(class))?;
///     for i in 0..n {
///         let path = dir.path().join(class).join(format!("{i}.png"));
///         save_img(path, &Tensor::full(&[4, 6, 3], i as f32))?;
///     }
/// }
/// let opts = ImageFolderOptions::default().with_target_size(2, 3).with_batch_size(4);
/// let all = ImageFolder::new(dir.path(), &opts)?;
/// assert_eq!(all.class_names(), &["cat", "dog"]);
/// assert_eq!(all.len(), 5);
/// assert_eq!(all.filenames()[3], std::path::Path::new("dog/0.png"));
///
/// let order = all.order(0);
/// let (mut x, mut y) = (Tensor::zeros(&[1]), Tensor::zeros(&[1]));
/// all.fill(&order[..4], BatchKey::new(0, 0), &mut x, &mut y)?;
/// assert_eq!((x.dims(), y.dims()), (&[4, 2, 3, 3][..], &[4, 2][..]));
///
/// let val = ImageFolder::new(dir.path(), &opts.clone().with_subset(0.5, Subset::Validation))?;
/// assert_eq!(val.filenames(), &["cat/0.png", "dog/0.png"].map(std::path::PathBuf::from));
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct ImageFolder {
    dir: PathBuf,
    options: ImageFolderOptions,
    listing: Listing,
}

impl ImageFolder {
    /// Lists the images of `dir` as `options` asks. No image is read yet.
    ///
    /// # Errors
    /// [`Error::FileNotFound`] / [`Error::Io`] for a missing or unreadable folder;
    /// [`Error::EmptyClass`] for a class folder without images; [`Error::NoImages`] when no
    /// image is found (or none is in the subset); [`Error::InvalidOption`] for a zero
    /// target size or batch size, a `validation_split` outside `[0, 1)`, a class name that
    /// is not a plain folder name or is repeated, or [`ClassMode::Binary`] without exactly 2
    /// classes; [`Error::Tensor`] when a batch of `batch_size` images would exceed
    /// [`Tensor::MAX_ALLOC`] values.
    pub fn new(dir: impl AsRef<Path>, options: &ImageFolderOptions) -> Result<ImageFolder> {
        let dir = dir.as_ref();
        let (h, w) = options.target_size;
        let c = options.color_mode.channels();
        check_target_size(h, w, c)?;
        if options.batch_size == 0 {
            return Err(Error::InvalidOption(
                "batch_size = 0: a batch needs at least 1 image; Keras's default is 32".into(),
            ));
        }
        Tensor::check_alloc(&[options.batch_size, h, w, c])?;
        let split = options.validation_split;
        if !(0.0..1.0).contains(&split) {
            return Err(Error::InvalidOption(format!(
                "validation_split = {split}: the fraction held out for validation must lie in \
                 [0, 1), e.g. 0.2"
            )));
        }
        let listing = list(dir, options)?;
        let k = listing.class_names.len();
        if options.class_mode == ClassMode::Binary && k != 2 {
            return Err(Error::InvalidOption(format!(
                "{}: class_mode binary needs exactly 2 classes, found {k} ({}); use \
                 categorical or sparse for more",
                dir.display(),
                listing.class_names.join(", ")
            )));
        }
        Ok(ImageFolder {
            dir: dir.to_owned(),
            options: options.clone(),
            listing,
        })
    }

    /// The folder.
    pub fn directory(&self) -> &Path {
        &self.dir
    }

    /// The options it was built with.
    pub fn options(&self) -> &ImageFolderOptions {
        &self.options
    }

    /// The class names, in class-id order.
    pub fn class_names(&self) -> &[String] {
        &self.listing.class_names
    }

    /// Number of classes.
    pub fn num_classes(&self) -> usize {
        self.listing.class_names.len()
    }

    /// Each class name with its id (Keras's `class_indices`).
    pub fn class_indices(&self) -> BTreeMap<String, usize> {
        (self.listing.class_names.iter().cloned())
            .zip(0..)
            .collect()
    }

    /// The image files, relative to the folder (`class/…/name.ext`), in sample order.
    pub fn filenames(&self) -> &[PathBuf] {
        &self.listing.filenames
    }

    /// The class id of each sample (Keras's `classes`).
    pub fn classes(&self) -> &[usize] {
        &self.listing.classes
    }

    /// Sample `i`'s image as an `[h, w, c]` tensor.
    ///
    /// # Errors
    /// As [`load_img`](super::load_img) for its file; [`Error::RowIndex`] for `i ≥ len`.
    pub fn image(&self, i: usize) -> Result<Tensor> {
        let mut out = Tensor::try_zeros(&self.sample_shape())?;
        self.decode_into(i, out.data_mut())?;
        Ok(out)
    }

    /// Decodes sample `i` into `out` (`h · w · c` values).
    fn decode_into(&self, i: usize, out: &mut [f32]) -> Result<()> {
        let Some(rel) = self.listing.filenames.get(i) else {
            return Err(Error::RowIndex {
                index: i,
                rows: self.len(),
            });
        };
        let path = self.dir.join(rel);
        let opts: ImageOptions = self.options.image_options();
        let img = decode_img(&read_file(&path)?, path, &opts)?;
        write_f32(img.pixels(), out);
        Ok(())
    }
}

impl BatchSource for ImageFolder {
    fn len(&self) -> usize {
        self.listing.filenames.len()
    }

    fn batch_size(&self) -> usize {
        self.options.batch_size
    }

    fn sample_shape(&self) -> Vec<usize> {
        let (h, w) = self.options.target_size;
        vec![h, w, self.options.color_mode.channels()]
    }

    fn target_shape(&self) -> Option<Vec<usize>> {
        match self.options.class_mode {
            ClassMode::Categorical => Some(vec![self.num_classes()]),
            ClassMode::Binary | ClassMode::Sparse => Some(vec![1]),
            ClassMode::Input => Some(self.sample_shape()),
            ClassMode::None => None,
        }
    }

    fn order(&self, pass: usize) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.len()).collect();
        if self.options.shuffle {
            Rng::with_stream(self.options.seed, SHUFFLE_STREAM.wrapping_sub(pass as u64))
                .shuffle(&mut order);
        }
        order
    }

    /// Decodes the files of `samples` in parallel (each into its own slot of `x`, so the
    /// result does not depend on the thread count) and writes their targets; the first
    /// failing file in sample order is the error. `key` is unused: loading draws nothing.
    fn fill(
        &self,
        samples: &[usize],
        _key: BatchKey,
        x: &mut Tensor,
        y: &mut Tensor,
    ) -> std::result::Result<(), SourceError> {
        let shape = self.sample_shape();
        let per = shape.iter().product::<usize>();
        let n = samples.len();
        x.resize(Tensor::check_alloc(&[n, shape[0], shape[1], shape[2]])?);
        let results: Vec<Result<()>> = x
            .data_mut()
            .par_chunks_mut(per)
            .zip(samples.par_iter())
            .map(|(slot, &i)| self.decode_into(i, slot))
            .collect();
        if let Some(e) = results.into_iter().find_map(Result::err) {
            return Err(e.into());
        }
        let classes = &self.listing.classes;
        match self.options.class_mode {
            ClassMode::Categorical => {
                let k = self.num_classes();
                y.resize(Tensor::check_alloc(&[n, k])?);
                y.data_mut().fill(0.0);
                for (row, &i) in y.data_mut().chunks_exact_mut(k).zip(samples) {
                    row[classes[i]] = 1.0;
                }
            }
            ClassMode::Binary | ClassMode::Sparse => {
                y.resize(Tensor::check_alloc(&[n, 1])?);
                for (v, &i) in y.data_mut().iter_mut().zip(samples) {
                    *v = classes[i] as f32;
                }
            }
            ClassMode::Input => y.assign(x),
            ClassMode::None => {}
        }
        Ok(())
    }
}
