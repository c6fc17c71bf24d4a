#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)] // test helper
//! Locating the shared, read-only test vectors (`../shared/vectors` beside the repository).
//!
//! `HOOKVERIFY_VECTORS` overrides the directory. When the directory is missing the tests that
//! need it fail if `HOOKVERIFY_REQUIRE_VECTORS=1` (as `.ci/run` sets), and otherwise report
//! loudly on stderr that they were skipped: never a silent pass.

use std::path::PathBuf;

/// The vectors directory, or `None` (after saying so) when it is absent and not required.
pub(crate) fn vectors_dir(what: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("HOOKVERIFY_VECTORS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/vectors"),
        PathBuf::from,
    );
    if dir.is_dir() {
        return Some(dir);
    }
    let required = std::env::var("HOOKVERIFY_REQUIRE_VECTORS").is_ok_and(|v| v == "1");
    assert!(
        !required,
        "HOOKVERIFY_REQUIRE_VECTORS=1 but the vectors directory {} is missing ({what})",
        dir.display()
    );
    eprintln!(
        "SKIPPED {what}: vectors directory {} not found \
         (set HOOKVERIFY_VECTORS, or HOOKVERIFY_REQUIRE_VECTORS=1 to make this an error)",
        dir.display()
    );
    None
}
