//! The names most programs need: `use gradus::prelude::*;`.

pub use gradus_data::{
    CrossValidation, CsvOptions, Dataset, Features, KFold, MinMaxScaler, Scaler, ShuffleSplit,
    StandardScaler, StratifiedKFold, bundled, load_csv, one_hot, train_test_split,
};
pub use gradus_nn::{
    Activation, ActivationLayer, Adam, BatchNormalization, CsvLogger, Dense, Dropout,
    EarlyStopping, FitConfig, Flatten, History, Initializer, LearningRateSchedule, LossConfig,
    Metric, ModelCheckpoint, OptimizerConfig, ReduceLrOnPlateau, Regularizer, Rmsprop, Sequential,
    Sgd, Verbosity,
};
pub use gradus_tensor::{BatchSource, Rng, Tensor, TensorSource};
pub use gradus_tune::{
    Direction, GridSampler, MedianPruner, OptimizeOptions, RandomSampler, Study, TpeConfig,
    TpeSampler, Trial, TrialError,
};

pub use crate::{
    Estimator, GridSearchCv, ParamGrid, Params, PruningCallback, RandomizedSearchCv, Scoring,
    SearchOptions, SearchSpace, TpeSearchCv, cross_val_score, cross_validate,
};
