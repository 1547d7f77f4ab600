//! The bundled data sets: shapes, targets and class counts as scikit-learn loads them.

use gradus_data::bundled::{self, Bundled};
use gradus_data::{CsvOptions, Error, load_csv, one_hot};

fn class_counts(y: &gradus_tensor::Tensor) -> Vec<usize> {
    let onehot = one_hot(y, None).unwrap();
    (0..onehot.row_len())
        .map(|c| {
            (0..onehot.rows())
                .filter(|&r| onehot.row(r)[c] == 1.0)
                .count()
        })
        .collect()
}

// import numpy as np
// for n, t in [("iris", "species"), ("wine", "class"), ("breast_cancer", "target"), ("digits", "digit")]:
//     a = np.genfromtxt(f"examples/data/{n}.csv", delimiter=",", names=True)
//     print(n, a.shape, np.bincount(a[t].astype(int)).tolist(), len(a.dtype.names) - 1)
// → iris (150,) [50, 50, 50] 4;  wine (178,) [59, 71, 48] 13;  breast_cancer (569,) [212, 357] 30
//   digits (1797,) [178, 182, 177, 183, 181, 182, 181, 179, 174, 180] 64
// sklearn.datasets.load_diabetes(scaled=False).target.mean() → 152.13348416289594
#[test]
fn shapes_targets_and_class_counts() {
    let iris = bundled::iris().unwrap();
    assert_eq!(iris.x.dims(), &[150, 4]);
    assert_eq!(class_counts(&iris.y), [50, 50, 50]);
    assert_eq!(iris.feature_names[0], "sepal_length_cm");
    assert_eq!(iris.x.row(0), &[5.1, 3.5, 1.4, 0.2]);

    let wine = bundled::wine().unwrap();
    assert_eq!(
        (wine.x.dims(), wine.target_name.as_str()),
        (&[178, 13][..], "class")
    );
    assert_eq!(class_counts(&wine.y), [59, 71, 48]);

    let bc = bundled::breast_cancer().unwrap();
    assert_eq!((bc.n_samples(), bc.n_features()), (569, 30));
    assert_eq!(class_counts(&bc.y), [212, 357]);

    let digits = bundled::digits().unwrap();
    assert_eq!((digits.n_samples(), digits.n_features()), (1797, 64));
    assert_eq!(
        class_counts(&digits.y),
        [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    );
    assert_eq!(digits.feature_names[63], "p63");
    assert!(digits.x.data().iter().all(|&p| (0.0..=16.0).contains(&p)));

    let diabetes = bundled::diabetes().unwrap();
    assert_eq!((diabetes.n_samples(), diabetes.n_features()), (442, 10));
    assert_eq!(diabetes.target_name, "progression");
    assert_eq!(&diabetes.y.data()[..3], &[151.0, 75.0, 141.0]);
    let mean = diabetes.y.data().iter().map(|&v| f64::from(v)).sum::<f64>() / 442.0;
    assert!((mean - 152.13348416289594).abs() < 1e-9, "{mean}");
}

#[test]
fn names_paths_and_errors() {
    for b in Bundled::ALL {
        assert_eq!(b.name().parse::<Bundled>().unwrap(), b);
        assert_eq!(b.to_string(), b.name());
        let embedded = b.load().unwrap();
        assert_eq!(embedded.target_name, b.target());
        assert_eq!(bundled::load(b.name()).unwrap(), embedded);
        // The embedded text is the file in examples/data.
        let from_disk = load_csv(b.path(), &CsvOptions::new(b.target())).unwrap();
        assert_eq!(from_disk, embedded, "{b}");
        let classes = b.num_classes().map(|_| class_counts(&embedded.y).len());
        assert_eq!(classes, b.num_classes(), "{b}");
    }
    let e = bundled::load("mnist").unwrap_err();
    assert!(matches!(e, Error::UnknownDataset { .. }));
    assert_eq!(
        e.to_string(),
        "there is no bundled data set `mnist`; the bundled ones are: diabetes, iris, wine, \
         breast_cancer, digits"
    );
    let b: Bundled = serde_json::from_str("\"breast_cancer\"").unwrap();
    assert_eq!(b, Bundled::BreastCancer);
}
