//! Every table shipped in `points/tables` loads, and has no problem in
//! any of its variants.

#![cfg(feature = "std")]

use std::path::Path;

use points::file::File;

#[test]
fn every_shipped_table_loads_and_is_sound() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tables");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        seen += 1;
        let file = File::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        file.with_table(|table| {
            let mut problems = Vec::new();
            table.check(|p| problems.push(table.describe(p).to_string()));
            assert!(
                problems.is_empty(),
                "{}:\n{}",
                path.display(),
                problems.join("\n")
            );
            assert!(!table.points.is_empty(), "{}", path.display());
        })
        .unwrap();
    }
    assert!(seen >= 6, "only {seen} tables in {}", dir.display());
}
