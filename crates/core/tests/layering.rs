//! The crate's architecture as a test: every module may use only the domains below it, so
//! dependencies point one way and no cycle can form. A path that reaches a domain not in its
//! row fails with the file and the path. `#[cfg(test)]` modules (at the end of a file) are not
//! checked: a test may build through the registry.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

/// Each domain and the domains it may use (besides itself and the crate root's `Error`/`Result`).
const ALLOWED: &[(&str, &[&str])] = &[
    ("util", &[]),
    ("metrics", &["util"]),
    ("train", &["util"]),
    ("io", &["util"]),
    ("nn::ops", &["util"]),
    ("nn::matmul", &["nn::ops", "util"]),
    ("nn::layers", &["nn::matmul", "nn::ops", "util"]),
    ("nn::models", &["nn::layers", "nn::matmul", "nn::ops", "util"]),
    ("nn::registry", &["nn::models", "nn::layers", "util"]),
    ("kernels", &["metrics", "train", "io", "nn::ops", "nn::matmul", "nn::layers", "nn::registry", "util"]),
];

/// The domain a module path belongs to (the longest prefix in `ALLOWED`), or None for the root.
fn domain(path: &[String]) -> Option<&'static str> {
    let joined = path.join("::");
    ALLOWED
        .iter()
        .map(|(d, _)| *d)
        .filter(|d| joined == *d || joined.starts_with(&format!("{d}::")))
        .max_by_key(|d| d.len())
}

/// `crate::…` and `super::…` paths in `code`, made absolute for the file of module `module`
/// (each `super` is one step up from it).
fn paths(code: &str, module: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    while i < bytes.len() {
        let rest = code.get(i..).unwrap_or("");
        let starts = (i == 0 || !ident(bytes[i - 1])) && (rest.starts_with("crate::") || rest.starts_with("super::"));
        if !starts {
            i += 1;
            continue;
        }
        let mut end = i;
        while end < bytes.len() && (ident(bytes[end]) || bytes[end] == b':') {
            end += 1;
        }
        let mut segs: Vec<&str> = code[i..end].split("::").filter(|s| !s.is_empty()).collect();
        let mut base = if segs[0] == "crate" { segs.remove(0); Vec::new() } else { module.to_vec() };
        while segs.first() == Some(&"super") {
            segs.remove(0);
            base.pop();
        }
        base.extend(segs.iter().map(|s| s.to_string()));
        out.push(base);
        i = end;
    }
    out
}

fn visit(dir: &Path, root: &Path, violations: &mut BTreeSet<String>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            visit(&path, root, violations);
            continue;
        }
        let rel = path.strip_prefix(root).unwrap().with_extension("");
        let mut module: Vec<String> = rel.iter().map(|s| s.to_string_lossy().into_owned()).collect();
        if module.last().is_some_and(|m| m == "mod") {
            module.pop();
        }
        let Some(from) = domain(&module) else { continue }; // lib.rs, error.rs, nn/mod.rs: no code
        let text = fs::read_to_string(&path).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap();
        let code: String = code.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
        let allowed = ALLOWED.iter().find(|(d, _)| *d == from).unwrap().1;
        for target in paths(&code, &module) {
            let Some(to) = domain(&target) else { continue }; // crate::Error, crate::Result
            if to != from && !allowed.contains(&to) {
                violations.insert(format!("{}: {from} uses {} ({to})", path.display(), target.join("::")));
            }
        }
    }
}

#[test]
fn dependencies_point_one_way() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut violations = BTreeSet::new();
    visit(&root, &root, &mut violations);
    assert!(violations.is_empty(), "modules using a domain above them:\n{}", violations.into_iter().collect::<Vec<_>>().join("\n"));
}

#[test]
fn the_check_sees_a_violation() {
    // A layer reaching up into the models must be caught (the cycle this test was written for).
    let module = ["nn".to_string(), "layers".to_string()];
    let found = paths("let m = crate::nn::models::build(kind);", &module);
    assert_eq!(domain(&found[0]), Some("nn::models"));
    let found = paths("use super::super::models::din;", &["nn".into(), "layers".into(), "din".into()]);
    assert_eq!(found[0], ["nn", "models", "din"]);
}
