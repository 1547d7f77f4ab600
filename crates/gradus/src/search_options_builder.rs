//! Builder methods every search shares, generated once for the three search types.

/// Implements the shared `SearchOptions` setters on a search type with an `options` field.
macro_rules! search_option_setters {
    ($t:ident) => {
        impl<E: $crate::BuildEstimator> $t<E> {
            /// The cross-validation folds (`KFold::new(3)`, `StratifiedKFold`, …).
            pub fn cv(mut self, cv: impl Into<gradus_data::CrossValidation>) -> Self {
                self.options.cv = cv.into();
                self
            }

            /// The scorer to maximise.
            pub fn scoring(mut self, scoring: $crate::Scoring) -> Self {
                self.options.scoring = scoring;
                self
            }

            /// Candidates evaluated in parallel; −1 means one per core. Each runs its
            /// training single-threaded.
            pub fn n_jobs(mut self, n_jobs: i32) -> Self {
                self.options.n_jobs = n_jobs;
                self
            }

            /// Whether to train the best candidate on all the data afterwards.
            pub fn refit(mut self, refit: bool) -> Self {
                self.options.refit = refit;
                self
            }

            /// The seed of the search's own randomness.
            pub fn seed(mut self, seed: u64) -> Self {
                self.options.seed = seed;
                self
            }

            /// All shared options at once.
            pub fn options(mut self, options: $crate::SearchOptions) -> Self {
                self.options = options;
                self
            }
        }
    };
}

pub(crate) use search_option_setters;
