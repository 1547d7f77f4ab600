//! The names most programs need: `use gradus::prelude::*;`.

pub use gradus_data::image::{
    ClassMode, ColorMode, ImageFolder, ImageFolderOptions, ImageOptions, array_to_img,
    img_to_array, load_img, save_img,
};
pub use gradus_data::{
    CrossValidation, CsvOptions, Dataset, Features, FlowOptions, ImageDataGenerator, KFold,
    MinMaxScaler, Scaler, ShuffleSplit, SplitOptions, StandardScaler, StratifiedKFold, bundled,
    load_csv, load_csv_features, one_hot, train_test_split,
};
pub use gradus_nn::{
    Activation, ActivationLayer, Adam, AveragePooling2D, BatchNormalization, Conv2D, CsvLogger,
    Dense, Dropout, EarlyStopping, FitConfig, FitOptions, Flatten, GlobalAveragePooling2D,
    GlobalMaxPooling2D, History, Initializer, LearningRateSchedule, LossConfig, MaxPooling2D,
    Metric, ModelCheckpoint, OptimizerConfig, Padding, ReduceLrOnPlateau, Regularizer, Rmsprop,
    Sequential, Sgd, Verbosity,
};
pub use gradus_tensor::ops::FillMode;
pub use gradus_tensor::{BatchSource, Rng, Tensor, TensorSource};
pub use gradus_tune::{
    Direction, GpConfig, GpSampler, GridSampler, MedianPruner, OptimizeOptions, PrunerConfig,
    RandomSampler, SamplerConfig, Study, TpeConfig, TpeSampler, Trial, TrialError,
};

pub use crate::{
    Algo, CvOptions, Estimator, FminOptions, GridSearchCv, ParamGrid, Params, PruningCallback,
    RandomizedSearchCv, SamplerSearchCv, Scoring, SearchOptions, SearchSpace, TpeSearchCv,
    cross_val_score, cross_validate, fmin, fmin_with, hp,
};
