//! The async drivers for real: under tokio, over pseudo-terminals opened
//! with tokio-serial, our async Axpert, ENC and YD/T 1363 clients against
//! the simulators, our async Modbus client against the pymodbus server and
//! our async SLCAN side against python-can (peers nobody here wrote), each
//! checked against what the blocking driver, the simulator's model or the
//! peer's known register map says.

use std::time::Duration;

use axpert_proto::{Inquiry, Response};
use modbus_rtu_lite::{Config, Line, Parity, Request};
use transports::serial::Serial;
use transports::tokio::{TokioTimer, open_serial};
use transports::{StdClock, asynch::Timer, axpert, modbus};

mod common;

use common::{Spawned, found, pair, pymodbus_server, venv_python};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .enable_io()
        .build()
        .unwrap()
}

#[test]
fn async_axpert_client_against_the_simulator() {
    let sim = Spawned::start(env!("CARGO_BIN_EXE_axpert-sim"));
    let rated = runtime().block_on(async {
        let io = open_serial(&sim.path, &axpert::LINE).unwrap();
        let client = axpert::client(axpert::DEFAULT_TIMEOUT);
        let mut d = axpert::AsyncDriver::new(io, TokioTimer::new(), client);
        let Response::Mode(_) = d.ask(&Inquiry::Mode.into()).await.unwrap() else {
            panic!("QMOD answered with something else")
        };
        let Response::GeneralStatus(s) = d.ask(&Inquiry::GeneralStatus.into()).await.unwrap()
        else {
            panic!("QPIGS answered with something else")
        };
        assert!(s.battery_voltage.to_f64().unwrap() > 20.0);
        let rated = *d.ask(&Inquiry::RatedInfo.into()).await.unwrap();
        assert_eq!(d.counters().unsolicited, 0);
        rated
    });
    // The blocking driver reads the same ratings from the same simulator.
    let mut b = axpert::Driver::new(
        Serial::open(&sim.path, &axpert::LINE).unwrap(),
        StdClock::new(),
        axpert::client(axpert::DEFAULT_TIMEOUT),
    );
    assert_eq!(*b.ask(&Inquiry::RatedInfo.into()).unwrap(), rated);
}

#[test]
fn async_axpert_client_times_out_on_silence() {
    // One end of a socat pair with nobody on the other: silence.
    if !found("socat") {
        return;
    }
    let (_socat, _quiet, host) = pair();
    runtime().block_on(async {
        let io = open_serial(&host, &axpert::LINE).unwrap();
        let timer = TokioTimer::new();
        let start = timer.now();
        let client = axpert::client(Duration::from_millis(300));
        let mut d = axpert::AsyncDriver::new(io, timer, client);
        let r = d.ask(&Inquiry::Mode.into()).await;
        assert!(matches!(r, Err(transports::Error::Timeout)), "{r:?}");
        let waited = TokioTimer::new().now().saturating_sub(start);
        assert!(waited < Duration::from_secs(2), "{waited:?}");
    });
}

#[test]
fn async_modbus_client_against_a_pymodbus_server() {
    let Some(py) = venv_python("pymodbus, serial") else {
        return;
    };
    if !found("socat") {
        return;
    }
    let (_socat, server_end, host_end) = pair();
    let _server = pymodbus_server(&py, &server_end);
    std::thread::sleep(Duration::from_millis(1500));
    let line = Line::new(9600, Parity::Even, 1);
    runtime().block_on(async {
        let io = open_serial(&host_end, &line).unwrap();
        let timer = TokioTimer::new();
        let config = Config {
            timeout: Duration::from_secs(2),
            ..Config::new(line)
        };
        let client = config.client(timer.now());
        let mut d = modbus::AsyncDriver::new(io, timer, client);
        let read = Request::ReadHoldingRegisters {
            start: 0,
            quantity: 10,
        };
        let reply = d.ask(&(1, read)).await.unwrap();
        // The server's holding registers hold 0..9 (interop/modbus_pymodbus_server.py).
        assert_eq!(
            reply.bytes(),
            &[
                0x01, 0x03, 0x14, 0, 0, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8, 0, 9, 0xCD,
                0x51
            ]
        );
        let write = Request::WriteSingleRegister {
            address: 3,
            value: 0x1234,
        };
        d.ask(&(1, write)).await.unwrap();
        let reply = d
            .ask(&(
                1,
                Request::ReadHoldingRegisters {
                    start: 3,
                    quantity: 1,
                },
            ))
            .await
            .unwrap();
        assert_eq!(&reply.bytes()[..5], &[0x01, 0x03, 0x02, 0x12, 0x34]);
        // pymodbus answers for a unit it does not serve with exception 04
        // (server device failure): an exception is a reply.
        let r = d.ask(&(99, read)).await.unwrap();
        assert_eq!(&r.bytes()[..3], &[99, 0x83, 0x04]);
        assert!(d.ask(&(1, read)).await.is_ok());
    });
}

/// Our async SLCAN side and python-can's `slcan` interface on the two ends
/// of a socat pair: each reads the frame lines the other writes (the
/// format an adapter uses both ways).
#[test]
fn async_slcan_frames_both_ways_with_python_can() {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    use transports::slcan::{self, CanFrame};

    let Some(py) = venv_python("can") else {
        return;
    };
    if !found("socat") {
        return;
    }
    let (_socat, theirs, ours) = pair();
    let script = common::root().join("interop/bms_python_can.py");
    let line = transports::slcan::LINE;

    // python-can sends; we receive.
    let sent = [
        CanFrame::new(0x305, &[0; 8]),
        CanFrame::new(0x351, &[0x14, 0x02, 0xE8, 0x03, 0xE8, 0x03, 0xC2, 0x01]),
        CanFrame::new(0x356, &[0x7A, 0x13, 0xF2, 0xFE, 0x6B, 0x01]),
    ];
    let payload = serde_json::Value::Array(
        sent.iter()
            .map(|f| {
                let data: String = f.bytes().iter().map(|b| format!("{b:02x}")).collect();
                serde_json::json!({"id": f.id, "data": data})
            })
            .collect(),
    );
    let mut child = Command::new(&py)
        .arg(&script)
        .args(["send", &theirs])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(payload.to_string().as_bytes())
        .unwrap();
    let got = runtime().block_on(async {
        let io = open_serial(&ours, &line).unwrap();
        let timer = TokioTimer::new();
        let until = timer.now() + Duration::from_secs(15);
        let mut d = slcan::AsyncDriver::new(io, timer, slcan::client(slcan::DEFAULT_TIMEOUT));
        let mut got = Vec::new();
        while got.len() < sent.len() {
            match d.receive(until).await.unwrap() {
                Some(f) => got.push(f),
                None => break,
            }
        }
        got
    });
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "sent");
    assert_eq!(got, sent);

    // We send; python-can receives.
    let child = Command::new(&py)
        .arg(&script)
        .args(["receive", &theirs, "4"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    runtime().block_on(async {
        let io = open_serial(&ours, &line).unwrap();
        let mut d =
            slcan::AsyncDriver::new(io, TokioTimer::new(), slcan::client(slcan::DEFAULT_TIMEOUT));
        // python-can opens its channel and sleeps before it reads.
        tokio::time::sleep(Duration::from_millis(2500)).await;
        for f in &sent {
            assert_eq!(d.transact(&slcan::Command::Send(*f)).await.unwrap(), None);
        }
    });
    let out = child.wait_with_output().unwrap();
    let frames: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<u64> = frames.iter().map(|f| f["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, [0x305, 0x351, 0x356]);
    assert_eq!(frames[2]["data"], "7a13f2fe6b01");
}

#[test]
fn async_enc_client_against_the_simulator() {
    use enc_ascii::{Address, Command, Control, Frequency, Radix, Reading, Request};
    use transports::enc;

    let sim = Spawned::start(env!("CARGO_BIN_EXE_enc-sim"));
    runtime().block_on(async {
        let io = open_serial(&sim.path, &enc::LINE).unwrap();
        let client = enc::client(
            enc::DEFAULT_BAUD,
            enc::DEFAULT_RESPONSE_DELAY,
            Radix::Literal,
        );
        let mut d = enc::AsyncDriver::new(io, TokioTimer::new(), client);
        let one = Address::new(1).unwrap();
        let set = Command::Control(Control::SetFrequency(Frequency(4000)));
        d.ask(&Request::new(one, set)).await.unwrap();
        let r = d
            .ask(&Request::new(one, Command::Read(Reading::SetFrequency)))
            .await
            .unwrap();
        assert_eq!(r.data, Some(4000));
        // A broadcast is not answered and not waited for.
        let set = Command::Control(Control::SetFrequency(Frequency(3000)));
        let timer = TokioTimer::new();
        assert_eq!(
            d.transact(&Request::new(Address::BROADCAST, set))
                .await
                .unwrap(),
            None
        );
        assert!(timer.now() < d.machine().timeout());
        tokio::time::sleep(Duration::from_millis(50)).await;
        let r = d
            .ask(&Request::new(one, Command::Read(Reading::SetFrequency)))
            .await
            .unwrap();
        assert_eq!(r.data, Some(3000), "the drive obeyed the broadcast");
        assert_eq!(d.counters().stray, 0);
    });
}

#[test]
fn async_ydt1363_client_against_the_pylontech_simulator() {
    use ::ydt1363::pylontech::{Analog, Command};
    use examples::pylontech_sim::{FIRST, LINE, Stack};
    use transports::ydt1363;

    let sim = Spawned::start_with(
        env!("CARGO_BIN_EXE_pylontech-sim"),
        &["--packs", "2", "--hold"],
    );
    let model = Stack::new(2);
    runtime().block_on(async {
        let io = open_serial(&sim.path, &LINE).unwrap();
        let client = ydt1363::client(ydt1363::DEFAULT_TIMEOUT);
        let mut d = ydt1363::AsyncDriver::new(io, TokioTimer::new(), client);
        for pack in [FIRST, FIRST + 1] {
            let frame = d
                .ask(&Command::Analog { pack }.request(pack))
                .await
                .unwrap();
            let analog = Analog::decode(&frame).unwrap();
            assert_eq!(analog.pack, pack);
            assert_eq!(analog.block, model.block(pack), "pack {pack}");
        }
        // No pack at the next address: the simulator stays silent.
        let none = FIRST + 2;
        let got = d.ask(&Command::Analog { pack: none }.request(none)).await;
        assert!(
            matches!(got, Err(transports::Error::Timeout)),
            "{:?}",
            got.map(|f| f.cid2)
        );
        assert_eq!(d.counters().stray, 0);
    });
}
