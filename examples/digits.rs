//! Classification of 8×8 handwritten digits: an MLP with dropout and a softmax output
//! trained with sparse categorical cross-entropy; accuracy on held-out images.
//!
//! `cargo run --release -p gradus --example digits`

use gradus::prelude::*;

fn main() -> gradus::Result<()> {
    let data = bundled::digits()?;
    let split = train_test_split(&data.x, &data.y, SplitOptions::new().test_size(0.2))?;
    let scaler = StandardScaler::fit(&split.x_train)?;
    let (x_train, x_test) = (
        scaler.transform(&split.x_train)?,
        scaler.transform(&split.x_test)?,
    );

    let mut model = Sequential::new();
    model.add(Dense::new(128).activation(Activation::Relu));
    model.add(Dropout::new(0.2));
    model.add(Dense::new(64).activation(Activation::Relu));
    model.add(Dense::new(10).activation(Activation::Softmax));
    model.compile(
        OptimizerConfig::adam(1e-3),
        LossConfig::sparse_categorical_crossentropy(),
        &[Metric::Accuracy, Metric::TopKAccuracy { k: 3 }],
    )?;
    let history = model.fit(
        &x_train,
        &split.y_train,
        FitConfig::new()
            .epochs(30)
            .batch_size(32)
            .validation_split(0.1)
            .seed(0),
    )?;
    println!(
        "final training accuracy {:.4}",
        history.last("accuracy").unwrap()
    );

    let test = model.evaluate(&x_test, &split.y_test)?;
    println!(
        "test loss {:.4}, accuracy {:.4}, top-3 accuracy {:.4} on {} images",
        test["loss"],
        test["accuracy"],
        test["top_3_accuracy"],
        x_test.rows()
    );
    Ok(())
}
