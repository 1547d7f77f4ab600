//! `gradus evaluate RUN --data CSV` and `gradus predict RUN --data CSV`.

use gradus::data::{load_csv, load_csv_features, one_hot};
use gradus::nn::LossConfig;
use gradus::tensor::BatchSource;

use super::run_dir::load_run;
use crate::cli::{EvaluateArgs, PredictArgs};
use crate::exit::{CliError, Result};
use crate::output::{print, print_json};

/// `gradus evaluate`: the loss and metrics of a run's model on a CSV file (or, for an
/// image run, a folder of class sub-folders).
///
/// # Errors
/// Not a run directory, a CSV without the run's columns (exit 2); I/O (exit 1).
pub fn evaluate(args: &EvaluateArgs) -> Result<()> {
    let (file, mut model) = load_run(&args.run)?;
    let spec = &file.spec;
    let context =
        |e: gradus::nn::Error| CliError::from(gradus::Error::from(e)).context(args.data.display());
    let (rows, logs) = if let Some(images) = &spec.data.images {
        let source = image_source(spec, images, &args.data)?;
        (
            source.len(),
            model.evaluate_source(&source).map_err(context)?,
        )
    } else {
        let options = spec.data.csv_options()?;
        let data = load_csv(&args.data, &options).map_err(gradus::Error::from)?;
        let categorical = matches!(
            spec.compile.loss,
            LossConfig::CategoricalCrossentropy { .. }
        );
        let y = if categorical {
            let classes = model.output_shape().and_then(|s| s.last().copied());
            one_hot(&data.y, classes).map_err(gradus::Error::from)?
        } else {
            data.y
        };
        (data.x.rows(), model.evaluate(&data.x, &y).map_err(context)?)
    };
    if args.output.json {
        return print_json(&logs);
    }
    let mut out = format!("{rows} samples of {}\n", args.data.display());
    for (k, v) in &logs {
        out.push_str(&format!("{k}: {v:.6}\n"));
    }
    print(&out)
}

/// The images of `dir` as the run saw its validation images: every image of the class
/// sub-folders, in order, standardized as in training, not augmented.
///
/// # Errors
/// A folder that cannot be listed or holds no images (exit 2).
fn image_source(
    spec: &gradus::spec::Spec,
    images: &gradus::spec::ImagesSpec,
    dir: &std::path::Path,
) -> Result<gradus::data::Augmented<gradus::data::image::ImageFolder>> {
    let mut fit = spec.fit.clone();
    fit.shuffle = false;
    let generator =
        gradus::spec::standardizing(&spec.data.augmentation.clone().unwrap_or_default());
    let options = images.options_for(None, &fit);
    Ok(generator
        .flow_from_directory(dir, &options)
        .map_err(gradus::Error::from)?)
}

/// `gradus predict`: one CSV row of predictions per input row (or image, first naming its
/// file), on stdout. Regression prints the target column; binary classification the class (threshold 0.5) and its
/// probability; multi-class the class (arg-max) and one probability column per class.
///
/// # Errors
/// As [`evaluate`].
pub fn predict(args: &PredictArgs) -> Result<()> {
    let (file, mut model) = load_run(&args.run)?;
    let spec = &file.spec;
    let context =
        |e: gradus::nn::Error| CliError::from(gradus::Error::from(e)).context(args.data.display());
    let (pred, names, target) = if let Some(images) = &spec.data.images {
        let source = image_source(spec, images, &args.data)?;
        let names: Vec<String> = source
            .source()
            .filenames()
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        let pred = model.predict_source(&source).map_err(context)?;
        (pred, Some(names), "class".to_owned())
    } else {
        let options = spec.data.csv_options()?;
        let features = load_csv_features(&args.data, &options).map_err(gradus::Error::from)?;
        (
            model.predict(&features.x).map_err(context)?,
            None,
            options.target,
        )
    };
    let mut header = vec![target.clone()];
    let k = pred.row_len();
    let loss = &spec.compile.loss;
    let classes = matches!(
        loss,
        LossConfig::CategoricalCrossentropy { .. }
            | LossConfig::SparseCategoricalCrossentropy { .. }
    );
    let binary = matches!(loss, LossConfig::BinaryCrossentropy { .. });
    if binary {
        header.push("probability".into());
    } else if classes {
        header.extend((0..k).map(|c| format!("p_{c}")));
    } else if k > 1 {
        // Several outputs: target_0, target_1, ….
        header = (0..k).map(|c| format!("{target}_{c}")).collect();
    }
    if names.is_some() {
        header.insert(0, "file".into());
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| CliError::runtime(format!("cannot write CSV: {e}"));
    w.write_record(&header).map_err(fail)?;
    for r in 0..pred.rows() {
        let row = pred.row(r);
        let mut cells: Vec<String> = Vec::with_capacity(header.len());
        if let Some(names) = &names {
            cells.push(names.get(r).cloned().unwrap_or_default());
        }
        if binary {
            cells.push(u8::from(row[0] > 0.5).to_string());
            cells.push(row[0].to_string());
        } else if classes {
            let arg = (0..k).fold(0, |b, c| if row[c] > row[b] { c } else { b });
            cells.push(arg.to_string());
            cells.extend(row.iter().map(f32::to_string));
        } else {
            cells.extend(row.iter().map(f32::to_string));
        }
        w.write_record(&cells).map_err(fail)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| CliError::runtime(format!("cannot write CSV: {e}")))?;
    print(&String::from_utf8_lossy(&bytes))
}
