//! `modbus-sim --port PATH` on an existing pseudo-terminal: socat makes the
//! pair (neither end is ours), the simulator serves one end, and our
//! `modbus` tool and mbpoll talk to the other.

use std::process::{Command, Stdio};
use std::time::Duration;

mod common;

use common::{Killed, found, pair};

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
