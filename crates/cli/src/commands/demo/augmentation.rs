//! `gradus demo augmentation`: the course's `ImageDataGenerator` on the bundled flower.

use std::path::Path;

use gradus::data::ImageDataGenerator;
use gradus::data::bundled::BundledImage;
use gradus::tensor::ops::FillMode;
use serde_json::{Value, json};

use crate::commands::augment::write_augmented;
use crate::exit::Result;

/// Six draws of the course's generator (rotation 20°, shifts 0.2, shear 0.2, zoom 0.2,
/// horizontal flips, nearest fill) written to `OUT/augmentation/` with a 2 × 3 grid.
pub fn run(out: &Path) -> Result<(String, Value)> {
    let photo = BundledImage::Flower.array().map_err(gradus::Error::from)?;
    let g = ImageDataGenerator::new()
        .rotation_range(20.0)
        .width_shift_range(0.2)
        .height_shift_range(0.2)
        .shear_range(0.2)
        .zoom_range(0.2)
        .horizontal_flip(true)
        .fill_mode(FillMode::Nearest);
    let dir = out.join("augmentation");
    let written = write_augmented(&photo, &g, 6, 7, &dir, 3)?;
    let mut text = String::from(
        "ImageDataGenerator(rotation_range=20, width_shift_range=0.2, height_shift_range=0.2,\n\
         \x20                  shear_range=0.2, zoom_range=0.2, horizontal_flip=True,\n\
         \x20                  fill_mode='nearest') on the bundled flower (427 × 640 × 3)\n",
    );
    for p in &written {
        text.push_str(&format!("wrote {}\n", p.display()));
    }
    let files: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    Ok((text, json!({ "files": files })))
}
