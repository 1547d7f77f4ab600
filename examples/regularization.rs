//! The course's regularization techniques, side by side on the breast cancer data set
//! (binary classification, 30 features): a baseline MLP, then the same network with
//! L2 weight decay (Dense 64 with l2(0.01)), with Dropout(0.5), with
//! BatchNormalization + Activation, and with EarlyStopping on val_loss (patience 3).
//! For each it prints training and test accuracy, the gap between them, the epochs run and
//! the kernel norm — what each technique did.
//!
//! `cargo run --release -p gradus --example regularization`

use gradus::prelude::*;

struct Variant {
    name: &'static str,
    model: Sequential,
    callbacks: Vec<EarlyStopping>,
}

fn variant(name: &'static str, layers: impl FnOnce(&mut Sequential)) -> Variant {
    let mut model = Sequential::new();
    layers(&mut model);
    model.add(Dense::new(1).activation(Activation::Sigmoid));
    Variant {
        name,
        model,
        callbacks: Vec::new(),
    }
}

fn main() -> gradus::Result<()> {
    let data = bundled::breast_cancer()?;
    // A small training set makes over-fitting visible.
    let split = train_test_split(&data.x, &data.y, SplitOptions::new().test_size(0.5).seed(7))?;
    let scaler = StandardScaler::fit(&split.x_train)?;
    let (x_train, x_test) = (
        scaler.transform(&split.x_train)?,
        scaler.transform(&split.x_test)?,
    );

    let mut variants = vec![
        variant("baseline: Dense 64 relu", |m| {
            m.add(Dense::new(64).activation(Activation::Relu));
        }),
        variant("L2: Dense 64 relu, kernel l2(0.01)", |m| {
            m.add(
                Dense::new(64)
                    .activation(Activation::Relu)
                    .kernel_regularizer(Regularizer::l2(0.01)),
            );
        }),
        variant("Dropout(0.5) after Dense 64", |m| {
            m.add(Dense::new(64).activation(Activation::Relu));
            m.add(Dropout::new(0.5));
        }),
        variant(
            "Dense 64 → BatchNormalization → Activation(relu)",
            |m| {
                m.add(Dense::new(64));
                m.add(BatchNormalization::new());
                m.add(ActivationLayer::new(Activation::Relu));
            },
        ),
        variant("EarlyStopping(val_loss, patience 3)", |m| {
            m.add(Dense::new(64).activation(Activation::Relu));
        }),
    ];
    variants[4].callbacks.push(
        EarlyStopping::new("val_loss")
            .patience(3)
            .restore_best_weights(true),
    );

    println!(
        "{:<50} {:>9} {:>9} {:>7} {:>7} {:>8}",
        "model", "train acc", "test acc", "gap", "epochs", "‖W₁‖"
    );
    for v in variants {
        let Variant {
            name,
            mut model,
            callbacks,
        } = v;
        model.compile(
            OptimizerConfig::adam(0.01),
            LossConfig::binary_crossentropy(),
            &[Metric::Accuracy],
        )?;
        let mut fit = FitConfig::new()
            .epochs(100)
            .batch_size(16)
            .validation_split(0.2)
            .seed(1)
            .verbose(Verbosity::Silent);
        for cb in callbacks {
            fit = fit.callback(cb);
        }
        let history = model.fit(&x_train, &split.y_train, fit)?;
        let train = model.evaluate(&x_train, &split.y_train)?;
        let test = model.evaluate(&x_test, &split.y_test)?;
        let kernel = &model.get_weights().0[0];
        let norm = kernel
            .data()
            .iter()
            .map(|v| (*v as f64).powi(2))
            .sum::<f64>()
            .sqrt();
        println!(
            "{name:<50} {:>9.4} {:>9.4} {:>7.4} {:>7} {:>8.2}",
            train["accuracy"],
            test["accuracy"],
            train["accuracy"] - test["accuracy"],
            history.epochs_run(),
            norm
        );
    }
    println!("\nL2 shrinks the weights, dropout and early stopping narrow the train/test gap, and");
    println!("batch normalisation keeps each layer's inputs standardised while training.");
    Ok(())
}
