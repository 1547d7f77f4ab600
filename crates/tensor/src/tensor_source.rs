//! [`TensorSource`]: in-memory tensors as a [`BatchSource`].

use crate::{BatchKey, BatchSource, Error, Rng, SourceError, Tensor};

/// Stream id of pass 0's shuffle; pass `p` uses `SHUFFLE_STREAM − p` (layers use streams
/// 0, 1, … of the same seed).
const SHUFFLE_STREAM: u64 = u64::MAX;

/// Samples (rows of `x`) and targets (rows of `y`) held in memory, as a [`BatchSource`]:
/// what `fit(x, y)` trains on. Each pass is shuffled with a Fisher–Yates permutation drawn
/// from stream `u64::MAX − pass` of the seed, or taken in row order.
///
/// ```
/// use gradus_tensor::{BatchKey, BatchSource, Tensor, TensorSource};
/// let x = Tensor::column(&[0.0, 1.0, 2.0, 3.0, 4.0]);
/// let s = TensorSource::new(&x, Some(&x), 2).unwrap().shuffle(true).seed(3);
/// assert_eq!(s.batches(), 3);
/// let order = s.order(0);
/// let (mut bx, mut by) = (Tensor::zeros(&[0, 1]), Tensor::zeros(&[0, 1]));
/// s.fill(&order[..2], BatchKey::new(0, 0), &mut bx, &mut by).unwrap();
/// assert_eq!(bx.data(), &[order[0] as f32, order[1] as f32]);
/// assert_eq!(s.order(0), order); // a function of (seed, pass)
/// assert_eq!(s.first_rows(3).order(1).len(), 3);
/// let e = TensorSource::new(&x, Some(&Tensor::column(&[1.0])), 2).unwrap_err();
/// assert_eq!(e.to_string(), "invalid targets = 1 rows: one row per sample: 5 rows, as x");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct TensorSource<'a> {
    x: &'a Tensor,
    y: Option<&'a Tensor>,
    /// Rows used: the first `rows` of `x` and `y`.
    rows: usize,
    batch_size: usize,
    shuffle: bool,
    seed: u64,
}

impl<'a> TensorSource<'a> {
    /// Rows of `x` with the same rows of `y` (if any) in batches of `batch_size`, unshuffled,
    /// seed 0.
    ///
    /// # Errors
    /// [`Error::Invalid`] when `y` has another number of rows than `x`, or `batch_size` is 0.
    pub fn new(x: &'a Tensor, y: Option<&'a Tensor>, batch_size: usize) -> Result<Self, Error> {
        if let Some(y) = y
            && y.rows() != x.rows()
        {
            return Err(Error::Invalid {
                what: "targets",
                value: format!("{} rows", y.rows()),
                expected: format!("one row per sample: {} rows, as x", x.rows()),
            });
        }
        if batch_size == 0 {
            return Err(Error::Invalid {
                what: "batch_size",
                value: "0".into(),
                expected: "at least 1".into(),
            });
        }
        Ok(TensorSource {
            x,
            y,
            rows: x.rows(),
            batch_size,
            shuffle: false,
            seed: 0,
        })
    }

    /// Shuffle each pass.
    pub fn shuffle(mut self, shuffle: bool) -> Self {
        self.shuffle = shuffle;
        self
    }

    /// The seed of the shuffles.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Uses only the first `rows` rows (at most all of them), e.g. to train on what a
    /// validation split leaves.
    pub fn first_rows(mut self, rows: usize) -> Self {
        self.rows = rows.min(self.x.rows());
        self
    }

    /// The samples.
    pub fn x(&self) -> &'a Tensor {
        self.x
    }

    /// The targets.
    pub fn y(&self) -> Option<&'a Tensor> {
        self.y
    }
}

impl BatchSource for TensorSource<'_> {
    fn len(&self) -> usize {
        self.rows
    }

    fn batch_size(&self) -> usize {
        self.batch_size
    }

    fn sample_shape(&self) -> Vec<usize> {
        self.x.dims()[1..].to_vec()
    }

    fn target_shape(&self) -> Option<Vec<usize>> {
        self.y.map(|y| y.dims()[1..].to_vec())
    }

    fn order(&self, pass: usize) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.len()).collect();
        if self.shuffle {
            Rng::with_stream(self.seed, SHUFFLE_STREAM.wrapping_sub(pass as u64))
                .shuffle(&mut order);
        }
        order
    }

    fn fill(
        &self,
        samples: &[usize],
        _key: BatchKey,
        x: &mut Tensor,
        y: &mut Tensor,
    ) -> Result<(), SourceError> {
        if let Some(&bad) = samples.iter().find(|&&s| s >= self.len()) {
            return Err(format!("sample {bad} of a source with {} samples", self.len()).into());
        }
        self.x.gather_rows_into(samples, x);
        if let Some(t) = self.y {
            t.gather_rows_into(samples, y);
        }
        Ok(())
    }

    fn prefetch(&self) -> usize {
        0
    }
}
