//! [`Augmented`]: any [`BatchSource`] of images, augmented and standardized on the fly.

use std::sync::Mutex;

use gradus_tensor::{BatchKey, BatchSource, Rng, SourceError, Tensor};
use rayon::prelude::*;

use super::standardize::Standardizer;
use super::{ImageDataGenerator, TransformParams, image_shape};
use crate::Result;

/// Stream of the source seed from which augmentation seeds are drawn, so that augmentation
/// and a layer keyed by the same seed (dropout draws from `key.rng(seed)`) stay independent.
const AUGMENT_STREAM: u64 = 0x6175_676d_656e_7400; // "augment\0"

/// A [`BatchSource`] of `height × width × channels` images whose batches are augmented
/// with random transforms and standardized (Keras's `NumpyArrayIterator` /
/// `DirectoryIterator`): what [`ImageDataGenerator::flow`] and
/// [`ImageDataGenerator::augment`] return.
///
/// The order, batch size and targets are the wrapped source's. [`fill`](BatchSource::fill)
/// has the source fill the raw images, then transforms them in parallel (rayon, one task
/// per image) into the output. Sample `j` of batch `key` draws its parameters from
/// `Rng::with_stream(key.rng(s).next_u64(), j)`, where `s` is drawn once from the seed, so
/// a batch depends on (seed, epoch, batch index) alone: the same with 1 or 64 threads, and
/// again in a resumed run. (Keras reseeds NumPy's global generator with `seed +
/// total_batches_seen` before each batch, which depends on how many batches were asked
/// for before; gradus's keyed streams do not.) Raw batches are kept in a pool, so a
/// training step allocates nothing once the buffers have grown.
pub struct Augmented<S> {
    source: S,
    generator: ImageDataGenerator,
    standardizer: Standardizer,
    shape: [usize; 3],
    seed: u64,
    stream_seed: u64,
    raw: Mutex<Vec<Tensor>>,
}

impl<S> std::fmt::Debug for Augmented<S> {
    /// The generator, image shape and seed (the source need not be `Debug`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Augmented")
            .field("generator", &self.generator)
            .field("shape", &self.shape)
            .field("seed", &self.seed)
            .finish_non_exhaustive()
    }
}

impl<S: BatchSource> Augmented<S> {
    /// `source` augmented by a validated `generator`.
    pub(crate) fn new(source: S, generator: ImageDataGenerator) -> Result<Augmented<S>> {
        generator.validate()?;
        let shape = image_shape(&source.sample_shape(), "source sample shape")?;
        let standardizer = Standardizer::new(&generator, shape[2])?;
        Ok(Augmented {
            source,
            generator,
            standardizer,
            shape,
            seed: 0,
            stream_seed: Rng::with_stream(0, AUGMENT_STREAM).next_u64(),
            raw: Mutex::new(Vec::new()),
        })
    }

    /// Draw the augmentation from `seed` (default 0).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self.stream_seed = Rng::with_stream(seed, AUGMENT_STREAM).next_u64();
        self
    }

    /// The seed of the augmentation.
    pub fn augmentation_seed(&self) -> u64 {
        self.seed
    }

    /// The wrapped source.
    pub fn source(&self) -> &S {
        &self.source
    }

    /// The generator.
    pub fn generator(&self) -> &ImageDataGenerator {
        &self.generator
    }

    /// The parameters that sample `j` of batch `key` is transformed with.
    pub fn transform_params(&self, key: BatchKey, j: usize) -> TransformParams {
        let batch_seed = key.rng(self.stream_seed).next_u64();
        self.params(batch_seed, j)
    }

    fn params(&self, batch_seed: u64, j: usize) -> TransformParams {
        self.generator
            .draw(&mut Rng::with_stream(batch_seed, j as u64), self.shape)
    }
}

impl<S: BatchSource> BatchSource for Augmented<S> {
    fn len(&self) -> usize {
        self.source.len()
    }

    fn batch_size(&self) -> usize {
        self.source.batch_size()
    }

    fn sample_shape(&self) -> Vec<usize> {
        self.shape.to_vec()
    }

    fn target_shape(&self) -> Option<Vec<usize>> {
        self.source.target_shape()
    }

    fn order(&self, pass: usize) -> Vec<usize> {
        self.source.order(pass)
    }

    fn fill(
        &self,
        samples: &[usize],
        key: BatchKey,
        x: &mut Tensor,
        y: &mut Tensor,
    ) -> Result<(), SourceError> {
        let pooled = self.raw.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut raw = pooled.unwrap_or_else(|| Tensor::zeros(&[0, 1]));
        let filled = self.source.fill(samples, key, &mut raw, y);
        let result = filled.and_then(|()| self.transform(samples.len(), key, &raw, x));
        self.raw.lock().unwrap_or_else(|e| e.into_inner()).push(raw);
        result
    }
}

impl<S: BatchSource> Augmented<S> {
    /// Augments and standardizes the `n` raw images into `x`.
    fn transform(
        &self,
        n: usize,
        key: BatchKey,
        raw: &Tensor,
        x: &mut Tensor,
    ) -> Result<(), SourceError> {
        let [h, w, c] = self.shape;
        if raw.dims() != [n, h, w, c] {
            return Err(format!(
                "the source filled a batch of shape {:?}, not [{n}, {h}, {w}, {c}] as its \
                 sample shape says",
                raw.dims()
            )
            .into());
        }
        x.resize(*raw.shape());
        let len = h * w * c;
        if len == 0 {
            return Ok(());
        }
        let batch_seed = key.rng(self.stream_seed).next_u64();
        x.data_mut()
            .par_chunks_mut(len)
            .zip(raw.data().par_chunks(len))
            .enumerate()
            .for_each(|(j, (dst, src))| {
                let params = self.params(batch_seed, j);
                self.generator.transform_into(src, dst, self.shape, &params);
                self.standardizer.apply(dst);
            });
        Ok(())
    }
}
