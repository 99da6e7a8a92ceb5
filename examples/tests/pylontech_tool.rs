//! The `pylontech` tool against `pylontech-sim` over a pseudo-terminal:
//! what it prints (table and JSON) is what the simulator's model states,
//! held still so both read the same moment; `--detect` finds the stack;
//! silence is an error that says what to try.

mod common;

use std::process::Output;

use common::{Spawned, text};
use examples::pylontech_sim::{FIRST, LINE, SYSTEM_PARAMETERS, Stack};
use examples::pylontech_text::{active_alarms, ascii, software_version};
use serde_json::Value;
use ydt1363::device::{Request, Response};
use ydt1363::pylontech::{Command as Ask, ManufacturerInfo, VER};

const PACKS: u8 = 2;

fn pylontech(args: &[&str]) -> Output {
    common::run(env!("CARGO_BIN_EXE_pylontech"), args)
}

fn stack() -> Spawned {
    Spawned::start_with(
        env!("CARGO_BIN_EXE_pylontech-sim"),
        &["--packs", &PACKS.to_string(), "--hold"],
    )
}

/// What the model says the stack's manufacturer information is.
fn manufacturer(model: &Stack) -> ManufacturerInfo {
    let ask = Request {
        ver: VER,
        adr: FIRST,
        cid1: 0x46,
        command: Ask::ManufacturerInfo,
    };
    match model.answer(&ask) {
        Response::ManufacturerInfo(m) => m,
        _ => panic!("the model has no manufacturer information"),
    }
}

fn v(mv: u16) -> String {
    format!("{:.3} V", f64::from(mv) / 1000.0)
}

fn c(t: ydt1363::pylontech::Temperature) -> String {
    format!("{:.1} °C", f64::from(t.celsius()) / 10.0)
}

#[test]
fn the_table_shows_what_the_stack_states() {
    let sim = stack();
    let out = pylontech(&["--port", &sim.path]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}\n{stdout}");
    assert!(stderr.is_empty(), "{stderr}");
    for debug in ["Some(", "None", "Normal", "Answer(", "[", "{"] {
        assert!(!stdout.contains(debug), "{debug:?} in\n{stdout}");
    }
    let model = Stack::new(PACKS);
    let m = manufacturer(&model);
    for expected in [
        format!(
            "protocol version  {}.{} (VER {VER:#04x})",
            VER >> 4,
            VER & 15
        ),
        format!("device            {}", ascii(&m.device_name)),
        format!("software version  {}", software_version(&m)),
        format!("manufacturer      {}", ascii(m.manufacturer.as_bytes())),
        format!(
            "packs             {PACKS}, at addresses {FIRST} to {} ({} baud)",
            FIRST + PACKS - 1,
            LINE.baud
        ),
    ] {
        assert!(stdout.contains(&expected), "{expected:?} in\n{stdout}");
    }
    let lines: Vec<&str> = stdout.lines().collect();
    // A table's row for `adr`, after the header that starts with `head`.
    let row = |head: &str, adr: u8| -> Vec<String> {
        let start = lines
            .iter()
            .position(|l| l.starts_with(head))
            .unwrap_or_else(|| panic!("no {head:?} table in\n{stdout}"));
        let line = lines[start + 1..]
            .iter()
            .find(|l| l.split("  ").next() == Some(&adr.to_string()))
            .unwrap_or_else(|| panic!("no pack {adr} under {head:?} in\n{stdout}"));
        line.split("  ")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    };
    for adr in FIRST..FIRST + PACKS {
        let b = model.block(adr);
        let cells = b.cells_mv.as_slice();
        let temps = b.temperatures.as_slice();
        let soc = (b.remaining_mah() * 100 + b.total_mah() / 2) / b.total_mah();
        assert_eq!(
            row("pack  voltage", adr),
            [
                adr.to_string(),
                v(b.voltage_mv),
                format!("{:+.1} A", f64::from(b.current_da) / 10.0),
                format!("{soc} %"),
                format!("{:.3} Ah", f64::from(b.remaining_mah()) / 1000.0),
                format!("{:.3} Ah", f64::from(b.total_mah()) / 1000.0),
                b.cycles.to_string(),
                v(*cells.iter().min().unwrap()),
                v(*cells.iter().max().unwrap()),
                c(temps[0]),
                format!(
                    "{} to {}",
                    c(*temps[1..].iter().min().unwrap()).trim_end_matches(" °C"),
                    c(*temps[1..].iter().max().unwrap())
                ),
            ],
            "pack {adr}"
        );
        // Every cell voltage, in order.
        let list: Vec<String> = cells
            .iter()
            .map(|&mv| format!("{:.3}", f64::from(mv) / 1000.0))
            .collect();
        let want = format!("cells {} V", list.join(" "));
        assert!(stdout.contains(&want), "{want:?} in\n{stdout}");
        let alarms = model.alarms(adr);
        let words = if active_alarms(&alarms).is_empty() {
            "none".to_string()
        } else {
            active_alarms(&alarms).join(", ")
        };
        assert_eq!(row("pack  alarms", adr), [adr.to_string(), words]);
        let mg = model.management(adr);
        let serial = model.serial(adr);
        assert_eq!(
            row("pack  charge voltage", adr),
            [
                adr.to_string(),
                v(mg.charge_voltage_mv),
                v(mg.discharge_voltage_mv),
                format!("{:.1} A", f64::from(mg.charge_current_da) / 10.0),
                format!("{:.1} A", f64::from(mg.discharge_current_da) / 10.0),
                "allowed".into(),
                "allowed".into(),
                serial.as_str().unwrap().to_string(),
            ]
        );
    }
    let p = SYSTEM_PARAMETERS;
    for expected in [
        format!(
            "cell voltage high, low, under    {}, {}, {}",
            v(p.cell_high_mv).trim_end_matches(" V"),
            v(p.cell_low_mv).trim_end_matches(" V"),
            v(p.cell_under_mv)
        ),
        format!(
            "charge current limit             {:.2} A (raw {})",
            f64::from(p.charge_current_raw) / 10.0,
            p.charge_current_raw
        ),
    ] {
        assert!(stdout.contains(&expected), "{expected:?} in\n{stdout}");
    }
    // The document's unit, on request.
    let out = pylontech(&["--port", &sim.path, "--current-scale", "0.01"]);
    let (stdout, _) = text(&out);
    let want = format!(
        "{:.2} A (raw {})",
        f64::from(p.charge_current_raw) / 100.0,
        p.charge_current_raw
    );
    assert!(stdout.contains(&want), "{want:?} in\n{stdout}");
}

#[test]
fn json_carries_the_same_values() {
    let sim = stack();
    let out = pylontech(&["--port", &sim.path, "--json"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let j: Value = serde_json::from_str(&stdout).unwrap();
    let model = Stack::new(PACKS);
    assert_eq!(j["protocol_version"]["ver"], VER);
    assert_eq!(
        j["manufacturer"]["device_name"],
        ascii(&manufacturer(&model).device_name)
    );
    let packs = j["packs"].as_array().unwrap();
    assert_eq!(packs.len(), usize::from(PACKS));
    for (p, adr) in packs.iter().zip(FIRST..) {
        let b = model.block(adr);
        assert_eq!(p["pack"], adr);
        let a = &p["analog"];
        assert_eq!(a["voltage_v"], f64::from(b.voltage_mv) / 1000.0);
        assert_eq!(a["current_a"], f64::from(b.current_da) / 10.0);
        assert_eq!(a["cycles"], b.cycles);
        assert_eq!(a["total_ah"], f64::from(b.total_mah()) / 1000.0);
        let cells: Vec<f64> = b
            .cells_mv
            .as_slice()
            .iter()
            .map(|&mv| f64::from(mv) / 1000.0)
            .collect();
        assert_eq!(a["cells_v"], serde_json::json!(cells));
        let temps: Vec<f64> = b
            .temperatures
            .as_slice()
            .iter()
            .map(|t| f64::from(t.celsius()) / 10.0)
            .collect();
        assert_eq!(a["bms_temperature_c"], temps[0]);
        assert_eq!(a["cell_temperatures_c"], serde_json::json!(temps[1..]));
        assert_eq!(
            p["alarms"]["cells"].as_array().unwrap().len(),
            model.alarms(adr).cells.len()
        );
        assert_eq!(p["serial_number"], model.serial(adr).as_str().unwrap());
        let mg = model.management(adr);
        assert_eq!(
            p["management"]["discharge_current_limit_a"],
            f64::from(mg.discharge_current_da) / 10.0
        );
    }
    let sp = &j["system_parameters"];
    assert_eq!(
        sp["charge_current_limit_raw"],
        SYSTEM_PARAMETERS.charge_current_raw
    );
    assert_eq!(
        sp["cell_high_v"],
        f64::from(SYSTEM_PARAMETERS.cell_high_mv) / 1000.0
    );
    assert_eq!(j["problems"], serde_json::json!([]));
}

#[test]
fn detect_finds_the_stack_and_says_so_when_nothing_answers() {
    let sim = stack();
    let out = pylontech(&["--port", &sim.path, "--detect"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let want = format!(
        "{} baud, address {FIRST}: protocol version {}.{} (VER {VER:#04x}), {PACKS} packs",
        LINE.baud,
        VER >> 4,
        VER & 15
    );
    assert!(stdout.contains(&want), "{want:?} in\n{stdout}");
    // Every pack of the stack answers, nothing else does.
    assert_eq!(stdout.lines().count(), usize::from(PACKS), "{stdout}");
    assert!(!stdout.contains("address 1:"), "{stdout}");

    let out = pylontech(&["--port", &sim.path, "--detect", "--json"]);
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j[0]["address"], FIRST);
    assert_eq!(j[0]["packs"], PACKS);

    // An address nobody has: exit 1, and what to check.
    let out = pylontech(&["--port", &sim.path, "--detect", "--address", "9"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("nothing answered") && stderr.contains("wiring"),
        "{stderr}"
    );
}

#[test]
fn silence_is_an_error_that_says_what_to_try() {
    // A pseudo-terminal nobody answers on.
    let pty = transports::serial::Pty::new().unwrap();
    let out = pylontech(&["--port", pty.path(), "--timeout", "0.3"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stderr.contains("no reply") && stderr.contains("--detect"),
        "{stderr}"
    );
    let out = pylontech(&["--port", "/nonexistent/tty"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("check the path"), "{stderr}");
}
