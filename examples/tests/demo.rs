//! The README's first command: the demo runs against its simulated devices
//! and every device answers.

use std::process::Command;

#[test]
fn demo_polls_every_simulated_device() {
    let out = Command::new(env!("CARGO_BIN_EXE_demo"))
        .args(["--seconds", "3"])
        .output()
        .expect("demo runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Plain text for people, never Rust's Debug form.
    assert!(!text.contains("Some("), "{text}");
    for expected in [
        "inverter: model VMIII-5000",
        "simulated ENC EDS drive on Modbus RTU (unit 1, 9600 8E1)",
        "PCVV 60.0 refused locally",
        "inverter: PCVV57.6 -> acknowledged",
        "drive: run -> normal",
        "modbus drive: set point 25.00 Hz -> written: register 0x2001 = 2500",
        "modbus drive: set point 60.00 Hz -> refused: exception 03 (illegal data value)",
        "modbus drive: run -> written: register 0x2000 = 5",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    // Live rows: the last two columns are the Modbus drive's output
    // frequency and current, which ramp up after the run command.
    let rows: Vec<Vec<f32>> = text
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("t/s"))
        .skip(1)
        .map(|l| {
            l.split_whitespace()
                .filter_map(|w| w.parse().ok())
                .collect()
        })
        .collect();
    assert!(rows.len() >= 3, "{text}");
    let modbus_hz: Vec<f32> = rows.iter().map(|r| r[r.len() - 2]).collect();
    assert!(modbus_hz.iter().all(|hz| hz.is_finite()), "{text}");
    assert!(
        modbus_hz.last() > modbus_hz.first(),
        "Modbus drive did not ramp: {modbus_hz:?}"
    );
    assert!(modbus_hz.iter().all(|&hz| hz <= 25.0), "{modbus_hz:?}");
}
