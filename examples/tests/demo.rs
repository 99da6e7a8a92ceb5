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
    // Live rows (those that start with the time): the last two columns
    // are the Modbus drive's output frequency and current, which ramp up
    // after the run command.
    let live: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("t/s"))
        .skip(1)
        .collect();
    let rows: Vec<Vec<f32>> = live
        .iter()
        .filter(|l| {
            l.split_whitespace()
                .next()
                .is_some_and(|w| w.parse::<f32>().is_ok())
        })
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
    battery_stack_lines(&text, &live, rows.len());
    energy_meter_lines(&text, &live, rows.len());
}

/// Under each live row, the simulated SDM120 read through its point
/// table: voltage, current, power and energy, each with its unit, in
/// what the simulator's model can show.
fn energy_meter_lines(text: &str, live: &[&str], rows: usize) {
    let want =
        "simulated Eastron SDM120 energy meter on Modbus RTU (unit 1, 9600 8N1, table sdm120)";
    assert!(text.contains(want), "missing {want:?} in\n{text}");
    let lines: Vec<&str> = live
        .iter()
        .map(|l| l.trim())
        .filter(|l| l.starts_with("SDM120 meter  "))
        .collect();
    assert_eq!(lines.len(), rows, "{text}");
    for line in lines {
        // SDM120 meter  voltage 231.84 V, current 8.98 A, active power 1979.91 W, import active energy 1234.5 kWh
        let value = |label: &str, unit: &str| -> f64 {
            let rest = line
                .split(&format!("{label} "))
                .nth(1)
                .unwrap_or_else(|| panic!("no {label} in {line}"));
            let (number, after) = rest.split_once(' ').unwrap();
            assert!(after.starts_with(unit), "{label} in {unit}: {line}");
            number
                .parse()
                .unwrap_or_else(|_| panic!("{label} in {line}"))
        };
        assert!((220.0..=240.0).contains(&value("voltage", "V,")), "{line}");
        assert!((0.0..=20.0).contains(&value("current", "A,")), "{line}");
        assert!(
            (0.0..=5000.0).contains(&value("active power", "W,")),
            "{line}"
        );
        assert!(value("import active energy", "kWh") >= 1234.5, "{line}");
    }
}

/// Under each live row, one line for each pack of the RS485 stack, with
/// values in their units and within what the simulated packs can show.
fn battery_stack_lines(text: &str, live: &[&str], rows: usize) {
    use examples::pylontech_sim::{CELLS, FIRST, LINE};
    let packs = 2;
    let want =
        format!("simulated Pylontech battery stack ({packs} packs, RS485 YD/T 1363, {LINE})");
    assert!(text.contains(&want), "missing {want:?} in\n{text}");
    let lines: Vec<&str> = live
        .iter()
        .map(|l| l.trim())
        .filter(|l| l.starts_with("RS485 pack "))
        .collect();
    assert_eq!(lines.len(), rows * packs, "{text}");
    for (i, line) in lines.iter().enumerate() {
        // RS485 pack 2  49.101 V  +17.7 A  SOC 39 %  BMS 30.5 °C, cells 28.6 to 28.9 °C
        let adr = FIRST as usize + i % packs;
        assert!(line.starts_with(&format!("RS485 pack {adr}  ")), "{line}");
        let before = |unit: &str| -> f64 {
            let words: Vec<&str> = line.split_whitespace().collect();
            let at = words
                .iter()
                .position(|w| *w == unit)
                .unwrap_or_else(|| panic!("no {unit} in {line}"));
            words[at - 1]
                .trim_end_matches(',')
                .parse()
                .unwrap_or_else(|_| panic!("{unit} in {line}"))
        };
        let volts = before("V");
        let cells = CELLS as f64;
        assert!((3.0 * cells..=3.6 * cells).contains(&volts), "{line}");
        let amps = before("A");
        assert!(amps.abs() <= 30.0, "{line}");
        let soc = before("%");
        assert!((0.0..=100.0).contains(&soc), "{line}");
        assert!(
            line.contains("BMS ") && line.contains(" °C, cells "),
            "{line}"
        );
        for t in line
            .split("°C")
            .filter_map(|p| p.split_whitespace().last()?.parse::<f64>().ok())
        {
            assert!((-20.0..=60.0).contains(&t), "{line}");
        }
    }
}
