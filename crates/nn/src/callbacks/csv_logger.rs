//! [`CsvLogger`]: append each epoch's logs to a CSV file.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use super::{Callback, Control, Logs, TrainBegin};
use crate::{Error, Result, Sequential};

/// Writes one CSV row per epoch, as Keras's `CSVLogger`: a header `epoch,<keys…>` (keys in
/// sorted order), then `epoch,<values…>`. With `append`, rows go after an existing file's
/// content and no header is written when the file is not empty.
///
/// ```no_run
/// use gradus_nn::CsvLogger;
/// let logger = CsvLogger::new("training.csv").separator(';').append(true);
/// # let _ = logger;
/// ```
#[derive(Debug)]
pub struct CsvLogger {
    path: PathBuf,
    separator: char,
    append: bool,
    writer: Option<BufWriter<File>>,
    write_header: bool,
    keys: Option<Vec<String>>,
}

impl CsvLogger {
    /// Logs to `path` with `,` as separator, overwriting the file.
    pub fn new(path: impl Into<PathBuf>) -> CsvLogger {
        CsvLogger {
            path: path.into(),
            separator: ',',
            append: false,
            writer: None,
            write_header: true,
            keys: None,
        }
    }

    /// Field separator.
    pub fn separator(mut self, separator: char) -> CsvLogger {
        self.separator = separator;
        self
    }

    /// Append to an existing file instead of overwriting it.
    pub fn append(mut self, append: bool) -> CsvLogger {
        self.append = append;
        self
    }

    fn io(&self, source: std::io::Error) -> Error {
        Error::Io {
            path: self.path.clone(),
            source,
        }
    }
}

impl Callback for CsvLogger {
    fn on_train_begin(&mut self, _info: &TrainBegin) -> Result<()> {
        let has_content = self.append && std::fs::metadata(&self.path).is_ok_and(|m| m.len() > 0);
        let file = OpenOptions::new()
            .create(true)
            .write(true)
            .append(self.append)
            .truncate(!self.append)
            .open(&self.path)
            .map_err(|e| self.io(e))?;
        self.writer = Some(BufWriter::new(file));
        // An existing file already has its header.
        self.write_header = !has_content;
        self.keys = None;
        Ok(())
    }

    fn on_epoch_end(&mut self, epoch: usize, logs: &Logs, _model: &Sequential) -> Result<Control> {
        let sep = self.separator.to_string();
        let mut text = String::new();
        // Keys are fixed by the first epoch (sorted, as the logs map is).
        let keys = self
            .keys
            .get_or_insert_with(|| logs.keys().cloned().collect());
        if self.write_header {
            text.push_str(&format!("epoch{sep}{}\n", keys.join(&sep)));
            self.write_header = false;
        }
        let values: Vec<String> = keys
            .iter()
            .map(|k| logs.get(k).map_or(String::new(), |v| v.to_string()))
            .collect();
        text.push_str(&format!("{epoch}{sep}{}\n", values.join(&sep)));
        let result = match self.writer.as_mut() {
            Some(w) => w.write_all(text.as_bytes()).and_then(|()| w.flush()),
            None => Ok(()),
        };
        result.map_err(|e| self.io(e))?;
        Ok(Control::Continue)
    }

    fn on_train_end(&mut self, _model: &Sequential) -> Result<Option<crate::Weights>> {
        self.writer = None;
        Ok(None)
    }
}
