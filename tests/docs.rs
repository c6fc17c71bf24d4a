//! The documents agree with the code: every error code the crate can return is in the
//! README's error table, every feature of `Cargo.toml` is in the README's feature table with
//! the right default, and statements that were once true and no longer are do not come back.
//! (Stale documentation was a finding of the outside review: "planned" features that had
//! shipped, a package description that no longer described the crate.)

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc
)]

use std::collections::BTreeSet;
use std::path::Path;

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// The codes `Error::code` returns: the string of every arm of its `match`.
fn error_codes() -> BTreeSet<String> {
    let source = read("src/error.rs");
    let body = source
        .split_once("pub const fn code(&self) -> &'static str {")
        .unwrap()
        .1
        .split_once("\n    }\n")
        .unwrap()
        .0;
    body.lines()
        .filter_map(|line| line.split_once("=> \"")?.1.split_once('"'))
        .map(|(code, _)| code.to_owned())
        .collect()
}

/// The first column of the README table whose header row starts with `| {first} |`.
fn readme_table(first: &str) -> Vec<Vec<String>> {
    let readme = read("README.md");
    let mut lines = readme
        .lines()
        .skip_while(|l| !l.starts_with(&format!("| {first} |")));
    lines
        .next()
        .unwrap_or_else(|| panic!("no README table headed {first}"));
    lines
        .skip(1) // the |---| row
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.split('|')
                .map(|c| c.trim().to_owned())
                .collect::<Vec<_>>()[1..]
                .to_vec()
        })
        .collect()
}

#[test]
fn every_error_code_is_in_the_readme_table() {
    let codes = error_codes();
    assert!(codes.len() >= 20, "{codes:?}");
    let documented: BTreeSet<String> = readme_table("code")
        .iter()
        .flat_map(|row| {
            row[0]
                .split('/')
                .map(|c| c.trim().trim_matches('`').to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    let missing: Vec<_> = codes.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "codes missing from the README: {missing:?}"
    );
    let unknown: Vec<_> = documented.difference(&codes).collect();
    assert!(
        unknown.is_empty(),
        "README codes the crate never returns: {unknown:?}"
    );
}

#[test]
fn every_feature_is_in_the_readme_table_with_its_default() {
    let manifest = read("Cargo.toml");
    let features = manifest
        .split_once("[features]\n")
        .unwrap()
        .1
        .split_once("\n[")
        .unwrap()
        .0;
    let mut defaults = Vec::new();
    let mut names = BTreeSet::new();
    for line in features
        .lines()
        .filter(|l| !l.starts_with('#') && l.contains('='))
    {
        let (name, value) = line.split_once('=').unwrap();
        let name = name.trim();
        if name == "default" {
            defaults = value
                .split('"')
                .skip(1)
                .step_by(2)
                .map(str::to_owned)
                .collect();
        } else {
            names.insert(name.to_owned());
        }
    }
    let table = readme_table("feature");
    let documented: BTreeSet<String> = table
        .iter()
        .map(|row| row[0].trim_matches('`').to_owned())
        .collect();
    assert_eq!(documented, names, "README feature table vs Cargo.toml");
    for row in &table {
        let name = row[0].trim_matches('`');
        let on = row[1] == "yes";
        assert_eq!(
            on,
            defaults.iter().any(|d| d == name),
            "README says default {:?} for {name}",
            row[1]
        );
    }
}

#[test]
fn statements_that_are_no_longer_true_stay_out() {
    let readme = read("README.md");
    let manifest = read("Cargo.toml");
    let changelog = read("CHANGELOG.md");
    for (file, text, stale) in [
        ("README.md", &readme, "is planned"),
        ("README.md", &readme, "map.get(name).map("),
        ("README.md", &readme, "the whole test suite"),
        ("Cargo.toml", &manifest, "later JWT features"),
        (
            "Cargo.toml",
            &manifest,
            "HMAC-SHA256): no_std, no allocation",
        ),
        ("CHANGELOG.md", &changelog, "duplicate `kid`s are an error"),
    ] {
        assert!(!text.contains(stale), "{file} says {stale:?} again");
    }
}
