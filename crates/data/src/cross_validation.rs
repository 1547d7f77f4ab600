//! [`CrossValidation`]: the closed set of splitters as one serde-configurable value.

use gradus_tensor::Tensor;
use serde::{Deserialize, Serialize};

use crate::{Fold, KFold, Result, ShuffleSplit, Splitter, StratifiedKFold};

/// Any of the bundled cross-validation schemes, as configuration data.
///
/// In a TOML spec: `cv = { kind = "k_fold", n_splits = 3 }`,
/// `cv = { kind = "stratified_k_fold", n_splits = 5, shuffle = true, seed = 1 }` or
/// `cv = { kind = "shuffle_split", test_size = 0.2 }`; omitted fields take each splitter's
/// defaults. The default is 5-fold [`KFold`], scikit-learn's default `cv`.
///
/// ```
/// use gradus_data::{CrossValidation, KFold, Splitter};
/// let cv: CrossValidation = serde_json::from_str(r#"{"kind": "k_fold", "n_splits": 3}"#).unwrap();
/// assert_eq!(cv, CrossValidation::KFold(KFold::new(3)));
/// assert_eq!(cv.split(9, None).unwrap()[1].test, [3, 4, 5]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CrossValidation {
    /// [`KFold`].
    KFold(KFold),
    /// [`StratifiedKFold`].
    StratifiedKFold(StratifiedKFold),
    /// [`ShuffleSplit`].
    ShuffleSplit(ShuffleSplit),
}

impl Default for CrossValidation {
    fn default() -> CrossValidation {
        CrossValidation::KFold(KFold::default())
    }
}

impl CrossValidation {
    /// The selected splitter as a trait object.
    pub fn splitter(&self) -> &dyn Splitter {
        match self {
            CrossValidation::KFold(s) => s,
            CrossValidation::StratifiedKFold(s) => s,
            CrossValidation::ShuffleSplit(s) => s,
        }
    }
}

impl Splitter for CrossValidation {
    fn split(&self, n_samples: usize, y: Option<&Tensor>) -> Result<Vec<Fold>> {
        self.splitter().split(n_samples, y)
    }

    fn n_splits(&self) -> usize {
        self.splitter().n_splits()
    }
}

impl From<KFold> for CrossValidation {
    fn from(s: KFold) -> CrossValidation {
        CrossValidation::KFold(s)
    }
}

impl From<StratifiedKFold> for CrossValidation {
    fn from(s: StratifiedKFold) -> CrossValidation {
        CrossValidation::StratifiedKFold(s)
    }
}

impl From<ShuffleSplit> for CrossValidation {
    fn from(s: ShuffleSplit) -> CrossValidation {
        CrossValidation::ShuffleSplit(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SmallClasses;

    #[test]
    fn toml_configs_build_each_splitter() {
        #[derive(Deserialize)]
        struct Spec {
            cv: CrossValidation,
        }
        let parse = |s: &str| toml::from_str::<Spec>(s).unwrap().cv;
        assert_eq!(
            parse("cv = { kind = \"k_fold\", n_splits = 3 }"),
            KFold::new(3).into()
        );
        assert_eq!(
            parse(
                "cv = { kind = \"stratified_k_fold\", shuffle = true, seed = 4, small_classes = \"allow\" }"
            ),
            StratifiedKFold::default()
                .shuffled(4)
                .with_small_classes(SmallClasses::Allow)
                .into()
        );
        let ss = parse("cv = { kind = \"shuffle_split\", test_size = 0.2 }");
        assert_eq!(ss, ShuffleSplit::new(10, 0.2, 0).into());
        assert_eq!(ss.n_splits(), 10);
        assert!(toml::from_str::<Spec>("cv = { kind = \"loo\" }").is_err());
        assert!(toml::from_str::<Spec>("cv = { kind = \"k_fold\", n_split = 3 }").is_err());
        let text = serde_json::to_string(&CrossValidation::default()).unwrap();
        assert_eq!(
            text,
            r#"{"kind":"k_fold","n_splits":5,"shuffle":false,"seed":0}"#
        );
    }

    #[test]
    fn delegates_to_the_selected_splitter() {
        let y = Tensor::column(&[0.0, 1.0, 0.0, 1.0]);
        let cv = CrossValidation::from(StratifiedKFold::new(2));
        assert_eq!(cv.split(4, Some(&y)).unwrap()[0].test, [0, 1]);
        assert!(cv.split(4, None).is_err(), "stratified needs labels");
    }
}
