//! The `points` tool: `check` passes the shipped tables and names the
//! overlapping placeholders of `ups-cms.ini`, `convert` writes a TOML form
//! that checks the same, `list` prints the points as a table or JSON.

use std::path::PathBuf;

mod common;

const UPS_INI: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../testdata/points/ups-cms.ini"
);
const UPS_GBK: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../testdata/points/ups-cms.gbk.ini"
);

/// Runs `points args`: exit code, stdout, stderr. It must end within 20
/// seconds, and no run may panic.
fn points(args: &[&str]) -> (Option<i32>, String, String) {
    let out = common::run(env!("CARGO_BIN_EXE_points"), args);
    let (stdout, stderr) = common::text(&out);
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    (out.status.code(), stdout, stderr)
}

/// A new empty directory of this test's own.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("points-tool-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The problem lines of `check`'s output (all but the summary).
fn problem_lines(stdout: &str) -> Vec<&str> {
    let lines: Vec<&str> = stdout.lines().collect();
    lines[..lines.len() - 1].to_vec()
}

#[test]
fn check_passes_every_shipped_table() {
    for (name, _) in examples::tables::SHIPPED {
        let (code, stdout, stderr) = points(&["check", name]);
        assert_eq!(code, Some(0), "{name}: {stdout}{stderr}");
        assert!(stdout.ends_with(" 0 problems\n"), "{name}: {stdout}");
        assert_eq!(stdout.lines().count(), 1, "{name}: {stdout}");
    }
}

#[test]
fn check_names_the_overlapping_placeholders_of_the_ini() {
    for ini in [UPS_INI, UPS_GBK] {
        let (code, stdout, stderr) = points(&["check", ini]);
        assert_eq!(code, Some(1), "{stderr}");
        assert!(
            stdout.ends_with(": 121 points, 2 commands, 118 problems\n"),
            "{stdout}"
        );
        let problems = problem_lines(&stdout);
        assert_eq!(problems.len(), 118);
        assert_eq!(
            problems[0],
            "point 3 (cmd_3): covers the same bytes as point 2 (cmd_2) in the reply to command \"01\""
        );
        assert!(
            problems
                .iter()
                .all(|p| p.contains("covers the same bytes as point")),
            "{stdout}"
        );
        assert!(
            problems.contains(
                &"point 64 (cmd_64): covers the same bytes as point 63 (cmd_63) in the reply to command \"02\""
            ),
            "{stdout}"
        );
    }
}

#[test]
fn a_table_that_does_not_load_exits_2_saying_where() {
    let dir = scratch("bad");
    let bad = dir.join("bad.ini");
    std::fs::write(
        &bad,
        "[CMD]\ncmd-count=1\ncmd-1=x\n[cmd-1]\nSendCmd=01\nIndex=0\nLen=4\ntype=QWORD\n",
    )
    .unwrap();
    let (code, stdout, stderr) = points(&["check", bad.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{stdout}");
    assert!(
        stderr.contains("line 8") && stderr.contains("\"QWORD\""),
        "{stderr}"
    );
    let (code, _, stderr) = points(&["check", "no-such-table"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("sdm120"), "the shipped names: {stderr}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn convert_writes_a_toml_form_with_the_same_problems() {
    let dir = scratch("convert");
    let out = dir.join("ups.toml");
    let out = out.to_str().unwrap();
    let (code, stdout, stderr) = points(&["convert", UPS_INI, out]);
    // Written despite the problems, which are warnings.
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("121 points"), "{stdout}");
    assert_eq!(stderr.matches("warning: point").count(), 118, "{stderr}");

    let (_, from_ini, _) = points(&["check", UPS_INI]);
    let (code, from_toml, stderr) = points(&["check", out]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(problem_lines(&from_toml), problem_lines(&from_ini));
    let toml = std::fs::read_to_string(out).unwrap();
    assert!(toml.contains("市电输入R相电压"), "{toml}");

    // Not over an existing file, unless asked.
    let (code, _, stderr) = points(&["convert", "sdm120", out]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(std::fs::read_to_string(out).unwrap(), toml);
    let (code, _, stderr) = points(&["convert", "sdm120", out, "--force"]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, stdout, _) = points(&["check", out]);
    assert_eq!(code, Some(0), "{stdout}");

    // The output is the TOML form: its name says so.
    let txt = dir.join("ups.txt");
    let (code, _, stderr) = points(&["convert", UPS_INI, txt.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains(".toml"), "{stderr}");
    assert!(!txt.exists());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn list_prints_every_point_as_a_table_or_json() {
    let (code, stdout, stderr) = points(&["list", "sdm120", "--json"]);
    assert_eq!(code, Some(0), "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let list = v["points"].as_array().unwrap();
    assert_eq!(list[0]["name"], "voltage");
    assert_eq!(list[0]["unit"], "V");
    assert_eq!(list[0]["at"]["unit"], "register");

    let (code, stdout, _) = points(&["list", UPS_GBK, "--json"]);
    assert_eq!(code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let list = v["points"].as_array().unwrap();
    assert_eq!(list.len(), 121);
    assert_eq!(list[0]["original"], "市电输入R相电压");
    assert_eq!(list[22]["kind"]["bits"]["first"], 0);

    // A header and one line per point, even with problems.
    let (code, stdout, _) = points(&["list", UPS_INI]);
    assert_eq!(code, Some(0));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 122);
    assert!(lines[0].starts_with("name "), "{stdout}");
    assert!(
        lines[1].starts_with("cmd_1 ") && lines[1].contains("0+4 char (frame)"),
        "{}",
        lines[1]
    );
    assert!(lines[23].contains("bit 0"), "{}", lines[23]);
}
