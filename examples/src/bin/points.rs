//! Point tables on the command line: check one, convert one to the TOML
//! form, list its points.
//!
//! ```text
//! points check testdata/points/ups-cms.ini      (the problems, one per line)
//! points check sdm630                           (a shipped table, by name)
//! points convert ups-cms.ini ups-cms.toml       (the TOML form, to correct by hand)
//! points list dtsu666 --json
//! ```

use std::io::Write as _;
use std::path::Path;

use clap::{Parser, Subcommand};
use examples::output::{json, name};
use examples::{err, out, tables};
use points::file::{File, LoadError};
use points::{Kind, Point, Table};
use serde_json::json;

#[derive(Parser)]
#[command(
    version,
    about = "Check, convert and list point tables (TOML, or the legacy INI family)",
    after_help = "TABLE is a shipped table's name (ups-cms, sdm120, sdm630, ddsu666, dtsu666, \
                  enc-eds-modbus) or a path: a .toml file is read as the TOML form, any other \
                  as the legacy INI family (UTF-8 or GBK).\n\n\
                  Exit codes: 0 done (check: no problems; convert: written, problems printed \
                  as warnings); 1 check found problems, or the output could not be written; \
                  2 refused argument, or the table could not be loaded at all (nothing was \
                  written)."
)]
struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Subcommand)]
enum Action {
    /// Print every problem of a table (overlapping points, lengths that
    /// do not fit their type, unknown commands, ...) and a summary.
    Check {
        /// A shipped table's name, or a .toml or .ini file.
        table: String,
    },
    /// Write a table in the TOML form, to be corrected by hand.
    Convert {
        /// A shipped table's name, or a .toml or .ini file.
        input: String,
        /// The TOML file to write (its name ends in .toml).
        output: String,
        /// Replace OUTPUT if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Print the points: name, command, where, type, scale, unit.
    List {
        /// A shipped table's name, or a .toml or .ini file.
        table: String,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

fn fail(code: i32, msg: impl std::fmt::Display) -> ! {
    err!("points: {msg}");
    std::process::exit(code);
}

/// The table `name` names, or exit 2 saying why not.
fn load(name: &str) -> File {
    match tables::load(name) {
        Ok(file) => file,
        // Says which file it could not read.
        Err(e @ LoadError::Io(_)) => fail(2, e),
        Err(e) => fail(2, format_args!("{name}: {e}")),
    }
}

/// Lends `file`'s table to `f`, or exits 2 saying why it cannot.
fn with_table<R>(name: &str, file: &File, f: impl FnOnce(&Table<'_>) -> R) -> R {
    file.with_table(f)
        .unwrap_or_else(|e| fail(2, format_args!("{name}: {e}")))
}

/// Every problem of `table`, in words.
fn problems(table: &Table<'_>) -> Vec<String> {
    let mut found = Vec::new();
    table.check(|p| found.push(table.describe(p).to_string()));
    found
}

fn main() {
    match Args::parse().action {
        Action::Check { table: name } => {
            let file = load(&name);
            let problems = with_table(&name, &file, problems);
            for p in &problems {
                out!("{p}");
            }
            out!(
                "{}: {} points, {} commands, {} problems",
                name,
                file.points.len(),
                file.commands.len(),
                problems.len()
            );
            if !problems.is_empty() {
                std::process::exit(1);
            }
        }
        Action::Convert {
            input,
            output,
            force,
        } => convert(&input, &output, force),
        Action::List { table: name, json } => {
            let file = load(&name);
            with_table(&name, &file, |t| list(t, json));
        }
    }
}

fn convert(input: &str, output: &str, force: bool) {
    let path = Path::new(output);
    if path
        .extension()
        .is_none_or(|e| !e.eq_ignore_ascii_case("toml"))
    {
        fail(
            2,
            format_args!("{output}: the output's name must end in .toml (the form it is in)"),
        );
    }
    let file = load(input);
    let problems = with_table(input, &file, problems);
    let text = file
        .to_toml()
        .unwrap_or_else(|e| fail(2, format_args!("{input}: {e}")));
    let text = format!(
        "# Converted by `points convert` from {input}. Check it with `points check`.\n\n{text}"
    );
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let written = match options.open(path) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => fail(
            2,
            format_args!("{output} exists; give --force to replace it"),
        ),
        opened => opened.and_then(|mut f| f.write_all(text.as_bytes())),
    };
    if let Err(e) = written {
        fail(1, format_args!("cannot write {output}: {e}"));
    }
    for p in &problems {
        err!("points: warning: {p}");
    }
    out!(
        "{output}: {} points, {} commands written ({} problems to correct)",
        file.points.len(),
        file.commands.len(),
        problems.len()
    );
}

/// Where a point is, in the TOML form's words: `13+4 char (frame)`.
fn place(p: &Point<'_>) -> String {
    format!(
        "{}+{} {} ({})",
        p.at.offset,
        p.at.length,
        name(&p.at.unit),
        name(&p.at.origin)
    )
}

/// A point's type: `u16`, `bits 0-3`.
fn type_of(p: &Point<'_>) -> String {
    match p.kind {
        Kind::Bits { first, last } if first == last => format!("bit {first}"),
        Kind::Bits { first, last } => format!("bits {first}-{last}"),
        k => k.name().to_string(),
    }
}

fn list(table: &Table<'_>, as_json: bool) {
    if as_json {
        out!(
            "{}",
            json(&json!({ "name": table.name, "points": table.points }))
        );
        return;
    }
    // The variant column only where sources disagree: one name may then
    // stand for a point in each variant.
    let variants = !table.variants.is_empty();
    let dash = |s: &str| {
        if s.is_empty() {
            "-".into()
        } else {
            s.to_string()
        }
    };
    let rows: Vec<Vec<String>> = table
        .points
        .iter()
        .map(|p| {
            let mut row = vec![
                p.name.to_string(),
                p.command.to_string(),
                place(p),
                type_of(p),
                p.scale.to_string(),
                dash(p.unit),
            ];
            if variants {
                row.push(dash(p.variant));
            }
            row
        })
        .collect();
    let mut head: Vec<String> = ["name", "command", "where", "type", "scale", "unit"]
        .map(String::from)
        .to_vec();
    if variants {
        head.push("variant".into());
    }
    let mut widths = vec![0usize; head.len()];
    for row in std::iter::once(&head).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&head).chain(&rows) {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, &w)| format!("{cell:w$}"))
            .collect();
        out!("{}", line.join("  ").trim_end());
    }
}
