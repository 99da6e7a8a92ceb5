//! Interoperability with tools nobody here wrote, installed into `.venv`
//! by the test command: cantools with the public Pylontech DBC
//! (plewka/PylontechUSX00C_CAN2MQTT), and python-can's `slcan` interface
//! over a pseudo-terminal.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bms_can::{
    Ascii, Emitter, Extra, Fixed, Flags, Limits, Measurements, Message, Profile, Protection,
    Report, Request, Requests, Soc,
};
use serde_json::{Value, json};
use transports::{
    serial::{Pty, Serial},
    slcan::{self, Decoder},
};

mod common;

use common::root;

fn python() -> Option<PathBuf> {
    common::venv_python("cantools, can, serial")
}

fn run_py(py: &PathBuf, args: &[&str], stdin: &str) -> String {
    let mut child = Command::new(py)
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn dbc() -> String {
    root().join("testdata/pylontech.dbc").display().to_string()
}

/// The messages of the DBC, with values an encoder must carry.
fn sample() -> Vec<Message> {
    vec![
        Message::Limits(Limits {
            charge_voltage: Fixed(532),
            charge_current: Fixed(1000),
            discharge_current: Fixed(1500),
            discharge_voltage: Some(Fixed(450)),
            extra: Extra::default(),
        }),
        Message::Soc(Soc {
            soc: 88,
            soh: 94,
            soc_high_res: None,
            extra: Extra::default(),
        }),
        Message::Measurements(Measurements {
            voltage: Fixed(4986),
            current: Fixed(-270),
            temperature: Fixed(363),
            extra: Extra::default(),
        }),
        Message::Flags(Flags {
            flags: Protection::OVER_VOLTAGE
                | Protection::DISCHARGE_OVER_CURRENT
                | Protection::SYSTEM_ERROR,
            module_count: Some(6),
            tag: Some(*b"PN"),
            extra: Extra::default(),
        }),
        Message::Request(Request {
            requests: Requests::CHARGE_ENABLE | Requests::FORCE_CHARGE_1,
            extra: Extra::new(&[0]),
        }),
    ]
}

#[test]
fn cantools_decodes_our_frames_to_our_values() {
    let Some(py) = python() else { return };
    let frames: Vec<Value> = sample()
        .iter()
        .map(|m| {
            let f = m.encode();
            json!({"id": f.id, "data": hex(f.bytes())})
        })
        .collect();
    let out = run_py(
        &py,
        &["interop/bms_cantools.py"],
        &json!({"dbc": dbc(), "decode": frames}).to_string(),
    );
    let v: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["Battery_Charge_Voltage"], json!(53.2));
    assert_eq!(v[0]["Charge_Current_Limitation"], json!(100.0));
    assert_eq!(
        v[0]["Discharge_Current_Limitation"],
        json!(150.0),
        "DCL positive on the wire"
    );
    assert_eq!(
        (v[1]["SOC"].as_f64(), v[1]["SOH"].as_f64()),
        (Some(88.0), Some(94.0))
    );
    assert_eq!(v[2]["Battery_Voltage"], json!(49.86));
    assert_eq!(
        v[2]["Battery_Current"],
        json!(-27.0),
        "negative: discharging"
    );
    assert_eq!(v[2]["Battery_Temperature"], json!(36.3));
    assert_eq!(v[3]["Alarm_Over_Voltage"], json!(1));
    assert_eq!(v[3]["Alarm_Over_Current_Discharge"], json!(1));
    assert_eq!(
        v[3]["Alarm_Internal"],
        json!(1),
        "system error at byte 1 bit 3"
    );
    assert_eq!(v[3]["Alarm_Over_Current_Charge"], json!(0));
    assert_eq!(v[3]["Pack_Nr"], json!(6));
    assert_eq!(v[4]["Charge_Enable"], json!(1));
    assert_eq!(v[4]["Discharge_Enable"], json!(0));
    assert_eq!(v[4]["Charge_Immediately"], json!(1));
}

#[test]
fn we_decode_what_cantools_encodes() {
    let Some(py) = python() else { return };
    let req = json!({"dbc": dbc(), "encode": [
        {"id": 0x351, "values": {"Battery_Charge_Voltage": 56.8, "Charge_Current_Limitation": 25.5, "Discharge_Current_Limitation": 50.0}},
        {"id": 0x355, "values": {"SOC": 26, "SOH": 100}},
        {"id": 0x356, "values": {"Battery_Voltage": 52.17, "Battery_Current": 12.3, "Battery_Temperature": -4.5}},
        {"id": 0x35C, "values": {"Charge_Enable": 1, "Discharge_Enable": 1, "Charge_Immediately": 0}},
    ]});
    let out = run_py(&py, &["interop/bms_cantools.py"], &req.to_string());
    let data: Vec<String> = serde_json::from_str(&out).unwrap();
    let m = |id, i: usize| Message::decode(id, &unhex(&data[i])).unwrap();
    let Message::Limits(l) = m(0x351, 0) else {
        panic!()
    };
    assert_eq!(
        (
            l.charge_voltage.0,
            l.charge_current.0,
            l.discharge_current.0
        ),
        (568, 255, 500)
    );
    let Message::Soc(s) = m(0x355, 1) else {
        panic!()
    };
    assert_eq!((s.soc, s.soh), (26, 100));
    let Message::Measurements(v) = m(0x356, 2) else {
        panic!()
    };
    assert_eq!(
        (v.voltage.0, v.current.0, v.temperature.0),
        (5217, 123, -45)
    );
    let Message::Request(r) = m(0x35C, 3) else {
        panic!()
    };
    assert_eq!(
        r.requests,
        Requests::CHARGE_ENABLE | Requests::DISCHARGE_ENABLE
    );
}

#[test]
fn python_can_receives_the_simulated_battery() {
    let Some(py) = python() else { return };
    let sim = common::Spawned::start(env!("CARGO_BIN_EXE_bms-sim"));
    let out = run_py(
        &py,
        &["interop/bms_python_can.py", "receive", &sim.path, "2.5"],
        "",
    );
    let frames: Vec<Value> = serde_json::from_str(&out).unwrap();
    let ids: Vec<u64> = frames.iter().map(|f| f["id"].as_u64().unwrap()).collect();
    for id in [0x351, 0x355, 0x356, 0x359, 0x35C, 0x35E] {
        assert!(
            ids.contains(&id),
            "python-can did not receive {id:#x}: {ids:x?}"
        );
    }
    for f in &frames {
        let id = f["id"].as_u64().unwrap() as u16;
        let m = Message::decode(id, &unhex(f["data"].as_str().unwrap())).unwrap();
        match m {
            Message::Limits(l) => assert_eq!(l.charge_voltage.0, 532),
            Message::Soc(s) => assert!(s.soc <= 100 && s.soh == 98),
            Message::Measurements(m) => assert!((40.0..60.0).contains(&m.voltage.to_f64())),
            Message::Manufacturer(n) => assert_eq!(n.text(), "PYLON"),
            _ => {}
        }
    }
}

#[test]
fn we_receive_what_python_can_sends() {
    let Some(py) = python() else { return };
    let mut pty = Pty::new().unwrap();
    let path = pty.path().to_string();
    // Frames python-can sends as the battery would, and the inverter's keep-alive.
    let report = Report {
        charge_voltage_dv: 576,
        charge_current_da: 500,
        discharge_current_da: 800,
        discharge_voltage_dv: 460,
        soc_centi: 4100,
        soh: 97,
        voltage_cv: 5012,
        current_da: -155,
        temperature_dc: 221,
        protection: Protection::empty(),
        requests: Requests::CHARGE_ENABLE,
        modules: 4,
        capacity_ah: 100,
        name: Ascii::new(b"PYLON   "),
    };
    let mut e = Emitter::new(Profile::PylonV12, report, Duration::ZERO);
    let mut to_send = vec![json!({"id": 0x305, "data": "0000000000000000"})];
    while let Some(f) = e.poll_transmit(Duration::ZERO) {
        to_send.push(json!({"id": f.id, "data": hex(f.bytes())}));
    }
    let n = to_send.len();
    let payload = Value::Array(to_send).to_string();
    let t = std::thread::spawn(move || {
        run_py(&py, &["interop/bms_python_can.py", "send", &path], &payload)
    });

    // Our side of the pty plays the adapter: answer commands, collect frames.
    use embedded_io::{Read, Write};
    let port: &mut Serial = pty.master();
    let mut decoder = Decoder::new();
    let mut got = Vec::new();
    let mut buf = [0u8; 64];
    let start = Instant::now();
    while got.len() < n && start.elapsed() < Duration::from_secs(15) {
        let Ok(k) = port.read(&mut buf) else { continue };
        let mut rest = &buf[..k];
        while !rest.is_empty() {
            let (used, line) = decoder.feed(rest);
            rest = &rest[used..];
            match line {
                Some(Ok(slcan::Message::Frame(f))) => {
                    got.push(Message::from_can(&f).unwrap());
                    port.write_all(b"z\r").unwrap();
                }
                Some(Ok(slcan::Message::Other(_))) => port.write_all(b"\r").unwrap(),
                _ => {}
            }
        }
    }
    assert_eq!(t.join().unwrap().trim(), "sent");
    assert_eq!(got.len(), n, "{got:?}");
    assert!(matches!(got[0], Message::KeepAlive(e) if e.as_bytes() == [0; 8]));
    let Message::Limits(l) = got[1] else {
        panic!("{:?}", got[1])
    };
    assert_eq!(
        (
            l.charge_voltage.to_string(),
            l.discharge_current.to_string()
        ),
        ("57.6".into(), "80.0".into())
    );
    let Message::Measurements(m) = got[3] else {
        panic!()
    };
    assert_eq!(
        (m.voltage.to_string(), m.current.to_string()),
        ("50.12".into(), "-15.5".into())
    );
    assert!(matches!(got[6], Message::Manufacturer(n) if n.text() == "PYLON"));
}
