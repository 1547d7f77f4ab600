//! Saving and loading a [`Sequential`] model: architecture and optimizer as JSON, tensors
//! as safetensors.
//!
//! A saved model is a directory with two files:
//! - `model.json`: format tag and version, input shape, build seed, the layer
//!   configurations, the compile configuration (optimizer, loss, metrics) and the
//!   optimizer's step count;
//! - `weights.safetensors`: every parameter as `"<layer>/<param>"` (e.g. `dense_1/kernel`,
//!   `batch_normalization/moving_mean`) and every optimizer slot as
//!   `"optimizer/<index>/<slot>"`, all `F32`.
//!
//! Loading rebuilds the layers from their configurations, then overwrites every tensor,
//! checking names and shapes, so that training resumes exactly where it stopped.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use safetensors::{Dtype, SafeTensors, tensor::TensorView};
use serde::{Deserialize, Serialize};

use crate::sequential::Compiled;
use crate::{Error, LayerConfig, LossConfig, Metric, OptimizerConfig, Result, Sequential};

const FORMAT: &str = "gradus.sequential";
const VERSION: u32 = 1;
const MODEL_FILE: &str = "model.json";
const WEIGHTS_FILE: &str = "weights.safetensors";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SavedModel {
    format: String,
    version: u32,
    input_shape: Option<Vec<usize>>,
    seed: u64,
    layers: Vec<LayerConfig>,
    compile: Option<SavedCompile>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SavedCompile {
    optimizer: OptimizerConfig,
    loss: LossConfig,
    metrics: Vec<Metric>,
    optimizer_iterations: u64,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn format_error(path: &Path, reason: impl Into<String>) -> Error {
    Error::Format {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// Writes `bytes` to `path` through a temporary file and a rename, so that a crash never
/// leaves a half-written file.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).map_err(io(&tmp))?;
    std::fs::rename(&tmp, path).map_err(io(path))
}

fn to_bytes(t: &[f32]) -> Vec<u8> {
    t.iter().flat_map(|v| v.to_le_bytes()).collect()
}

impl Sequential {
    /// Saves the model into directory `dir` (created if needed), as two files:
    /// `model.json` (format tag and version, input shape, build seed, layer
    /// configurations, compile configuration and the optimizer's step count) and
    /// `weights.safetensors` (every parameter as `"<layer>/<param>"`, e.g. `dense_1/kernel`,
    /// and every optimizer slot as `"optimizer/<index>/<slot>"`, all `F32`). Each file is
    /// written to a temporary name and renamed, so a crash never leaves half a file.
    ///
    /// # Errors
    /// An I/O error naming the file.
    pub fn save(&self, dir: impl AsRef<Path>) -> Result<()> {
        let dir = dir.as_ref();
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let saved = SavedModel {
            format: FORMAT.into(),
            version: VERSION,
            input_shape: self.built.as_ref().map(|b| b.input.clone()),
            seed: self.built.as_ref().map_or(0, |b| b.seed),
            layers: self.layer_configs(),
            compile: self.compiled.as_ref().map(|c| SavedCompile {
                optimizer: c.optimizer.config().clone(),
                loss: c.loss,
                metrics: c.metrics.clone(),
                optimizer_iterations: c.optimizer.state().iterations,
            }),
        };
        let json = serde_json::to_string_pretty(&saved).expect("configs serialise");
        let mut named: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
        for (layer, name) in self.layers.iter().zip(&self.names) {
            for p in layer.params() {
                named.push((
                    format!("{name}/{}", p.name),
                    p.value.dims().to_vec(),
                    to_bytes(p.value.data()),
                ));
            }
        }
        if let Some(c) = &self.compiled {
            for (i, slots) in c.optimizer.state().slots.iter().enumerate() {
                for (j, s) in slots.iter().enumerate() {
                    named.push((format!("optimizer/{i}/{j}"), vec![s.len()], to_bytes(s)));
                }
            }
        }
        let views = named.iter().map(|(n, shape, bytes)| {
            let view = TensorView::new(Dtype::F32, shape.clone(), bytes).expect("sizes match");
            (n.clone(), view)
        });
        let weights_path = dir.join(WEIGHTS_FILE);
        let bytes = safetensors::serialize(views, None)
            .map_err(|e| format_error(&weights_path, e.to_string()))?;
        write_atomic(&weights_path, &bytes)?;
        write_atomic(&dir.join(MODEL_FILE), json.as_bytes())
    }

    /// Loads a model saved by [`Sequential::save`], compiled and with its optimizer state
    /// if it was compiled.
    ///
    /// # Errors
    /// A missing or unreadable file, a format or version this build does not know, or a
    /// tensor whose name or shape does not match the architecture.
    pub fn load(dir: impl AsRef<Path>) -> Result<Sequential> {
        let dir = dir.as_ref();
        let model_path = dir.join(MODEL_FILE);
        let text = std::fs::read_to_string(&model_path).map_err(io(&model_path))?;
        let saved: SavedModel = serde_json::from_str(&text).map_err(|e| {
            format_error(&model_path, format!("not a gradus model description: {e}"))
        })?;
        if saved.format != FORMAT || saved.version > VERSION {
            return Err(format_error(
                &model_path,
                format!(
                    "format `{}` version {} is not `{FORMAT}` version ≤ {VERSION}",
                    saved.format, saved.version
                ),
            ));
        }
        let mut model = Sequential::from_configs(saved.layers);
        if let Some(input) = &saved.input_shape {
            model.build(input, saved.seed)?;
        }
        let weights_path = dir.join(WEIGHTS_FILE);
        let bytes = std::fs::read(&weights_path).map_err(io(&weights_path))?;
        let st = SafeTensors::deserialize(&bytes)
            .map_err(|e| format_error(&weights_path, e.to_string()))?;
        let read = |name: &str, dims: &[usize]| -> Result<Vec<f32>> {
            let view = st
                .tensor(name)
                .map_err(|_| format_error(&weights_path, format!("tensor `{name}` is missing")))?;
            if view.dtype() != Dtype::F32 || view.shape() != dims {
                return Err(format_error(
                    &weights_path,
                    format!(
                        "tensor `{name}` is {:?} {:?}, the model needs F32 {dims:?}",
                        view.dtype(),
                        view.shape()
                    ),
                ));
            }
            Ok(view
                .data()
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect())
        };
        for (layer, name) in model.layers.iter_mut().zip(&model.names) {
            for p in layer.params_mut() {
                let values = read(&format!("{name}/{}", p.name), p.value.dims())?;
                p.value.data_mut().copy_from_slice(&values);
            }
        }
        if let Some(c) = saved.compile {
            let mut optimizer = c.optimizer.build()?;
            let mut state = optimizer.state().clone();
            state.iterations = c.optimizer_iterations;
            let mut slot_names: HashMap<usize, Vec<(usize, String)>> = HashMap::new();
            for name in st.names() {
                if let Some(rest) = name.strip_prefix("optimizer/")
                    && let Some((i, j)) = rest.split_once('/')
                    && let (Ok(i), Ok(j)) = (i.parse::<usize>(), j.parse::<usize>())
                {
                    slot_names.entry(i).or_default().push((j, name.to_string()));
                }
            }
            let count = slot_names.keys().max().map_or(0, |m| m + 1);
            state.slots = vec![Vec::new(); count];
            for (i, mut names) in slot_names {
                names.sort();
                for (_, name) in names {
                    let view = st
                        .tensor(&name)
                        .map_err(|e| format_error(&weights_path, e.to_string()))?;
                    let len = view.shape().iter().product::<usize>();
                    state.slots[i].push(read(&name, &[len])?);
                }
            }
            optimizer.set_state(state);
            model.compiled = Some(Compiled {
                optimizer,
                loss: c.loss,
                metrics: c.metrics,
            });
        }
        Ok(model)
    }

    /// The files [`Sequential::save`] writes into `dir`.
    pub fn saved_files(dir: impl AsRef<Path>) -> [PathBuf; 2] {
        let dir = dir.as_ref();
        [dir.join(MODEL_FILE), dir.join(WEIGHTS_FILE)]
    }
}
