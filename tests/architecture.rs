//! The architecture the `src/` tree shows holds: no cycles between files (each `crate::` and
//! `super::` path names the file it depends on, test modules left out), files import the
//! module that defines an item rather than the crate root's re-exports, the algorithm files
//! depend on nothing but the shared error types, and no file grows far past ~600 lines.

#![allow(
    clippy::arithmetic_side_effects,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/`, by module path (`standard::v1`; the empty path for `lib.rs`).
fn modules() -> BTreeMap<String, PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    files
        .into_iter()
        .map(|path| {
            let rel = path.strip_prefix(&src).unwrap().with_extension("");
            let mut parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
                parts.pop();
            }
            (parts.join("::"), path)
        })
        .collect()
}

/// The file module a path like `standard::v1::Macs` lives in.
fn resolve(modules: &BTreeMap<String, PathBuf>, path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
    (1..=parts.len())
        .rev()
        .map(|i| parts[..i].join("::"))
        .find(|candidate| modules.contains_key(candidate))
}

/// The source without its test module and without comments (doc links name items by their
/// public path, which is not a dependency).
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    text.split("mod tests {")
        .next()
        .unwrap()
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `crate::` and `super::` paths (identifier characters and `::` after the prefix).
fn paths_after<'a>(text: &'a str, prefix: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    text.match_indices(prefix).map(move |(at, _)| {
        let rest = &text[at + prefix.len()..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        rest[..end].trim_end_matches(':')
    })
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules();
    let mut edges = BTreeMap::new();
    for (module, path) in &modules {
        let text = code(path);
        let mut deps = BTreeSet::new();
        for p in paths_after(&text, "crate::") {
            if let Some(target) = resolve(&modules, p) {
                deps.insert(target);
            }
        }
        let parent: Vec<&str> = module.split("::").collect();
        let parent = parent[..parent.len().saturating_sub(1)].join("::");
        for p in paths_after(&text, "super::") {
            if let Some(target) = resolve(&modules, &format!("{parent}::{p}")) {
                deps.insert(target);
            }
        }
        deps.remove(module);
        edges.insert(module.clone(), deps);
    }
    edges
}

#[test]
fn no_cycles_between_files() {
    let edges = graph();
    // Depth-first search; a grey node met again closes a cycle.
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) {
        state.insert(node.to_owned(), 1);
        stack.push(node.to_owned());
        for next in &edges[node] {
            match state.get(next) {
                Some(1) => panic!("a cycle between files: {:?} -> {next}", stack),
                Some(_) => {}
                None => visit(next, edges, state, stack),
            }
        }
        stack.pop();
        state.insert(node.to_owned(), 2);
    }
    let mut state = BTreeMap::new();
    for node in edges.keys() {
        if !state.contains_key(node) {
            visit(node, &edges, &mut state, &mut Vec::new());
        }
    }
}

#[test]
fn files_import_from_the_defining_module() {
    for (module, path) in modules() {
        if module.is_empty() {
            continue;
        }
        let text = code(&path);
        for p in paths_after(&text, "crate::") {
            let first = p.split("::").next().unwrap_or_default();
            assert!(
                first.chars().next().is_none_or(char::is_lowercase),
                "{module} uses crate::{p} (the crate root's re-export)"
            );
        }
    }
}

#[test]
fn algorithms_depend_only_on_primitives() {
    for (module, deps) in graph() {
        if module.starts_with("alg::") {
            assert!(
                // The shared error types, or arithmetic of their own layer (the RS256 path
                // uses `alg::montgomery`); the cycle test keeps that layer acyclic.
                deps.iter()
                    .all(|d| d == "error" || d == "fault" || d.starts_with("alg::")),
                "{module} depends on {deps:?}"
            );
        }
    }
}

#[test]
fn files_stay_small() {
    for (module, path) in modules() {
        let lines = std::fs::read_to_string(&path).unwrap().lines().count();
        assert!(lines <= 650, "{module}: {lines} lines");
    }
}
