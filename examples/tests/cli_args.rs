//! The command-line tools' arguments, end to end: every tool refuses a
//! hostile value with a message and exit code 2 (never a panic), global
//! options may come after the action, and a malformed reply is a protocol
//! error (exit code 1), not a refused argument.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use embedded_io::Read as _;
use transports::serial::Pty;

mod common;
use common::run;

fn name(bin: &str) -> &str {
    bin.rsplit('/').next().unwrap_or(bin)
}

/// The tool refused the arguments: exit code 2, a reason, no panic.
fn assert_refused(bin: &str, args: &[&str]) {
    let out = run(bin, args);
    let err = String::from_utf8_lossy(&out.stderr);
    let shown: Vec<&str> = args.iter().map(|a| &a[..a.len().min(40)]).collect();
    assert_eq!(out.status.code(), Some(2), "{} {shown:?}: {err}", name(bin));
    assert!(
        !err.trim().is_empty(),
        "{} {shown:?}: no message",
        name(bin)
    );
    assert!(!err.contains("panicked"), "{} {shown:?}: {err}", name(bin));
}

/// Nothing arrived on the pseudo-terminal's master side.
fn assert_nothing_sent(pty: &mut Pty) {
    let mut buf = [0u8; 64];
    match pty.master().read(&mut buf) {
        Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::TimedOut),
        Ok(n) => panic!("sent {:02X?}", &buf[..n]),
    }
}

#[test]
fn hostile_values_are_refused_with_exit_code_2_and_no_panic() {
    // Values checked after the port is open need one that opens.
    let mut pty = Pty::new().unwrap();
    let p = pty.path().to_string();
    let p = p.as_str();
    let many = |n: usize, v: &str| vec![v; n].join(",");
    let (regs_124, coils_1969) = (many(124, "1"), many(1969, "1"));

    let axpert = env!("CARGO_BIN_EXE_axpert");
    for args in [
        &["--port", p, "--watch=-1", "qpigs"][..],
        &["--port", p, "--watch=1e300", "qpigs"],
        &["--port", p, "--watch=NaN", "qpigs"],
        &["--port", p, "--watch=0", "qpigs"],
        &["--port", p, "--watch=soon", "qpigs"],
        &["--port", p, "--timeout=-5", "qpigs"],
        &["--port", p, "--timeout=inf", "qpigs"],
        &["--port", p, "--timeout=1e300", "qpigs"],
        &["--port", p, "--baud", "0", "qpigs"],
        &["--port", p, "--baud", "99999999999", "qpigs"],
        &["--port", p, "--battery", "13", "pcvv", "56.4"],
        &["--port", p, "--battery=-48", "pcvv", "56.4"],
        &["--port", p, "--battery", "48", "pcvv", "1e300"],
        &["--port", p, "--battery", "48", "mchgc", "99999999999"],
        &["--port", p, "qpgs", "10"],
    ] {
        assert_refused(axpert, args);
    }
    assert_refused(env!("CARGO_BIN_EXE_axpert-sim"), &["--baud", "0"]);
    assert_refused(env!("CARGO_BIN_EXE_axpert-sim"), &["--baud=-2400"]);
    assert_refused(env!("CARGO_BIN_EXE_axpert-sim"), &["--battery", "13"]);

    let enc = env!("CARGO_BIN_EXE_enc-drive");
    for args in [
        &["--port", p, "--watch=-1", "status"][..],
        &["--port", p, "--watch=1e300", "status"],
        &["--port", p, "--watch=0", "status"],
        &["--port", p, "--baud", "0", "status"],
        &["--port", p, "--delay-ms", "100000", "status"],
        &["--port", p, "--delay-ms=-1", "status"],
        &["--port", p, "--delay-ms", "18446744073709551615", "status"],
        &["--port", p, "--address", "200", "status"],
        &["--port", p, "stop", "--index", "300"],
        &["--port", p, "control", "0x1FF"],
        &["--port", p, "set-frequency", "1e300"],
        &["--port", p, "set-frequency", "--", "-5"],
        &["--port", p, "param", "set", "F0.08", "70000"],
        &["status"],
    ] {
        assert_refused(enc, args);
    }
    let enc_sim = env!("CARGO_BIN_EXE_enc-sim");
    for args in [
        &["--baud", "0"][..],
        &["--fault", "8@-5"],
        &["--fault", "8@1e300"],
        &["--fault", "8@NaN"],
        &["--fault", "300@5"],
        &["--address", "200"],
    ] {
        assert_refused(enc_sim, args);
    }

    let monitor = env!("CARGO_BIN_EXE_bms-monitor");
    for args in [
        &["--slcan", p, "--seconds=-5"][..],
        &["--slcan", p, "--seconds", "-5"],
        &["--slcan", p, "--seconds=1e300"],
        &["--slcan", p, "--seconds=0"],
        &["--slcan", p, "--bitrate", "123"],
        &["--slcan", p, "--bitrate", "99999999999"],
        &["--slcan", p, "--baud", "0"],
    ] {
        assert_refused(monitor, args);
    }
    let bms_sim = env!("CARGO_BIN_EXE_bms-sim");
    for args in [
        &["--baud", "0"][..],
        &["--alarm", "over-temperature@-5"],
        &["--alarm", "over-temperature@1e300"],
        &["--alarm", "over-temperature@inf"],
        &["--alarm", "no-such-alarm@5"],
    ] {
        assert_refused(bms_sim, args);
    }

    let modbus = env!("CARGO_BIN_EXE_modbus");
    for args in [
        &["--port", p, "--baud", "0", "read-holding", "0", "1"][..],
        &["--port", p, "--stop-bits", "3", "read-holding", "0", "1"],
        &["--port", p, "--unit", "248", "read-holding", "0", "1"],
        &["--port", p, "--unit", "0", "read-holding", "0", "1"],
        &["--port", p, "--timeout-ms", "0", "read-holding", "0", "1"],
        &[
            "--port",
            p,
            "--timeout-ms",
            "99999999999999999999",
            "read-holding",
            "0",
            "1",
        ],
        &["--port", p, "read-holding", "0", "70000"],
        &["--port", p, "read-holding", "0", "200"],
        &["--port", p, "read-holding", "0", "0"],
        &["--port", p, "read-holding", "0x10000", "1"],
        &["--port", p, "write-registers", "0", &regs_124],
        &["--port", p, "write-coils", "0", &coils_1969],
        &["--port", p, "scan", "--from", "0"],
        &["--port", p, "scan", "--from", "9", "--to", "3"],
        &["read-holding", "0", "1"],
    ] {
        assert_refused(modbus, args);
    }
    let modbus_sim = env!("CARGO_BIN_EXE_modbus-sim");
    for args in [&["--baud", "0"][..], &["--unit", "0"], &["--unit", "248"]] {
        assert_refused(modbus_sim, args);
    }

    let pylontech = env!("CARGO_BIN_EXE_pylontech");
    for args in [
        &["--port", p, "--baud", "0"][..],
        &["--port", p, "--baud", "99999999999"],
        &["--port", p, "--baud=-9600", "--detect"],
        &["--port", p, "--address", "255"],
        &["--port", p, "--address=-1"],
        &["--port", p, "--address", "99999999999"],
        &["--port", p, "--address", "0x02"],
        &["--port", p, "--timeout=-1"],
        &["--port", p, "--timeout=NaN", "--detect"],
        &["--port", p, "--timeout=1e300"],
        &["--port", p, "--current-scale", "1"],
        &["--port", p, "--current-scale", ""],
        &["--address", "2"],
    ] {
        assert_refused(pylontech, args);
    }
    let pylontech_sim = env!("CARGO_BIN_EXE_pylontech-sim");
    for args in [
        &["--baud", "0"][..],
        &["--packs", "0"],
        &["--packs", "17"],
        &["--packs", "99999999999"],
        &["--packs=-2"],
    ] {
        assert_refused(pylontech_sim, args);
    }

    let ups_sim = env!("CARGO_BIN_EXE_ups-sim");
    for args in [
        &["--baud", "0"][..],
        &["--address", "0"],
        &["--address", "255"],
        &["--address=-1"],
        &["--table", "no-such-table"],
        &["--table", "sdm120"],
    ] {
        assert_refused(ups_sim, args);
    }
    let ups_monitor = env!("CARGO_BIN_EXE_ups-monitor");
    for args in [
        &["--port", p, "--table", "ups-cms", "--baud", "0"][..],
        &["--port", p, "--table", "ups-cms", "--address", "0"],
        &[
            "--port",
            p,
            "--table",
            "ups-cms",
            "--address",
            "99999999999",
        ],
        &["--port", p, "--table", "ups-cms", "--timeout=-1"],
        &["--port", p, "--table", "ups-cms", "--timeout=NaN"],
        &["--port", p, "--table", "ups-cms", "--watch=0"],
        &["--port", p, "--table", "ups-cms", "--watch=1e300"],
        &["--port", p, "--table", "no-such-table"],
        &["--port", p, "--table", "sdm120"],
        &["--port", p],
        &["--table", "ups-cms"],
    ] {
        assert_refused(ups_monitor, args);
    }
    let meter_sim = env!("CARGO_BIN_EXE_meter-sim");
    for args in [
        &["--baud", "0"][..],
        &["--unit", "0"],
        &["--unit", "248"],
        &["--table", "ups-cms"],
        &["--table", "no-such-table"],
        &["--table", "dtsu666", "--variant", "energy-base-9"],
        &["--table", "sdm120", "--variant", "x"],
    ] {
        assert_refused(meter_sim, args);
    }
    for args in [
        &["--port", p, "read-points", "--table", "no-such-table"][..],
        &["--port", p, "read-points", "--table", "ups-cms"],
        &[
            "--port",
            p,
            "read-points",
            "--table",
            "dtsu666",
            "--variant",
            "x",
        ],
        &[
            "--port",
            p,
            "read-points",
            "--table",
            "sdm120",
            "--gap",
            "70000",
        ],
        &["--port", p, "read-points", "--table", "sdm120", "--gap=-1"],
        &[
            "--port",
            p,
            "--unit",
            "0",
            "read-points",
            "--table",
            "sdm120",
        ],
        &["--port", p, "read-points"],
    ] {
        assert_refused(modbus, args);
    }

    let decode = env!("CARGO_BIN_EXE_decode");
    for args in [
        &["bms-can", "--id=-5", "00"][..],
        &["bms-can", "--id", "0x800", "00"],
        &["bms-can", "--id", "99999999999", "00"],
        &["ydt1363", "--command", "0x100", "~20024642E00202FD33"],
        &["ydt1363", "--command", "+42", "~20024642E00202FD33"],
        &["ydt1363", "--command", "-1", "~20024642E00202FD33"],
        &["ydt1363", "--command", "", "~20024642E00202FD33"],
        &["ydt1363", "--current-scale", "10", "~20024642E00202FD33"],
        &[
            "ydt1363",
            "--command",
            "42",
            "--request",
            "~20024642E00202FD33",
            "~20024642E00202FD33",
        ],
        &["ydt1363"],
    ] {
        assert_refused(decode, args);
    }
    // Tables that cannot be loaded are refused like arguments (exit 2),
    // and nothing is written.
    let points = env!("CARGO_BIN_EXE_points");
    let long = "x".repeat(5000);
    for args in [
        &["check"][..],
        &["check", ""],
        &["check", "/"],
        &["check", &long],
        &["check", "no-such-table"],
        &["list", "sdm120", "--json=maybe"],
        &["list", "\u{202e}\u{0301}"],
        &["convert", "sdm120"],
        &["convert", "sdm120", "out.txt"],
        &["convert", "/", "never-written.toml"],
        &["convert", &long, "never-written.toml"],
        &["frobnicate"],
    ] {
        assert_refused(points, args);
    }
    assert!(!std::path::Path::new("never-written.toml").exists());
    let demo = env!("CARGO_BIN_EXE_demo");
    for args in [
        &["--seconds=-5"][..],
        &["--seconds", "0"],
        &["--seconds", "99999999999999999999"],
        &["--baud", "0"],
    ] {
        assert_refused(demo, args);
    }
    // None of the refusals above sent a byte.
    assert_nothing_sent(&mut pty);
}

#[test]
fn a_bad_hex_byte_is_an_error_not_a_panic() {
    // Text sliced by bytes would split the two-byte 'é'.
    let out = run(env!("CARGO_BIN_EXE_decode"), &["modbus", "aéa"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked") && err.contains("hex"), "{err}");
}

/// A simulator binary on its own new pseudo-terminal; killed on drop.
struct Sim(Child, String);

impl Sim {
    fn start(bin: &str) -> Sim {
        let mut child = Command::new(bin).stdout(Stdio::piped()).spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().unwrap())
            .read_line(&mut line)
            .unwrap();
        Sim(child, line.trim().to_string())
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn global_options_may_follow_the_action() {
    let sim = Sim::start(env!("CARGO_BIN_EXE_modbus-sim"));
    let modbus = env!("CARGO_BIN_EXE_modbus");
    for args in [
        &["read-holding", "0x2000", "2", "--port", &sim.1, "--json"][..],
        &[
            "--port",
            &sim.1,
            "read-holding",
            "0x2000",
            "2",
            "--json",
            "--unit",
            "1",
        ],
        &["read-holding", "--json", "0x2000", "2", "--port", &sim.1],
    ] {
        let out = run(modbus, args);
        let text = String::from_utf8_lossy(&out.stdout);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        let v: serde_json::Value = serde_json::from_str(&text).expect("--json took effect");
        assert_eq!(v["address"], 1, "{v}");
    }

    let sim = Sim::start(env!("CARGO_BIN_EXE_enc-sim"));
    let out = run(
        env!("CARGO_BIN_EXE_enc-drive"),
        &[
            "read",
            "run-frequency",
            "--port",
            &sim.1,
            "--json",
            "--address",
            "1",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("--json took effect");
    assert!(v.get("run_frequency").is_some(), "{v}");

    // A port that does not exist: an I/O error (1), not a usage error.
    for (bin, args) in [
        (
            modbus,
            &[
                "read-holding",
                "0",
                "10",
                "--port",
                "/nonexistent/tty",
                "--json",
            ][..],
        ),
        (
            modbus,
            &[
                "--port",
                "/nonexistent/tty",
                "read-holding",
                "0",
                "10",
                "--json",
            ],
        ),
        (
            env!("CARGO_BIN_EXE_enc-drive"),
            &[
                "status",
                "--port",
                "/nonexistent/tty",
                "--json",
                "--watch",
                "1",
            ],
        ),
        (
            env!("CARGO_BIN_EXE_axpert"),
            &["--port", "/nonexistent/tty", "qpigs", "--json"],
        ),
    ] {
        let out = run(bin, args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{} {args:?}: {err}", name(bin));
        assert!(!err.contains("unexpected argument"), "{err}");
    }
}

#[test]
fn a_malformed_modbus_reply_is_a_protocol_error_not_a_refused_argument() {
    let mut pty = Pty::new().unwrap();
    let path = pty.path().to_string();
    let tool = std::thread::spawn(move || {
        run(
            env!("CARGO_BIN_EXE_modbus"),
            &[
                "--port",
                &path,
                "--timeout-ms",
                "3000",
                "read-holding",
                "0",
                "1",
            ],
        )
    });
    // Wait for the request (unit 1, FC03, register 0, quantity 1).
    let mut request = Vec::new();
    let mut buf = [0u8; 16];
    let start = Instant::now();
    while request.len() < 8 && start.elapsed() < Duration::from_secs(10) {
        if let Ok(n) = pty.master().read(&mut buf) {
            request.extend_from_slice(&buf[..n]);
        }
    }
    assert_eq!(&request[..6], [0x01, 0x03, 0x00, 0x00, 0x00, 0x01]);
    // The right unit and function and a good CRC, but three data bytes
    // for one register.
    let mut reply = vec![0x01, 0x03, 0x03, 0x00, 0x01, 0x02];
    reply.extend_from_slice(&modbus_rtu_lite::crc16(&reply).to_le_bytes());
    embedded_io::Write::write_all(pty.master(), &reply).unwrap();
    let out = tool.join().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("byte count"), "{err}");
}
