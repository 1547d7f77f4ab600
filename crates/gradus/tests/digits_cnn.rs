//! The `digits_cnn` example's model reaches the accuracy the example promises, with and
//! without augmentation (same code as the example: `examples/cnn/mod.rs`).

#[path = "../../../examples/cnn/mod.rs"]
mod cnn;

use gradus::prelude::*;

#[test]
fn digits_cnn_reaches_98_percent_with_and_without_augmentation() {
    let digits = cnn::digits().unwrap();
    assert_eq!(digits.x_train.dims()[1..], [8, 8, 1]);
    let plain = cnn::test_accuracy(&digits, false, 30, Verbosity::Silent).unwrap();
    let augmented = cnn::test_accuracy(&digits, true, 30, Verbosity::Silent).unwrap();
    eprintln!("test accuracy: {plain:.4} plain, {augmented:.4} augmented");
    assert!(plain >= 0.98, "plain CNN test accuracy {plain}");
    assert!(augmented >= 0.98, "augmented CNN test accuracy {augmented}");
}

#[test]
fn digits_cnn_is_reproducible() {
    let digits = cnn::digits().unwrap();
    let a = cnn::test_accuracy(&digits, true, 2, Verbosity::Silent).unwrap();
    let b = cnn::test_accuracy(&digits, true, 2, Verbosity::Silent).unwrap();
    assert_eq!(a.to_bits(), b.to_bits(), "same seed, same accuracy");
}
