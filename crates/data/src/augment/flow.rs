//! [`ImageDataGenerator::flow`] and [`ImageDataGenerator::augment`]: augmented batch
//! sources, with [`FlowOptions`].

use gradus_tensor::{BatchSource, Tensor, TensorSource};
use serde::{Deserialize, Serialize};

use super::{Augmented, ImageDataGenerator, invalid};
use crate::Result;

/// Batching of [`ImageDataGenerator::flow`], with Keras's defaults (batches of 32,
/// shuffled); the seed drives both the shuffle and the augmentation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FlowOptions {
    /// Images per batch (default 32).
    pub batch_size: usize,
    /// Shuffle each pass (default true).
    pub shuffle: bool,
    /// Seed of the shuffles and the random transforms (default 0).
    pub seed: u64,
}

impl Default for FlowOptions {
    fn default() -> FlowOptions {
        FlowOptions {
            batch_size: 32,
            shuffle: true,
            seed: 0,
        }
    }
}

impl ImageDataGenerator {
    /// Images `x` (`[n, height, width, channels]`) with targets `y` (one row per image, if
    /// any) as an augmented [`BatchSource`]: Keras's `flow(x, y, batch_size, shuffle,
    /// seed)`. Pass `fit`, or read batches with [`BatchSource::fill`].
    ///
    /// ```
    /// use gradus_data::{FlowOptions, ImageDataGenerator};
    /// use gradus_tensor::{BatchKey, BatchSource, Tensor};
    /// let x = Tensor::from_vec((0..4 * 6 * 6).map(|v| v as f32).collect(), &[4, 6, 6, 1]).unwrap();
    /// let y = Tensor::column(&[0.0, 1.0, 2.0, 3.0]);
    /// let g = ImageDataGenerator::new().rotation_range(30.0).rescale(1.0 / 255.0);
    /// let opts = FlowOptions { batch_size: 3, seed: 7, ..FlowOptions::default() };
    /// let flow = g.flow(&x, Some(&y), opts).unwrap();
    /// assert_eq!((flow.batches(), flow.sample_shape()), (2, vec![6, 6, 1]));
    /// let order = flow.order(0);
    /// let (mut bx, mut by) = (Tensor::zeros(&[0, 1]), Tensor::zeros(&[0, 1]));
    /// flow.fill(&order[..3], BatchKey::new(0, 0), &mut bx, &mut by).unwrap();
    /// assert_eq!(bx.dims(), &[3, 6, 6, 1]);
    /// assert_eq!(by.data()[0], order[0] as f32);
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`](crate::Error::Invalid) when `x` is not rank 4, `y` has another
    /// number of rows, `batch_size` is 0, the generator is invalid, or feature-wise
    /// options lack statistics for these channels ([`fit`](ImageDataGenerator::fit) first).
    pub fn flow<'a>(
        &self,
        x: &'a Tensor,
        y: Option<&'a Tensor>,
        options: FlowOptions,
    ) -> Result<Augmented<TensorSource<'a>>> {
        if x.dims().len() != 4 {
            return Err(invalid(
                "x",
                format!("shape {:?}", x.dims()),
                "images as [n, height, width, channels] (add a channel axis of 1 for \
                 grayscale)",
            ));
        }
        let source = TensorSource::new(x, y, options.batch_size)?
            .shuffle(options.shuffle)
            .seed(options.seed);
        Ok(self.augment(source)?.seed(options.seed))
    }

    /// The images of a folder of class sub-folders (Keras's `flow_from_directory`: see
    /// [`ImageFolder`](crate::image::ImageFolder) for the listing, subsets, class modes
    /// and the seeded order), augmented and standardized by this generator with
    /// `options.seed`. Images are read and decoded per batch, on the feeding thread.
    ///
    /// ```no_run
    /// use gradus_data::ImageDataGenerator;
    /// use gradus_data::image::ImageFolderOptions;
    /// let datagen = ImageDataGenerator::new().rotation_range(20.0).horizontal_flip(true);
    /// let train = datagen
    ///     .flow_from_directory("photos/", &ImageFolderOptions::default().with_target_size(64, 64))
    ///     .unwrap();
    /// println!("{:?}", train.source().class_indices());
    /// ```
    ///
    /// # Errors
    /// As [`ImageFolder::new`](crate::image::ImageFolder::new) (no images, an empty class
    /// folder, a bad option) and [`ImageDataGenerator::augment`].
    pub fn flow_from_directory(
        &self,
        directory: impl AsRef<std::path::Path>,
        options: &crate::image::ImageFolderOptions,
    ) -> Result<Augmented<crate::image::ImageFolder>> {
        let folder = crate::image::ImageFolder::new(directory, options)?;
        Ok(self.augment(folder)?.seed(options.seed))
    }

    /// Any source of `[height, width, channels]` images, augmented and standardized by this
    /// generator (seed 0; set it with [`Augmented::seed`]). `flow_from_directory` is this
    /// applied to a folder-of-images source.
    ///
    /// # Errors
    /// [`Error::Invalid`](crate::Error::Invalid) when the source's samples are not rank 3,
    /// the generator is invalid, or feature-wise options lack matching statistics.
    pub fn augment<S: BatchSource>(&self, source: S) -> Result<Augmented<S>> {
        Augmented::new(source, self.clone())
    }
}
