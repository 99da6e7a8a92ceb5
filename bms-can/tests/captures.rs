//! Every row of `testdata/captures/bms-can.jsonl` (real and emulator
//! frames, each naming its public source): decoded, compared with the
//! decode the row states, and re-encoded to the same bytes.

use std::path::PathBuf;

use bms_can::{Condition, Level, Message, Pytes};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

struct Row {
    line: usize,
    id: u16,
    data: Vec<u8>,
    decoded: Value,
    by_source: bool,
}

fn rows() -> Vec<Row> {
    std::fs::read_to_string(root().join("testdata/captures/bms-can.jsonl"))
        .unwrap()
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let v: Value = serde_json::from_str(l).unwrap();
            let hex = v["data_hex"].as_str().unwrap();
            Row {
                line: i + 1,
                id: u16::from_str_radix(v["id"].as_str().unwrap().trim_start_matches("0x"), 16)
                    .unwrap(),
                data: (0..hex.len())
                    .step_by(2)
                    .map(|k| u8::from_str_radix(&hex[k..k + 2], 16).unwrap())
                    .collect(),
                decoded: v["decoded"].clone(),
                by_source: v["decoded_by"] == "source",
            }
        })
        .collect()
}

/// The capture file is checked against itself, so that an edit to one
/// field of a row cannot go unnoticed: every row names its public source
/// and who decoded it, its id fits in 11 bits, and `dlc` is the number of
/// bytes in `data_hex` (at most 8).
#[test]
fn capture_rows_are_consistent() {
    let text = std::fs::read_to_string(root().join("testdata/captures/bms-can.jsonl")).unwrap();
    let mut n = 0;
    for (i, l) in text.lines().enumerate() {
        if l.trim().is_empty() {
            continue;
        }
        let ctx = format!("line {}", i + 1);
        let v: Value = serde_json::from_str(l).unwrap();
        for key in ["source", "decoded_by"] {
            assert!(
                v[key].as_str().is_some_and(|s| !s.trim().is_empty()),
                "{ctx}: no {key}"
            );
        }
        assert!(v["decoded"].is_object(), "{ctx}: no decoded values");
        let id = v["id"].as_str().unwrap();
        let id = u16::from_str_radix(id.strip_prefix("0x").unwrap(), 16).unwrap();
        assert!(id <= 0x7FF, "{ctx}: {id:#x} is not an 11-bit id");
        let hex = v["data_hex"].as_str().unwrap();
        assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()), "{ctx}");
        let dlc = v["dlc"].as_u64().unwrap();
        assert!(dlc <= 8, "{ctx}: dlc {dlc}");
        assert_eq!(hex.len() as u64, 2 * dlc, "{ctx}: dlc and data_hex differ");
        n += 1;
    }
    assert_eq!(n, rows().len());
}

fn f(v: &Value, k: &str) -> f64 {
    v[k].as_f64().unwrap_or_else(|| panic!("no {k} in {v}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

fn level(s: &str) -> Level {
    match s {
        "ok" => Level::Ok,
        "active" => Level::Active,
        "not_supported" => Level::NotSupported,
        _ => Level::Reserved,
    }
}

#[test]
fn every_capture_row() {
    let rows = rows();
    assert_eq!(rows.len(), 32);
    let mut checked = 0;
    for r in &rows {
        let ctx = format!(
            "line {} (id {:#05x}, stated by {})",
            r.line,
            r.id,
            if r.by_source { "source" } else { "report" }
        );
        let m = Message::decode(r.id, &r.data).unwrap_or_else(|e| panic!("{ctx}: {e}"));
        assert_eq!(
            m.encode().bytes(),
            &r.data[..],
            "{ctx}: re-encoding differs"
        );
        let d = &r.decoded;
        match m {
            Message::Limits(l) | Message::Pytes(Pytes::Limits(l)) => {
                let cvl = d
                    .get("charge_voltage_limit_V")
                    .or(d.get("chargeVoltageLimit_V"))
                    .unwrap();
                assert!(
                    close(l.charge_voltage.to_f64(), cvl.as_f64().unwrap()),
                    "{ctx}"
                );
                if let Some(raw) = d.get("charge_current_limit_raw") {
                    assert_eq!(
                        i64::from(l.charge_current.0),
                        raw.as_i64().unwrap(),
                        "{ctx}"
                    );
                    assert_eq!(
                        i64::from(l.discharge_current.0),
                        d["discharge_current_limit_raw"].as_i64().unwrap()
                    );
                } else {
                    let ccl = d
                        .get("charge_current_limit_A")
                        .or(d.get("chargeCurrentLimit_A"))
                        .unwrap();
                    let dcl = d
                        .get("discharge_current_limit_A")
                        .or(d.get("dischargeCurrentLimit_A"))
                        .unwrap();
                    assert!(
                        close(l.charge_current.to_f64(), ccl.as_f64().unwrap()),
                        "{ctx}"
                    );
                    assert!(
                        close(l.discharge_current.to_f64(), dcl.as_f64().unwrap()),
                        "{ctx}"
                    );
                }
                let dvl = d
                    .get("discharge_voltage_limit_V")
                    .or(d.get("dischargeVoltageLimit_V"))
                    .unwrap();
                assert!(
                    close(l.discharge_voltage.unwrap().to_f64(), dvl.as_f64().unwrap()),
                    "{ctx}"
                );
            }
            Message::Soc(s) => {
                assert_eq!(f64::from(s.soc), f(d, "soc_pct"), "{ctx}");
                assert_eq!(f64::from(s.soh), f(d, "soh_pct"), "{ctx}");
                if let Some(hr) = d.get("soc_hires_pct") {
                    assert!(
                        close(s.soc_high_res.unwrap().to_f64(), hr.as_f64().unwrap()),
                        "{ctx}"
                    );
                } else {
                    assert_eq!(s.soc_high_res, None, "{ctx}: 4-byte frame");
                }
            }
            Message::Measurements(m) => {
                assert!(
                    close(m.voltage.to_f64(), f(d, "voltage_V_at_0.01")),
                    "{ctx}"
                );
                assert!(close(m.current.to_f64(), f(d, "current_A")), "{ctx}");
                assert!(
                    close(m.temperature.to_f64(), f(d, "temperature_C")),
                    "{ctx}"
                );
            }
            Message::Flags(fl) => {
                assert_eq!(fl.flags.bits(), 0, "{ctx}");
                assert_eq!(
                    u64::from(fl.module_count.unwrap()),
                    d["module_count"].as_u64().unwrap()
                );
                assert_eq!(&fl.tag.unwrap(), d["tag"].as_str().unwrap().as_bytes());
            }
            Message::Alarms(a) => {
                let names = [
                    ("general", Condition::General),
                    ("high_voltage", Condition::HighVoltage),
                    ("low_voltage", Condition::LowVoltage),
                    ("high_temp", Condition::HighTemperature),
                    ("low_temp", Condition::LowTemperature),
                    ("high_temp_charge", Condition::HighTemperatureCharge),
                    ("low_temp_charge", Condition::LowTemperatureCharge),
                    ("high_discharge_current", Condition::HighDischargeCurrent),
                    ("high_charge_current", Condition::HighChargeCurrent),
                    ("contactor", Condition::Contactor),
                    ("short_circuit", Condition::ShortCircuit),
                    ("bms_internal", Condition::BmsInternal),
                    ("cell_imbalance", Condition::CellImbalance),
                ];
                for (name, c) in names {
                    assert_eq!(
                        a.alarm(c),
                        level(d["alarms"][name].as_str().unwrap()),
                        "{ctx} alarm {name}"
                    );
                    assert_eq!(
                        a.warning(c),
                        level(d["warnings"][name].as_str().unwrap()),
                        "{ctx} warning {name}"
                    );
                }
            }
            Message::Info(i) => {
                assert_eq!(
                    i.chemistry.as_bytes(),
                    d["bytes0_1_ascii"].as_str().unwrap().as_bytes(),
                    "{ctx}"
                );
                assert_eq!(
                    format!("{}.{}", i.version[0], i.version[1]),
                    d["bytes2_3_version"].as_str().unwrap()
                );
                assert_eq!(
                    u64::from(i.capacity_ah.unwrap()),
                    d["bytes4_5_capacity_Ah"].as_u64().unwrap()
                );
            }
            Message::Capacity(c) => {
                assert_eq!(
                    u64::from(c.nominal_ah),
                    d["nominal_capacity_Ah"].as_u64().unwrap(),
                    "{ctx}"
                );
                assert_eq!(
                    u64::from(c.remaining_ah),
                    d["remaining_capacity_Ah"].as_u64().unwrap(),
                    "{ctx}"
                );
            }
            Message::Manufacturer(t)
            | Message::BmsName(_, t)
            | Message::Serial(_, t)
            | Message::CellId(_, t) => {
                let want = d["ascii"].as_str().unwrap();
                assert_eq!(t.as_bytes(), want.as_bytes(), "{ctx}");
                assert_eq!(t.text(), want.trim_end_matches(['\0', ' ']), "{ctx}");
            }
            Message::Pytes(Pytes::Name(t)) => {
                assert_eq!(t.text(), d["manufacturer"].as_str().unwrap())
            }
            Message::Modules(mo) => {
                assert_eq!(u64::from(mo.ok), d["modules_ok"].as_u64().unwrap(), "{ctx}");
                assert_eq!(
                    u64::from(mo.offline),
                    d["offline"].as_u64().unwrap(),
                    "{ctx}"
                );
            }
            Message::Cells(c) => {
                assert!(close(c.min_voltage.to_f64(), f(d, "min_cell_V")), "{ctx}");
                assert!(close(c.max_voltage.to_f64(), f(d, "max_cell_V")), "{ctx}");
                assert_eq!(f64::from(c.min_temperature_k), f(d, "min_cell_temp_K"));
                assert_eq!(f64::from(c.max_temperature_k), f(d, "max_cell_temp_K"));
            }
            Message::GxIdentification(e) => assert_eq!(
                &e.as_bytes()[4..7],
                d["ascii_bytes4_6"].as_str().unwrap().as_bytes()
            ),
            Message::Pytes(Pytes::State {
                soc, soh, cycles, ..
            }) => {
                assert_eq!(
                    (f64::from(soc), f64::from(soh)),
                    (f(d, "soc_pct"), f(d, "soh_pct")),
                    "{ctx}"
                );
                assert_eq!(f64::from(cycles), f(d, "cycles_maybe"), "{ctx}");
            }
            Message::Pytes(Pytes::Cells {
                max_mv,
                min_mv,
                max_cell,
                min_cell,
            }) => {
                assert_eq!(f64::from(min_mv), f(d, "lowestCellMilliVolt"), "{ctx}");
                assert_eq!(f64::from(max_mv), f(d, "highestCellMilliVolt"), "{ctx}");
                // The source prints the cell numbers as their two bytes in hex.
                assert_eq!(
                    format!("{:04X}", min_cell.swap_bytes()),
                    d["cellMinVoltageName"].as_str().unwrap()
                );
                assert_eq!(
                    format!("{:04X}", max_cell.swap_bytes()),
                    d["cellMaxVoltageName"].as_str().unwrap()
                );
            }
            Message::Pytes(Pytes::Capacity {
                total_ah,
                available_ah,
            }) => {
                assert!(close(total_ah.to_f64(), f(d, "totalCapacity_Ah")), "{ctx}");
                assert!(
                    (available_ah.to_f64() - f(d, "availableCapacity_Ah")).abs() < 0.05,
                    "{ctx}: printed to 0.1 Ah"
                );
                let soc = available_ah.to_f64() / total_ah.to_f64() * 100.0;
                assert!((soc - f(d, "soc_pct")).abs() < 0.05, "{ctx}");
            }
            Message::Pytes(Pytes::Energy {
                charged_kwh,
                discharged_kwh,
            }) => {
                if let Some(v) = d.get("chargedEnergy_kWh") {
                    assert!(close(charged_kwh.to_f64(), v.as_f64().unwrap()), "{ctx}");
                    assert!(
                        close(discharged_kwh.to_f64(), f(d, "dischargedEnergy_kWh")),
                        "{ctx}"
                    );
                } else {
                    // The row's own note: its log printed the raw value as kWh;
                    // the later decoder (and the other 0x41E row) scale by 0.1.
                    assert_eq!(f64::from(charged_kwh.0), f(d, "charged_kWh"), "{ctx}: raw");
                    assert_eq!(
                        f64::from(discharged_kwh.0),
                        f(d, "discharged_kWh"),
                        "{ctx}: raw"
                    );
                }
            }
            other => panic!("{ctx}: no comparison for {other:?}"),
        }
        checked += 1;
    }
    assert_eq!(checked, rows.len());
}
