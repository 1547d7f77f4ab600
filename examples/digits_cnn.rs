//! A small convolutional network on the bundled 8×8 digits, trained without and then with
//! data augmentation (small rotations, shifts and zooms fed by an `ImageDataGenerator` flow
//! through `fit_source`); prints both test accuracies.
//!
//! `cargo run --release -p gradus --example digits_cnn`

mod cnn;

use gradus::prelude::*;

fn main() -> gradus::Result<()> {
    let digits = cnn::digits()?;
    let mut model = cnn::model()?;
    model.build(&[8, 8, 1], 0)?;
    println!("{}", model.summary());
    let plain = cnn::test_accuracy(&digits, false, 30, Verbosity::ProgressBar)?;
    let augmented = cnn::test_accuracy(&digits, true, 30, Verbosity::ProgressBar)?;
    println!("test accuracy without augmentation: {plain:.4}");
    println!("test accuracy with augmentation:    {augmented:.4}");
    Ok(())
}
