//! The battery tools as processes over a pseudo-terminal: the simulator,
//! the monitor (as the inverter, keep-alive included), an injected alarm,
//! and the decode tool.

use std::process::Command;

mod common;

#[test]
fn monitor_reads_the_simulated_battery_and_its_alarm() {
    let sim = common::Spawned::start_with(
        env!("CARGO_BIN_EXE_bms-sim"),
        &["--alarm", "over-temperature@1.5"],
    );
    let out = Command::new(env!("CARGO_BIN_EXE_bms-monitor"))
        .args([
            "--slcan",
            &sim.path,
            "--keepalive",
            "--json",
            "--seconds",
            "3.5",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.len() >= 3, "{lines:?}");
    let first = &lines[0];
    assert_eq!(first["stale"], false);
    assert_eq!(first["limits"]["charge_voltage"], 53.2);
    assert_eq!(first["name"]["value"], "PYLON");
    assert!(first["limits"]["age_s"].as_f64().unwrap() < 1.5);
    let last = lines.last().unwrap();
    assert_eq!(
        last["flags"]["flags"]["over_temperature"], true,
        "injected alarm reached the monitor"
    );
    assert_eq!(
        last["limits"]["charge_current"], 0.1,
        "limits cut to 0.1 A (sent for zero)"
    );
    assert_eq!(last["requests"]["charge_enable"], false);
}

#[test]
fn monitor_reports_a_silent_battery_as_stale() {
    // A pseudo-terminal nobody answers on: the monitor runs and says stale.
    let pty = transports::serial::Pty::new().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_bms-monitor"))
        .args(["--slcan", pty.path(), "--json", "--seconds", "1.3"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = String::from_utf8_lossy(&out.stdout);
    let v: serde_json::Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
    assert_eq!(v["stale"], true);
    assert_eq!(v["limits"], serde_json::Value::Null);
}

#[test]
fn decode_tool() {
    let decode = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_decode"))
            .arg("bms-can")
            .args(args)
            .output()
            .unwrap()
    };
    let out = decode(&["--id", "0x356", "7A 13 F2 FE 6B 01"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["measurements"]["voltage"], 49.86);
    assert_eq!(v["measurements"]["current"], -27.0);
    let out = decode(&["--id", "0x35A", "AAAAAA02AAAAAA02"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["alarms"]["alarms"]["high_voltage"], "ok");
    let out = decode(&["--id", "0x356", "7A13"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "decode: frame 0x356 has 2 data bytes, needs at least 6"
    );
    let out = decode(&["--id", "0x123", "0102"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"raw\""));
}
