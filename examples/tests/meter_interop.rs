//! Energy-meter tables read through `modbus read-points`: from a pymodbus
//! server (installed into `.venv` by the test command) serving a meter's
//! documented registers with known values, over a socat pseudo-terminal
//! pair; and from our `meter-sim`, whose values are its model's.

use std::process::{Command, Output, Stdio};
use std::time::Duration;

mod common;

use common::{Spawned, found, pair, venv_python};

/// A pymodbus RTU server on PORT (argv 1) serving, for unit 1, the
/// registers of argv 2 (JSON): for "ir" and "hr", address ranges that
/// read 0 and IEEE-754 floats (two registers, high word first) at
/// addresses. Outside the ranges: exception 02.
const SERVER: &str = r#"
import json, logging, struct, sys, warnings
warnings.simplefilter("ignore")
logging.disable(logging.WARNING)
from pymodbus import FramerType
from pymodbus.datastore import ModbusDeviceContext, ModbusServerContext
from pymodbus.datastore import ModbusSparseDataBlock as Sparse
from pymodbus.server import StartSerialServer

spec = json.loads(sys.argv[2])

def block(kind):
    regs = {}
    for lo, hi in spec.get(kind, {}).get("ranges", []):
        for a in range(lo, hi):
            regs[a] = 0
    for a, value in spec.get(kind, {}).get("floats", []):
        regs[a], regs[a + 1] = struct.unpack(">HH", struct.pack(">f", value))
    return Sparse(regs or {0: 0})

device = ModbusDeviceContext(ir=block("ir"), hr=block("hr"), co=Sparse({0: 0}), di=Sparse({0: 0}))
StartSerialServer(context=ModbusServerContext(devices={1: device}, single=False),
                  framer=FramerType.RTU, port=sys.argv[1], baudrate=9600, parity="N")
"#;

/// `modbus read-points` on `port` with `args`; ends within 20 s.
fn read_points(port: &str, args: &[&str]) -> Output {
    let mut all = vec!["--port", port, "--parity", "none", "--json", "read-points"];
    all.extend(args);
    common::run(env!("CARGO_BIN_EXE_modbus"), &all)
}

/// Serves `spec` from pymodbus on one end of a socat pair and reads
/// `args` through the other; the JSON printed.
fn against_pymodbus(spec: serde_json::Value, args: &[&str]) -> Option<serde_json::Value> {
    let py = venv_python("pymodbus")?;
    if !found("socat") {
        return None;
    }
    let (_socat, server_end, tool_end) = pair();
    let _server = common::Killed(
        Command::new(&py)
            .args(["-c", SERVER, &server_end, &spec.to_string()])
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    std::thread::sleep(Duration::from_millis(1500));
    let out = read_points(&tool_end, args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stderr}{}",
        String::from_utf8_lossy(&out.stdout)
    );
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

/// `got` is the float `want` (a JSON number printed from an f32).
fn assert_float(got: &serde_json::Value, want: f64, what: &str) {
    let g = got
        .as_f64()
        .unwrap_or_else(|| panic!("{what}: {got} is not a number"));
    assert!(
        (g - want).abs() <= 1e-5 * want.abs().max(1.0),
        "{what}: read {g}, served {want}"
    );
}

#[test]
fn sdm120_from_pymodbus_reads_as_served() {
    // Eastron SDM120 protocol V2.5: input registers 30001, 30007, ... as
    // 0-based addresses (docs/protocols/energy-meters.md §1).
    let served = [
        ("voltage", 0x0000, 230.1),
        ("current", 0x0006, 5.25),
        ("active_power", 0x000C, 1180.5),
        ("apparent_power", 0x0012, 1208.0),
        ("reactive_power", 0x0018, -256.25),
        ("power_factor", 0x001E, 0.977),
        ("frequency", 0x0046, 49.98),
        ("import_active_energy", 0x0048, 1234.5),
        ("export_active_energy", 0x004A, 12.25),
        ("total_active_energy", 0x0156, 1246.75),
    ];
    let floats: Vec<(u16, f64)> = served.iter().map(|&(_, a, v)| (a, v)).collect();
    let spec = serde_json::json!({
        "ir": { "ranges": [[0, 0x200]], "floats": floats },
        "hr": {
            "ranges": [[0, 0x100], [0xF900, 0xF940], [0xFC00, 0xFC10]],
            "floats": [[0x0014, 1.0], [0x0002, 60.0]],
        },
    });
    let Some(v) = against_pymodbus(spec, &["--table", "sdm120"]) else {
        return;
    };
    for (name, _, want) in served {
        assert_float(&v["04"][name], want, name);
    }
    assert_float(&v["03"]["meter_id"], 1.0, "meter_id");
    assert_float(&v["03"]["demand_period"], 60.0, "demand_period");
}

#[test]
fn dtsu666_from_pymodbus_reads_scaled_in_both_energy_bases() {
    // CHINT DTSU666: floats holding scaled integers at 0x2000 and up, energy
    // at 0x101E or 0x401E (docs/protocols/energy-meters.md §2).
    let raw = [
        ("voltage_l1", 0x2006, 2301.0, 0.1),
        ("current_l1", 0x200C, 5250.0, 0.001),
        ("active_power", 0x2012, 11805.0, 0.1),
        ("power_factor", 0x202A, 977.0, 0.001),
        ("frequency", 0x2044, 4998.0, 0.01),
    ];
    let mut floats: Vec<(u16, f64)> = raw.iter().map(|&(_, a, v, _)| (a, v)).collect();
    floats.extend([(0x101E, 1234.5), (0x401E, 987.25)]);
    let spec = serde_json::json!({
        "hr": {
            "ranges": [[0, 0x40], [0x1000, 0x1060], [0x2000, 0x2060], [0x4000, 0x4060]],
            "floats": floats,
        },
    });
    let Some(v) = against_pymodbus(spec.clone(), &["--table", "dtsu666"]) else {
        return;
    };
    for (name, _, value, scale) in raw {
        assert_float(&v["03"][name], value * scale, name);
    }
    assert_float(&v["03"]["import_active_energy"], 1234.5, "energy at 0x101E");
    let Some(v) = against_pymodbus(
        spec,
        &["--table", "dtsu666", "--variant", "energy-base-4000"],
    ) else {
        return;
    };
    assert_float(&v["03"]["import_active_energy"], 987.25, "energy at 0x401E");
    assert!(v["03"].get("import_active_energy_l1").is_none(), "{v}");
}

#[test]
fn our_meter_sim_reads_as_its_model_states() {
    for (table, variant) in [("sdm120", None), ("dtsu666", Some("energy-base-4000"))] {
        let mut sim_args = vec!["--table", table, "--hold"];
        let mut args = vec!["--table", table];
        if let Some(v) = variant {
            sim_args.extend(["--variant", v]);
            args.extend(["--variant", v]);
        }
        let sim = Spawned::start_with(env!("CARGO_BIN_EXE_meter-sim"), &sim_args);
        let out = read_points(&sim.path, &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{table}: {stderr}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let file = examples::tables::load(table).unwrap();
        let checked = file
            .with_table(|t| {
                let variant = variant.unwrap_or(t.default_variant());
                let mut n = 0;
                for c in t.commands {
                    for p in t.points_of(c.key, variant) {
                        // Held: the model as at the start.
                        let what = format!("{table} {}/{}", c.key, p.name);
                        match examples::point_sim::value(p, 0.0).unwrap() {
                            points::Value::Number(n) => {
                                assert_float(&v[c.key][p.name], n.value(), &what)
                            }
                            want => assert_eq!(
                                v[c.key][p.name],
                                serde_json::to_value(want).unwrap(),
                                "{what}"
                            ),
                        }
                        n += 1;
                    }
                }
                n
            })
            .unwrap();
        assert!(checked > 20, "{table}: {checked} points");
        // The model's mains, not zeros.
        let volts = &v["03"]["voltage_l1"];
        if table == "dtsu666" {
            assert!((220.0..240.0).contains(&volts.as_f64().unwrap()), "{volts}");
        }
    }
}
