//! [`Feed`]: the batches of a [`BatchSource`] in the order training asks for them, filled
//! inline or ahead of time on a background thread.
//!
//! A feed walks a sequence of global steps; step `g` is batch `g mod B` of pass `g div B`
//! (`B` the source's batches per pass), so an epoch of `steps_per_epoch` batches may span
//! passes, as in Keras. With prefetching, one producer thread fills up to `prefetch`
//! batches ahead into buffers that the consumer hands back after use: nothing is allocated
//! per batch once the buffers exist, and dropping the feed stops the producer after the
//! batch it is filling. The batches are the same whichever thread fills them, because a
//! source's batch is a function of (pass, index).

use std::sync::mpsc::{
    Receiver, RecvError, RecvTimeoutError, Sender, SyncSender, TryRecvError, channel, sync_channel,
};
use std::thread::Scope;
use std::time::Duration;

use gradus_tensor::{BatchKey, BatchSource, Tensor};

use crate::{Error, Result};

/// Which order a feed visits the samples of a pass in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Order {
    /// The source's `order(pass)` (training: shuffled if the source shuffles).
    Source,
    /// Sample index order, so that batch `i` holds samples `i·b ..` (`predict`).
    Samples,
}

/// What a feed fills: global steps `steps` of `source` in `order`, each batch checked by
/// `check` before it is handed out.
pub(crate) struct FeedPlan<'s> {
    pub(crate) source: &'s dyn BatchSource,
    pub(crate) steps: std::ops::Range<usize>,
    pub(crate) order: Order,
    /// Checks a filled batch (shapes, values, targets); runs on the filling thread.
    pub(crate) check: &'s (dyn Fn(&Tensor, &Tensor) -> Result<()> + Sync),
}

/// One filled batch: inputs and targets.
struct Batch {
    x: Tensor,
    y: Tensor,
}

impl Batch {
    fn empty() -> Batch {
        Batch {
            x: Tensor::zeros(&[0]),
            y: Tensor::zeros(&[0]),
        }
    }
}

/// Fills global steps one after the other, caching the order of the current pass.
struct Filler<'s> {
    plan: FeedPlan<'s>,
    next: usize,
    pass: Option<(usize, Vec<usize>)>,
    /// Whether the source has targets (asked once: `target_shape` allocates).
    targets: bool,
}

impl<'s> Filler<'s> {
    fn new(plan: FeedPlan<'s>) -> Filler<'s> {
        let next = plan.steps.start;
        let targets = plan.source.target_shape().is_some();
        Filler {
            plan,
            next,
            pass: None,
            targets,
        }
    }

    /// Fills the next step into `batch`; `None` when the steps are done.
    fn fill_next(&mut self, batch: &mut Batch) -> Option<Result<()>> {
        if self.next >= self.plan.steps.end {
            return None;
        }
        let step = self.next;
        self.next += 1;
        Some(self.fill(step, batch))
    }

    fn fill(&mut self, step: usize, batch: &mut Batch) -> Result<()> {
        let source = self.plan.source;
        let per_pass = source.batches().max(1);
        let (pass, index) = (step / per_pass, step % per_pass);
        if self.pass.as_ref().is_none_or(|(p, _)| *p != pass) {
            let order = match self.plan.order {
                Order::Source => source.order(pass),
                Order::Samples => (0..source.len()).collect(),
            };
            if order.len() != source.len() {
                return Err(Error::Source {
                    what: format!(
                        "order({pass}) has {} samples but the source has {}",
                        order.len(),
                        source.len()
                    ),
                    source: "a source's order must be a permutation of its samples".into(),
                });
            }
            self.pass = Some((pass, order));
        }
        let order = &self.pass.as_ref().expect("cached").1;
        let b = source.batch_size().max(1);
        let start = (index * b).min(order.len());
        let end = (start + b).min(order.len());
        source
            .fill(
                &order[start..end],
                BatchKey::new(pass, index),
                &mut batch.x,
                &mut batch.y,
            )
            .map_err(|e| Error::Source {
                what: format!("batch {index} of pass {pass}"),
                source: e,
            })?;
        let rows = end - start;
        if batch.x.rows() != rows || (self.targets && batch.y.rows() != rows) {
            return Err(Error::Source {
                what: format!("batch {index} of pass {pass}"),
                source: format!(
                    "filled {} input rows and {} target rows for {rows} samples",
                    batch.x.rows(),
                    batch.y.rows()
                )
                .into(),
            });
        }
        (self.plan.check)(&batch.x, &batch.y)
    }
}

/// The batches of a [`FeedPlan`], in step order.
pub(crate) struct Feed<'s> {
    mode: Mode<'s>,
    /// The batch handed out last; returned to the producer on the next call.
    current: Option<Batch>,
}

enum Mode<'s> {
    Inline(Box<Filler<'s>>),
    Prefetch {
        batches: Receiver<Result<Batch>>,
        spare: Sender<Batch>,
    },
}

impl<'s> Feed<'s> {
    /// Starts a feed: inline when the source asks for no prefetching, else with a producer
    /// thread in `scope` that stays at most `source.prefetch()` batches ahead.
    pub(crate) fn start<'scope>(scope: &'scope Scope<'scope, '_>, plan: FeedPlan<'s>) -> Feed<'s>
    where
        's: 'scope,
    {
        let ahead = plan.source.prefetch();
        if ahead == 0 {
            return Feed {
                mode: Mode::Inline(Box::new(Filler::new(plan))),
                current: Some(Batch::empty()),
            };
        }
        let (tx, batches) = sync_channel::<Result<Batch>>(ahead);
        let (spare, spares) = channel::<Batch>();
        scope.spawn(move || produce(Filler::new(plan), &tx, &spares));
        Feed {
            mode: Mode::Prefetch { batches, spare },
            current: None,
        }
    }

    /// The next batch `(x, y)`, `None` after the last step.
    ///
    /// # Errors
    /// What the source or the batch check reported.
    pub(crate) fn next_batch(&mut self) -> Option<Result<(&Tensor, &Tensor)>> {
        match &mut self.mode {
            Mode::Inline(filler) => {
                let batch = self
                    .current
                    .as_mut()
                    .expect("inline feeds keep their buffer");
                match filler.fill_next(batch)? {
                    Ok(()) => Some(Ok((&batch.x, &batch.y))),
                    Err(e) => Some(Err(e)),
                }
            }
            Mode::Prefetch { batches, spare } => {
                if let Some(used) = self.current.take() {
                    // The producer may have finished; then the buffer is simply dropped.
                    let _ = spare.send(used);
                }
                match receive(batches) {
                    Ok(Ok(batch)) => {
                        let batch = self.current.insert(batch);
                        Some(Ok((&batch.x, &batch.y)))
                    }
                    Ok(Err(e)) => Some(Err(e)),
                    Err(_) => None,
                }
            }
        }
    }
}

/// Waits for the next message of `rx` without taking a rayon worker out of its pool.
///
/// The consumer runs on a rayon worker (training always does), and the producer's own
/// parallel loops (an augmenting source's `par_iter`) are rayon jobs too: a worker that
/// blocked in `recv` could leave no worker to run them — with as many concurrent `fit`s as
/// workers, none. So a worker helps its pool (`rayon::yield_now`) while it waits, as rayon's
/// own `join` does, and sleeps briefly only when the pool has nothing to do.
fn receive<T>(rx: &Receiver<T>) -> std::result::Result<T, RecvError> {
    loop {
        match rx.try_recv() {
            Ok(v) => return Ok(v),
            Err(TryRecvError::Disconnected) => return Err(RecvError),
            Err(TryRecvError::Empty) => {}
        }
        match rayon::yield_now() {
            Some(rayon::Yield::Executed) => {}
            Some(rayon::Yield::Idle) => match rx.recv_timeout(Duration::from_micros(200)) {
                Ok(v) => return Ok(v),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Err(RecvError),
            },
            None => return rx.recv(),
        }
    }
}

/// The producer: fills steps into spare buffers (or new ones while fewer than `ahead + 2`
/// exist) and sends them, until the steps end, a fill fails, or the consumer is gone.
fn produce(mut filler: Filler<'_>, tx: &SyncSender<Result<Batch>>, spares: &Receiver<Batch>) {
    loop {
        let mut batch = match spares.try_recv() {
            Ok(b) => b,
            Err(TryRecvError::Empty) => Batch::empty(),
            Err(TryRecvError::Disconnected) => return,
        };
        match filler.fill_next(&mut batch) {
            None => return,
            Some(Ok(())) => {
                if tx.send(Ok(batch)).is_err() {
                    return;
                }
            }
            Some(Err(e)) => {
                let _ = tx.send(Err(e));
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gradus_tensor::{SourceError, TensorSource};

    /// Sample `i` is the value `i`; with `prefetch` > 0 batches come from another thread.
    struct Numbers {
        n: usize,
        prefetch: usize,
        fail_at: Option<usize>,
    }

    impl BatchSource for Numbers {
        fn len(&self) -> usize {
            self.n
        }
        fn batch_size(&self) -> usize {
            3
        }
        fn sample_shape(&self) -> Vec<usize> {
            vec![1]
        }
        fn target_shape(&self) -> Option<Vec<usize>> {
            Some(vec![1])
        }
        fn order(&self, pass: usize) -> Vec<usize> {
            // A different rotation per pass.
            (0..self.n).map(|i| (i + pass) % self.n).collect()
        }
        fn fill(
            &self,
            samples: &[usize],
            key: BatchKey,
            x: &mut Tensor,
            y: &mut Tensor,
        ) -> std::result::Result<(), SourceError> {
            if Some(key.batch as usize) == self.fail_at {
                return Err("sample file unreadable".into());
            }
            let v: Vec<f32> = samples.iter().map(|&s| s as f32).collect();
            *x = Tensor::column(&v);
            *y = Tensor::column(&vec![key.epoch as f32; v.len()]);
            Ok(())
        }
        fn prefetch(&self) -> usize {
            self.prefetch
        }
    }

    fn collect(source: &dyn BatchSource, steps: std::ops::Range<usize>) -> Result<Vec<Vec<f32>>> {
        let ok = |_: &Tensor, _: &Tensor| Ok(());
        std::thread::scope(|scope| {
            let mut feed = Feed::start(
                scope,
                FeedPlan {
                    source,
                    steps,
                    order: Order::Source,
                    check: &ok,
                },
            );
            let mut out = Vec::new();
            while let Some(b) = feed.next_batch() {
                let (x, y) = b?;
                let mut row = x.data().to_vec();
                row.push(y.data()[0]); // the pass
                out.push(row);
            }
            Ok(out)
        })
    }

    /// Steps span passes (5 samples in batches of 3: 2 batches per pass), each pass in its
    /// own order; prefetched and inline feeds give the same batches.
    #[test]
    fn steps_walk_passes_in_order_with_or_without_prefetch() {
        let want = vec![
            vec![1.0, 2.0, 3.0, 1.0], // step 2 = pass 1, batch 0
            vec![4.0, 0.0, 1.0],      // pass 1, batch 1 (2 samples) + pass
            vec![2.0, 3.0, 4.0, 2.0], // pass 2, batch 0
        ];
        for prefetch in [0, 1, 2] {
            let s = Numbers {
                n: 5,
                prefetch,
                fail_at: None,
            };
            assert_eq!(collect(&s, 2..5).unwrap(), want, "prefetch {prefetch}");
        }
    }

    #[test]
    fn a_failing_fill_is_an_error_naming_the_batch() {
        for prefetch in [0, 2] {
            let s = Numbers {
                n: 9,
                prefetch,
                fail_at: Some(1),
            };
            let e = collect(&s, 0..3).unwrap_err();
            assert_eq!(
                e.to_string(),
                "batch source, batch 1 of pass 0: sample file unreadable"
            );
        }
    }

    /// Stopping early (dropping the feed) ends the producer instead of hanging.
    #[test]
    fn dropping_a_feed_stops_its_producer() {
        let s = Numbers {
            n: 1000,
            prefetch: 2,
            fail_at: None,
        };
        let ok = |_: &Tensor, _: &Tensor| Ok(());
        std::thread::scope(|scope| {
            let mut feed = Feed::start(
                scope,
                FeedPlan {
                    source: &s,
                    steps: 0..usize::MAX,
                    order: Order::Source,
                    check: &ok,
                },
            );
            assert!(feed.next_batch().unwrap().is_ok());
        });
    }

    #[test]
    fn tensor_sources_fill_inline() {
        let x = Tensor::column(&[0.0, 1.0, 2.0]);
        let s = TensorSource::new(&x, Some(&x), 2).unwrap();
        assert_eq!(s.prefetch(), 0);
        assert_eq!(
            collect(&s, 0..2).unwrap(),
            vec![vec![0.0, 1.0, 0.0], vec![2.0, 2.0]]
        );
    }
}
