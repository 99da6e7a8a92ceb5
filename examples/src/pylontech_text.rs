//! Pylontech values for people and for JSON, in the units people read
//! (V, A, °C, Ah, %) rather than the wire's integers (mV, 0.1 A, 0.1 K,
//! mAh): one place for the conversions and the words that `pylontech`,
//! `decode ydt1363` and the demo print.
//!
//! JSON keys carry their unit (`voltage_v`, `current_a`,
//! `temperatures_c`, `remaining_ah`); the numbers are the wire's integers
//! divided by a power of ten, so `3650` mV is `3.65`, exactly as written.

use serde_json::{Value, json};
use ydt1363::pylontech::{
    Alarm, Alarms, AlarmsAll, Analog, AnalogAll, Block, Command, Management, ManagementStatus,
    ManufacturerInfo, PaceText, ProtocolVersion, Scale, SerialNumber, SystemParameters,
    Temperature,
};
use ydt1363::{Error, Frame, Rtn};

/// Millivolts in volts.
pub fn volts(mv: u16) -> f64 {
    f64::from(mv) / 1000.0
}

/// Tenths of an amp in amps.
pub fn amps(da: i16) -> f64 {
    f64::from(da) / 10.0
}

/// A wire temperature in degrees Celsius.
pub fn celsius(t: Temperature) -> f64 {
    f64::from(t.celsius()) / 10.0
}

/// Milliamp-hours in amp-hours.
pub fn amp_hours(mah: u32) -> f64 {
    f64::from(mah) / 1000.0
}

/// A 0x47 current limit in amps, under `scale`.
pub fn limit_amps(raw: i16, scale: Scale) -> f64 {
    f64::from(scale.milliamps(raw)) / 1000.0
}

/// The state of charge in whole percent, rounded half up: remaining over
/// total capacity. `None` when the total is 0.
pub fn soc_percent(b: &Block) -> Option<u32> {
    let (rest, total) = (u64::from(b.remaining_mah()), u64::from(b.total_mah()));
    (total > 0).then(|| ((rest * 100 + total / 2) / total) as u32)
}

/// The `--current-scale` argument: the unit of the 0x47 current limits,
/// `0.1` (what a US5000 sends, and python-pylontech reads) or `0.01` (the
/// document's).
pub fn current_scale(text: &str) -> Result<Scale, String> {
    match text.trim() {
        "0.1" => Ok(Scale::DeciAmps),
        "0.01" => Ok(Scale::CentiAmps),
        _ => Err("give 0.1 (A a unit, as a US5000 sends) or 0.01 (the document's unit)".into()),
    }
}

/// A scale as its unit in amps.
pub fn scale_amps(scale: Scale) -> f64 {
    match scale {
        Scale::DeciAmps => 0.1,
        Scale::CentiAmps => 0.01,
    }
}

/// VER as a version: 0x20 is "2.0".
pub fn version(ver: u8) -> String {
    format!("{}.{}", ver >> 4, ver & 0x0F)
}

/// Bytes sent as ASCII text, for people: trailing spaces and NULs cut,
/// anything unprintable escaped.
pub fn ascii(bytes: &[u8]) -> String {
    let end = bytes
        .iter()
        .rposition(|&b| b != b' ' && b != 0)
        .map_or(0, |i| i + 1);
    bytes
        .get(..end)
        .unwrap_or_default()
        .iter()
        .flat_map(|&b| std::ascii::escape_default(b))
        .map(char::from)
        .collect()
}

/// The software version's two bytes: `1.2`.
pub fn software_version(m: &ManufacturerInfo) -> String {
    let [major, minor] = m.software_version;
    format!("{major}.{minor}")
}

/// One alarm byte in words.
pub fn alarm(a: Alarm) -> String {
    match a {
        Alarm::Normal => "normal".into(),
        Alarm::BelowLower => "below lower limit".into(),
        Alarm::AboveUpper => "above upper limit".into(),
        Alarm::Other => "other error".into(),
        Alarm::Unknown(raw) => format!("code {raw:#04x}"),
    }
}

/// The alarms of a pack that are not normal, in words (`cell 3 above
/// upper limit`); empty when all are normal. Status bytes are not
/// alarms: see [`alarms_json`].
pub fn active_alarms(a: &Alarms) -> Vec<String> {
    let mut out = Vec::new();
    let mut each = |what: String, x: Alarm| {
        if x != Alarm::Normal {
            out.push(format!("{what} {}", alarm(x)));
        }
    };
    for (i, &x) in a.cells.as_slice().iter().enumerate() {
        each(format!("cell {}", i + 1), x);
    }
    for (i, &x) in a.temperatures.as_slice().iter().enumerate() {
        each(format!("temperature {}", i + 1), x);
    }
    each("charge current".into(), a.charge_current);
    each("module voltage".into(), a.module_voltage);
    each("discharge current".into(), a.discharge_current);
    out
}

/// A return code in words.
pub fn rtn(r: Rtn) -> String {
    let words = match r {
        Rtn::Normal => "normal",
        Rtn::Version => "VER not supported",
        Rtn::Checksum => "CHKSUM error",
        Rtn::LengthChecksum => "LCHKSUM error",
        Rtn::Command => "command not supported",
        Rtn::Format => "format error",
        Rtn::Data => "invalid data",
        Rtn::Address => "address error",
        Rtn::Internal => "internal communication error",
        _ => "vendor code",
    };
    format!("RTN {:02X}, {words}", r.raw())
}

/// One pack on one line, for a live view: `pack 2  50.120 V  +20.1 A
/// SOC 61 %  BMS 27.0 °C, cells 25.1 to 28.0 °C`.
pub fn pack_line(adr: u8, b: &Block) -> String {
    let soc = soc_percent(b).map_or("n/a".into(), |s| format!("{s} %"));
    let temps = b.temperatures.as_slice();
    let bms = temps
        .first()
        .map_or("n/a".into(), |&t| format!("{:.1} °C", celsius(t)));
    let cells = temps.get(1..).unwrap_or_default();
    let low = cells.iter().min().map(|&t| celsius(t));
    let high = cells.iter().max().map(|&t| celsius(t));
    let cells = match (low, high) {
        (Some(l), Some(h)) => format!("{l:.1} to {h:.1} °C"),
        _ => "n/a".into(),
    };
    format!(
        "pack {adr}  {:.3} V  {:+.1} A  SOC {soc}  BMS {bms}, cells {cells}",
        volts(b.voltage_mv),
        amps(b.current_da),
    )
}

/// A pack's analog values as JSON.
pub fn block_json(b: &Block) -> Value {
    let temps: Vec<f64> = b
        .temperatures
        .as_slice()
        .iter()
        .map(|&t| celsius(t))
        .collect();
    json!({
        "voltage_v": volts(b.voltage_mv),
        "current_a": amps(b.current_da),
        "soc_percent": soc_percent(b),
        "remaining_ah": amp_hours(b.remaining_mah()),
        "total_ah": amp_hours(b.total_mah()),
        "cycles": b.cycles,
        "cells_v": b.cells_mv.as_slice().iter().map(|&v| volts(v)).collect::<Vec<_>>(),
        "bms_temperature_c": temps.first(),
        "cell_temperatures_c": temps.get(1..).unwrap_or_default(),
        "user_defined": b.user_defined,
    })
}

/// A pack's alarms as JSON: each alarm in words, the status bytes as
/// numbers, and the list of those not normal.
pub fn alarms_json(a: &Alarms) -> Value {
    let words = |l: &[Alarm]| l.iter().map(|&x| alarm(x)).collect::<Vec<_>>();
    json!({
        "cells": words(a.cells.as_slice()),
        "temperatures": words(a.temperatures.as_slice()),
        "charge_current": alarm(a.charge_current),
        "module_voltage": alarm(a.module_voltage),
        "discharge_current": alarm(a.discharge_current),
        "status": a.status.as_bytes(),
        "active": active_alarms(a),
    })
}

/// The system parameters (0x47) as JSON, the current limits under
/// `scale` and raw.
pub fn parameters_json(p: &SystemParameters, scale: Scale) -> Value {
    json!({
        "infoflag": p.infoflag,
        "cell_high_v": volts(p.cell_high_mv),
        "cell_low_v": volts(p.cell_low_mv),
        "cell_under_v": volts(p.cell_under_mv),
        "charge_high_temperature_c": celsius(p.charge_high_temperature),
        "charge_low_temperature_c": celsius(p.charge_low_temperature),
        "charge_current_limit_a": limit_amps(p.charge_current_raw, scale),
        "charge_current_limit_raw": p.charge_current_raw,
        "module_high_v": volts(p.module_high_mv),
        "module_low_v": volts(p.module_low_mv),
        "module_under_v": volts(p.module_under_mv),
        "discharge_high_temperature_c": celsius(p.discharge_high_temperature),
        "discharge_low_temperature_c": celsius(p.discharge_low_temperature),
        "discharge_current_limit_a": limit_amps(p.discharge_current_raw, scale),
        "discharge_current_limit_raw": p.discharge_current_raw,
        "current_limit_unit_a": scale_amps(scale),
    })
}

/// The charge/discharge management information (0x92) as JSON.
pub fn management_json(m: &Management) -> Value {
    json!({
        "pack": m.pack,
        "charge_voltage_limit_v": volts(m.charge_voltage_mv),
        "discharge_voltage_limit_v": volts(m.discharge_voltage_mv),
        "charge_current_limit_a": amps(m.charge_current_da),
        "discharge_current_limit_a": amps(m.discharge_current_da),
        "charge_enabled": m.status.contains(ManagementStatus::CHARGE_ENABLE),
        "discharge_enabled": m.status.contains(ManagementStatus::DISCHARGE_ENABLE),
        "status": m.status.bits(),
    })
}

/// The manufacturer information (0x51) as JSON.
pub fn manufacturer_json(m: &ManufacturerInfo) -> Value {
    json!({
        "device_name": ascii(&m.device_name),
        "software_version": software_version(m),
        "manufacturer": ascii(m.manufacturer.as_bytes()),
    })
}

/// A request's command as JSON: its CID2, its name and its command value.
pub fn command_json(c: &Command) -> Value {
    let (name, pack) = match *c {
        Command::ProtocolVersion => ("protocol_version", None),
        Command::ManufacturerInfo => ("manufacturer_info", None),
        Command::Analog { pack } => ("analog_values", Some(pack)),
        Command::Alarms { pack } => ("alarms", Some(pack)),
        Command::SystemParameters { pack } => ("system_parameters", pack),
        Command::Management { pack } => ("management", Some(pack)),
        Command::SerialNumber { pack } => ("serial_number", Some(pack)),
        Command::PaceVersion => ("pace_version", None),
        Command::PaceSerial => ("pace_serial", None),
        Command::Other { .. } => ("other", None),
    };
    let mut v = json!({"command": name, "cid2": c.cid2()});
    if let Some(pack) = pack {
        v["pack"] = json!(pack);
        v["all_packs"] = json!(pack == 0xFF);
    }
    if let Command::Other { info, .. } = c {
        v["info"] = json!(info.as_slice());
    }
    v
}

/// The typed reply to `command` that `frame` carries, as JSON (the reply's
/// name under `reply`), or `None` for a command not typed here. `frame`
/// must be a normal reply (RTN 00); the all-packs forms are read when the
/// command value is 0xFF, each pack numbered from the reply's ADR.
pub fn reply_json(
    command: &Command,
    frame: &Frame<'_>,
    scale: Scale,
) -> Result<Option<Value>, Error> {
    // The reply's name first, then its fields.
    let named = |name: &str, v: Value| Some(merge(json!({"reply": name}), v));
    Ok(match *command {
        Command::ProtocolVersion => {
            let p = ProtocolVersion::decode(frame)?;
            named(
                "protocol_version",
                json!({"ver": p.ver, "version": version(p.ver)}),
            )
        }
        Command::ManufacturerInfo => named(
            "manufacturer_info",
            manufacturer_json(&ManufacturerInfo::decode(frame)?),
        ),
        Command::Analog { pack: 0xFF } => {
            let all = AnalogAll::decode(frame)?;
            let (infoflag, count) = (all.infoflag, all.count);
            let packs = all.map(|b| b.map(|b| block_json(&b)));
            named(
                "analog_values_all",
                packs_json(infoflag, count, frame.adr, packs)?,
            )
        }
        Command::Alarms { pack: 0xFF } => {
            let all = AlarmsAll::decode(frame)?;
            let (infoflag, count) = (all.infoflag, all.count);
            let packs = all.map(|a| a.map(|a| alarms_json(&a)));
            named("alarms_all", packs_json(infoflag, count, frame.adr, packs)?)
        }
        Command::Analog { .. } => {
            let a = Analog::decode(frame)?;
            let head = json!({"infoflag": a.infoflag, "pack": a.pack});
            named("analog_values", merge(head, block_json(&a.block)))
        }
        Command::Alarms { .. } => {
            let a = Alarms::decode(frame)?;
            let head = json!({"infoflag": a.infoflag, "pack": a.pack});
            named("alarms", merge(head, alarms_json(&a)))
        }
        Command::SystemParameters { .. } => named(
            "system_parameters",
            parameters_json(&SystemParameters::decode(frame)?, scale),
        ),
        Command::Management { .. } => {
            named("management", management_json(&Management::decode(frame)?))
        }
        Command::SerialNumber { .. } => {
            let s = SerialNumber::decode(frame)?;
            named(
                "serial_number",
                json!({"pack": s.pack, "serial_number": ascii(&s.serial)}),
            )
        }
        Command::PaceVersion | Command::PaceSerial => {
            let t = PaceText::decode(frame)?;
            named("pace_text", json!({"text": ascii(t.text.as_bytes())}))
        }
        Command::Other { .. } => None,
    })
}

/// An all-packs reply's header and its packs, each numbered from the
/// reply's ADR (the master first, then in address order).
fn packs_json(
    infoflag: u8,
    count: u8,
    adr: u8,
    packs: impl Iterator<Item = Result<Value, Error>>,
) -> Result<Value, Error> {
    let mut list = Vec::new();
    for (i, p) in packs.enumerate() {
        list.push(merge(json!({"pack": adr.wrapping_add(i as u8)}), p?));
    }
    Ok(json!({"infoflag": infoflag, "count": count, "packs": list}))
}

/// `head`'s fields, then `rest`'s.
fn merge(mut head: Value, rest: Value) -> Value {
    if let (Value::Object(h), Value::Object(r)) = (&mut head, rest) {
        h.extend(r);
    }
    head
}

#[cfg(test)]
mod tests {
    use super::*;
    use ydt1363::pylontech::{List, Text};

    #[test]
    fn units_are_exact_decimals() {
        assert_eq!(volts(3650), 3.65);
        assert_eq!(amps(-500), -50.0);
        assert_eq!(celsius(Temperature(2631)), -10.0);
        assert_eq!(amp_hours(100_000), 100.0);
        assert_eq!(limit_amps(1000, Scale::DeciAmps), 100.0);
        assert_eq!(limit_amps(1000, Scale::CentiAmps), 10.0);
        assert_eq!(version(0x20), "2.0");
        assert_eq!(ascii(b"US2000C   "), "US2000C");
        assert_eq!(ascii(b"A\x01\0\0"), "A\\x01");
        assert_eq!(current_scale("0.01"), Ok(Scale::CentiAmps));
        assert!(current_scale("1").is_err());
    }

    #[test]
    fn alarms_read_as_words() {
        let a = Alarms {
            infoflag: 0,
            pack: 2,
            cells: List::from_slice(&[Alarm::Normal, Alarm::AboveUpper]).unwrap(),
            temperatures: List::from_slice(&[Alarm::Unknown(0x7E)]).unwrap(),
            charge_current: Alarm::Normal,
            module_voltage: Alarm::BelowLower,
            discharge_current: Alarm::Normal,
            status: Text::default(),
        };
        assert_eq!(
            active_alarms(&a),
            [
                "cell 2 above upper limit",
                "temperature 1 code 0x7e",
                "module voltage below lower limit"
            ]
        );
        assert_eq!(rtn(Rtn::Command), "RTN 04, command not supported");
    }
}
