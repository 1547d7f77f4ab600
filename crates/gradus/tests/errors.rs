//! What `fn main() -> gradus::Result<()>` prints: the message and its causes, not a struct.

use gradus::prelude::*;

fn load(path: &std::path::Path) -> gradus::Result<Dataset> {
    Ok(load_csv(path, &CsvOptions::new("y"))?)
}

#[test]
fn debug_is_the_message_with_its_causes() {
    let dir = std::env::temp_dir().join(format!("gradus-errors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.csv");
    std::fs::write(&path, "a,y\n1,2\nx,3\n").unwrap();
    let e = load(&path).unwrap_err();
    let debug = format!("{e:?}");
    assert_eq!(
        debug,
        e.to_string(),
        "nothing to add: the message names the cause"
    );
    assert!(
        debug.contains("bad.csv") && debug.contains("bad.csv:3"),
        "{debug}"
    );
    assert!(!debug.starts_with("Data("), "{debug}");

    // `?` on std::io::Error, with and without the path.
    let missing = dir.join("missing.txt");
    let plain = || -> gradus::Result<String> { Ok(std::fs::read_to_string(&missing)?) };
    let e = plain().unwrap_err();
    assert!(matches!(e, gradus::Error::Io { path: None, .. }));
    let with_path = || -> gradus::Result<String> {
        std::fs::read_to_string(&missing).map_err(gradus::Error::io(&missing))
    };
    let e = with_path().unwrap_err();
    assert!(
        e.to_string().starts_with(&missing.display().to_string()),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
