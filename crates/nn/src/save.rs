//! Saving and loading a [`Sequential`] model: architecture and optimizer as JSON, tensors
//! as safetensors, saved all-or-nothing.
//!
//! A saved model is a directory holding:
//! - `model.json`: format tag and version, the name of the weights file, input shape,
//!   build seed, the layer configurations, the compile configuration (optimizer, loss,
//!   metrics) and the optimizer's step count;
//! - `weights-<id>.safetensors`: every parameter as `"<layer>/<param>"` (e.g.
//!   `dense_1/kernel`, `batch_normalization/moving_mean`) and every optimizer slot as
//!   `"optimizer/<index>/<slot>"`, all `F32`;
//! - `.lock`: taken by savers, so that saves into one directory run one at a time.
//!
//! # Atomicity
//!
//! `model.json` is the commit point. A save writes the weights under a name no other save
//! uses, flushes them to disk, then writes `model.json` to a temporary name, flushes it and
//! renames it over the old one (an atomic replacement), flushes the directory, and only then
//! deletes the previous weights file. So at every instant — also after a crash or a
//! `SIGKILL` at any point — `model.json` names a complete weights file that belongs to it:
//! the directory loads as the old model or the new one, never a mix. A load that finds its
//! weights file deleted by a concurrent save reads `model.json` again.
//!
//! Loading rebuilds the layers from their configurations, then overwrites every tensor,
//! checking names, shapes and finiteness, so that training resumes exactly where it
//! stopped. Version 1 directories (fixed name `weights.safetensors`) still load.

use std::collections::HashMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use safetensors::{Dtype, SafeTensors, tensor::TensorView};
use serde::{Deserialize, Serialize};

use crate::sequential::Compiled;
use crate::{Error, LayerConfig, LossConfig, Metric, OptimizerConfig, Result, Sequential};

const FORMAT: &str = "gradus.sequential";
/// The version this build writes; it reads 1 up to this.
const VERSION: u32 = 2;
const MODEL_FILE: &str = "model.json";
/// The weights file of version 1.
const LEGACY_WEIGHTS_FILE: &str = "weights.safetensors";
const LOCK_FILE: &str = ".lock";
/// Times a load re-reads `model.json` after its weights file vanished under a concurrent save.
const LOAD_ATTEMPTS: u32 = 50;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SavedModel {
    format: String,
    version: u32,
    /// The weights file in the same directory (absent in version 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    weights: Option<String>,
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

/// A name no other save (in this process or another) uses: process id, time and a counter.
fn unique_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    format!(
        "{:08x}{:016x}{:04x}",
        std::process::id(),
        nanos,
        COUNTER.fetch_add(1, Ordering::Relaxed) & 0xffff
    )
}

/// Whether `name` is a weights file this format writes (a plain name, no path).
fn is_weights_name(name: &str) -> bool {
    name.strip_prefix("weights-")
        .and_then(|rest| rest.strip_suffix(".safetensors"))
        .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Creates `path` (which must not exist), writes `bytes` and flushes them to disk.
fn write_new_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = File::create_new(path).map_err(io(path))?;
    f.write_all(bytes).map_err(io(path))?;
    f.sync_all().map_err(io(path))
}

/// Flushes a directory's entries (renames, creations) to disk; a no-op where directories
/// cannot be opened as files.
fn sync_dir(dir: &Path) -> Result<()> {
    match File::open(dir) {
        Ok(d) => d.sync_all().or_else(|e| match e.kind() {
            // Some platforms and file systems do not sync directories.
            std::io::ErrorKind::InvalidInput | std::io::ErrorKind::PermissionDenied => Ok(()),
            _ => Err(e),
        }),
        Err(_) => Ok(()),
    }
    .map_err(io(dir))
}

fn to_bytes(t: &[f32]) -> Vec<u8> {
    t.iter().flat_map(|v| v.to_le_bytes()).collect()
}

impl Sequential {
    /// Saves the model into directory `dir` (created if needed), all-or-nothing.
    ///
    /// The directory holds `model.json` (format and version, the weights file's name, input
    /// shape, build seed, layer configurations, compile configuration and the optimizer's
    /// step count), `weights-<id>.safetensors` (every parameter as `"<layer>/<param>"`, e.g.
    /// `dense_1/kernel`, and every optimizer slot as `"optimizer/<index>/<slot>"`, all
    /// `F32`) and `.lock`.
    ///
    /// `model.json` is the commit point: the weights go to a new file, flushed to disk,
    /// then `model.json` is replaced atomically (temporary file, flush, rename, flush of the
    /// directory), and only then is the previous weights file deleted. So after a crash or
    /// a `SIGKILL` at any point the directory loads as the old model or the new one, and a
    /// concurrent [`Sequential::load`] never sees a mix. Saves into one directory from
    /// several threads or processes take turns (a lock on `dir/.lock`).
    ///
    pub fn save(&self, dir: impl AsRef<Path>) -> Result<()> {
        let dir = dir.as_ref();
        for (layer, name) in self.layers.iter().zip(&self.names) {
            for p in layer.params() {
                crate::sequential::check_finite_weights(&p.value, &format!("{name}.{}", p.name))?;
            }
        }
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let weights = self.weights_bytes(&dir.join("weights.safetensors"))?;
        let lock_path = dir.join(LOCK_FILE);
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io(&lock_path))?;
        lock.lock().map_err(io(&lock_path))?;
        let id = unique_id();
        let weights_name = format!("weights-{id}.safetensors");
        let weights_path = dir.join(&weights_name);
        let json = self.description(weights_name.clone());
        let tmp = dir.join(format!(".{MODEL_FILE}.{id}.tmp"));
        let committed = write_new_synced(&weights_path, &weights)
            .and_then(|()| write_new_synced(&tmp, json.as_bytes()))
            .and_then(|()| std::fs::rename(&tmp, dir.join(MODEL_FILE)).map_err(io(dir)))
            .and_then(|()| sync_dir(dir));
        if let Err(e) = committed {
            let _ = std::fs::remove_file(&tmp);
            let _ = std::fs::remove_file(&weights_path);
            return Err(e);
        }
        remove_stale_files(dir, &weights_name);
        drop(lock);
        Ok(())
    }

    /// `model.json`'s text, naming `weights` as the weights file.
    fn description(&self, weights: String) -> String {
        let saved = SavedModel {
            format: FORMAT.into(),
            version: VERSION,
            weights: Some(weights),
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
        serde_json::to_string_pretty(&saved).expect("configs serialise")
    }

    /// Every parameter and optimizer slot as one safetensors buffer.
    fn weights_bytes(&self, path: &Path) -> Result<Vec<u8>> {
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
        safetensors::serialize(views, None).map_err(|e| format_error(path, e.to_string()))
    }

    /// Loads a model saved by [`Sequential::save`], compiled and with its optimizer state
    /// if it was compiled.
    ///
    /// # Errors
    /// A missing or unreadable file, a format or version this build does not know, an
    /// architecture that cannot be built (naming `model.json`), or a tensor whose name,
    /// shape or values (NaN, infinite) do not fit the architecture.
    pub fn load(dir: impl AsRef<Path>) -> Result<Sequential> {
        let dir = dir.as_ref();
        let mut attempt = 1;
        loop {
            let (saved, weights_path) = read_description(dir)?;
            match std::fs::read(&weights_path) {
                Ok(bytes) => return from_parts(dir, saved, &weights_path, &bytes),
                // A concurrent save replaced the model after we read model.json.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && attempt < LOAD_ATTEMPTS => {
                    attempt += 1;
                    std::thread::sleep(std::time::Duration::from_millis(u64::from(attempt)));
                }
                Err(e) => return Err(io(&weights_path)(e)),
            }
        }
    }

    /// The files a model saved in `dir` consists of now: `model.json` and the weights file
    /// it names.
    ///
    /// # Errors
    /// As [`Sequential::load`] for `model.json`.
    pub fn saved_files(dir: impl AsRef<Path>) -> Result<[PathBuf; 2]> {
        let dir = dir.as_ref();
        let (_, weights) = read_description(dir)?;
        Ok([dir.join(MODEL_FILE), weights])
    }
}

/// Reads and checks `model.json`; returns it with the path of its weights file.
fn read_description(dir: &Path) -> Result<(SavedModel, PathBuf)> {
    let model_path = dir.join(MODEL_FILE);
    let text = std::fs::read_to_string(&model_path).map_err(io(&model_path))?;
    let saved: SavedModel = serde_json::from_str(&text)
        .map_err(|e| format_error(&model_path, format!("not a gradus model description: {e}")))?;
    if saved.format != FORMAT || !(1..=VERSION).contains(&saved.version) {
        return Err(format_error(
            &model_path,
            format!(
                "format `{}` version {} is not `{FORMAT}` version 1 to {VERSION}; save the \
                 model again with this version of gradus",
                saved.format, saved.version
            ),
        ));
    }
    let weights = match (saved.version, &saved.weights) {
        (1, None) => LEGACY_WEIGHTS_FILE.to_string(),
        (2.., Some(name)) if is_weights_name(name) => name.clone(),
        (_, other) => {
            return Err(format_error(
                &model_path,
                format!(
                    "`weights` = {other:?} is not a weights file name of version {} \
                     (`weights-<hex id>.safetensors` in the same directory)",
                    saved.version
                ),
            ));
        }
    };
    Ok((saved, dir.join(weights)))
}

/// Deletes what earlier saves left behind: weights files other than `keep` (also a version 1
/// `weights.safetensors`) and temporary files of interrupted saves. Runs under the save
/// lock, so no other save is writing; failures are ignored (the files are garbage).
fn remove_stale_files(dir: &Path, keep: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let stale = (is_weights_name(name) && name != keep)
            || name == LEGACY_WEIGHTS_FILE
            || (name.starts_with(&format!(".{MODEL_FILE}.")) && name.ends_with(".tmp"));
        if stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The model described by `saved` with the tensors in `bytes`.
fn from_parts(
    dir: &Path,
    saved: SavedModel,
    weights_path: &Path,
    bytes: &[u8],
) -> Result<Sequential> {
    let model_path = dir.join(MODEL_FILE);
    let mut model = Sequential::from_configs(saved.layers);
    if let Some(input) = &saved.input_shape {
        model
            .build(input, saved.seed)
            .map_err(|e| format_error(&model_path, format!("the model cannot be built: {e}")))?;
    }
    let st =
        SafeTensors::deserialize(bytes).map_err(|e| format_error(weights_path, e.to_string()))?;
    let read = |name: &str, dims: &[usize]| -> Result<Vec<f32>> {
        let view = st
            .tensor(name)
            .map_err(|_| format_error(weights_path, format!("tensor `{name}` is missing")))?;
        if view.dtype() != Dtype::F32 || view.shape() != dims {
            return Err(format_error(
                weights_path,
                format!(
                    "tensor `{name}` is {:?} {:?}, the model needs F32 {dims:?}",
                    view.dtype(),
                    view.shape()
                ),
            ));
        }
        let values: Vec<f32> = view
            .data()
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        if let Some(i) = values.iter().position(|v| !v.is_finite()) {
            return Err(format_error(
                weights_path,
                format!(
                    "tensor `{name}` holds {} at index {i}; weights must be finite",
                    values[i]
                ),
            ));
        }
        Ok(values)
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
        // Slot `optimizer/<i>/<j>` belongs to trainable parameter i and has its length.
        let sizes: Vec<usize> = model
            .layers
            .iter()
            .flat_map(|l| l.params())
            .filter(|p| p.trainable)
            .map(|p| p.value.len())
            .collect();
        let mut slot_names: HashMap<usize, Vec<(usize, String)>> = HashMap::new();
        for name in st.names() {
            if let Some(rest) = name.strip_prefix("optimizer/") {
                let index = rest
                    .split_once('/')
                    .and_then(|(i, j)| Some((i.parse::<usize>().ok()?, j.parse::<usize>().ok()?)))
                    .filter(|&(i, j)| i < sizes.len() && j < 3);
                let Some((i, j)) = index else {
                    return Err(format_error(
                        weights_path,
                        format!(
                            "`{name}` is not an optimizer slot of this model (`optimizer/<i>/<j>` \
                             with i below {} trainable parameters and j below 3)",
                            sizes.len()
                        ),
                    ));
                };
                slot_names.entry(i).or_default().push((j, name.to_string()));
            }
        }
        let count = slot_names.keys().max().map_or(0, |m| m + 1);
        state.slots = vec![Vec::new(); count];
        for (i, mut names) in slot_names {
            names.sort();
            for (_, name) in names {
                state.slots[i].push(read(&name, &[sizes[i]])?);
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
