//! CSV loading: values, column selection, and one test per error naming file, line and column.

use std::path::{Path, PathBuf};

use gradus_data::{CsvOptions, Error, Features, load_csv, load_csv_features};

/// Writes `text` to `name` in a fresh temporary directory.
fn file(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// The error message for loading `text` with `opts`; checks it starts with the file's path.
fn error(text: &str, opts: &CsvOptions) -> String {
    let (_dir, path) = file("data.csv", text);
    let e = load_csv(&path, opts).unwrap_err().to_string();
    let prefix = path.display().to_string();
    assert!(e.starts_with(&prefix), "`{e}` does not name {prefix}");
    e[prefix.len()..].to_owned()
}

#[test]
fn loads_selected_columns_in_order_and_skips_others() {
    let text = "id,b,a,y\nx1, 1.5 ,2,10\nx2,-3,4e1,20\n";
    let (_dir, path) = file("t.csv", text);
    let d = load_csv(&path, &CsvOptions::new("y").with_features(["a", "b"])).unwrap();
    assert_eq!(d.x.dims(), &[2, 2]);
    assert_eq!(d.x.data(), &[2.0, 1.5, 40.0, -3.0]);
    assert_eq!(d.y.dims(), &[2, 1]);
    assert_eq!(d.y.data(), &[10.0, 20.0]);
    assert_eq!(d.feature_names, ["a", "b"]);
    assert_eq!(d.target_name, "y");
    // The id column is text, so "all others" fails on it, naming the cell.
    let e = load_csv(&path, &CsvOptions::new("y"))
        .unwrap_err()
        .to_string();
    assert!(e.ends_with(":2: column 1 `id` holds `x1`, which is not a number; every feature and target cell must be numeric (encode categories as integers)"), "{e}");
}

/// `Features::Except` drops an id column (text, never parsed) and keeps the others in file
/// order, for training and for prediction; an unknown column is an error naming the file
/// and the nearest column.
#[test]
fn all_columns_except_an_id_column() {
    let text = "id,area,rooms,price
h-17,50,2,100
h-18,80,3,170
";
    let (_dir, path) = file("houses.csv", text);
    let opts = CsvOptions::new("price").without_features(["id"]);
    let d = load_csv(&path, &opts).unwrap();
    assert_eq!(d.feature_names, ["area", "rooms"]);
    assert_eq!(d.x.data(), &[50.0, 2.0, 80.0, 3.0]);
    assert_eq!(d.y.data(), &[100.0, 170.0]);
    // Prediction: the target column may be absent, the id column is still dropped.
    let (_d2, new) = file(
        "new.csv",
        "id,area,rooms
h-19,60,2
",
    );
    let f = load_csv_features(&new, &opts).unwrap();
    assert_eq!(f.feature_names, ["area", "rooms"]);
    assert_eq!(f.x.data(), &[60.0, 2.0]);
    let f = load_csv_features(&path, &opts).unwrap();
    assert_eq!(f.x.data(), &[50.0, 2.0, 80.0, 3.0]);
    // Dropping several, and the target again, is allowed; dropping all is not.
    let two = CsvOptions::new("price").without_features(["id", "rooms", "price"]);
    assert_eq!(load_csv(&path, &two).unwrap().feature_names, ["area"]);
    let all = CsvOptions::new("price").without_features(["id", "rooms", "area"]);
    assert!(error(text, &all).starts_with(": no feature columns are selected"));
    assert_eq!(
        error(text, &CsvOptions::new("price").without_features(["ID_"])),
        ": there is no column `ID_` to leave out of the features; did you mean `id`?; the \
         columns are: id, area, rooms, price"
    );
    assert_eq!(
        error(text, &CsvOptions::new("price").without_features(["zip"])),
        ": there is no column `zip` to leave out of the features; the columns are: id, area, \
         rooms, price"
    );
    // The nearest name is suggested for unknown targets and features too.
    assert_eq!(
        error(text, &CsvOptions::new("prices")),
        ": there is no target column `prices`; did you mean `price`?; the columns are: id, \
         area, rooms, price"
    );
}

#[test]
fn target_in_the_middle_delimiters_quotes_and_bom() {
    let text = "\u{feff}a;\"t\";b\r\n1;\"2\";3\r\n4;5;6\r\n";
    let (_dir, path) = file("semi.csv", text);
    let d = load_csv(&path, &CsvOptions::new("t").with_delimiter(b';')).unwrap();
    assert_eq!(d.feature_names, ["a", "b"]);
    assert_eq!(d.x.data(), &[1.0, 3.0, 4.0, 6.0]);
    assert_eq!(d.y.data(), &[2.0, 5.0]);
}

#[test]
fn features_only_for_prediction() {
    let opts = CsvOptions::new("y");
    let (_d1, with_target) = file("a.csv", "p,y,q\n1,9,2\n3,9,4\n");
    let f = load_csv_features(&with_target, &opts).unwrap();
    assert_eq!(f.feature_names, ["p", "q"]);
    assert_eq!(f.x.data(), &[1.0, 2.0, 3.0, 4.0]);
    let (_d2, without) = file("b.csv", "p,q\n5,6\n");
    let f = load_csv_features(&without, &opts).unwrap();
    assert_eq!(f.x.data(), &[5.0, 6.0]);
    let f = load_csv_features(&without, &opts.clone().with_features(["q"])).unwrap();
    assert_eq!(f.x.data(), &[6.0]);
    let e = load_csv_features(&without, &opts.with_features(["r"])).unwrap_err();
    assert!(matches!(e, Error::UnknownFeature { .. }), "{e}");
}

#[test]
fn missing_and_empty_files() {
    let path = Path::new("/nonexistent/dir/missing.csv");
    let e = load_csv(path, &CsvOptions::default())
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "/nonexistent/dir/missing.csv: no such file; check the path (relative paths start at the current directory)"
    );
    let opts = CsvOptions::new("y");
    assert_eq!(
        error("", &opts),
        ": the file is empty; a CSV needs a header line naming the columns, then one line per sample"
    );
    assert_eq!(
        error("\n\n", &opts),
        ": the file is empty; a CSV needs a header line naming the columns, then one line per sample"
    );
    assert_eq!(
        error("a,y\n", &opts),
        ": the header is there but no data rows follow; add one line per sample"
    );
}

#[test]
fn header_problems() {
    let opts = CsvOptions::new("y");
    assert_eq!(
        error("a,b,a,y\n1,2,3,4\n", &opts),
        ":1: columns 1 and 3 are both named `a`; rename one so that every column name is unique"
    );
    assert_eq!(
        error("a,,y\n1,2,3\n", &opts),
        ":1: column 2 has an empty name; give every column a name in the header"
    );
    assert_eq!(
        error("a,b,label\n1,2,3\n", &opts),
        ": there is no target column `y`; the columns are: a, b, label"
    );
    assert_eq!(
        error("a,b,y\n1,2,3\n", &opts.clone().with_features(["a", "c"])),
        ": there is no feature column `c`; the columns are: a, b, y"
    );
    // A wide header lists its first 20 names and counts the rest.
    let wide: Vec<String> = (0..100).map(|i| format!("c{i}")).collect();
    let e = error(&format!("{}\n", wide.join(",")), &opts);
    assert!(
        e.ends_with("the columns are: c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, c18, c19 and 80 more"),
        "{e}"
    );
    let e = error("a,b,y\n1,2,3\n", &opts.clone().with_features(["a", "y"]));
    assert!(e.starts_with(": column `y` is selected twice"), "{e}");
    let e = error("a,b,y\n1,2,3\n", &opts.clone().with_features(["b", "b"]));
    assert!(e.starts_with(": column `b` is selected twice"), "{e}");
    assert_eq!(
        error("y\n1\n", &opts),
        ": no feature columns are selected; name at least one, or use all columns but the target"
    );
    let named_none = CsvOptions {
        features: Features::Named(vec![]),
        ..opts
    };
    assert!(error("a,y\n1,2\n", &named_none).starts_with(": no feature columns"));
}

#[test]
fn ragged_rows_name_the_line() {
    let opts = CsvOptions::new("y");
    assert_eq!(
        error("a,b,y\n1,2,3\n4,5\n", &opts),
        ":3: this row has 2 fields but the header has 3; every row needs one value per column (look for a missing or extra delimiter)"
    );
    // Blank lines are skipped but still counted.
    let e = error("a,b,y\n1,2,3\n\n4,5,6,7\n", &opts);
    assert!(e.starts_with(":4: this row has 4 fields"), "{e}");
    // A quoted field spanning lines: the row starts on line 2, the next one on line 4.
    assert!(error("a,b,y\n\"1\n\",2,3\n4,5\n", &opts).starts_with(":4: this row has 2 fields"));
    // Windows line ends and several blank lines.
    let e = error("a,b,y\r\n\r\n1,2,3\r\n\r\n\r\n4,x,6\r\n", &opts);
    assert!(e.starts_with(":6: column 2 `b` holds `x`"), "{e}");
}

#[test]
fn bad_cells_name_line_column_and_text() {
    let opts = CsvOptions::new("y");
    assert_eq!(
        error("a,b,y\n1,2,3\n4,abc,6\n", &opts),
        ":3: column 2 `b` holds `abc`, which is not a number; every feature and target cell must be numeric (encode categories as integers)"
    );
    assert_eq!(
        error("a,b,y\n1,2,3\n4,5,\n", &opts),
        ":3: column 3 `y` is empty; fill in or impute missing values, or drop the row"
    );
    for bad in ["NaN", "nan", "inf", "-Infinity"] {
        let e = error(&format!("a,b,y\n1,2,3\n{bad},5,6\n"), &opts);
        assert_eq!(
            e,
            format!(
                ":3: column 1 `a` holds `{bad}`, which is not a finite 32-bit number; replace missing values (NaN) and infinities with real values"
            )
        );
    }
    // Finite numbers beyond f32 are not silently infinite: the message gives the range.
    assert_eq!(
        error("a,b,y\n1,2,3\n4,5,1e39\n", &opts),
        ":3: column 3 `y` holds `1e39`, which exceeds the 32-bit float range (±3.4e38); rescale the column (e.g. change its units) so every value fits"
    );
    let e = error("a,b,y\n-1e400,2,3\n", &opts);
    assert!(
        e.starts_with(":2: column 1 `a` holds `-1e400`, which exceeds"),
        "{e}"
    );
    // The first bad cell is reported: the row is read left to right.
    assert!(error("a,b,y\nx,y,z\n", &opts).starts_with(":2: column 1 `a` holds `x`"));
}

#[test]
fn an_unclosed_quote_names_the_line_where_it_opens() {
    let opts = CsvOptions::new("y");
    let fix = "a quote opens a field here and is never closed, so the rest of the file would be read as one field; close the quote, or write a quote inside a field as two (\"\")";
    assert_eq!(
        error("a,b,y\n1,2,3\n4,\"5,6\n7,8,9\n10,11,12\n", &opts),
        format!(":3: {fix}")
    );
    // In the header, after a quoted field spanning lines, and with Windows line ends.
    assert_eq!(error("a,\"b,y\n1,2,3\n", &opts), format!(":1: {fix}"));
    assert_eq!(
        error("a,b,y\n\"1\n\",2,3\n\n\"4,5,6", &opts),
        format!(":5: {fix}")
    );
    assert_eq!(
        error("a,b,y\r\n1,2,3\r\n4,5,\"6\r\n", &opts),
        format!(":3: {fix}")
    );
    // Earlier problems are still reported first, in file order.
    let e = error("a,b,y\n1,x,3\n4,\"5,6\n", &opts);
    assert!(e.starts_with(":2: column 2 `b` holds `x`"), "{e}");
    // Balanced quotes, doubled quotes inside quotes and a literal quote mid-field are fine.
    let (_dir, path) = file("q.csv", "\"a\",\"y\"\n\"1\",\"2\"\n3,\"4\"\n");
    assert_eq!(load_csv(&path, &opts).unwrap().y.data(), &[2.0, 4.0]);
    let (_dir, path) = file("q.csv", "id,a,y\n\"say \"\"hi\"\"\",1,2\nx\"y,3,4\n");
    let d = load_csv(&path, &opts.with_features(["a"])).unwrap();
    assert_eq!(d.x.data(), &[1.0, 3.0]);
}

#[test]
fn delimiters_that_cannot_separate_fields_are_rejected() {
    let (_dir, path) = file("d.csv", "a,y\n1,2\n");
    let load = |d: u8| {
        load_csv(&path, &CsvOptions::new("y").with_delimiter(d))
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        load(b'"'),
        "CsvOptions: delimiter '\"' cannot separate fields: it is the quote character; use ',', ';' or '\\t'"
    );
    assert_eq!(
        load(b'\n'),
        "CsvOptions: delimiter '\\n' cannot separate fields: it ends lines; use ',', ';' or '\\t'"
    );
    assert!(load(0xE9).contains("it is not an ASCII character"));
}

#[test]
fn a_byte_order_mark_before_a_quoted_header_is_skipped() {
    let (_dir, path) = file("bom.csv", "\u{feff}\"a\",\"y\"\n1,2\n");
    let d = load_csv(&path, &CsvOptions::new("y")).unwrap();
    assert_eq!(d.feature_names, ["a"]);
    assert_eq!(d.x.data(), &[1.0]);
}

#[test]
fn malformed_text_is_an_error_not_a_panic() {
    let (_dir, path) = file("bin.csv", "a,y\n1,2\n");
    std::fs::write(&path, b"a,y\n\n1,\xff\xfe\n").unwrap();
    let e = load_csv(&path, &CsvOptions::new("y")).unwrap_err();
    assert!(matches!(e, Error::Malformed { line: 3, .. }), "{e}");
    assert!(
        e.to_string().ends_with(
            "bin.csv:3: malformed CSV: column 2 is not valid UTF-8 text; save the file as UTF-8 CSV (in a spreadsheet: \"CSV UTF-8\")"
        ),
        "{e}"
    );
    // A directory is not a file.
    let dir = tempfile::tempdir().unwrap();
    let e = load_csv(dir.path(), &CsvOptions::new("y")).unwrap_err();
    assert!(matches!(e, Error::Io { .. }), "{e}");
}
