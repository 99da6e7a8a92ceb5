//! The firmware images (`firmware/`, a cargo workspace of its own, built
//! here for `thumbv7em-none-eabihf`) running under QEMU's `mps2-an386`,
//! their UART on a pseudo-terminal that QEMU makes:
//!
//! - `axpert-poller` polls `axpert-sim`; what it prints is what the
//!   simulator logged sending, field by field, and the ratings are those
//!   of the simulator's library;
//! - `modbus-client`, and `modbus-client-async` (the async driver under
//!   Embassy's executor), poll `modbus-sim`; their outcomes are those of
//!   the simulator's drive, asked the same through its library;
//! - `modbus-server` is read and written by pymodbus and by mbpoll.
//!
//! An image reports through semihosting and exits 0 (`pass`) or 1 (`fail:
//! ...`, a panic, a fault); an image that hangs is killed and fails the
//! test. Without `qemu-system-arm` or the target the test is skipped with
//! a message, unless `REQUIRE_INTEROP` is set, which fails it.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

use axpert_proto::{BatterySystem, Command as AxpertCommand, Inquiry, Response};
use examples::axpert_sim::Inverter;
use examples::modbus_sim::Drive;
use modbus_rtu_lite::{Exception, Handler, Words};

mod common;
#[path = "common/qemu.rs"]
mod qemu;

use common::Killed;
use qemu::{Qemu, assert_passed, images};

/// `name=value` pairs of the image's line that starts with `prefix`.
fn fields<'a>(printed: &'a [String], prefix: &str) -> Vec<(&'a str, &'a str)> {
    let line = printed
        .iter()
        .find(|l| l.strip_prefix(prefix).is_some_and(|r| r.starts_with(' ')))
        .unwrap_or_else(|| panic!("no line `{prefix} ...` in {printed:#?}"));
    line.split_whitespace()
        .filter_map(|f| f.split_once('='))
        .collect()
}

/// Where each value the image prints sits in the reply (0-based field of
/// the text after `(`).
const QPIGS_FIELDS: &[(&str, usize)] = &[
    ("grid_voltage", 0),
    ("grid_frequency", 1),
    ("ac_output_voltage", 2),
    ("ac_output_apparent_power", 4),
    ("ac_output_active_power", 5),
    ("output_load_percent", 6),
    ("bus_voltage", 7),
    ("battery_voltage", 8),
    ("battery_charging_current", 9),
    ("battery_capacity", 10),
    ("pv_input_current", 12),
    ("pv_input_voltage", 13),
    ("battery_discharge_current", 15),
];
const QPIRI_FIELDS: &[(&str, usize)] = &[
    ("grid_rating_voltage", 0),
    ("grid_rating_current", 1),
    ("ac_output_rating_voltage", 2),
    ("ac_output_rating_frequency", 3),
    ("ac_output_rating_active_power", 6),
    ("battery_rating_voltage", 7),
    ("battery_recharge_voltage", 8),
    ("battery_under_voltage", 9),
    ("battery_bulk_voltage", 10),
    ("battery_float_voltage", 11),
    ("max_ac_charging_current", 13),
    ("max_charging_current", 14),
];

/// Each image line `<prefix> <round> name=value ...` holds the fields the
/// simulator sent in its reply of that round (`replies`, wire text).
fn check_against_wire(printed: &[String], prefix: &str, replies: &[&str], at: &[(&str, usize)]) {
    for (round, reply) in replies.iter().enumerate() {
        let wire: Vec<&str> = reply.trim_start_matches('(').split(' ').collect();
        let got = fields(printed, &format!("{prefix} {}", round + 1));
        for &(name, index) in at {
            let value = got.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
            assert_eq!(
                value,
                wire.get(index).copied(),
                "{prefix} round {} {name}: the image printed {value:?}, the simulator sent {reply}",
                round + 1
            );
        }
    }
}

#[test]
fn axpert_poller_reads_what_axpert_sim_sends() {
    if images().is_none() {
        return;
    }
    let qemu = Qemu::start("axpert-poller");
    // -v: the simulator logs each command and its reply as sent (stderr).
    let mut sim = Killed(
        Command::new(env!("CARGO_BIN_EXE_axpert-sim"))
            .args(["--port", &qemu.path, "-v"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let (status, printed) = qemu.finish(Duration::from_secs(60));
    let _ = sim.0.kill();
    let mut log = String::new();
    sim.0
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert_passed(status, &printed);

    let sent = |command: &str| -> Vec<&str> {
        log.lines()
            .filter_map(|l| l.strip_prefix(command)?.strip_prefix(" -> "))
            .collect()
    };
    let qpigs = sent("QPIGS");
    let qpiri = sent("QPIRI");
    assert_eq!(
        (qpigs.len(), qpiri.len()),
        (3, 3),
        "the simulator's log: {log}"
    );
    check_against_wire(&printed, "qpigs", &qpigs, QPIGS_FIELDS);
    check_against_wire(&printed, "qpiri", &qpiri, QPIRI_FIELDS);

    // The ratings are the simulator library's, for its default 48 V unit.
    let Response::RatedInfo(rated) =
        Inverter::new(BatterySystem::V48).answer(Ok(AxpertCommand::Inquiry(Inquiry::RatedInfo)))
    else {
        panic!("the simulator's library gave no QPIRI reply");
    };
    let got = fields(&printed, "qpiri 1");
    let value = |name: &str| got.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
    assert_eq!(value("battery_rating_voltage"), Some("48.0"));
    assert_eq!(
        value("grid_rating_voltage").map(str::to_string),
        Some(rated.grid_rating_voltage.to_string())
    );
    assert_eq!(
        value("battery_bulk_voltage").map(str::to_string),
        Some(rated.battery_bulk_voltage.to_string())
    );
    assert_eq!(
        value("max_charging_current").map(str::to_string),
        Some(rated.max_charging_current.to_string())
    );

    // Rounds are two seconds apart on the image's clock (SysTick).
    let took: u64 = printed
        .iter()
        .find_map(|l| {
            l.strip_prefix("rounds 3 in ")?
                .split(' ')
                .next()?
                .parse()
                .ok()
        })
        .unwrap_or_else(|| panic!("no `rounds` line in {printed:#?}"));
    assert!((4000..10_000).contains(&took), "3 rounds took {took} ms");
}

/// An outcome as the client image prints it.
fn outcome(result: Result<Option<Vec<u16>>, Exception>) -> String {
    match result {
        Ok(Some(values)) => {
            let v: Vec<String> = values.iter().map(u16::to_string).collect();
            format!("values={}", v.join(","))
        }
        Ok(None) => "ok".to_string(),
        Err(e) => format!("exception={}", e.code()),
    }
}

#[test]
fn modbus_client_reads_and_writes_modbus_sim() {
    client_against_modbus_sim("modbus-client");
}

/// The same requests through the async driver, under Embassy's executor.
#[test]
fn async_modbus_client_reads_and_writes_modbus_sim() {
    client_against_modbus_sim("modbus-client-async");
}

/// `image`, a Modbus client image, against `modbus-sim`.
fn client_against_modbus_sim(image: &str) {
    if images().is_none() {
        return;
    }
    let qemu = Qemu::start(image);
    let _sim = Killed(
        Command::new(env!("CARGO_BIN_EXE_modbus-sim"))
            .args(["--port", &qemu.path, "--unit", "1"])
            .stdout(Stdio::null())
            // It reports a broken pipe when the image exits: expected.
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let (status, printed) = qemu.finish(Duration::from_secs(60));
    assert_passed(status, &printed);

    // The same requests, in the same order, of the simulator's drive.
    let mut drive = Drive::new(1);
    let read_holding = |d: &mut Drive, start: u16, n: usize| {
        let mut out = vec![0; n];
        outcome(
            d.read_holding_registers(start, &mut out)
                .map(|()| Some(out)),
        )
    };
    let read_input = |d: &mut Drive, start: u16, n: usize| {
        let mut out = vec![0; n];
        outcome(d.read_input_registers(start, &mut out).map(|()| Some(out)))
    };
    let write = |d: &mut Drive, start: u16, value: u16| {
        outcome(
            d.write_registers(start, Words::new(&value.to_be_bytes()))
                .map(|()| None),
        )
    };
    let expected = [
        format!(
            "read-holding 8192 2 {}",
            read_holding(&mut drive, 0x2000, 2)
        ),
        format!("read-input 8448 5 {}", read_input(&mut drive, 0x2100, 5)),
        format!(
            "write-register 8193 2500 {}",
            write(&mut drive, 0x2001, 2500)
        ),
        format!("write-registers 8192 5 {}", write(&mut drive, 0x2000, 5)),
        format!(
            "read-holding 8192 2 {}",
            read_holding(&mut drive, 0x2000, 2)
        ),
        format!("read-input 8448 1 {}", read_input(&mut drive, 0x2100, 1)),
        format!(
            "write-register 8193 6000 {}",
            write(&mut drive, 0x2001, 6000)
        ),
        format!(
            "read-holding 12288 1 {}",
            read_holding(&mut drive, 0x3000, 1)
        ),
    ];
    let got: Vec<&String> = printed
        .iter()
        .filter(|l| l.starts_with("read-") || l.starts_with("write-"))
        .collect();
    assert_eq!(got, expected.iter().collect::<Vec<_>>(), "{printed:#?}");
    // Not a tautology: the drive ran (state 1) and refused 60.00 Hz (03).
    assert_eq!(expected[5], "read-input 8448 1 values=1");
    assert_eq!(expected[6], "write-register 8193 6000 exception=3");
}

/// Starts the server image and waits until it serves.
fn server() -> Qemu {
    let qemu = Qemu::start("modbus-server");
    assert_eq!(qemu.line(Duration::from_secs(10)), "serving unit 1");
    qemu
}

/// The server image is still serving, and has reported no failure.
fn assert_still_serving(mut qemu: Qemu) {
    assert!(
        qemu.child.try_wait().unwrap().is_none(),
        "the server image ended: {:#?}",
        qemu.lines.try_iter().collect::<Vec<_>>()
    );
    let printed: Vec<String> = qemu.lines.try_iter().collect();
    assert!(printed.is_empty(), "the server image printed {printed:#?}");
}

/// pymodbus as the master of the server image on the pty in `argv[1]`;
/// prints JSON.
const PYMODBUS_MASTER: &str = r#"
import json, sys
from pymodbus import FramerType
from pymodbus.client import ModbusSerialClient

c = ModbusSerialClient(sys.argv[1], framer=FramerType.RTU, baudrate=9600, parity="N",
                       timeout=3, retries=1)
assert c.connect()
out = {}
out["holding"] = c.read_holding_registers(0, count=8, device_id=1).registers
out["write_register"] = not c.write_register(2, 4242, device_id=1).isError()
out["write_registers"] = not c.write_registers(5, [7, 8, 9], device_id=1).isError()
out["holding_after"] = c.read_holding_registers(0, count=8, device_id=1).registers
out["write_coils"] = not c.write_coils(0, [True, False, True], device_id=1).isError()
out["write_coil"] = not c.write_coil(7, True, device_id=1).isError()
out["coils"] = c.read_coils(0, count=8, device_id=1).bits[:8]
out["input"] = c.read_input_registers(0, count=3, device_id=1).registers
r = c.read_holding_registers(6, count=3, device_id=1)
out["past_the_end"] = r.exception_code if r.isError() else None
r = c.read_discrete_inputs(0, count=1, device_id=1)
out["no_discrete_inputs"] = r.exception_code if r.isError() else None
c.close()
json.dump(out, sys.stdout)
"#;

#[test]
fn pymodbus_reads_and_writes_the_server_image() {
    if images().is_none() {
        return;
    }
    let Some(py) = common::venv_python("pymodbus") else {
        return;
    };
    let qemu = server();
    let out = Command::new(&py)
        .args(["-c", PYMODBUS_MASTER, &qemu.path])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pymodbus: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["holding"],
        serde_json::json!([100, 200, 300, 400, 500, 600, 700, 800])
    );
    assert_eq!(v["write_register"], true);
    assert_eq!(v["write_registers"], true);
    assert_eq!(
        v["holding_after"],
        serde_json::json!([100, 200, 4242, 400, 500, 7, 8, 9])
    );
    assert_eq!(v["write_coils"], true);
    assert_eq!(v["write_coil"], true);
    assert_eq!(
        v["coils"],
        serde_json::json!([true, false, true, false, false, false, false, true])
    );
    // Map version 1, four writes accepted, seconds since start.
    assert_eq!(v["input"][0], 1);
    assert_eq!(v["input"][1], 4);
    assert!(v["input"][2].as_u64().is_some_and(|s| s < 60), "{v}");
    assert_eq!(v["past_the_end"], 2, "exception 02");
    assert_eq!(v["no_discrete_inputs"], 1, "exception 01: FC02 not handled");
    assert_still_serving(qemu);
}

#[test]
fn mbpoll_reads_and_writes_the_server_image() {
    if images().is_none() || !common::found("mbpoll") {
        return;
    }
    let qemu = server();
    // Each mbpoll opens the pty anew; QEMU notices within a second, so the
    // time-out is 3 s (-o 3) rather than mbpoll's 1 s.
    let run = |args: &[&str]| {
        let (opts, values) = match args.iter().position(|a| *a == "--") {
            Some(i) => args.split_at(i),
            None => (args, &[][..]),
        };
        let out = Command::new("mbpoll")
            .args([
                "-m", "rtu", "-a", "1", "-b", "9600", "-P", "none", "-o", "3",
            ])
            .args(["-0", "-1"])
            .args(opts)
            .arg(&qemu.path)
            .args(values)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.success(), text)
    };
    // FC03: the map's start values.
    let (ok, out) = run(&["-t", "4", "-r", "0", "-c", "8"]);
    assert!(
        ok && out.contains("[0]: \t100") && out.contains("[7]: \t800"),
        "{out}"
    );
    // FC06, then FC10 (two values), read back.
    let (ok, out) = run(&["-t", "4", "-r", "1", "--", "1234"]);
    assert!(ok, "{out}");
    let (ok, out) = run(&["-t", "4", "-r", "3", "--", "11", "12"]);
    assert!(ok && out.contains("Written 2 references"), "{out}");
    let (ok, out) = run(&["-t", "4", "-r", "0", "-c", "5"]);
    assert!(
        ok && out.contains("[1]: \t1234") && out.contains("[3]: \t11") && out.contains("[4]: \t12"),
        "{out}"
    );
    // FC0F coils, read back with FC01.
    let (ok, out) = run(&["-t", "0", "-r", "4", "--", "1", "1", "0"]);
    assert!(ok, "{out}");
    let (ok, out) = run(&["-t", "0", "-r", "3", "-c", "4"]);
    assert!(
        ok && out.contains("[3]: \t0")
            && out.contains("[4]: \t1")
            && out.contains("[5]: \t1")
            && out.contains("[6]: \t0"),
        "{out}"
    );
    // FC04: map version and the three writes.
    let (ok, out) = run(&["-t", "3", "-r", "0", "-c", "2"]);
    assert!(
        ok && out.contains("[0]: \t1") && out.contains("[1]: \t3"),
        "{out}"
    );
    // Outside the map: exception 02, as libmodbus reports it.
    let (ok, out) = run(&["-t", "4", "-r", "8"]);
    assert!(!ok && out.contains("Illegal data address"), "{out}");
    assert_still_serving(qemu);
}
