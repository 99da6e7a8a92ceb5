//! `modbus-sim --port PATH` on an existing pseudo-terminal: socat makes the
//! pair (neither end is ours), the simulator serves one end, and our
//! `modbus` tool and mbpoll talk to the other.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

mod common;

use common::Killed;

fn found(program: &str) -> bool {
    let ok = Command::new(program)
        .arg("-h")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    assert!(
        ok || std::env::var_os("REQUIRE_INTEROP").is_none(),
        "REQUIRE_INTEROP is set but {program} is missing"
    );
    if !ok {
        eprintln!("skipped: {program} not installed (the README's test command installs it)");
    }
    ok
}

/// A pseudo-terminal pair from socat: the process and the two paths.
fn pair() -> (Killed, String, String) {
    let mut child = Command::new("socat")
        .args(["-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut paths = Vec::new();
    while paths.len() < 2 {
        let line = lines.next().expect("socat printed its ptys").unwrap();
        if let Some(i) = line.find("PTY is ") {
            paths.push(line[i + 7..].trim().to_string());
        }
    }
    // Keep draining socat's log so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    let b = paths.pop().unwrap();
    let a = paths.pop().unwrap();
    (Killed(child), a, b)
}

#[test]
fn simulator_on_an_existing_pty() {
    if !found("socat") || !found("mbpoll") {
        return;
    }
    let (_socat, device_end, host_end) = pair();
    let _sim = Killed(
        Command::new(env!("CARGO_BIN_EXE_modbus-sim"))
            .args(["--port", &device_end, "--unit", "3"])
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    std::thread::sleep(Duration::from_millis(300));
    let out = Command::new(env!("CARGO_BIN_EXE_modbus"))
        .args([
            "--port",
            &host_end,
            "--unit",
            "3",
            "write-register",
            "0x2001",
            "1500",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // mbpoll reads it back (8E1, the simulator's line).
    let out = Command::new("mbpoll")
        .args([
            "-m", "rtu", "-a", "3", "-b", "9600", "-P", "even", "-0", "-1",
        ])
        .args(["-t", "4", "-r", "8193", &host_end])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("[8193]: \t1500"), "{text}");
}
