//! The point tables shipped in `points/tables`, built into the tools so
//! that `--table sdm120` works from anywhere; any other `--table` value
//! is a path to a TOML or INI file.

use points::file::{File, LoadError};

/// The shipped tables: the name `--table` takes, and the TOML text.
pub const SHIPPED: &[(&str, &str)] = &[
    ("ups-cms", include_str!("../../points/tables/ups-cms.toml")),
    ("sdm120", include_str!("../../points/tables/sdm120.toml")),
    ("sdm630", include_str!("../../points/tables/sdm630.toml")),
    ("ddsu666", include_str!("../../points/tables/ddsu666.toml")),
    ("dtsu666", include_str!("../../points/tables/dtsu666.toml")),
    (
        "enc-eds-modbus",
        include_str!("../../points/tables/enc-eds-modbus.toml"),
    ),
];

/// Loads a shipped table by name, or a table file by path.
pub fn load(table: &str) -> Result<File, LoadError> {
    match SHIPPED.iter().find(|(name, _)| *name == table) {
        Some((_, text)) => File::from_toml(text),
        None => File::load(std::path::Path::new(table)).map_err(|e| match e {
            LoadError::Io(m) => LoadError::Io(format!(
                "{m} (a shipped table is one of: {})",
                SHIPPED
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            other => other,
        }),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_shipped_table_loads() {
        for (name, _) in super::SHIPPED {
            super::load(name).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        assert!(
            super::load("no-such-table")
                .unwrap_err()
                .to_string()
                .contains("sdm120")
        );
    }
}
