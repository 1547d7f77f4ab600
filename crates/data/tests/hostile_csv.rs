//! Hostile CSV input: random bytes, random quotes, delimiters, line ends, byte order marks,
//! invalid UTF-8 and huge numbers, under random options. Every call returns `Ok` or `Err`
//! (each case runs under a time limit, so a hang fails too); an `Ok` holds exactly the
//! numbers of the file and an `Err` names the file.

use gradus_data::{CsvOptions, Error, Features, load_csv, read_csv, read_csv_features};
use proptest::prelude::*;

const SOURCE: &str = "hostile.csv";

/// Pieces of CSV text, well- and ill-formed.
const TOKENS: &[&[u8]] = &[
    b"a",
    b"b",
    b"y",
    b"id",
    b"0",
    b"1",
    b"-2.5",
    b" 3 ",
    b"7e-3",
    b"1e39",
    b"-1e400",
    b"3.4028235e38",
    b"NaN",
    b"inf",
    b"x",
    b"",
    b"\"",
    b"\"\"",
    b",",
    b",",
    b",",
    b";",
    b"\t",
    b"\n",
    b"\n",
    b"\r\n",
    b"\r",
    b"\xEF\xBB\xBF",
    b" ",
    "é".as_bytes(),
    b"\"1,2\"",
    b"\"a\nb\"",
    b"\xff",
    b"\xfe\xff",
    b"\x00",
];

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 400,
        timeout: 10_000,
        rng_seed: proptest::test_runner::RngSeed::Fixed(6),
        ..ProptestConfig::default()
    }
}

/// Random bytes, or a random sequence of CSV pieces.
fn text() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300),
        prop::collection::vec(prop::sample::select(TOKENS), 0..80).prop_map(|t| t.concat()),
    ]
}

fn options() -> impl Strategy<Value = CsvOptions> {
    let name = prop::sample::select(vec!["y", "a", "b", "id", "", "\"y\"", "c0", "c1", "c3"]);
    let features = prop_oneof![
        Just(Features::AllOthers),
        prop::collection::vec(name.clone(), 0..4)
            .prop_map(|n| Features::Named(n.into_iter().map(String::from).collect())),
        prop::collection::vec(name.clone(), 0..4)
            .prop_map(|n| Features::Except(n.into_iter().map(String::from).collect())),
    ];
    let delimiter = prop_oneof![Just(b','), Just(b';'), Just(b'\t'), any::<u8>()];
    (name, features, delimiter).prop_map(|(target, features, delimiter)| CsvOptions {
        target: target.to_owned(),
        features,
        delimiter,
    })
}

/// Checks the contract of one load: `Ok` data is consistent and finite, an `Err` names
/// the source (option errors excepted).
fn check(text: &[u8], options: &CsvOptions) {
    match read_csv(text, SOURCE, options) {
        Ok(d) => {
            let (n, k) = (d.n_samples(), d.n_features());
            assert!(n > 0 && k > 0);
            assert_eq!(d.x.len(), n * k);
            assert_eq!(d.y.dims(), &[n, 1]);
            assert_eq!(d.feature_names.len(), k);
            assert!(d.x.first_non_finite().is_none() && d.y.first_non_finite().is_none());
        }
        Err(e) => check_error(&e, text),
    }
    match read_csv_features(text, SOURCE, options) {
        Ok(f) => {
            assert_eq!(f.x.len(), f.x.rows() * f.feature_names.len());
            assert!(f.x.first_non_finite().is_none());
        }
        Err(e) => check_error(&e, text),
    }
}

fn check_error(e: &Error, text: &[u8]) {
    let message = e.to_string();
    match e {
        Error::InvalidOption(_) => assert!(message.starts_with("CsvOptions: delimiter")),
        _ => assert!(message.starts_with(SOURCE), "{message}"),
    }
    let lines = 1 + text.iter().filter(|&&b| b == b'\n').count() as u64;
    match *e {
        Error::UnclosedQuote { line, .. }
        | Error::Malformed { line, .. }
        | Error::RaggedRow { line, .. }
        | Error::NotNumeric { line, .. }
        | Error::NonFinite { line, .. }
        | Error::OutOfRange { line, .. }
        | Error::EmptyCell { line, .. } => {
            assert!(
                (1..=lines).contains(&line),
                "line {line} of {lines}: {message}"
            );
        }
        _ => {}
    }
}

/// A valid file: header `c0..c{d-1}`, the last column the target, `rows` rows of `values`.
fn valid_file() -> impl Strategy<Value = (usize, usize, Vec<f32>)> {
    (1usize..6, 2usize..5).prop_flat_map(|(rows, cols)| {
        let value = prop_oneof![
            any::<f32>().prop_filter("finite", |v| v.is_finite()),
            -100.0f32..100.0,
            Just(f32::MAX),
            Just(f32::MIN_POSITIVE),
        ];
        (
            Just(rows),
            Just(cols),
            prop::collection::vec(value, rows * cols),
        )
    })
}

fn render(rows: usize, cols: usize, values: &[f32]) -> String {
    let header: Vec<String> = (0..cols).map(|c| format!("c{c}")).collect();
    let mut text = header.join(",") + "\n";
    for r in 0..rows {
        let cells: Vec<String> = values[r * cols..(r + 1) * cols]
            .iter()
            .map(|v| format!("{v}"))
            .collect();
        text += &(cells.join(",") + "\n");
    }
    text
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_text_never_panics(text in text(), options in options()) {
        check(&text, &options);
    }

    /// A valid file loads to exactly its numbers; the same file with one random piece
    /// inserted anywhere still only returns Ok or Err.
    #[test]
    fn valid_files_round_trip_and_survive_one_mutation(
        (rows, cols, values) in valid_file(),
        piece in prop::sample::select(TOKENS),
        at in any::<prop::sample::Index>(),
    ) {
        let text = render(rows, cols, &values);
        let target = format!("c{}", cols - 1);
        let options = CsvOptions::new(target);
        let d = read_csv(text.as_bytes(), SOURCE, &options).unwrap();
        let x: Vec<f32> = (0..rows)
            .flat_map(|r| values[r * cols..(r + 1) * cols - 1].to_vec())
            .collect();
        let y: Vec<f32> = (0..rows).map(|r| values[(r + 1) * cols - 1]).collect();
        prop_assert_eq!(d.x.data(), &x[..]);
        prop_assert_eq!(d.y.data(), &y[..]);

        let mut mutated = text.into_bytes();
        let at = at.index(mutated.len() + 1);
        mutated.splice(at..at, piece.iter().copied());
        check(&mutated, &options);
    }

    /// An unclosed quote anywhere after the header is reported at the line it opens on.
    #[test]
    fn an_unclosed_quote_is_found_on_its_line(
        (rows, cols, values) in valid_file(),
        row in any::<prop::sample::Index>(),
    ) {
        let text = render(rows, cols, &values);
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        let line = 1 + row.index(rows);
        lines[line] = format!("\"{}", lines[line]);
        let text = lines.join("\n") + "\n";
        let e = read_csv(text.as_bytes(), SOURCE, &CsvOptions::new(format!("c{}", cols - 1)))
            .unwrap_err();
        prop_assert!(
            matches!(e, Error::UnclosedQuote { line: l, .. } if l == line as u64 + 1),
            "{}", e
        );
    }
}

#[test]
fn a_file_on_disk_with_hostile_bytes_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(SOURCE);
    std::fs::write(&path, b"\xEF\xBB\xBF\"a\",y\r\n\"1\xff\",2\r\n3,\"").unwrap();
    let e = load_csv(&path, &CsvOptions::new("y")).unwrap_err();
    assert!(matches!(e, Error::Malformed { line: 2, .. }), "{e}");
}
