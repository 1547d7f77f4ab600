//! [`BatchSource`]: where training takes its batches from, and [`BatchKey`], which batch it
//! is.
//!
//! A source is a seam between data and training: `fit` asks for batch `i` of epoch `e` and
//! the source fills given tensors. Two in-memory tensors are a source; so are an image
//! generator's augmented stream and a folder of images read from disk. A source's batches
//! are a function of (epoch, batch index) alone — the order of an epoch comes from
//! [`BatchSource::order`], random draws from [`BatchKey::rng`] — so they can be prepared
//! ahead on other threads, in any order, and a resumed run sees the same batches.

use crate::{Rng, Tensor};

/// An error a source reports while filling a batch (an image that cannot be read, …).
pub type SourceError = Box<dyn std::error::Error + Send + Sync>;

/// Which batch of which pass over the data something belongs to. Random draws for a batch
/// (dropout masks, augmentation parameters) come from [`BatchKey::rng`], a function of a
/// seed and this key alone, so a run resumed with `initial_epoch` draws exactly what an
/// uninterrupted run draws, whatever thread prepares the batch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct BatchKey {
    /// Epoch (or pass) index, from 0.
    pub epoch: u64,
    /// Batch index within it, from 0.
    pub batch: u64,
}

impl BatchKey {
    /// The key of batch `batch` of epoch `epoch`.
    pub fn new(epoch: usize, batch: usize) -> BatchKey {
        BatchKey {
            epoch: epoch as u64,
            batch: batch as u64,
        }
    }

    /// The random stream of `seed` for this batch: stream `batch` of the seed drawn from
    /// stream `epoch` of `seed`.
    ///
    /// ```
    /// use gradus_tensor::BatchKey;
    /// let a = BatchKey::new(2, 5).rng(7).uniform();
    /// assert_eq!(a, BatchKey::new(2, 5).rng(7).uniform());
    /// assert_ne!(a, BatchKey::new(2, 6).rng(7).uniform());
    /// ```
    pub fn rng(&self, seed: u64) -> Rng {
        Rng::with_stream(Rng::with_stream(seed, self.epoch).next_u64(), self.batch)
    }
}

/// Where `fit`, `evaluate` and `predict` take their batches from (Keras's `PyDataset`).
///
/// One pass over the data visits the samples in [`order`](BatchSource::order)`(pass)` and
/// cuts it into batches of [`batch_size`](BatchSource::batch_size) (the last one may be
/// shorter); batch `i` of pass `p` holds samples `order(p)[i·b .. (i+1)·b]`, which
/// [`fill`](BatchSource::fill) writes into the given tensors with random draws keyed by
/// `BatchKey::new(p, i)`. Everything is a function of its arguments, so batches can be
/// prepared on several threads and ahead of time.
///
/// ```
/// use gradus_tensor::{BatchKey, BatchSource, SourceError, Tensor};
/// /// The numbers 0..n as one-value samples with their squares as targets.
/// struct Squares(usize);
/// impl BatchSource for Squares {
///     fn len(&self) -> usize { self.0 }
///     fn batch_size(&self) -> usize { 2 }
///     fn sample_shape(&self) -> Vec<usize> { vec![1] }
///     fn target_shape(&self) -> Option<Vec<usize>> { Some(vec![1]) }
///     fn order(&self, _pass: usize) -> Vec<usize> { (0..self.0).collect() }
///     fn fill(&self, samples: &[usize], _key: BatchKey, x: &mut Tensor, y: &mut Tensor)
///         -> Result<(), SourceError> {
///         let v: Vec<f32> = samples.iter().map(|&s| s as f32).collect();
///         *x = Tensor::column(&v);
///         *y = Tensor::column(&v.iter().map(|v| v * v).collect::<Vec<_>>());
///         Ok(())
///     }
/// }
/// let s = Squares(5);
/// assert_eq!(s.batches(), 3);
/// let (x, y) = s.batch(0, 1).unwrap();
/// assert_eq!((x.data(), y.data()), (&[2.0, 3.0][..], &[4.0, 9.0][..]));
/// let (mut x, mut y) = (Tensor::zeros(&[0, 1]), Tensor::zeros(&[0, 1]));
/// s.fill(&s.order(0)[4..], BatchKey::new(0, 2), &mut x, &mut y).unwrap();
/// assert_eq!((x.data(), y.data()), (&[4.0][..], &[16.0][..]));
/// ```
pub trait BatchSource: Sync {
    /// Samples in one pass over the data.
    fn len(&self) -> usize;

    /// True for a source without samples.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Samples per batch (at least 1); the last batch of a pass may hold fewer.
    fn batch_size(&self) -> usize;

    /// The shape of one input sample, without the batch dimension.
    fn sample_shape(&self) -> Vec<usize>;

    /// The shape of one target row, or `None` for a source without targets (only
    /// `predict` accepts one).
    fn target_shape(&self) -> Option<Vec<usize>>;

    /// The order in which pass `pass` visits the samples: a permutation of `0..len`, which
    /// depends on the pass (and the source's seed) only.
    fn order(&self, pass: usize) -> Vec<usize>;

    /// Writes samples `samples` into `x` (shape `[samples.len(), sample_shape…]`) and their
    /// targets into `y`, resizing both, with random draws (augmentation) from `key`.
    ///
    /// # Errors
    /// Whatever keeps the source from producing the samples (an unreadable file, …).
    fn fill(
        &self,
        samples: &[usize],
        key: BatchKey,
        x: &mut Tensor,
        y: &mut Tensor,
    ) -> Result<(), SourceError>;

    /// Batches per pass: `⌈len / batch_size⌉`.
    fn batches(&self) -> usize {
        self.len().div_ceil(self.batch_size().max(1))
    }

    /// Batch `index` of pass `pass` as new tensors `(x, y)` (`y` empty for a source without
    /// targets): Keras's `flow[i]`, for looking at batches one at a time. Training does not
    /// use it (it fills reused buffers).
    ///
    /// # Errors
    /// An index beyond the pass's batches, or what [`fill`](BatchSource::fill) reports.
    fn batch(&self, pass: usize, index: usize) -> Result<(Tensor, Tensor), SourceError> {
        if index >= self.batches() {
            return Err(format!(
                "batch {index} of a source with {} batches per pass",
                self.batches()
            )
            .into());
        }
        let order = self.order(pass);
        let b = self.batch_size().max(1);
        let start = (index * b).min(order.len());
        let end = (start + b).min(order.len());
        let (mut x, mut y) = (Tensor::zeros(&[0]), Tensor::zeros(&[0]));
        self.fill(
            &order[start..end],
            BatchKey::new(pass, index),
            &mut x,
            &mut y,
        )?;
        Ok((x, y))
    }

    /// How many batches are worth preparing ahead on a background thread (default 2; 0 for
    /// sources whose batches cost less than a thread hand-off, such as in-memory tensors).
    fn prefetch(&self) -> usize {
        2
    }
}
