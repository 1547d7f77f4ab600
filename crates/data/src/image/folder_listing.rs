//! The file list of an image folder data set: class sub-folders and their image files in
//! Keras's order (`sorted(os.listdir)` for the classes, a walk sorted by folder path with
//! sorted file names within each folder), split into training and validation subsets.

use std::collections::HashSet;
use std::ffi::OsString;
use std::fs;
use std::path::{Component, Path, PathBuf};

use super::{IMAGE_EXTENSIONS, ImageFolderOptions, Subset};
use crate::{Error, Result};

/// The classes and image files of a folder, one entry per file.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Listing {
    /// Class names in id order.
    pub class_names: Vec<String>,
    /// Files relative to the folder (`class/…/name.ext`), grouped by class.
    pub filenames: Vec<PathBuf>,
    /// The class id of each file.
    pub classes: Vec<usize>,
}

/// Lists `dir` as `options` asks.
pub(crate) fn list(dir: &Path, options: &ImageFolderOptions) -> Result<Listing> {
    let class_names = if options.classes.is_empty() {
        class_folders(dir)?
    } else {
        check_class_names(dir, &options.classes)?;
        options.classes.clone()
    };
    let mut listing = Listing::default();
    for (id, class) in class_names.iter().enumerate() {
        let class_dir = dir.join(class);
        if !class_dir.is_dir() {
            return Err(match fs::metadata(&class_dir) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Error::Io {
                    file: class_dir,
                    source: e,
                },
                Ok(_) => Error::InvalidOption(format!(
                    "{}: class `{class}` is a file, not a folder; classes are sub-folders",
                    class_dir.display()
                )),
                Err(_) => Error::FileNotFound { file: class_dir },
            });
        }
        let files = image_files(&class_dir, options.follow_links)?;
        if files.is_empty() {
            return Err(Error::EmptyClass {
                folder: class_dir,
                class: class.clone(),
                extensions: extensions(),
            });
        }
        let n = files.len();
        // Keras: int(split · n) files of each class for validation, the rest for training.
        let cut = ((options.validation_split * n as f64) as usize).min(n);
        let range = match options.subset {
            None => 0..n,
            Some(Subset::Validation) => 0..cut,
            Some(Subset::Training) => cut..n,
        };
        for rel in &files[range] {
            listing.filenames.push(Path::new(class).join(rel));
            listing.classes.push(id);
        }
    }
    if listing.filenames.is_empty() {
        return Err(Error::NoImages {
            dir: dir.to_owned(),
            subset: options.subset.map_or("", Subset::name).to_owned(),
            extensions: extensions(),
        });
    }
    listing.class_names = class_names;
    Ok(listing)
}

/// The image extensions as `.ext`, for messages.
fn extensions() -> Vec<String> {
    IMAGE_EXTENSIONS.iter().map(|e| format!(".{e}")).collect()
}

/// The sub-folders of `dir` (following links), sorted by name.
fn class_folders(dir: &Path) -> Result<Vec<String>> {
    let io = |e: std::io::Error, file: &Path| match e.kind() {
        std::io::ErrorKind::NotFound => Error::FileNotFound {
            file: file.to_owned(),
        },
        _ => Error::Io {
            file: file.to_owned(),
            source: e,
        },
    };
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| io(e, dir))? {
        let entry = entry.map_err(|e| io(e, dir))?;
        if entry.path().is_dir() {
            let name = entry.file_name().into_string().map_err(|name| {
                Error::InvalidOption(format!(
                    "{}: the class folder name {name:?} is not valid UTF-8; rename it",
                    dir.display()
                ))
            })?;
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// Rejects class names that are not one plain folder name (`..`, `a/b`, empty), or repeat.
fn check_class_names(dir: &Path, classes: &[String]) -> Result<()> {
    let mut seen = HashSet::new();
    for class in classes {
        let mut parts = Path::new(class).components();
        let plain = matches!(
            (parts.next(), parts.next()),
            (Some(Component::Normal(c)), None) if c == class.as_str()
        );
        if !plain {
            return Err(Error::InvalidOption(format!(
                "{}: class `{class}` is not a sub-folder name; list the names of the class \
                 folders inside the data set folder",
                dir.display()
            )));
        }
        if !seen.insert(class) {
            return Err(Error::InvalidOption(format!(
                "{}: class `{class}` is listed twice; list each class once",
                dir.display()
            )));
        }
    }
    Ok(())
}

/// Whether `name` ends in `.ext` for one of [`IMAGE_EXTENSIONS`], ignoring case.
pub(crate) fn is_image_name(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| IMAGE_EXTENSIONS.iter().any(|e| ext.eq_ignore_ascii_case(e)))
}

/// The image files under `top`, relative to it, in Keras's order: the folders sorted by
/// their path as a string (so `a-b` precedes `a/b`), then each folder's files by name.
/// Only regular files (or links to them) count; links to folders are followed only with
/// `follow_links`, each real folder once.
fn image_files(top: &Path, follow_links: bool) -> Result<Vec<PathBuf>> {
    let mut folders: Vec<(PathBuf, Vec<OsString>)> = Vec::new();
    let mut pending = vec![top.to_owned()];
    let mut visited = HashSet::new();
    if let Ok(real) = fs::canonicalize(top) {
        visited.insert(real);
    }
    while let Some(folder) = pending.pop() {
        let io = |source| Error::Io {
            file: folder.clone(),
            source,
        };
        let mut files = Vec::new();
        for entry in fs::read_dir(&folder).map_err(io)? {
            let entry = entry.map_err(io)?;
            let kind = entry.file_type().map_err(io)?;
            let path = entry.path();
            if kind.is_dir() {
                pending.push(path);
            } else if kind.is_file() {
                files.push(entry.file_name());
            } else if kind.is_symlink() {
                // A link counts as what it points to; a broken link as nothing.
                match fs::metadata(&path) {
                    Ok(m) if m.is_file() => files.push(entry.file_name()),
                    Ok(m)
                        if m.is_dir()
                            && follow_links
                            && fs::canonicalize(&path).is_ok_and(|real| visited.insert(real)) =>
                    {
                        pending.push(path);
                    }
                    _ => {}
                }
            }
        }
        files.retain(|f| is_image_name(f));
        files.sort();
        folders.push((folder, files));
    }
    folders.sort_by(|a, b| {
        a.0.as_os_str()
            .as_encoded_bytes()
            .cmp(b.0.as_os_str().as_encoded_bytes())
    });
    let mut out = Vec::new();
    for (folder, files) in folders {
        let rel = folder.strip_prefix(top).unwrap_or(Path::new(""));
        out.extend(files.into_iter().map(|f| rel.join(f)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_names_need_a_listed_extension_after_a_dot() {
        for yes in [
            "a.png",
            "B.JPG",
            "c.d.jpeg",
            ".hidden.gif",
            "x.TiFf",
            "p.ppm",
        ] {
            assert!(is_image_name(yes.as_ref()), "{yes}");
        }
        for no in ["png", "apng", "a.webp", "a.png.txt", "a.", "README"] {
            assert!(!is_image_name(no.as_ref()), "{no}");
        }
    }

    #[test]
    fn class_names_must_be_plain_and_unique() {
        let dir = Path::new("d");
        assert!(check_class_names(dir, &["a".into(), "b c".into()]).is_ok());
        for bad in ["..", "a/b", "", ".", "/abs"] {
            assert!(check_class_names(dir, &[bad.into()]).is_err(), "{bad}");
        }
        let e = check_class_names(dir, &["a".into(), "a".into()]).unwrap_err();
        assert!(e.to_string().contains("listed twice"), "{e}");
    }
}
