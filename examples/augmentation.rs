//! Data augmentation, as in the course: Keras's
//!
//! ```python
//! datagen = ImageDataGenerator(rotation_range=20, width_shift_range=0.2,
//!     height_shift_range=0.2, shear_range=0.2, zoom_range=0.2, horizontal_flip=True,
//!     fill_mode='nearest')
//! x = img_to_array(load_img('flower.jpg')).reshape((1, 427, 640, 3))
//! for batch in datagen.flow(x, batch_size=1): ...   # six times
//! ```
//!
//! on the bundled flower photo: writes six augmented images and a 2 × 3 grid of them to
//! `target/augmentation/`. (gradus shifts along the axis each range names and turns about
//! the true centre; `.keras_compat(true)` would reproduce Keras's swapped shifts.)
//!
//! `cargo run --release -p gradus --example augmentation`

use gradus::prelude::*;

/// Pixels of background between the images of the grid.
const GAP: usize = 8;

fn main() -> gradus::Result<()> {
    let photo = bundled::flower()?; // [427, 640, 3], values 0..=255
    let (h, w) = (photo.dims()[0], photo.dims()[1]);
    let mut x = photo.clone();
    x.reshape(&[1, h, w, 3])?;

    let datagen = ImageDataGenerator::new()
        .rotation_range(20.0)
        .width_shift_range(0.2)
        .height_shift_range(0.2)
        .shear_range(0.2)
        .zoom_range(0.2)
        .horizontal_flip(true)
        .fill_mode(FillMode::Nearest);
    let flow = datagen.flow(
        &x,
        None,
        FlowOptions {
            batch_size: 1,
            shuffle: true,
            seed: 7,
        },
    )?;

    let out = std::path::Path::new("target/augmentation");
    std::fs::create_dir_all(out).map_err(gradus::Error::io(out))?;
    // A grid of 2 rows × 3 columns, white between the images.
    let mut grid = Tensor::full(&[2 * h + GAP, 3 * w + 2 * GAP, 3], 255.0);
    for i in 0..6 {
        // One image per batch: batch 0 of pass i is the i-th draw of `flow`.
        let (batch, _) = flow.batch(i, 0).map_err(gradus::Error::Source)?;
        let mut image = batch;
        image.reshape(&[h, w, 3])?;
        let path = out.join(format!("augmented_{i}.png"));
        save_img(&path, &image)?;
        println!("wrote {}", path.display());
        let (top, left) = ((i / 3) * (h + GAP), (i % 3) * (w + GAP));
        for r in 0..h {
            let row = &image.data()[r * w * 3..(r + 1) * w * 3];
            let at = ((top + r) * (3 * w + 2 * GAP) + left) * 3;
            grid.data_mut()[at..at + w * 3].copy_from_slice(row);
        }
    }
    let path = out.join("grid.png");
    save_img(&path, &grid)?;
    println!("wrote {}", path.display());
    Ok(())
}
