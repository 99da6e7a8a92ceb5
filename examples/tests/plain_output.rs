//! What the tools print for people: plain words with units, never Rust's
//! `Debug` form (`Ready(11)`, `Some(..)`, `[1, 2]`); and a reader that goes
//! away (`tool | head -1`) ends a tool quietly with exit code 0, never a
//! "Broken pipe" panic.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

mod common;
use common::text;

/// Rust `Debug` forms of the values the tools print.
const DEBUG_FORMS: [&str; 12] = [
    "Some(",
    "None",
    "Ready(",
    "ReadyLocked(",
    "Refused",
    "FrameError",
    "Normal",
    "StateWord(",
    "Fault",
    "Illegal",
    "Custom {",
    "Os {",
];

fn assert_plain(what: &str, text: &str) {
    for debug in DEBUG_FORMS {
        assert!(!text.contains(debug), "{what}: {debug:?} in\n{text}");
    }
    assert!(!text.contains("panicked"), "{what}: {text}");
}

#[test]
fn enc_drive_prints_words_not_debug() {
    let sim = common::Spawned::start(env!("CARGO_BIN_EXE_enc-sim"));
    let drive = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_enc-drive"))
            .args(["--port", &sim.path])
            .args(args)
            .output()
            .unwrap()
    };

    let out = drive(&["status"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_plain("status", &stdout);
    for expected in [
        "ready 11 (master control allowed)",
        "stopped, forward (0x0000)",
        "50.00 Hz",
        "0.0 A",
    ] {
        assert!(stdout.contains(expected), "{expected:?} in\n{stdout}");
    }

    let out = drive(&["param", "set", "F2.17", "300"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(3), "the drive refused: {stderr}");
    assert_plain("param set", &stdout);
    assert_plain("param set", &stderr);
    assert!(stdout.contains("refused (code 30)"), "{stdout}");
    // The reason and what to check, per refused request.
    assert!(
        stderr.contains("F2.17: the drive refused (code 30") && stderr.contains("check"),
        "{stderr}"
    );

    // A fault reads as its number and the manual's words.
    let tripped = common::Spawned::start_with(env!("CARGO_BIN_EXE_enc-sim"), &["--fault", "8@0"]);
    let out = Command::new(env!("CARGO_BIN_EXE_enc-drive"))
        .args(["--port", &tripped.path, "read", "run-frequency"])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_plain("fault", &stdout);
    assert!(stdout.contains("fault 8 (drive overload)"), "{stdout}");
}

#[test]
fn simulator_logs_are_words_not_debug() {
    let stack = ["--packs", "2"];
    for (sim, sim_args, client, runs, expected) in [
        (
            env!("CARGO_BIN_EXE_enc-sim"),
            &[][..],
            env!("CARGO_BIN_EXE_enc-drive"),
            &[&["status"][..]][..],
            &[
                "address 1 state -> ready 11",
                "state_word -> stopped, forward",
            ][..],
        ),
        (
            env!("CARGO_BIN_EXE_axpert-sim"),
            &[],
            env!("CARGO_BIN_EXE_axpert"),
            &[&["qmod"]],
            &["QMOD -> (B"],
        ),
        // The pylontech tool's table and --detect are words too.
        (
            env!("CARGO_BIN_EXE_pylontech-sim"),
            &stack,
            env!("CARGO_BIN_EXE_pylontech"),
            &[&[], &["--detect", "--address", "2"]],
            &[
                "address 2: analog values, all packs -> answered",
                "address 2: alarms, all packs -> answered",
            ],
        ),
    ] {
        let mut child = Command::new(sim)
            .args(sim_args)
            .arg("--verbose")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut path = String::new();
        BufReader::new(child.stdout.as_mut().unwrap())
            .read_line(&mut path)
            .unwrap();
        for args in runs {
            let out = Command::new(client)
                .args(["--port", path.trim()])
                .args(*args)
                .output()
                .unwrap();
            let (stdout, stderr) = text(&out);
            assert!(out.status.success(), "{stderr}");
            if client.ends_with("pylontech") {
                assert_plain(client, &stdout);
                assert_plain(client, &stderr);
            }
        }
        let _ = child.kill();
        let (_, log) = text(&child.wait_with_output().unwrap());
        assert_plain(sim, &log);
        for e in expected {
            assert!(log.contains(e), "{e:?} in\n{log}");
        }
    }
}

#[test]
fn modbus_lists_and_exceptions_are_words() {
    let sim = common::Spawned::start_with(
        env!("CARGO_BIN_EXE_modbus-sim"),
        &["--unit", "1", "--unit", "2"],
    );
    let modbus = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_modbus"))
            .args(["--port", &sim.path])
            .args(args)
            .output()
            .unwrap()
    };
    let out = modbus(&["scan", "--to", "4"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(stdout.trim(), "responding units: 1, 2");

    let out = modbus(&["scan", "--from", "5", "--to", "6"]);
    let (stdout, _) = text(&out);
    assert!(stdout.starts_with("responding units: none"), "{stdout}");
    assert!(!stdout.contains("[]"), "{stdout}");

    // 60.00 Hz is above the drive's maximum: exception 03.
    let out = modbus(&["write-register", "0x2001", "6000"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert_plain("exception", &stderr);
    assert!(
        stderr.contains("exception 03 (illegal data value): ") && stderr.contains("check"),
        "{stderr}"
    );
}

#[test]
fn point_tables_print_words_and_units_not_debug() {
    let ups = common::Spawned::start(env!("CARGO_BIN_EXE_ups-sim"));
    let out = Command::new(env!("CARGO_BIN_EXE_ups-monitor"))
        .args(["--port", &ups.path, "--table", "ups-cms"])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_plain("ups-monitor", &stdout);
    for expected in [" V\n", " Hz\n", " yes\n", " no\n"] {
        assert!(stdout.contains(expected), "{expected:?} in\n{stdout}");
    }

    let meter =
        common::Spawned::start_with(env!("CARGO_BIN_EXE_meter-sim"), &["--table", "dtsu666"]);
    let out = Command::new(env!("CARGO_BIN_EXE_modbus"))
        .args([
            "--port",
            &meter.path,
            "--parity",
            "none",
            "read-points",
            "--table",
            "dtsu666",
        ])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_plain("modbus read-points", &stdout);
    for expected in [" V\n", " A\n", " kWh\n", "variant energy-base-1000", "3P4W"] {
        assert!(stdout.contains(expected), "{expected:?} in\n{stdout}");
    }
}

/// Runs `bin args` with stdout into a pipe that is read for one line and
/// then closed; the tool must end with exit code 0 and no panic.
fn reader_goes_away(bin: &str, args: &[&str]) {
    let what = format!(
        "{} {}",
        bin.rsplit('/').next().unwrap_or(bin),
        args.join(" ")
    );
    let mut child = Command::new(bin)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut first).unwrap();
    assert!(!first.is_empty(), "{what}: printed nothing");
    drop(stdout);
    let out = common::finish(child, &what);
    let (_, stderr) = text(&out);
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    assert_eq!(out.status.code(), Some(0), "{what}: {stderr}");
}

/// Runs `bin args` with stdout a pipe whose reader is already closed.
fn no_reader(bin: &str, args: &[&str]) {
    let what = format!(
        "{} {}",
        bin.rsplit('/').next().unwrap_or(bin),
        args.join(" ")
    );
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let child = Command::new(bin)
        .args(args)
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = common::finish(child, &what);
    let (_, stderr) = text(&out);
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    assert_eq!(out.status.code(), Some(0), "{what}: {stderr}");
}

#[test]
fn a_closed_stdout_ends_a_tool_quietly() {
    let enc = common::Spawned::start(env!("CARGO_BIN_EXE_enc-sim"));
    let axpert = common::Spawned::start(env!("CARGO_BIN_EXE_axpert-sim"));
    let bms = common::Spawned::start(env!("CARGO_BIN_EXE_bms-sim"));
    let modbus = common::Spawned::start(env!("CARGO_BIN_EXE_modbus-sim"));
    let stack = common::Spawned::start(env!("CARGO_BIN_EXE_pylontech-sim"));
    let ups = common::Spawned::start(env!("CARGO_BIN_EXE_ups-sim"));
    let meter = common::Spawned::start(env!("CARGO_BIN_EXE_meter-sim"));

    // Tools that go on printing: the next line after the reader left.
    let enc_drive = env!("CARGO_BIN_EXE_enc-drive");
    reader_goes_away(
        enc_drive,
        &["--port", &enc.path, "--watch", "0.1", "read", "all"],
    );
    reader_goes_away(
        enc_drive,
        &["--port", &enc.path, "--watch", "0.1", "--json", "status"],
    );
    reader_goes_away(
        env!("CARGO_BIN_EXE_axpert"),
        &["--port", &axpert.path, "--watch", "0.1", "qpigs"],
    );
    reader_goes_away(env!("CARGO_BIN_EXE_bms-monitor"), &["--slcan", &bms.path]);
    reader_goes_away(env!("CARGO_BIN_EXE_demo"), &["--seconds", "60"]);
    reader_goes_away(
        env!("CARGO_BIN_EXE_ups-monitor"),
        &["--port", &ups.path, "--table", "ups-cms", "--watch", "0.1"],
    );

    // Every tool's first line, into a pipe nobody reads.
    no_reader(enc_drive, &["--port", &enc.path, "status"]);
    no_reader(
        env!("CARGO_BIN_EXE_axpert"),
        &["--port", &axpert.path, "qmod"],
    );
    no_reader(
        env!("CARGO_BIN_EXE_modbus"),
        &["--port", &modbus.path, "read-holding", "0x2000", "2"],
    );
    no_reader(
        env!("CARGO_BIN_EXE_decode"),
        &["modbus", "01 03 20 00 00 04 4F C9"],
    );
    no_reader(
        env!("CARGO_BIN_EXE_decode"),
        &["ydt1363", "~20024642E00202FD33"],
    );
    no_reader(
        env!("CARGO_BIN_EXE_bms-monitor"),
        &["--slcan", &bms.path, "--json"],
    );
    no_reader(env!("CARGO_BIN_EXE_pylontech"), &["--port", &stack.path]);
    no_reader(
        env!("CARGO_BIN_EXE_pylontech"),
        &["--port", &stack.path, "--json"],
    );
    no_reader(env!("CARGO_BIN_EXE_demo"), &["--seconds", "60"]);
    no_reader(
        env!("CARGO_BIN_EXE_ups-monitor"),
        &["--port", &ups.path, "--table", "ups-cms", "--json"],
    );
    no_reader(
        env!("CARGO_BIN_EXE_modbus"),
        &["--port", &meter.path, "read-points", "--table", "sdm120"],
    );
    no_reader(env!("CARGO_BIN_EXE_points"), &["list", "ups-cms"]);
    no_reader(env!("CARGO_BIN_EXE_points"), &["list", "dtsu666", "--json"]);
    no_reader(env!("CARGO_BIN_EXE_points"), &["check", "sdm630"]);
    // A simulator whose path nobody can read has nobody to serve.
    for sim in [
        env!("CARGO_BIN_EXE_enc-sim"),
        env!("CARGO_BIN_EXE_axpert-sim"),
        env!("CARGO_BIN_EXE_bms-sim"),
        env!("CARGO_BIN_EXE_modbus-sim"),
        env!("CARGO_BIN_EXE_pylontech-sim"),
        env!("CARGO_BIN_EXE_ups-sim"),
        env!("CARGO_BIN_EXE_meter-sim"),
    ] {
        no_reader(sim, &[]);
    }
    no_reader(env!("CARGO_BIN_EXE_modbus-sim"), &["--tcp", "127.0.0.1:0"]);
}

#[test]
fn points_prints_words_not_debug() {
    let ini = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../testdata/points/ups-cms.ini"
    );
    for args in [
        &["check", ini][..],
        &["list", ini],
        &["list", "dtsu666"],
        &["check", "enc-eds-modbus"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_points"))
            .args(args)
            .output()
            .unwrap();
        let (stdout, stderr) = text(&out);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{args:?}: {stderr}"
        );
        assert_plain("points", &stdout);
        assert_plain("points", &stderr);
    }
}
