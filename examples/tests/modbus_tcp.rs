//! RTU over TCP, as serial device servers (RS485-to-Ethernet gateways in
//! raw mode) carry it: our `modbus` tool and pymodbus against `modbus-sim
//! --tcp`, and our driver against a pymodbus RTU-framed TCP server.

use std::process::Command;
use std::time::{Duration, Instant};

use modbus_rtu_lite::{Exception, Request, Response};
use serde_json::Value;
use transports::tcp::Tcp;

mod common;

fn gateway() -> common::Spawned {
    common::Spawned::start_with(
        env!("CARGO_BIN_EXE_modbus-sim"),
        &["--tcp", "127.0.0.1:0", "--unit", "1", "--unit", "2"],
    )
}

fn modbus(addr: &str, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_modbus"))
        .args(["--tcp", addr])
        .args(args)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn our_tool_against_the_simulated_gateway() {
    let sim = gateway();
    let addr = sim.path.as_str();
    assert_eq!(
        modbus(addr, &["--unit", "2", "write-register", "0x2001", "3000"]).0,
        0
    );
    let (code, text) = modbus(
        addr,
        &["--unit", "2", "--json", "read-holding", "0x2001", "1"],
    );
    assert_eq!(code, 0, "{text}");
    let v: Value = serde_json::from_str(text.trim()).unwrap();
    assert_eq!(v["response"]["read_holding_registers"][0], 3000);
    // Unit 1 is a separate drive; its set point is still the default.
    let (_, text) = modbus(
        addr,
        &["--unit", "1", "--json", "read-holding", "0x2001", "1"],
    );
    let v: Value = serde_json::from_str(text.trim()).unwrap();
    assert_eq!(v["response"]["read_holding_registers"][0], 5000);
    // The drive's exception comes back through the gateway: exit 3.
    let (code, text) = modbus(addr, &["--unit", "1", "write-register", "0x2001", "6000"]);
    assert_eq!(code, 3, "{text}");
    assert!(text.contains("exception 03"), "{text}");
    let (code, text) = modbus(addr, &["--json", "scan", "--from", "1", "--to", "3"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains(r#"{"responding":[1,2]}"#), "{text}");
}

#[test]
fn pymodbus_rtu_over_tcp_against_our_gateway() {
    let Some(py) = common::venv_python("pymodbus") else {
        return;
    };
    let sim = gateway();
    let v = common::script_json(&py, "modbus_pymodbus_tcp_client.py", &[&sim.path]);
    assert_eq!(v["write"], true);
    assert_eq!(v["unit2"], serde_json::json!([5, 2000]));
    assert_eq!(v["state1"], serde_json::json!([3]), "unit 1 still stopped");
    assert_eq!(v["coil"], true);
    assert_eq!(v["coils"], serde_json::json!([false, false, false, true]));
    assert_eq!(v["exception"], 2);
}

#[test]
fn our_driver_over_tcp_against_a_pymodbus_server() {
    let Some(py) = common::venv_python("pymodbus") else {
        return;
    };
    // A free port for the server (released again before it binds).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let _server = common::pymodbus_server(&py, &format!("tcp:{port}"));
    let deadline = Instant::now() + Duration::from_secs(20);
    let io = loop {
        match Tcp::connect(("127.0.0.1", port)) {
            Ok(io) => break io,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => panic!("pymodbus server did not start: {e}"),
        }
    };
    let mut d = common::modbus_driver(io);
    let reply = d
        .transact(&(
            17,
            Request::ReadHoldingRegisters {
                start: 5,
                quantity: 3,
            },
        ))
        .unwrap()
        .unwrap();
    assert_eq!(&reply.bytes()[..9], &[17, 0x03, 6, 0, 5, 0, 6, 0, 7]);
    let write = Request::WriteSingleRegister {
        address: 2,
        value: 0xBEEF,
    };
    assert!(d.transact(&(0, write)).unwrap().is_none(), "broadcast");
    for unit in [1, 17] {
        let reply = d
            .transact(&(
                unit,
                Request::ReadHoldingRegisters {
                    start: 2,
                    quantity: 1,
                },
            ))
            .unwrap()
            .unwrap();
        assert!(
            matches!(reply.response(), Response::ReadHoldingRegisters(w) if w.get(0) == Some(0xBEEF)),
            "unit {unit}: broadcast reached it: {:?}",
            reply.response()
        );
    }
    let reply = d
        .transact(&(
            1,
            Request::ReadInputRegisters {
                start: 5000,
                quantity: 1,
            },
        ))
        .unwrap()
        .unwrap();
    assert!(
        matches!(
            reply.response(),
            Response::Exception {
                function: 0x04,
                code: Exception::IllegalDataAddress
            }
        ),
        "{:?}",
        reply.response()
    );
}
