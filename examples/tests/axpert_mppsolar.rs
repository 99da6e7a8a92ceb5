//! Interoperability with mpp-solar (jblance/mpp-solar, the most used
//! Python implementation of the protocol): mpp-solar, as the client, talks
//! to our simulator over a pseudo-terminal. It checks our CRCs and decodes
//! our replies with its own field tables; our device side decodes its
//! requests. The test command installs mpp-solar into `.venv`.

use std::path::PathBuf;
use std::process::Command as Process;

mod common;
use common::Spawned;

use axpert_proto::{Inquiry, OutputSource, Response};
use serde_json::Value;
use transports::{StdClock, axpert::Driver, serial::Serial};

fn mpp_solar() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/mpp-solar");
    if p.exists() {
        return Some(p);
    }
    assert!(
        std::env::var_os("REQUIRE_INTEROP").is_none(),
        "REQUIRE_INTEROP is set but {} is missing",
        p.display()
    );
    eprintln!("skipped: mpp-solar not installed in .venv (the README's test command installs it)");
    None
}

/// Runs `mpp-solar -c command` against the simulator and returns its JSON.
fn run(bin: &PathBuf, port: &str, command: &str) -> Value {
    let out = Process::new(bin)
        .args([
            "-p",
            port,
            "--porttype",
            "serial",
            "-P",
            "PI30",
            "-o",
            "json",
            "-c",
            command,
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.starts_with('{'))
        .unwrap_or_else(|| {
            panic!(
                "{command}: no JSON from mpp-solar: {text}\n{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    serde_json::from_str(line).unwrap()
}

fn ours(port: &str, inquiry: Inquiry) -> Response {
    let mut d = Driver::new(
        Serial::open(port, &axpert_proto::LINE).unwrap(),
        StdClock::new(),
        transports::axpert::client(transports::axpert::DEFAULT_TIMEOUT),
    );
    *d.ask(&inquiry.into()).unwrap()
}

#[test]
fn mpp_solar_reads_and_configures_our_simulator() {
    let Some(bin) = mpp_solar() else { return };
    let sim = Spawned::start(env!("CARGO_BIN_EXE_axpert-sim"));
    let port = sim.path.clone();

    // Rated information: every value mpp-solar decodes equals ours.
    let v = run(&bin, &port, "QPIRI");
    let Response::RatedInfo(r) = ours(&port, Inquiry::RatedInfo) else {
        panic!()
    };
    let f = |d: axpert_proto::Decimal| d.to_f64().unwrap();
    assert_eq!(
        v["ac_input_voltage"].as_f64(),
        Some(f(r.grid_rating_voltage))
    );
    assert_eq!(
        v["battery_voltage"].as_f64(),
        Some(f(r.battery_rating_voltage))
    );
    assert_eq!(
        v["battery_bulk_charge_voltage"].as_f64(),
        Some(f(r.battery_bulk_voltage))
    );
    assert_eq!(
        v["battery_float_charge_voltage"].as_f64(),
        Some(f(r.battery_float_voltage))
    );
    assert_eq!(
        v["max_charging_current"].as_f64(),
        Some(f(r.max_charging_current))
    );
    assert_eq!(v["output_source_priority"], "SBU first");
    assert_eq!(v["max_charging_time_for_cv_stage"].as_f64(), Some(0.0));

    // Live status: mpp-solar accepts the CRC and reads plausible values.
    let v = run(&bin, &port, "QPIGS");
    let bv = v["battery_voltage"].as_f64().unwrap();
    assert!((44.0..60.0).contains(&bv), "battery voltage {bv}");
    assert!((225.0..235.0).contains(&v["ac_output_voltage"].as_f64().unwrap()));
    assert_eq!(v["is_load_on"].as_i64(), Some(1));

    assert_eq!(run(&bin, &port, "QID")["serial_number"], "92932105105335");
    assert_eq!(run(&bin, &port, "QMOD")["device_mode"], "Battery");
    assert_eq!(run(&bin, &port, "QFLAG")["buzzer"], "enabled");
    assert_eq!(run(&bin, &port, "QMCHGCR")["max_charging_current"], "010");

    // Settings mpp-solar encodes are decoded and applied by our device side.
    assert_eq!(run(&bin, &port, "POP01")["pop"], "ACK");
    let Response::RatedInfo(r) = ours(&port, Inquiry::RatedInfo) else {
        panic!()
    };
    assert_eq!(r.output_source_priority, OutputSource::Solar);
    let v = run(&bin, &port, "PBEQT045");
    assert!(v.to_string().contains("ACK"), "{v}");
    let Response::Equalization(e) = ours(&port, Inquiry::Equalization) else {
        panic!()
    };
    assert_eq!(e.time.to_u32(), Some(45));

    // Out of range on the device side: NAK, which mpp-solar reports.
    let v = run(&bin, &port, "PBEQT903");
    assert!(v.to_string().contains("NAK"), "{v}");
    let v = run(&bin, &port, "QPGS1");
    assert!(v.to_string().contains("NAK"), "{v}");
}
