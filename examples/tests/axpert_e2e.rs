//! End to end over real pseudo-terminals: the simulator on the master side,
//! the client through the std serial transport on the slave path; then the
//! command-line tools as separate processes.

use std::process::Command as Process;

use axpert_proto::{BatterySystem, Command, Inquiry, Response, Setting};
use examples::axpert_sim::{Inverter, serve};
mod common;

/// The reply, copied out of the driver.
trait AskOwned {
    fn ask_owned(
        &mut self,
        c: &Command,
    ) -> Result<Response, transports::Error<std::io::Error, axpert_proto::Error>>;
}

impl AskOwned for Driver<Serial, StdClock> {
    fn ask_owned(
        &mut self,
        c: &Command,
    ) -> Result<Response, transports::Error<std::io::Error, axpert_proto::Error>> {
        self.ask(c).copied()
    }
}
use common::Spawned;
use transports::{StdClock, axpert::Driver, serial::Serial};

/// The simulator on a thread, on a new pseudo-terminal.
fn start_sim(system: BatterySystem) -> common::InThread {
    common::InThread::start(move |io, stop| {
        let mut inv = Inverter::new(system);
        serve(&mut inv, io, stop, |_, _| {}).unwrap();
    })
}

fn client(path: &str) -> Driver<Serial, StdClock> {
    Driver::new(
        Serial::open(path, &axpert_proto::LINE).unwrap(),
        StdClock::new(),
        transports::axpert::client(transports::axpert::DEFAULT_TIMEOUT),
    )
}

#[test]
fn every_inquiry_every_setting_and_nak() {
    let sim = start_sim(BatterySystem::V48);
    let mut c = client(&sim.path);

    for i in Inquiry::ALL {
        let r = c.ask_owned(&i.into()).unwrap();
        assert_eq!(r.inquiry(), Some(i), "{i:?} answered with {r:?}");
    }

    let sys = BatterySystem::V48;
    let settings: &[(&str, &[&str])] = &[
        ("PE", &["bj"]),
        ("PD", &["a"]),
        ("MCHGC", &["40"]),
        ("MNCHGC", &["0", "110"]),
        ("MUCHGC", &["20"]),
        ("F", &["60"]),
        ("POP", &["1"]),
        ("PBCV", &["47"]),
        ("PBDV", &["52"]),
        ("PCP", &["2"]),
        ("PGR", &["1"]),
        ("PBT", &["1"]),
        ("POPM", &["0"]),
        ("PPCP", &["0", "3"]),
        ("PSDV", &["43.5"]),
        ("PCVV", &["57.2"]),
        ("PBFT", &["54.4"]),
        ("PPVOKC", &["1"]),
        ("PSPB", &["0"]),
        ("PBEQE", &["1"]),
        ("PBEQT", &["45"]),
        ("PBEQP", &["14"]),
        ("PBEQV", &["58.8"]),
        ("PBEQOT", &["60"]),
        ("PBEQA", &["1"]),
        ("PCVT", &["120"]),
        ("PF", &[]),
    ];
    for (name, args) in settings {
        let cmd = Command::from_name(name, args, sys).unwrap();
        assert_eq!(c.ask_owned(&cmd).unwrap(), Response::Ack, "{cmd}");
    }

    // The simulated unit shows a setting in its rated information.
    let cmd = Command::from_name("PBEQT", &["45"], sys).unwrap();
    c.ask_owned(&cmd).unwrap();
    let Response::Equalization(e) = c.ask_owned(&Inquiry::Equalization.into()).unwrap() else {
        panic!()
    };
    assert_eq!(e.time.to_u32(), Some(45));

    // Unknown commands, commands the unit refuses, and a parallel unit that
    // does not exist: NAK, as an answer.
    assert_eq!(
        c.ask_owned(&Command::raw("QXYZ").unwrap()).unwrap(),
        Response::Nak
    );
    assert_eq!(
        c.ask_owned(&Inquiry::ParallelStatus(2).into()).unwrap(),
        Response::Nak
    );
    let cmd = Command::from_name("MCHGC", &["35"], sys).unwrap();
    assert_eq!(c.ask_owned(&cmd).unwrap(), Response::Nak);
    // A request the device decodes as out of range for its battery system
    // (48.0 V is fine on a 48 V unit, not on a 24 V one): NAK.
    let sim24 = start_sim(BatterySystem::V24);
    let mut c24 = client(&sim24.path);
    let cmd = Command::Setting(Setting::FloatVoltage(axpert_proto::Volts {
        system: BatterySystem::V48,
        value: "54.0".parse().unwrap(),
    }));
    assert_eq!(c24.ask_owned(&cmd).unwrap(), Response::Nak);

    // Out of range here: refused before a byte goes out.
    let bad = Command::Setting(Setting::EqualizationTime(903));
    assert!(matches!(
        c.ask_owned(&bad),
        Err(transports::Error::Protocol(
            axpert_proto::Error::OutOfRange { .. }
        ))
    ));
    assert_eq!(c.counters().unsolicited, 0);
}

#[test]
fn live_values_change() {
    let sim = start_sim(BatterySystem::V48);
    let mut c = client(&sim.path);
    let mut seen = std::collections::HashSet::new();
    for _ in 0..8 {
        let Response::GeneralStatus(s) = c.ask_owned(&Inquiry::GeneralStatus.into()).unwrap()
        else {
            panic!()
        };
        seen.insert(s.ac_output_active_power.to_string());
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(seen.len() > 1, "load never changed: {seen:?}");
}

#[test]
fn command_line_tools() {
    let sim = Spawned::start(env!("CARGO_BIN_EXE_axpert-sim"));
    let path = sim.path.clone();
    assert!(path.starts_with("/dev/"), "{path:?}");
    let axpert = |args: &[&str]| {
        Process::new(env!("CARGO_BIN_EXE_axpert"))
            .args(["--port", &path])
            .args(args)
            .output()
            .unwrap()
    };
    let out = axpert(&["--json", "qpigs"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = &v["general_status"];
    assert!(s["battery_voltage"].as_f64().unwrap() > 40.0);
    assert!(s["device_status"]["load_on"].as_bool().unwrap());

    let out = axpert(&["qpiri"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("battery_rating_voltage") && text.contains("48.0 V"),
        "{text}"
    );

    // A voltage setting reads the battery system from QPIRI first.
    let out = axpert(&["pcvv", "57.6"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "ACK");

    let out = axpert(&["pbeqt", "903"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("outside 5..=900"));

    let out = axpert(&["qpgs", "3"]);
    assert_eq!(out.status.code(), Some(3), "NAK");
}

#[test]
fn decode_tool() {
    let decode = |args: &[&str]| {
        Process::new(env!("CARGO_BIN_EXE_decode"))
            .arg("axpert")
            .args(args)
            .output()
            .unwrap()
    };
    // EASUN 5.5 kW QPIGS from the captures, with spaces in the hex.
    let hex = "28 32333 92e332035302e30203233302e322035302e302030323939203031393620303035203432332035332e323020303030203035302030303536203031\
               2e39203230392e382030302e30302030303030302030303031303131302030302030302030303430382030313 0a1bd0d";
    let out = decode(&["--command", "QPIGS", hex]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["general_status"]["grid_voltage"].as_f64(), Some(239.3));
    assert_eq!(
        v["general_status"]["ac_output_active_power"].as_i64(),
        Some(196)
    );
    assert_eq!(v["general_status"]["device_status"]["load_on"], true);

    let out = decode(&["--command", "qpgs0", "28 4e 41 4b 73 73 0d"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "\"nak\"");

    // A corrupted frame: exit 1, the typed error on stderr.
    let out = decode(&["--command", "QMOD", "28429caf0d"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "decode: bad crc: expected 0xe7c9, received 0x9caf"
    );
    let out = decode(&["--request", "51 50 49 47 53 b7 a9 0d"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("general_status"));
}
