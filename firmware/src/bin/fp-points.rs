//! Footprint: `solarproto-points` alone (no default features): a `const`
//! point table, three f32 measurements of a single-phase meter as the
//! crate's `ddsu666.toml` places them (CHINT DDSU666, SDM120-like,
//! holding registers from 0x2000, high word first; active power in kW,
//! scaled to W), read with `Table::decode` out of the register data of
//! an FC03 reply; reports the voltage in 0.1 V.
//!
//! The Modbus framing is kept out so that the row is the point table's
//! alone: the image takes the reply's data bytes by its byte count and
//! does not check the CRC (the `modbus-rtu-lite` rows are that cost).
//! It sends no request. The input, `jobs/points.in`, is a synthetic
//! reply from unit 1 to FC03 0x2000, 6 registers (no capture of the
//! meter exists): 230.1 V, 1.25 A, 0.2876 kW.
//!
//! Row: meter point table, FC03 register data decode | `solarproto-points`
//! Result: 2301
#![no_std]
#![no_main]

use cortex_m_rt::entry;
use firmware::{job, report};
use points::{Encoding, Kind, Location, Origin, Point, Reply, Scale, Table, Unit, Value};

/// The command the points are read with, as the table names it.
const FC03: &str = "03";
/// The first register of the read.
const FIRST: u16 = 0x2000;

/// A measurement: an f32 in two registers at `register`.
const fn measurement(name: &'static str, register: u32, unit: &'static str) -> Point<'static> {
    let at = Location {
        offset: register,
        length: 2,
        unit: Unit::Register,
        origin: Origin::Address,
    };
    Point {
        unit,
        ..Point::new(name, FC03, at, Encoding::Registers, Kind::F32)
    }
}

const METER: Table = Table {
    name: "single-phase meter",
    commands: &[],
    variants: &[],
    points: &[
        measurement("voltage", 0x2000, "V"),
        measurement("current", 0x2002, "A"),
        Point {
            scale: Scale::Pow10(3),
            ..measurement("active_power", 0x2004, "W")
        },
    ],
};

#[entry]
fn main() -> ! {
    let mut board = job::start();
    let uart = &mut board.uart;
    // Address, function, byte count, data, two CRC bytes (not checked).
    let mut rx = [0u8; 64];
    let complete = |b: &[u8]| match *b {
        [_, _, count, ..] => Some(b.len() >= 3 + usize::from(count) + 2),
        _ => Some(false),
    };
    let Some(n) = job::frame(uart, &mut rx, complete) else {
        report::fail(format_args!("no reply"));
    };
    let data = rx.get(3..n - 2).unwrap_or_default();
    let mut volts = None;
    for (point, value) in METER.decode(FC03, "", Reply::registers(FIRST, data)) {
        match value {
            Ok(Value::Number(v)) if point.name == "voltage" => volts = Some(v.value_f32()),
            Ok(Value::Number(_)) => {}
            _ => report::fail(format_args!("point {}", point.name)),
        }
    }
    match volts {
        Some(v) if v >= 0.0 => job::finish((v * 10.0 + 0.5) as u32),
        _ => report::fail(format_args!("no voltage")),
    }
}
