//! End to end over a real pseudo-terminal: the simulated drive on the
//! master side, the client through the std serial transport on the slave
//! path; then the command-line tools as processes.

use std::process::Command as Process;
use std::time::{Duration, Instant};

use enc_ascii::{
    Address, Command, Control, Fault, Frequency, Param, Radix, Reading, Request, Response,
    ResponseCode, StateWord, Value,
};
use examples::enc_sim::{Drive, serve};
use transports::{StdClock, enc::Driver, serial::Serial};

/// The simulator on a thread, on a new pseudo-terminal.
fn start_sim(radix: Radix) -> common::InThread {
    common::InThread::start(move |io, stop| {
        let mut drive = Drive::new(Address::new(1).unwrap(), radix);
        serve(&mut drive, io, stop, |_, _| {}).unwrap();
    })
}

fn driver(path: &str) -> Driver<Serial, StdClock> {
    Driver::new(
        Serial::open(path, &enc_ascii::LINE).unwrap(),
        StdClock::new(),
        transports::enc::client(9600, Duration::from_millis(5), Radix::Literal),
    )
}

fn a1() -> Address {
    Address::new(1).unwrap()
}

fn ask(d: &mut Driver<Serial, StdClock>, command: Command) -> Response {
    d.transact(&Request::new(a1(), command))
        .unwrap()
        .expect("a reply")
}

#[test]
fn every_request_kind_is_answered_and_decoded() {
    let sim = start_sim(Radix::Literal);
    let mut d = driver(&sim.path);

    let r = ask(&mut d, Command::State);
    assert_eq!(
        (r.code, r.fault),
        (ResponseCode::Ready(11), Some(Fault::None))
    );
    for reading in Reading::ALL {
        let c = Command::Read(reading);
        let r = ask(&mut d, c);
        assert_eq!(
            (r.code, r.index),
            (ResponseCode::Normal, Some(reading.index())),
            "{reading:?}"
        );
        assert!(r.value(&c).is_some(), "{reading:?}");
    }
    let f = Frequency::parse("40.00").unwrap();
    for c in [
        Control::SetFrequency(f),
        Control::Run,
        Control::Forward,
        Control::RunAt(f),
    ] {
        assert_eq!(
            ask(&mut d, Command::Control(c)).code,
            ResponseCode::Normal,
            "{c:?}"
        );
    }
    let p = Param::parse("F0.08").unwrap();
    assert_eq!(ask(&mut d, Command::WriteParam(p, 20)).data, Some(20));
    assert_eq!(ask(&mut d, Command::ReadParam(p)).data, Some(20));
    assert_eq!(ask(&mut d, Command::Version).data, Some(0x0123));

    // The motor ramps toward 40 Hz (2.0 s from 0 to 50 Hz now).
    let c = Command::Read(Reading::RunFrequency);
    let start = Instant::now();
    let mut last = 0.0;
    loop {
        let Some(Value::Quantity(q)) = ask(&mut d, c).value(&c) else {
            panic!()
        };
        assert!(q.to_f64() >= last, "ramps up monotonically");
        last = q.to_f64();
        if last >= 40.0 || start.elapsed() > Duration::from_secs(10) {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(last, 40.0);
    let c = Command::Read(Reading::StateWord);
    let Some(Value::StateWord(w)) = ask(&mut d, c).value(&c) else {
        panic!()
    };
    assert!(w.contains(StateWord::RUNNING));
}

#[test]
fn refusals_and_frame_errors_are_typed_outcomes() {
    let sim = start_sim(Radix::Literal);
    let mut d = driver(&sim.path);
    // Data out of range (above the upper limit): code 30, index reported.
    let r = ask(
        &mut d,
        Command::Control(Control::SetFrequency(Frequency(6000))),
    );
    assert_eq!(
        (r.code, r.index, r.data),
        (ResponseCode::Refused, Some(1), Some(6000))
    );
    // A parameter value out of range: 30; a parameter that does not exist: 20.
    let p = Param::parse("F2.17").unwrap();
    assert_eq!(
        ask(&mut d, Command::WriteParam(p, 500)).code,
        ResponseCode::Refused
    );
    let r = ask(&mut d, Command::ReadParam(Param::parse("F7.40").unwrap()));
    assert_eq!(
        (r.code, r.index, r.data),
        (ResponseCode::FrameError, None, None)
    );
    // A command code outside the table: 20.
    let raw = Command::Raw {
        code: 0x1F,
        aux: 0,
        index: 0,
        data: None,
    };
    assert_eq!(ask(&mut d, raw).code, ResponseCode::FrameError);

    // A corrupted frame on the wire: the drive answers 20 (short frame).
    drop(d);
    let mut port = Serial::open(&sim.path, &enc_ascii::LINE).unwrap();
    use embedded_io::{Read, Write};
    port.write_all(b"~010B00010195\r").unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 32];
    let start = Instant::now();
    while !got.ends_with(b"\r") && start.elapsed() < Duration::from_secs(2) {
        if let Ok(n) = port.read(&mut buf) {
            got.extend_from_slice(&buf[..n]);
        }
    }
    let r = Response::decode_bytes(&got, Radix::Literal).unwrap();
    assert_eq!((r.code, r.index), (ResponseCode::FrameError, None));
    assert_eq!(got.len(), 12, "the 12-byte form with the fault index");
}

#[test]
fn broadcast_gets_no_reply_and_no_wait() {
    let sim = start_sim(Radix::Literal);
    let mut d = driver(&sim.path);
    let set = Command::Control(Control::SetFrequency(Frequency(3000)));
    let start = Instant::now();
    assert_eq!(
        d.transact(&Request::new(Address::BROADCAST, set)).unwrap(),
        None
    );
    assert!(
        start.elapsed() < d.machine().timeout(),
        "returned before any timeout"
    );
    // The drive obeyed it.
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(
        ask(&mut d, Command::Read(Reading::SetFrequency)).data,
        Some(3000)
    );
}

#[test]
fn hex_radix_drive_and_client_agree() {
    let sim = start_sim(Radix::Hex);
    let mut d = driver(&sim.path);
    d.machine_mut().protocol_mut().set_radix(Radix::Hex);
    let r = ask(&mut d, Command::ReadParam(Param::parse("F9.00").unwrap()));
    assert_eq!((r.code, r.raw_code), (ResponseCode::FrameError, 0x14));
    d.machine_mut().protocol_mut().set_radix(Radix::Literal);
    let r = ask(&mut d, Command::ReadParam(Param::parse("F9.00").unwrap()));
    assert_eq!(
        r.code,
        ResponseCode::ReadyLocked(14),
        "the same byte, read literally"
    );
}

mod common;

#[test]
fn command_line_tools() {
    let sim = common::Spawned::start(env!("CARGO_BIN_EXE_enc-sim"));
    let drive = |args: &[&str]| {
        Process::new(env!("CARGO_BIN_EXE_enc-drive"))
            .args(["--port", &sim.path])
            .args(args)
            .output()
            .unwrap()
    };
    let out = drive(&["--json", "status"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["state"]["code"], serde_json::json!({"ready": 11}));
    assert_eq!(v["set_frequency"]["value"], 50.0);

    assert!(drive(&["set-frequency", "40.00"]).status.success());
    assert!(drive(&["run"]).status.success());
    let out = drive(&["--json", "read", "set-frequency"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["set_frequency"]["value"], 40.0);

    let out = drive(&["set-frequency", "700"]);
    assert_eq!(out.status.code(), Some(2), "refused before sending");
    let out = drive(&["param", "set", "F2.17", "300"]);
    assert_eq!(out.status.code(), Some(3), "the drive refused (30)");
    let out = drive(&["stop"]);
    assert_eq!(out.status.code(), Some(2), "no guessed index");
    assert!(drive(&["stop", "--index", "5"]).status.success());
    let out = drive(&["--address", "127", "set-frequency", "20"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("broadcast, no reply"));
}

#[test]
fn decode_tool() {
    let decode = |args: &[&str]| {
        Process::new(env!("CARGO_BIN_EXE_decode"))
            .arg("enc")
            .args(args)
            .output()
            .unwrap()
    };
    let out = decode(&["~010C00010FA0027C"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["command"]["control"]["set_frequency"], 4000);
    // The same frame as hex bytes.
    let out = decode(&["7E 30 31 30 43 30 30 30 31 30 46 41 30 30 32 37 43 0D"]);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap(),
        v
    );
    // A response, typed by its request (synthetic reply).
    let out = decode(&["--request", "~010B00010194", "~0100000113880256"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["response"]["code"], "normal");
    assert_eq!(v["value"]["quantity"]["raw"], 5000);
    // Bad frames: exit 1 and the typed error.
    for (frame, err) in [
        ("~010a00000192", "lower-case hex digit 'a' at offset 4"),
        (
            "~010A00000193",
            "bad checksum: expected 0192, received 0193",
        ),
        (
            "~010A000000192",
            "frame of 15 bytes; expected 10, 12, 14 or 18",
        ),
    ] {
        let out = decode(&[frame]);
        assert_eq!(out.status.code(), Some(1), "{frame}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr).trim(),
            format!("decode: {err}")
        );
    }
}
