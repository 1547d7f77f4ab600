//! [`History`]: what `fit` returns.

use std::collections::BTreeMap;

use crate::Logs;

/// Per-epoch values recorded by `fit`, as Keras's `History`: `history["loss"][i]` is the
/// loss of the `i`-th epoch run.
///
/// ```
/// use gradus_nn::History;
/// let mut h = History::default();
/// h.record(0, &[("loss".to_string(), 0.5)].into_iter().collect());
/// h.record(1, &[("loss".to_string(), 0.25)].into_iter().collect());
/// assert_eq!(h.get("loss"), Some(&[0.5, 0.25][..]));
/// assert_eq!(h.best_epoch("loss", false), Some(1));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct History {
    /// The epoch indices run (from `initial_epoch`).
    pub epoch: Vec<usize>,
    /// Values per log key, one per epoch run.
    pub history: BTreeMap<String, Vec<f64>>,
    /// The epoch after which a callback stopped training, if one did.
    pub stopped_epoch: Option<usize>,
}

impl History {
    /// Appends an epoch's logs.
    pub fn record(&mut self, epoch: usize, logs: &Logs) {
        self.epoch.push(epoch);
        for (k, v) in logs {
            self.history.entry(k.clone()).or_default().push(*v);
        }
    }

    /// The values of `key`, one per epoch.
    pub fn get(&self, key: &str) -> Option<&[f64]> {
        self.history.get(key).map(Vec::as_slice)
    }

    /// The last value of `key`.
    pub fn last(&self, key: &str) -> Option<f64> {
        self.get(key).and_then(|v| v.last().copied())
    }

    /// The epoch (from the `epoch` list) with the best value of `key`.
    pub fn best_epoch(&self, key: &str, higher_is_better: bool) -> Option<usize> {
        let values = self.get(key)?;
        let mut best: Option<usize> = None;
        for (i, v) in values.iter().enumerate() {
            let better = match best {
                None => true,
                Some(b) if higher_is_better => *v > values[b],
                Some(b) => *v < values[b],
            };
            if better {
                best = Some(i);
            }
        }
        best.map(|i| self.epoch[i])
    }

    /// Number of epochs run.
    pub fn epochs_run(&self) -> usize {
        self.epoch.len()
    }
}
