//! Interoperability with pymodbus (installed into `.venv` by the test
//! command), over pseudo-terminals: pymodbus as master against our
//! simulated drives, and our client against a pymodbus server.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use modbus_rtu_lite::{Bits, Exception, Request, Response, Words};
use transports::serial::Pty;

mod common;

use common::root;

fn python() -> Option<PathBuf> {
    common::venv_python("pymodbus")
}

#[test]
fn pymodbus_master_against_our_drives() {
    let Some(py) = python() else { return };
    let sim = common::Spawned::start_with(
        env!("CARGO_BIN_EXE_modbus-sim"),
        &["--unit", "1", "--unit", "2"],
    );
    let v = common::script_json(&py, "modbus_pymodbus_client.py", &[&sim.path]);
    assert_eq!(v["state"][0], 3, "stopped");
    assert_eq!(v["state"][4], 537);
    assert_eq!(v["write_set_point"], true);
    assert_eq!(v["set_point"][0], 4000, "FC04 reads the same map");
    assert_eq!(v["write_regs"], true);
    assert_eq!(
        v["unit2"],
        serde_json::json!([5, 3000]),
        "unit 2 is its own drive"
    );
    assert_eq!(v["coils"], serde_json::json!([true, false, true]));
    assert_eq!(v["coils_after"], serde_json::json!([true, true, true]));
    assert_eq!(v["inputs"][0], true, "unit 2 running");
    assert_eq!(v["exception_address"], 2);
    assert_eq!(v["exception_value"], 3);
    assert_eq!(v["device_id"]["1"], "VM1000-SIM-1");
    assert_eq!(
        v["after_broadcast"],
        serde_json::json!([1234, 1234]),
        "broadcast reached both drives"
    );
}

#[test]
fn our_client_against_a_pymodbus_server() {
    let Some(py) = python() else { return };
    let mut pty = Pty::new().unwrap();
    let _server = common::pymodbus_server(&py, pty.path());
    std::thread::sleep(Duration::from_millis(1500));
    let mut d = common::modbus_driver(pty.master());
    let mut ask =
        |unit: u8, r: &Request<'_>| d.transact(&(unit, *r)).unwrap().map(|r| r.to_owned());

    let reply = ask(
        1,
        &Request::ReadHoldingRegisters {
            start: 0,
            quantity: 10,
        },
    )
    .unwrap();
    assert_eq!(
        reply.bytes(),
        &[
            0x01, 0x03, 0x14, 0, 0, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8, 0, 9, 0xCD,
            0x51
        ]
    );
    let r = ask(
        17,
        &Request::ReadInputRegisters {
            start: 0,
            quantity: 3,
        },
    )
    .unwrap();
    assert!(
        matches!(r.response(), Response::ReadInputRegisters(w) if w.iter().all(|x| x == 0x1234))
    );
    let r = ask(
        1,
        &Request::ReadDiscreteInputs {
            start: 0,
            quantity: 4,
        },
    )
    .unwrap();
    assert!(
        matches!(r.response(), Response::ReadDiscreteInputs(b) if b.get(0) == Some(true) && b.get(1) == Some(false))
    );
    let r = ask(
        1,
        &Request::WriteMultipleRegisters {
            start: 10,
            values: Words::new(&[0, 1, 0, 2, 0, 3]),
        },
    )
    .unwrap();
    assert!(matches!(
        r.response(),
        Response::WriteMultipleRegisters {
            start: 10,
            quantity: 3
        }
    ));
    let r = ask(
        1,
        &Request::WriteMultipleCoils {
            start: 0,
            coils: Bits::new(&[0b101], 3),
        },
    )
    .unwrap();
    assert!(matches!(
        r.response(),
        Response::WriteMultipleCoils { quantity: 3, .. }
    ));
    let r = ask(
        1,
        &Request::ReadCoils {
            start: 0,
            quantity: 3,
        },
    )
    .unwrap();
    assert!(
        matches!(r.response(), Response::ReadCoils(b) if b.get(0) == Some(true) && b.get(1) == Some(false) && b.get(2) == Some(true))
    );
    let r = ask(
        1,
        &Request::WriteSingleCoil {
            address: 1,
            value: true,
        },
    )
    .unwrap();
    assert!(matches!(
        r.response(),
        Response::WriteSingleCoil {
            address: 1,
            value: true
        }
    ));
    // Outside the 1000-register block: exception 02, a reply.
    let r = ask(
        1,
        &Request::ReadHoldingRegisters {
            start: 5000,
            quantity: 1,
        },
    )
    .unwrap();
    assert_eq!(
        r.response(),
        Response::Exception {
            function: 3,
            code: Exception::IllegalDataAddress
        }
    );
    // Broadcast: no reply and no wait; the next request waits the turnaround.
    assert!(
        ask(
            0,
            &Request::WriteSingleRegister {
                address: 7,
                value: 42
            }
        )
        .is_none()
    );
    let r = ask(
        1,
        &Request::ReadHoldingRegisters {
            start: 7,
            quantity: 1,
        },
    )
    .unwrap();
    assert!(matches!(r.response(), Response::ReadHoldingRegisters(w) if w.get(0) == Some(42)));
    let r = ask(
        17,
        &Request::ReadHoldingRegisters {
            start: 7,
            quantity: 1,
        },
    )
    .unwrap();
    assert!(matches!(r.response(), Response::ReadHoldingRegisters(w) if w.get(0) == Some(42)));
}

fn mbpoll() -> bool {
    let ok = Command::new("mbpoll").arg("-V").output().is_ok();
    assert!(
        ok || std::env::var_os("REQUIRE_INTEROP").is_none(),
        "REQUIRE_INTEROP is set but mbpoll is missing"
    );
    if !ok {
        eprintln!("skipped: mbpoll not installed (the README's test command installs it)");
    }
    ok
}

#[test]
fn mbpoll_against_our_drives() {
    if !mbpoll() {
        return;
    }
    let sim = common::Spawned::start_with(env!("CARGO_BIN_EXE_modbus-sim"), &["--unit", "1"]);
    // Options, then the port, then any values to write (after `--`).
    let run = |args: &[&str]| {
        let (opts, values) = match args.iter().position(|a| *a == "--") {
            Some(i) => args.split_at(i),
            None => (args, &[][..]),
        };
        let out = Command::new("mbpoll")
            .args([
                "-m", "rtu", "-a", "1", "-b", "9600", "-P", "none", "-0", "-1",
            ])
            .args(opts)
            .arg(&sim.path)
            .args(values)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.success(), text)
    };
    // FC03 (holding registers 0x2000..0x2001).
    let (ok, out) = run(&["-t", "4", "-r", "8192", "-c", "2"]);
    assert!(
        ok && out.contains("[8192]: \t6") && out.contains("[8193]: \t5000"),
        "{out}"
    );
    // FC06 write, read back with FC04 (-t 3).
    let (ok, out) = run(&["-t", "4", "-r", "8193", "--", "3500"]);
    assert!(ok, "{out}");
    let (ok, out) = run(&["-t", "3", "-r", "8193"]);
    assert!(ok && out.contains("[8193]: \t3500"), "{out}");
    // FC0F / FC01 coils, FC02 discrete inputs.
    let (ok, out) = run(&["-t", "0", "-r", "0", "--", "1", "0", "1"]);
    assert!(ok, "{out}");
    let (ok, out) = run(&["-t", "0", "-r", "0", "-c", "3"]);
    assert!(
        ok && out.contains("[0]: \t1") && out.contains("[1]: \t0") && out.contains("[2]: \t1"),
        "{out}"
    );
    let (ok, out) = run(&["-t", "1", "-r", "0", "-c", "2"]);
    assert!(ok && out.contains("[0]: \t0"), "{out}");
    // FC05: one coil (mbpoll writes a single value with FC05).
    let (ok, out) = run(&["-t", "0", "-r", "5", "--", "1"]);
    assert!(ok, "{out}");
    let (ok, out) = run(&["-t", "0", "-r", "5"]);
    assert!(ok && out.contains("[5]: \t1"), "{out}");
    // FC10: run command and set point in one write; the drive runs.
    let (ok, out) = run(&["-t", "4", "-r", "8192", "--", "5", "2500"]);
    assert!(ok && out.contains("Written 2 references"), "{out}");
    let (ok, out) = run(&["-t", "3", "-r", "8448"]);
    assert!(ok && out.contains("[8448]: \t1"), "running: {out}");
    // FC11 report server id, as libmodbus reads it.
    let (ok, out) = run(&["-u"]);
    assert!(ok && out.contains("Data  : VM1000-SIM-1"), "{out}");
    // An address outside the map: libmodbus reports exception 02.
    let (_, out) = run(&["-t", "4", "-r", "12288"]);
    let all = out
        + &String::from_utf8_lossy(
            &Command::new("mbpoll")
                .args([
                    "-m", "rtu", "-a", "1", "-b", "9600", "-P", "none", "-0", "-1", "-t", "4",
                    "-r", "12288",
                ])
                .arg(&sim.path)
                .output()
                .unwrap()
                .stderr,
        );
    assert!(all.contains("Illegal data address"), "{all}");
}

#[test]
fn minimalmodbus_against_our_drive() {
    let Some(py) = common::venv_python("minimalmodbus") else {
        return;
    };
    let sim = common::Spawned::start_with(env!("CARGO_BIN_EXE_modbus-sim"), &["--unit", "1"]);
    let v = common::script_json(&py, "modbus_minimalmodbus.py", &[&sim.path]);
    assert_eq!(v["regs"], serde_json::json!([6, 5000]));
    assert_eq!(v["input"][0], 3);
    assert_eq!(v["after_write"], 2500);
    assert_eq!(
        v["bits"],
        serde_json::json!([1, 0, 0]),
        "FC02: running after the FC10 run command"
    );
    assert_eq!(v["coils"], serde_json::json!([0, 0, 1]));
    assert_eq!(v["coils_fc0f"], serde_json::json!([1, 0, 1]), "FC0F");
    assert_eq!(
        v["after_broadcast"], 1111,
        "broadcast carried out, unanswered"
    );
    assert!(
        v["exception"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("illegal data address"),
        "{v}"
    );
}

/// Builds the libmodbus slave with the system's gcc and libmodbus.
fn libmodbus_slave() -> Option<PathBuf> {
    let exe = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("libmodbus_slave");
    let flags = Command::new("pkg-config")
        .args(["--cflags", "--libs", "libmodbus"])
        .output();
    let built = flags.as_ref().is_ok_and(|f| f.status.success()) && {
        let f = String::from_utf8_lossy(&flags.as_ref().unwrap().stdout).into_owned();
        Command::new("gcc")
            .arg(root().join("interop/libmodbus_slave.c"))
            .arg("-o")
            .arg(&exe)
            .args(f.split_whitespace())
            .status()
            .is_ok_and(|s| s.success())
    };
    assert!(
        built || std::env::var_os("REQUIRE_INTEROP").is_none(),
        "could not build the libmodbus slave"
    );
    if !built {
        eprintln!("skipped: libmodbus-dev not installed (the README's test command installs it)");
        return None;
    }
    Some(exe)
}

#[test]
fn our_client_against_a_libmodbus_slave() {
    let Some(exe) = libmodbus_slave() else { return };
    let mut pty = Pty::new().unwrap();
    let mut child = Command::new(&exe)
        .arg(pty.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.as_mut().unwrap()),
        &mut line,
    )
    .unwrap();
    assert_eq!(line.trim(), "ready");
    let _slave = common::Killed(child);
    let mut d = common::modbus_driver(pty.master());
    let mut ask = |r: &Request<'_>| d.transact(&(1, *r)).unwrap().map(|r| r.to_owned());

    let r = ask(&Request::ReadHoldingRegisters {
        start: 0,
        quantity: 10,
    })
    .unwrap();
    assert_eq!(
        r.bytes(),
        &[
            0x01, 0x03, 0x14, 0, 0, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8, 0, 9, 0xCD,
            0x51
        ]
    );
    let r = ask(&Request::ReadInputRegisters {
        start: 0,
        quantity: 2,
    })
    .unwrap();
    assert!(
        matches!(r.response(), Response::ReadInputRegisters(w) if w.iter().all(|x| x == 0x1234))
    );
    let r = ask(&Request::ReadDiscreteInputs {
        start: 0,
        quantity: 3,
    })
    .unwrap();
    assert!(
        matches!(r.response(), Response::ReadDiscreteInputs(b) if b.get(0) == Some(true) && b.get(1) == Some(false))
    );
    let r = ask(&Request::WriteSingleRegister {
        address: 5,
        value: 0xBEEF,
    })
    .unwrap();
    assert_eq!(r.bytes(), &[0x01, 0x06, 0x00, 0x05, 0xBE, 0xEF, 0xA9, 0xE7]);
    let r = ask(&Request::WriteMultipleRegisters {
        start: 10,
        values: Words::new(&[0, 1, 0, 2, 0, 3]),
    })
    .unwrap();
    assert_eq!(r.bytes(), &[0x01, 0x10, 0x00, 0x0A, 0x00, 0x03, 0xA0, 0x0A]);
    let r = ask(&Request::WriteSingleCoil {
        address: 3,
        value: true,
    })
    .unwrap();
    assert_eq!(r.bytes(), &[0x01, 0x05, 0x00, 0x03, 0xFF, 0x00, 0x7C, 0x3A]);
    let r = ask(&Request::WriteMultipleCoils {
        start: 0,
        coils: Bits::new(&[0xFF, 0x03], 10),
    })
    .unwrap();
    assert_eq!(r.bytes(), &[0x01, 0x0F, 0x00, 0x00, 0x00, 0x0A, 0xD5, 0xCC]);
    let r = ask(&Request::ReadCoils {
        start: 0,
        quantity: 16,
    })
    .unwrap();
    assert!(matches!(r.response(), Response::ReadCoils(b) if b.bytes() == [0xFF, 0x03]));
    let r = ask(&Request::MaskWriteRegister {
        address: 4,
        and_mask: 0xF2,
        or_mask: 0x25,
    })
    .unwrap();
    assert!(matches!(
        r.response(),
        Response::MaskWriteRegister { address: 4, .. }
    ));
    let r = ask(&Request::ReadWriteMultipleRegisters {
        read_start: 20,
        read_quantity: 1,
        write_start: 20,
        values: Words::new(&[0xAB, 0xCD]),
    })
    .unwrap();
    assert!(
        matches!(r.response(), Response::ReadWriteMultipleRegisters(w) if w.get(0) == Some(0xABCD))
    );
    let r = ask(&Request::ReportServerId).unwrap();
    assert!(
        matches!(r.response(), Response::ReportServerId(d) if d.starts_with(&[0xB4, 0xFF]) && d.ends_with(b"LMB3.1.6"))
    );
    // Exceptions: libmodbus 3.1.6 answers these (docs/protocols/modbus.md §4.1).
    let r = ask(&Request::ReadHoldingRegisters {
        start: 5000,
        quantity: 1,
    })
    .unwrap();
    assert_eq!(
        r.response(),
        Response::Exception {
            function: 3,
            code: Exception::IllegalDataAddress
        }
    );
    let r = ask(&Request::ReadHoldingRegisters {
        start: 0,
        quantity: 125,
    })
    .unwrap();
    assert_eq!(
        r.response(),
        Response::Exception {
            function: 3,
            code: Exception::IllegalDataAddress
        }
    );
    // Broadcast: libmodbus carries it out without replying; we do not wait.
    assert!(
        d.transact(&(
            0,
            Request::WriteSingleRegister {
                address: 7,
                value: 42
            }
        ))
        .unwrap()
        .is_none()
    );
    let r = d
        .transact(&(
            1,
            Request::ReadHoldingRegisters {
                start: 7,
                quantity: 1,
            },
        ))
        .unwrap()
        .unwrap();
    assert!(matches!(r.response(), Response::ReadHoldingRegisters(w) if w.get(0) == Some(42)));
}
