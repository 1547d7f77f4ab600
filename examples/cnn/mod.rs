//! The small CNN on the bundled 8×8 digits, shared by the `digits_cnn` example and its test.

use gradus::prelude::*;

/// Train and test images (N×8×8×1, pixels scaled to 0..1) and their class ids.
pub struct Digits {
    pub x_train: Tensor,
    pub y_train: Tensor,
    pub x_test: Tensor,
    pub y_test: Tensor,
}

/// The digits as images, split 80/20 with seed 0, pixels divided by 16.
pub fn digits() -> gradus::Result<Digits> {
    let mut data = bundled::digits_images()?;
    data.x.data_mut().iter_mut().for_each(|v| *v /= 16.0);
    let split = train_test_split(&data.x, &data.y, SplitOptions::new().test_size(0.2))?;
    Ok(Digits {
        x_train: split.x_train,
        y_train: split.y_train,
        x_test: split.x_test,
        y_test: split.y_test,
    })
}

/// Conv 32 3×3 → Conv 64 3×3 → max-pool 2 → dropout → dense 128 → softmax 10.
pub fn model() -> gradus::Result<Sequential> {
    let mut m = Sequential::new();
    m.add(
        Conv2D::new(32, [3, 3])
            .padding(Padding::Same)
            .activation(Activation::Relu),
    );
    m.add(
        Conv2D::new(64, [3, 3])
            .padding(Padding::Same)
            .activation(Activation::Relu),
    );
    m.add(MaxPooling2D::new([2, 2]));
    m.add(Dropout::new(0.25));
    m.add(Flatten::new());
    m.add(Dense::new(128).activation(Activation::Relu));
    m.add(Dense::new(10).activation(Activation::Softmax));
    m.compile(
        OptimizerConfig::adam(1e-3),
        LossConfig::sparse_categorical_crossentropy(),
        &[Metric::Accuracy],
    )?;
    Ok(m)
}

/// Small rotations, shifts and zooms (no flips: a flipped digit is another symbol).
pub fn augmentation() -> ImageDataGenerator {
    ImageDataGenerator::new()
        .rotation_range(10.0)
        .width_shift_range(0.1)
        .height_shift_range(0.1)
        .zoom_range(0.1)
        .fill_mode(FillMode::Constant)
}

/// Trains for `epochs` (with the augmentation when `augment`) and returns the test
/// accuracy.
pub fn test_accuracy(
    d: &Digits,
    augment: bool,
    epochs: usize,
    verbose: Verbosity,
) -> gradus::Result<f64> {
    let mut m = model()?;
    let config = FitConfig::new().epochs(epochs).seed(0).verbose(verbose);
    if augment {
        let flow = augmentation().flow(
            &d.x_train,
            Some(&d.y_train),
            FlowOptions {
                batch_size: 32,
                shuffle: true,
                seed: 0,
            },
        )?;
        m.fit_source(&flow, None, config)?;
    } else {
        m.fit(&d.x_train, &d.y_train, config.batch_size(32))?;
    }
    Ok(m.evaluate(&d.x_test, &d.y_test)?["accuracy"])
}
