//! StratifiedKFold against scikit-learn's folds (unshuffled) and its invariants (shuffled).

use gradus_data::{Error, SmallClasses, Splitter, StratifiedKFold, bundled};
use gradus_tensor::Tensor;

fn labels(v: &[i32]) -> Tensor {
    Tensor::column(&v.iter().map(|&l| l as f32).collect::<Vec<_>>())
}

fn test_folds(cv: StratifiedKFold, y: &[i32]) -> Vec<Vec<usize>> {
    cv.split(y.len(), Some(&labels(y)))
        .unwrap()
        .into_iter()
        .map(|f| f.test)
        .collect()
}

// import numpy as np; from sklearn.model_selection import StratifiedKFold
// def folds(y, k): return [t.tolist() for _, t in StratifiedKFold(k).split(np.zeros(len(y)), y)]
// folds([2,2,0,1,0,2,1,1,0,2,2,1,0,0,2], 3)
//   → [[0, 1, 2, 3, 4], [5, 6, 8, 9, 12], [7, 10, 11, 13, 14]]
// folds([1,1,1,1,1,1,1,0,0,0], 3)         → [[0, 1, 2, 7], [3, 4, 8], [5, 6, 9]]
// folds([5,3,5,5,3,5,5,5,3,5,5], 2)       → [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10]]
// folds([0]*7 + [1]*3 + [2]*2, 3)  (warns: least populated class has 2 members)
//   → [[0, 1, 2, 7], [3, 4, 8, 10], [5, 6, 9, 11]]
#[test]
fn unshuffled_folds_equal_scikit_learn() {
    assert_eq!(
        test_folds(
            StratifiedKFold::new(3),
            &[2, 2, 0, 1, 0, 2, 1, 1, 0, 2, 2, 1, 0, 0, 2]
        ),
        [
            vec![0, 1, 2, 3, 4],
            vec![5, 6, 8, 9, 12],
            vec![7, 10, 11, 13, 14]
        ]
    );
    assert_eq!(
        test_folds(StratifiedKFold::new(3), &[1, 1, 1, 1, 1, 1, 1, 0, 0, 0]),
        [vec![0, 1, 2, 7], vec![3, 4, 8], vec![5, 6, 9]]
    );
    assert_eq!(
        test_folds(StratifiedKFold::new(2), &[5, 3, 5, 5, 3, 5, 5, 5, 3, 5, 5]),
        [vec![0, 1, 2, 3, 4, 5], vec![6, 7, 8, 9, 10]]
    );
    let small = [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2];
    assert_eq!(
        test_folds(
            StratifiedKFold::new(3).with_small_classes(SmallClasses::Allow),
            &small
        ),
        [vec![0, 1, 2, 7], vec![3, 4, 8, 10], vec![5, 6, 9, 11]]
    );
}

/// The fold of every row, as one digit per row.
fn assignment(cv: StratifiedKFold, y: &Tensor) -> String {
    let folds = cv.split(y.rows(), Some(y)).unwrap();
    let mut fold_of = vec![0; y.rows()];
    for (k, f) in folds.iter().enumerate() {
        for &i in &f.test {
            fold_of[i] = k;
        }
    }
    fold_of.iter().map(|k| k.to_string()).collect()
}

// for name, target, k in [("wine", "class", 5), ("iris", "species", 4)]:
//     y = np.genfromtxt(f"examples/data/{name}.csv", delimiter=",", names=True)[target]
//     tf = np.empty(len(y), int)
//     for i, (_, t) in enumerate(StratifiedKFold(k).split(np.zeros(len(y)), y)): tf[t] = i
//     print("".join(map(str, tf)))
#[test]
fn real_data_folds_equal_scikit_learn() {
    let wine = bundled::wine().unwrap();
    assert_eq!(
        assignment(StratifiedKFold::new(5), &wine.y),
        "0000000000001111111111112222222222223333333333334444444444400000000000000111111111111\
         112222222222222233333333333333444444444444444000000000011111111112222222222333333333\
         444444444"
    );
    let iris = bundled::iris().unwrap();
    assert_eq!(
        assignment(StratifiedKFold::new(4), &iris.y),
        "0000000000000111111111111122222222222233333333333300000000000011111111111122222222222\
         22333333333333300000000000001111111111111222222222222333333333333"
    );
}

#[test]
fn shuffled_folds_keep_the_allocation_and_are_seeded() {
    let y = bundled::wine().unwrap().y;
    let plain = StratifiedKFold::new(5).split(178, Some(&y)).unwrap();
    let cv = StratifiedKFold::new(5).shuffled(3);
    let shuffled = cv.split(178, Some(&y)).unwrap();
    assert_eq!(shuffled, cv.split(178, Some(&y)).unwrap());
    assert_ne!(shuffled, plain);
    assert_ne!(
        shuffled,
        StratifiedKFold::new(5)
            .shuffled(4)
            .split(178, Some(&y))
            .unwrap()
    );
    let class_counts = |idx: &[usize]| {
        let mut c = [0usize; 3];
        for &i in idx {
            c[y.data()[i] as usize] += 1;
        }
        c
    };
    let mut tested = [false; 178];
    for (a, b) in plain.iter().zip(&shuffled) {
        // Same number of each class per test fold as the unshuffled (scikit-learn) folds.
        assert_eq!(class_counts(&a.test), class_counts(&b.test));
        assert_eq!(b.train.len() + b.test.len(), 178);
        for &i in &b.test {
            assert!(!tested[i], "row {i} tested twice");
            tested[i] = true;
        }
    }
    assert!(tested.iter().all(|&t| t));
}

// folds([0, 0, 1, 1, 2, 2], 3)
//   → ValueError: n_splits=3 cannot be greater than the number of members in each class.
#[test]
fn impossible_or_unwanted_configurations_are_errors() {
    let err = |cv: StratifiedKFold, y: &[f32], n: usize| {
        cv.split(n, Some(&Tensor::column(y)))
            .unwrap_err()
            .to_string()
    };
    let e = err(
        StratifiedKFold::new(3).with_small_classes(SmallClasses::Allow),
        &[0.0, 0.0, 1.0, 1.0, 2.0, 2.0],
        6,
    );
    assert!(
        e.contains("n_splits=3 cannot be greater than the number of members in each class"),
        "{e}"
    );
    let e = err(
        StratifiedKFold::new(3),
        &[0.0, 0.0, 0.0, 7.0, 7.0, 0.0, 0.0],
        7,
    );
    assert_eq!(
        e,
        "StratifiedKFold: class 7 has only 2 members, fewer than n_splits=3, so some test \
         folds would hold none of it; lower n_splits to 2 or set small_classes = \"allow\" \
         to accept scikit-learn's folds"
    );
    let e = err(StratifiedKFold::new(2), &[0.0, 0.0, 3.0], 3);
    assert_eq!(
        e,
        "StratifiedKFold: class 3 has only 1 members, fewer than n_splits=2, so some test \
         folds would hold none of it; merge or drop the class or set small_classes = \"allow\" \
         to accept scikit-learn's folds"
    );
    // Labels beyond i64 stay distinct classes (a cast used to merge them).
    let y = Tensor::column(&[1e19, 1e19, 2e19, 2e19]);
    let folds = StratifiedKFold::new(2).split(4, Some(&y)).unwrap();
    assert_eq!(folds[0].test, [0, 2]);
    assert_eq!(folds[1].test, [1, 3]);
    let e = err(StratifiedKFold::new(2), &[0.0, 0.5, 1.0, 1.0], 4);
    assert!(
        e.starts_with("label at row 1 is 0.5: StratifiedKFold needs integer class labels"),
        "{e}"
    );
    let e = err(StratifiedKFold::new(2), &[0.0, 1.0, 1.0], 4);
    assert!(e.contains("y has 3 rows but n_samples is 4"), "{e}");
    let e = err(StratifiedKFold::new(1), &[0.0, 1.0], 2);
    assert!(e.contains("set n_splits to 2 or more (got 1)"), "{e}");
    let e = StratifiedKFold::new(2).split(4, None).unwrap_err();
    assert!(e.to_string().contains("needs the class labels y"), "{e}");
    let e = StratifiedKFold::new(2)
        .split(2, Some(&Tensor::zeros(&[2, 3])))
        .unwrap_err();
    assert!(matches!(e, Error::LabelShape { .. }), "{e}");
}
