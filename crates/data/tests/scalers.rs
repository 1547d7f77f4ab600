//! StandardScaler and MinMaxScaler against scikit-learn, plus save/load and shape errors.

use gradus_data::{
    Error, MinMaxOptions, MinMaxScaler, Scaler, StandardScaler, StandardScalerOptions, bundled,
};
use gradus_tensor::Tensor;

fn assert_close(got: &[f32], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len());
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        assert!(
            (f64::from(g) - w).abs() <= tol * w.abs().max(1.0),
            "element {i}: got {g}, want {w}"
        );
    }
}

fn small() -> Tensor {
    Tensor::from_rows(&[
        vec![1.0, 10.0, 7.0],
        vec![2.0, 20.0, 7.0],
        vec![4.0, 60.0, 7.0],
        vec![9.0, 30.0, 7.0],
    ])
    .unwrap()
}

// import numpy as np; from sklearn.preprocessing import StandardScaler
// X = np.array([[1, 10, 7], [2, 20, 7], [4, 60, 7], [9, 30, 7]], dtype=np.float32)
// s = StandardScaler().fit(X)
// s.mean_ → [4, 30, 7]; s.var_ → [9.5, 350, 0]; s.scale_ → [3.082207001484488, 18.708286933869708, 1]
// s.transform(X) → [[-0.97332853, -1.06904495, 0], [-0.64888567, -0.53452247, 0],
//                   [0, 1.60356748, 0], [1.6222142, 0, 0]]
// s.transform([[0, 0, 8]]) → [[-1.29777133, -1.60356748, 1]]
#[test]
fn standard_scaler_matches_scikit_learn() {
    let (s, z) = StandardScaler::fit_transform(&small()).unwrap();
    assert_eq!(s.mean(), &[4.0, 30.0, 7.0]);
    assert_eq!(s.var(), &[9.5, 350.0, 0.0]);
    assert_eq!(s.scale(), &[3.082207001484488, 18.708286933869708, 1.0]);
    assert_close(
        z.data(),
        &[
            -0.9733285307884216,
            -1.0690449476242065,
            0.0,
            -0.6488856673240662,
            -0.5345224738121033,
            0.0,
            0.0,
            1.6035674810409546,
            0.0,
            1.6222141981124878,
            0.0,
            0.0,
        ],
        1e-7,
    );
    let new = Tensor::from_rows(&[vec![0.0, 0.0, 8.0]]).unwrap();
    assert_close(
        s.transform(&new).unwrap().data(),
        &[-1.2977713346481323, -1.6035674810409546, 1.0],
        1e-7,
    );
    assert_eq!((s.n_features(), s.n_samples_seen()), (3, 4));
}

// StandardScaler(with_mean=False).fit_transform(X)[:, 0] → [0.32444284, 0.64888567, 1.29777133, 2.91998555]
// StandardScaler(with_std=False).fit_transform(X)[:, 0]  → [-3, -2, 0, 5]
#[test]
fn standard_scaler_options() {
    let x = small();
    let no_mean = StandardScalerOptions {
        with_mean: false,
        with_std: true,
    };
    let s = StandardScaler::fit_with(no_mean, &x).unwrap();
    let z = s.transform(&x).unwrap();
    let col0: Vec<f32> = (0..4).map(|r| z.row(r)[0]).collect();
    assert_close(
        &col0,
        &[0.32444284, 0.64888567, 1.29777133, 2.91998555],
        1e-7,
    );
    let no_std = StandardScalerOptions {
        with_mean: true,
        with_std: false,
    };
    let s = StandardScaler::fit_with(no_std, &x).unwrap();
    let z = s.transform(&x).unwrap();
    assert_eq!(
        (0..4).map(|r| z.row(r)[0]).collect::<Vec<_>>(),
        [-3.0, -2.0, 0.0, 5.0]
    );
    assert_eq!(s.inverse_transform(&z).unwrap(), x);
}

// d = np.genfromtxt("examples/data/diabetes.csv", delimiter=",", skip_header=1)
// X = d[:, :10].astype(np.float32); s = StandardScaler().fit(X[:300])
// s.mean_[[0, 2, 9]] → [48.13333333333333, 26.189333299001056, 90.65666666666667]
// s.scale_[[0, 2, 9]] → [13.39709752977197, 4.31584897378558, 11.463803421591319]
// s.transform(X[300:301]) → [[0.36326262, -0.92916852, 1.62440073, -0.85181874, -0.04877055,
//                             -0.25270671, -0.32516143, 0.0387949, 0.99565601, 0.98949105]]
#[test]
fn standard_scaler_on_diabetes_training_rows() {
    let d = bundled::diabetes().unwrap();
    let train = d.x.slice_rows(0, 300);
    let s = StandardScaler::fit(&train).unwrap();
    for (c, m, sd) in [
        (0, 48.13333333333333, 13.39709752977197),
        (2, 26.189333299001056, 4.31584897378558),
        (9, 90.65666666666667, 11.463803421591319),
    ] {
        assert!((s.mean()[c] - m).abs() < 1e-9 * m, "mean {c}");
        assert!((s.scale()[c] - sd).abs() < 1e-9 * sd, "scale {c}");
    }
    let z = s.transform(&d.x.slice_rows(300, 301)).unwrap();
    assert_close(
        z.data(),
        &[
            0.3632626235485077,
            -0.9291685223579407,
            1.6244007349014282,
            -0.8518187403678894,
            -0.04877055436372757,
            -0.25270670652389526,
            -0.3251614272594452,
            0.03879489749670029,
            0.9956560134887695,
            0.9894910454750061,
        ],
        1e-6,
    );
    // Fitted on the training rows, the training columns have mean 0 and std 1.
    let zt = s.transform(&train).unwrap();
    for c in 0..10 {
        let col: Vec<f64> = (0..300).map(|r| f64::from(zt.row(r)[c])).collect();
        let mean = col.iter().sum::<f64>() / 300.0;
        let var = col.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 300.0;
        assert!(mean.abs() < 1e-6 && (var - 1.0).abs() < 1e-5, "column {c}");
    }
}

// from sklearn.preprocessing import MinMaxScaler
// m = MinMaxScaler(feature_range=(-1, 1)).fit(X)
// m.scale_ → [0.25, 0.04, 2]; m.min_ → [-1.25, -1.4, -15]
// m.transform(X) → [[-1, -1, -1], [-0.75, -0.6, -1], [-0.25, 1, -1], [1, -0.2, -1]]
// MinMaxScaler(clip=True).fit(X).transform([[0, 70, 7], [5, 35, 100]]) → [[0, 1, 0], [0.5, 0.5, 1]]
// MinMaxScaler().fit(X).transform([[0, 70, 7], [5, 35, 100]]) → [[-0.125, 1.2, 0], [0.5, 0.5, 93]]
#[test]
fn min_max_scaler_matches_scikit_learn() {
    let x = small();
    let opts = MinMaxOptions {
        feature_range: (-1.0, 1.0),
        clip: false,
    };
    let m = MinMaxScaler::fit_with(opts, &x).unwrap();
    assert_eq!(m.scale(), &[0.25, 0.04, 2.0]);
    for (got, want) in m.min().iter().zip([-1.25, -1.4, -15.0]) {
        assert!((got - want).abs() < 1e-12, "min {got} vs {want}");
    }
    assert_eq!(
        (m.data_min(), m.data_max()),
        (&[1.0, 10.0, 7.0][..], &[9.0, 60.0, 7.0][..])
    );
    let z = m.transform(&x).unwrap();
    assert_close(
        z.data(),
        &[
            -1.0, -1.0, -1.0, -0.75, -0.6, -1.0, -0.25, 1.0, -1.0, 1.0, -0.2, -1.0,
        ],
        1e-6,
    );
    let back = m.inverse_transform(&z).unwrap();
    assert_close(
        back.data(),
        &[
            1.0, 10.0, 7.0, 2.0, 20.0, 7.0, 4.0, 60.0, 7.0, 9.0, 30.0, 7.0,
        ],
        1e-6,
    );

    let clip = MinMaxOptions {
        clip: true,
        ..MinMaxOptions::default()
    };
    let m = MinMaxScaler::fit_with(clip, &x).unwrap();
    let new = Tensor::from_rows(&[vec![0.0, 70.0, 7.0], vec![5.0, 35.0, 100.0]]).unwrap();
    assert_close(
        m.transform(&new).unwrap().data(),
        &[0.0, 1.0, 0.0, 0.5, 0.5, 1.0],
        1e-7,
    );
    // Without clipping the same rows leave the range.
    let z = MinMaxScaler::fit(&x).unwrap().transform(&new).unwrap();
    assert_close(z.data(), &[-0.125, 1.2, 0.0, 0.5, 0.5, 93.0], 1e-6);

    let bad = MinMaxOptions {
        feature_range: (1.0, 1.0),
        clip: false,
    };
    let e = MinMaxScaler::fit_with(bad, &x).unwrap_err();
    assert!(e.to_string().contains("low < high"), "{e}");
}

#[test]
fn column_mismatch_names_expected_and_got() {
    let s = StandardScaler::fit(&small()).unwrap();
    let e = s.transform(&Tensor::zeros(&[2, 4])).unwrap_err();
    assert_eq!(
        e.to_string(),
        "StandardScaler was fitted on 3 columns but got 4; transform data with the same \
         features, in the same order, as the training data"
    );
    assert!(s.inverse_transform(&Tensor::zeros(&[1, 2])).is_err());
    let m = MinMaxScaler::fit(&small()).unwrap();
    let e = m.transform(&Tensor::zeros(&[2, 2])).unwrap_err();
    assert!(matches!(
        e,
        Error::ColumnMismatch {
            what: "MinMaxScaler",
            expected: 3,
            got: 2
        }
    ));
    assert!(m.inverse_transform(&Tensor::zeros(&[2, 2])).is_err());
    let e = StandardScaler::fit(&Tensor::zeros(&[0, 3])).unwrap_err();
    assert!(matches!(e, Error::NoData { .. }), "{e}");
}

#[test]
fn fitted_scalers_round_trip_through_json() {
    let x = small();
    let s = StandardScaler::fit(&x).unwrap();
    let json = serde_json::to_string(&s).unwrap();
    let back: StandardScaler = serde_json::from_str(&json).unwrap();
    assert_eq!(back, s);
    assert_eq!(back.transform(&x).unwrap(), s.transform(&x).unwrap());
    let m = MinMaxScaler::fit(&x).unwrap();
    let back: MinMaxScaler = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
    assert_eq!(back, m);

    // Inconsistent saved state is rejected, not trusted.
    let broken = json.replace("\"scale\":[3.082207001484488,", "\"scale\":[");
    assert_ne!(broken, json);
    let e = serde_json::from_str::<StandardScaler>(&broken).unwrap_err();
    assert!(e.to_string().contains("one entry per column"), "{e}");
    let zero = json.replace("18.708286933869708", "0.0");
    assert!(serde_json::from_str::<StandardScaler>(&zero).is_err());
}

#[test]
fn corrupt_saved_statistics_are_rejected_by_name() {
    let x = small();
    let text = toml::to_string(&StandardScaler::fit(&x).unwrap()).unwrap();
    let nan_mean =
        text.replacen("mean = [", "mean = [nan, ", 1)
            .replacen("var = [", "var = [1.0, ", 1);
    let nan_mean = nan_mean.replacen("scale = [", "scale = [1.0, ", 1);
    let e = toml::from_str::<StandardScaler>(&nan_mean).unwrap_err();
    assert!(
        e.to_string().contains(
            "StandardScaler: mean[0] is NaN, but every mean must be finite; the saved scaler \
             was edited or corrupted: fit it again"
        ),
        "{e}"
    );
    let m = MinMaxScaler::fit(&x).unwrap();
    let json = serde_json::to_string(&m).unwrap();
    let first_scale = format!("\"scale\":[{}", m.scale()[0]);
    assert!(json.contains(&first_scale), "{json}");
    let zero = json.replace(&first_scale, "\"scale\":[0.0");
    let e = serde_json::from_str::<MinMaxScaler>(&zero).unwrap_err();
    assert!(
        e.to_string().starts_with(
            "MinMaxScaler: scale[0] is 0, but every scale must be finite and positive"
        ),
        "{e}"
    );
}

#[test]
fn ranges_and_values_beyond_f32_are_errors_not_infinities() {
    let x = small();
    for range in [
        (-1e300, 1e300),
        (0.0, 1e39),
        (f64::NEG_INFINITY, 0.0),
        (f64::NAN, 1.0),
    ] {
        let opts = MinMaxOptions {
            feature_range: range,
            clip: false,
        };
        let e = MinMaxScaler::fit_with(opts, &x).unwrap_err().to_string();
        assert!(
            e.contains("within the 32-bit float range (±3.4e38)"),
            "{range:?}: {e}"
        );
    }
    let max = f64::from(f32::MAX);
    let widest = MinMaxOptions {
        feature_range: (-max, max),
        clip: false,
    };
    let (_, z) = MinMaxScaler::fit_transform(&x).unwrap();
    assert!(z.data().iter().all(|v| v.is_finite()));
    let m = MinMaxScaler::fit_with(widest, &x).unwrap();
    assert!(
        m.transform(&x)
            .unwrap()
            .data()
            .iter()
            .all(|v| v.is_finite())
    );
    // Beyond the fitted range the widest range overflows f32: an error naming the cell.
    let mut far = x.clone();
    far.data_mut()[4] = 1e30;
    let e = m.transform(&far).unwrap_err();
    assert_eq!(
        e.to_string(),
        "MinMaxScaler: row 1, column 1 holds 1000000000000000000000000000000, which maps \
         beyond the 32-bit float range (±3.4e38); it lies far outside the data the scaler \
         was fitted on: check the value, or fit on data that covers it"
    );
    // Centering without scaling can overflow too; NaN passes through as in scikit-learn.
    let wide = Tensor::column(&[-3e38, 3e38, 3e38]);
    let centred = StandardScaler::fit_with(
        StandardScalerOptions {
            with_mean: true,
            with_std: false,
        },
        &wide,
    )
    .unwrap();
    assert!(matches!(
        centred.transform(&wide),
        Err(Error::ScaledOutOfRange { row: 0, .. })
    ));
    let s = StandardScaler::fit(&wide).unwrap();
    let z = s.transform(&Tensor::column(&[f32::NAN, 3e38])).unwrap();
    assert!(z.data()[0].is_nan());
    assert!(
        (z.data()[1] - std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6,
        "{z:?}"
    );
}
