//! Simulated values for the points of any table: what `ups-sim` and
//! `meter-sim` serve, written into replies with `points::encode`.
//!
//! [`value`] is the model: each point's value at a time, from its unit
//! and name (230 V mains, 50 Hz, a load current that swings, energy that
//! grows, a few status flags set), brought onto the point's raw step so
//! that what a simulator states is exactly what a client decodes. Tests
//! compare a client's readings with it.

use std::collections::BTreeMap;
use std::f64::consts::TAU;

use points::{Kind, Number, Point, Raw, Scale, Table, Value};

/// The value of `point` at `t` seconds into the simulation; `None` for
/// text, which the simulators leave blank.
pub fn value<'a>(point: &Point<'a>, t: f64) -> Option<Value<'a>> {
    let has = |w: &str| point.name.contains(w);
    Some(match point.kind {
        Kind::Text => return None,
        Kind::Bool | Kind::Bits { .. } if is_flag(point) => {
            // A few states are set; equalising charge comes and goes.
            Value::Bool(if has("equalis") {
                (t / 60.0) as u64 % 2 == 1
            } else {
                has("ready") || has("three_phase")
            })
        }
        Kind::Bits { .. } => number(point, 0.0),
        Kind::Enum(labels) => match labels.first() {
            Some(l) => Value::Enum {
                raw: l.raw,
                label: Some(l.text),
            },
            None => Value::Enum {
                raw: 0,
                label: None,
            },
        },
        _ => number(point, physical(point, t)),
    })
}

fn is_flag(point: &Point<'_>) -> bool {
    match point.kind {
        Kind::Bool => true,
        Kind::Bits { first, last } => first == last,
        _ => false,
    }
}

/// A point's physical value at `t`, by its unit and name, inside its
/// valid range.
fn physical(point: &Point<'_>, t: f64) -> f64 {
    let has = |w: &str| point.name.contains(w);
    // Each point swings on its own phase, so phases and channels differ.
    let phase = point
        .name
        .bytes()
        .fold(0u32, |a, b| (a ^ u32::from(b)).wrapping_mul(0x0100_0193))
        % 360;
    let wave = |period: f64| (TAU * t / period + f64::from(phase).to_radians()).sin();
    let hours = t / 3600.0;
    let v = match point.unit {
        "V" if has("battery") || has("dc") => 408.0 + 4.0 * wave(300.0),
        "V" if has("l1_l2") || has("l2_l3") || has("l3_l1") => 400.0 + 5.0 * wave(60.0),
        "V" => 230.0 + 3.0 * wave(60.0),
        "A" if has("battery") => 5.0 + 2.0 * wave(300.0),
        "A" => 12.0 + 4.0 * wave(120.0),
        "W" => 2760.0 + 900.0 * wave(120.0),
        "kW" => 2.76 + 0.9 * wave(120.0),
        "VA" => 2900.0 + 950.0 * wave(120.0),
        "var" => 350.0 + 100.0 * wave(120.0),
        "kvar" => 0.35 + 0.1 * wave(120.0),
        // Counters grow with the load; export stays small.
        "kWh" if has("export") => 56.7 + 0.05 * hours,
        "kWh" => 1234.5 + 2.76 * hours,
        "kvarh" => 78.9 + 0.35 * hours,
        "Hz" => 50.0 + 0.02 * wave(30.0),
        "%" if has("capacity") || has("remaining") => 90.0 + 5.0 * wave(600.0),
        "%" => 40.0 + 10.0 * wave(120.0),
        "°C" => 32.0 + 2.0 * wave(300.0),
        _ if has("power_factor") => 0.95 + 0.02 * wave(120.0),
        _ if has("online") => 4.0,
        _ if has("modules") => 6.0,
        _ if has("address") => 1.0,
        _ => 0.0,
    };
    match point.range {
        Some(r) => v.clamp(r.min, r.max),
        None => v,
    }
}

/// `v` as the point carries it: the nearest raw step of an integer
/// point (within its type), or the float it sends, in the point's own
/// offset and scale.
fn number<'a>(point: &Point<'a>, v: f64) -> Value<'a> {
    let raw = v / point.scale.factor() - f64::from(point.value_offset);
    let int = |min: f64, max: f64| Raw::Int(raw.round().clamp(min, max) as i64);
    let raw = match point.kind {
        // A scaled float carries whole raw steps (CHINT: 2301.0 for 230.1 V).
        Kind::F32 if point.scale != Scale::ONE => Raw::Float(raw.round() as f32),
        // A float in natural units, to the hundredth a meter shows.
        Kind::F32 => Raw::Float(((raw * 100.0).round() / 100.0) as f32),
        Kind::U8 => int(0.0, 255.0),
        Kind::I16 => int(-32768.0, 32767.0),
        Kind::U16 => int(0.0, 65535.0),
        Kind::I32 => int(-2_147_483_648.0, 2_147_483_647.0),
        _ => int(0.0, 65535.0),
    };
    Value::Number(Number {
        raw,
        offset: point.value_offset,
        scale: point.scale,
    })
}

/// A point the simulator could not write, and why.
pub type Skipped = (String, String);

/// Writes every point of `command` in `variant` at `t` into `buf`, laid
/// out as `points::Reply::frame(buf, payload)` reads it; `buf` grows,
/// with `pad`, to hold them all. Returns the points that could not be
/// written.
pub fn fill(
    table: &Table<'_>,
    command: &str,
    variant: &str,
    t: f64,
    payload: usize,
    pad: u8,
    buf: &mut Vec<u8>,
) -> Vec<Skipped> {
    table
        .points_of(command, variant)
        .filter_map(|p| write(p, t, (payload, 0), pad, buf).err())
        .collect()
}

/// The registers of `command` in `variant` at `t`, by address, and the
/// points that could not be written.
pub fn registers(
    table: &Table<'_>,
    command: &str,
    variant: &str,
    t: f64,
) -> (BTreeMap<u16, u16>, Vec<Skipped>) {
    let mut map = BTreeMap::new();
    let mut skipped = Vec::new();
    let mut field = Vec::new();
    for point in table.points_of(command, variant) {
        let Ok(first) = u16::try_from(point.at.offset) else {
            skipped.push((point.name.to_string(), "not a register address".into()));
            continue;
        };
        field.clear();
        match write(point, t, (0, first), 0, &mut field) {
            Ok(()) => {
                for (i, w) in field.chunks(2).enumerate() {
                    let word = u16::from_be_bytes([w[0], w.get(1).copied().unwrap_or(0)]);
                    map.insert(first.wrapping_add(i as u16), word);
                }
            }
            Err(s) => skipped.push(s),
        }
    }
    (map, skipped)
}

/// Writes `point`'s value at `t` where a reply whose payload starts at
/// `payload` and whose registers count from `first` holds it.
fn write(
    point: &Point<'_>,
    t: f64,
    (payload, first): (usize, u16),
    pad: u8,
    buf: &mut Vec<u8>,
) -> Result<(), Skipped> {
    let Some(v) = value(point, t) else {
        return Ok(());
    };
    points::place(point, payload, first)
        .map_err(|e| e.to_string())
        .and_then(|at| {
            if buf.len() < at.end {
                buf.resize(at.end, pad);
            }
            let field = buf.get_mut(at).unwrap_or_default();
            points::encode(point, &v, field).map_err(|e| e.to_string())
        })
        .map(|_| ())
        .map_err(|e| (point.name.to_string(), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_plausible_and_move() {
        let file = crate::tables::load("ups-cms").unwrap();
        file.with_table(|table| {
            let at = |name: &str, t: f64| {
                let p = table.points.iter().find(|p| p.name == name).unwrap();
                value(p, t).unwrap()
            };
            let num = |v: Value<'_>| match v {
                Value::Number(n) => n.value(),
                other => panic!("{other:?}"),
            };
            let mains = num(at("mains_voltage_r", 0.0));
            assert!((226.0..=234.0).contains(&mains), "{mains}");
            assert_eq!(num(at("inverter_frequency", 0.0)), 50.0);
            let mut amps: Vec<f64> = (0..12)
                .map(|k| num(at("output_current_r", f64::from(k) * 10.0)))
                .collect();
            amps.dedup();
            assert!(amps.len() > 3, "the load swings: {amps:?}");
            assert_eq!(at("status_transfer_ready", 0.0), Value::Bool(true));
            assert_eq!(at("shutdown_epo", 0.0), Value::Bool(false));
            let flags = table
                .points
                .iter()
                .filter(|p| value(p, 0.0) == Some(Value::Bool(true)))
                .count();
            assert!((1..=5).contains(&flags), "a few flags set: {flags}");
        })
        .unwrap();
        let file = crate::tables::load("dtsu666").unwrap();
        file.with_table(|table| {
            let p = table
                .points
                .iter()
                .find(|p| p.name == "voltage_l1")
                .unwrap();
            // A float holding tenths: the raw float is ten times the volts.
            let Some(Value::Number(n)) = value(p, 0.0) else {
                panic!()
            };
            let Raw::Float(raw) = n.raw else { panic!() };
            assert!((raw / 10.0 - n.value() as f32).abs() < 0.01, "{raw}");
            let (map, skipped) = registers(table, "03", "energy-base-1000", 0.0);
            assert!(skipped.is_empty(), "{skipped:?}");
            let bits = u32::from(map[&0x2006]) << 16 | u32::from(map[&0x2007]);
            assert_eq!(f32::from_bits(bits), raw);
            assert!(map.contains_key(&0x101E) && !map.contains_key(&0x401E));
        })
        .unwrap();
    }
}
