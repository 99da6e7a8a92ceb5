//! A table of arbitrary points (every encoding, unit, origin and kind,
//! any offsets, lengths, scales, ranges and sentinels, commands with any
//! request) read from arbitrary replies: no panic in `decode`, `check`,
//! `describe` or `reads`, and every value prints.
#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use points::{
    Access, ByteOrder, Command, Encoding, Kind, Label, Location, Origin, Point, Range, Reply,
    Request, Scale, Table, Unit, Variant, WordOrder,
};

const KEYS: [&str; 3] = ["01", "04", ""];
const VARIANTS: [&str; 3] = ["", "a", "b"];
const LABELS: [Label<'static>; 2] = [
    Label {
        raw: 0,
        text: "off",
    },
    Label { raw: 1, text: "on" },
];

fn kind(u: &mut Unstructured<'_>) -> Result<Kind<'static>> {
    Ok(match u.int_in_range(0..=9u8)? {
        0 => Kind::U8,
        1 => Kind::U16,
        2 => Kind::I16,
        3 => Kind::U32,
        4 => Kind::I32,
        5 => Kind::F32,
        6 => Kind::Bool,
        7 => Kind::Bits {
            first: u.arbitrary()?,
            last: u.arbitrary()?,
        },
        8 => Kind::Enum(&LABELS),
        _ => Kind::Text,
    })
}

fn point(u: &mut Unstructured<'_>) -> Result<Point<'static>> {
    let at = Location {
        offset: u32::from(u.arbitrary::<u16>()?) % 300,
        length: u.arbitrary::<u16>()? % 12,
        unit: *u.choose(&[Unit::Byte, Unit::HexChar, Unit::Char, Unit::Register])?,
        origin: *u.choose(&[Origin::Frame, Origin::Payload, Origin::Address])?,
    };
    let encoding = *u.choose(&[
        Encoding::Binary,
        Encoding::AsciiHex,
        Encoding::AsciiDecimal,
        Encoding::Registers,
    ])?;
    let scale = if u.arbitrary()? {
        Scale::Pow10(u.arbitrary()?)
    } else {
        // Including a zero denominator, which only a const table can hold.
        Scale::Ratio {
            num: u.arbitrary()?,
            den: u.arbitrary()?,
        }
    };
    let range = if u.arbitrary()? {
        Some(Range {
            min: u.arbitrary()?,
            max: u.arbitrary()?,
        })
    } else {
        None
    };
    Ok(Point {
        name: *u.choose(&["v", "w", ""])?,
        label: "",
        original: "",
        command: *u.choose(&KEYS)?,
        at,
        encoding,
        kind: kind(u)?,
        byte_order: *u.choose(&[ByteOrder::Big, ByteOrder::Little])?,
        word_order: *u.choose(&[WordOrder::HighFirst, WordOrder::LowFirst])?,
        value_offset: u.arbitrary()?,
        scale,
        unit: "",
        range,
        not_available: u.arbitrary()?,
        variant: *u.choose(&VARIANTS)?,
        access: Access::Read,
    })
}

fn command(u: &mut Unstructured<'_>, key: &'static str) -> Result<Command<'static>> {
    let request = match u.int_in_range(0..=2u8)? {
        0 => Request::Modbus {
            function: u.arbitrary()?,
            max_registers: u.arbitrary()?,
            even: u.arbitrary()?,
        },
        1 => Request::Ydt1363 {
            ver: u.arbitrary()?,
            cid1: u.arbitrary()?,
            cid2: u.arbitrary()?,
            info: &[],
        },
        _ => Request::Unspecified,
    };
    Ok(Command { key, request })
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let mut points = Vec::new();
    for _ in 0..u.int_in_range(0..=8u8)? {
        points.push(point(u)?);
    }
    let commands = [command(u, KEYS[0])?, command(u, KEYS[1])?];
    let commands = &commands[..usize::from(u.int_in_range(0..=2u8)?)];
    let variants = [Variant {
        name: "a",
        description: "",
        default: u.arbitrary()?,
    }];
    let table = Table {
        name: "fuzz",
        commands,
        variants: &variants,
        points: &points,
    };
    table.check(|p| {
        let _ = table.describe(p).to_string();
    });
    let _ = table.is_sound();
    let payload = usize::from(u.arbitrary::<u8>()?);
    let first: u16 = u.arbitrary()?;
    let bytes = u.bytes(u.len())?;
    for reply in [
        Reply::frame(bytes, payload),
        Reply::payload(bytes),
        Reply::registers(first, bytes),
    ] {
        for key in KEYS {
            for variant in VARIANTS {
                for (_, value) in table.decode(key, variant, reply) {
                    match value {
                        Ok(v) => {
                            let _ = v.to_string();
                        }
                        Err(e) => {
                            let _ = e.to_string();
                        }
                    }
                }
                // Bounded, and never a read of nothing.
                for (start, count) in table.reads(key, variant).take(1000) {
                    assert!(count > 0, "an empty read at {start}");
                }
            }
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
