use proptest::prelude::*;

use crate::*;

mod reference;

const fn at(offset: u32, length: u16, unit: Unit, origin: Origin) -> Location {
    Location {
        offset,
        length,
        unit,
        origin,
    }
}

fn number(value: Result<Value<'_>, PointError>) -> String {
    match value {
        Ok(Value::Number(n)) => n.to_string(),
        other => panic!("not a number: {other:?}"),
    }
}

/// A YD/T 1363 reply frame shaped like a Pylontech 0x42 reply, cut to
/// two words (points do not check the checksum; the codec does): pack
/// voltage 0xCF08 = 53000 mV, a temperature 0x0BA5 in 0.1 K.
const YDT: &[u8] = b"~200246008008CF080BA5FC4A\r";

#[test]
fn ascii_hex_words_from_the_payload_with_offset_and_scale() {
    let volts = Point {
        scale: Scale::Pow10(-3),
        unit: "V",
        ..Point::new(
            "pack",
            "42",
            at(0, 2, Unit::Byte, Origin::Payload),
            Encoding::AsciiHex,
            Kind::U16,
        )
    };
    let celsius = Point {
        value_offset: -2731,
        scale: Scale::Pow10(-1),
        ..Point::new(
            "t",
            "42",
            at(4, 4, Unit::HexChar, Origin::Payload),
            Encoding::AsciiHex,
            Kind::U16,
        )
    };
    let reply = Reply::frame(YDT, 13);
    assert_eq!(number(decode(&volts, &reply)), "53");
    assert_eq!(number(decode(&celsius, &reply)), "25");
    // The same word counted from the frame's start, as the legacy INI
    // counts: INFO begins at character 13.
    let from_frame = Point {
        at: at(13, 4, Unit::Char, Origin::Frame),
        ..volts
    };
    assert_eq!(number(decode(&from_frame, &reply)), "53");
}

#[test]
fn registers_in_both_word_orders() {
    let bits = 230.1f32.to_bits();
    let [a, b, c, d] = bits.to_be_bytes();
    let abcd = [0, 0, a, b, c, d];
    let cdab = [0, 0, c, d, a, b];
    let p = Point::new(
        "v",
        "04",
        at(11, 2, Unit::Register, Origin::Address),
        Encoding::Registers,
        Kind::F32,
    );
    assert_eq!(number(decode(&p, &Reply::registers(10, &abcd))), "230.1");
    let swapped = Point {
        word_order: WordOrder::LowFirst,
        ..p
    };
    assert_eq!(
        number(decode(&swapped, &Reply::registers(10, &cdab))),
        "230.1"
    );
    assert_eq!(
        decode(&p, &Reply::registers(12, &abcd)),
        Err(PointError::BeforeStart {
            address: 11,
            first: 12
        })
    );
    assert_eq!(
        decode(&p, &Reply::registers(10, &abcd[..4])),
        Err(PointError::Missing { end: 6, len: 4 })
    );
}

#[test]
fn signed_little_endian_and_ratio_scale() {
    let p = Point {
        byte_order: ByteOrder::Little,
        scale: Scale::Ratio { num: 1, den: 4 },
        ..Point::new(
            "i",
            "x",
            at(0, 2, Unit::Byte, Origin::Payload),
            Encoding::Binary,
            Kind::I16,
        )
    };
    // 0xFFFE little endian = -2; × 1/4 = -0.5.
    assert_eq!(number(decode(&p, &Reply::payload(&[0xFE, 0xFF]))), "-0.5");
}

#[test]
fn flags_bits_enums_and_sentinels() {
    const LABELS: &[Label] = &[
        Label {
            raw: 1,
            text: "running",
        },
        Label {
            raw: 3,
            text: "stopped",
        },
    ];
    let word = at(0, 1, Unit::Register, Origin::Payload);
    let state = Point::new("s", "03", word, Encoding::Registers, Kind::Enum(LABELS));
    let bit = Point::new(
        "b",
        "03",
        word,
        Encoding::Registers,
        Kind::Bits { first: 8, last: 8 },
    );
    let field = Point::new(
        "f",
        "03",
        word,
        Encoding::Registers,
        Kind::Bits { first: 4, last: 7 },
    );
    let na = Point {
        not_available: Some(0xFFFF),
        ..Point::new("n", "03", word, Encoding::Registers, Kind::U16)
    };
    assert_eq!(
        decode(&state, &Reply::payload(&[0, 3])),
        Ok(Value::Enum {
            raw: 3,
            label: Some("stopped")
        })
    );
    assert_eq!(
        decode(&state, &Reply::payload(&[0, 9])),
        Ok(Value::Enum {
            raw: 9,
            label: None
        })
    );
    assert_eq!(
        decode(&bit, &Reply::payload(&[0x01, 0x00])),
        Ok(Value::Bool(true))
    );
    assert_eq!(number(decode(&field, &Reply::payload(&[0x00, 0xA0]))), "10");
    assert_eq!(
        decode(&na, &Reply::payload(&[0xFF, 0xFF])),
        Ok(Value::NotAvailable)
    );
    assert_eq!(
        Value::Enum {
            raw: 9,
            label: None
        }
        .to_string(),
        "unknown (9)"
    );
}

#[test]
fn ascii_decimal_fields() {
    // A Megatec Q1 reply: "(230.5 229.8 ..."
    let reply = Reply::frame(b"(230.5 -12.0 0050 ABCDE", 1);
    let v = Point::new(
        "v",
        "Q1",
        at(1, 5, Unit::Char, Origin::Frame),
        Encoding::AsciiDecimal,
        Kind::F32,
    );
    let neg = Point {
        at: at(6, 6, Unit::Char, Origin::Payload),
        ..v
    };
    let pct = Point {
        at: at(13, 4, Unit::Char, Origin::Frame),
        kind: Kind::U16,
        ..v
    };
    let bad = Point {
        at: at(18, 5, Unit::Char, Origin::Frame),
        ..v
    };
    assert_eq!(number(decode(&v, &reply)), "230.5");
    assert_eq!(number(decode(&neg, &reply)), "-12");
    assert_eq!(number(decode(&pct, &reply)), "50");
    assert_eq!(decode(&bad, &reply), Err(PointError::NotDecimal { at: 18 }));
}

#[test]
fn text_from_hex_and_binary() {
    let hex = Point::new(
        "sn",
        "93",
        at(0, 4, Unit::Byte, Origin::Payload),
        Encoding::AsciiHex,
        Kind::Text,
    );
    let Ok(Value::Text(t)) = decode(&hex, &Reply::payload(b"50414320")) else {
        panic!()
    };
    assert_eq!(t.to_string(), "PAC");
    let bin = Point {
        encoding: Encoding::Binary,
        ..hex
    };
    let Ok(Value::Text(t)) = decode(&bin, &Reply::payload(b"AB\x01\0")) else {
        panic!()
    };
    assert_eq!(t.to_string(), "AB\\x01");
}

#[test]
fn one_bad_point_does_not_stop_the_others() {
    const POINTS: &[Point] = &[
        Point {
            range: Some(Range {
                min: 0.0,
                max: 10.0,
            }),
            ..Point::new(
                "a",
                "1",
                at(0, 1, Unit::Byte, Origin::Payload),
                Encoding::AsciiHex,
                Kind::U8,
            )
        },
        Point::new(
            "b",
            "1",
            at(1, 1, Unit::Byte, Origin::Payload),
            Encoding::AsciiHex,
            Kind::U8,
        ),
        Point::new(
            "c",
            "1",
            at(2, 1, Unit::Byte, Origin::Payload),
            Encoding::AsciiHex,
            Kind::U8,
        ),
        Point::new(
            "d",
            "1",
            at(3, 1, Unit::Byte, Origin::Payload),
            Encoding::AsciiHex,
            Kind::U8,
        ),
        Point::new(
            "other",
            "2",
            at(0, 1, Unit::Byte, Origin::Payload),
            Encoding::AsciiHex,
            Kind::U8,
        ),
    ];
    const TABLE: Table = Table {
        name: "t",
        commands: &[],
        variants: &[],
        points: POINTS,
    };
    let got: Vec<_> = TABLE.decode("1", "", Reply::payload(b"FF0AZZ")).collect();
    assert_eq!(got.len(), 4);
    assert_eq!(
        got[0].1,
        Err(PointError::OutOfRange {
            value: 255.0,
            min: 0.0,
            max: 10.0
        })
    );
    assert_eq!(number(got[1].1), "10");
    assert_eq!(got[2].1, Err(PointError::NotHex { at: 4, found: b'Z' }));
    assert_eq!(got[3].1, Err(PointError::Missing { end: 8, len: 6 }));
}

#[test]
fn value_f32_is_value_in_single_precision() {
    let scales = [
        Scale::Pow10(-3),
        Scale::Pow10(-1),
        Scale::ONE,
        Scale::Pow10(2),
        Scale::Ratio { num: 1, den: 3 },
        Scale::Ratio { num: -5, den: 1 },
    ];
    // 204,000 numbers; a sample of 2,000 under miri, which takes about
    // 1 ms each.
    let step = if cfg!(miri) { 3_701 } else { 37 };
    for scale in scales {
        for offset in [0, -40, 1000] {
            for i in (-70_000i64..70_000).step_by(step) {
                let raws = [
                    (Raw::Int(i), i as f64),
                    (Raw::Decimal { digits: i, exp: -2 }, i as f64 / 100.0),
                    (Raw::Float(i as f32 / 8.0), i as f64 / 8.0),
                ];
                for (raw, plain) in raws {
                    let n = Number { raw, offset, scale };
                    let (single, double) = (n.value_f32(), n.value());
                    if n.exact().is_some() {
                        // An integer or decimal with a power of ten: one
                        // rounding, so `value` rounded.
                        assert_eq!(single, double as f32, "{n:?}");
                    } else {
                        // Otherwise a few roundings of f32 (2^-24) on the
                        // largest term.
                        let terms = (plain.abs() + f64::from(offset).abs()) * scale.factor().abs();
                        let err = (f64::from(single) - double).abs();
                        assert!(
                            err <= terms * 4.0 / f64::from(1 << 24),
                            "{n:?}: {single} against {double}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn range_bounds_hold_in_either_precision() {
    // A battery voltage, 40.0 to 60.0 V, in tenths of a volt (one u16 in
    // four hex characters). The same answers with `range-f32` (the test
    // command runs this crate's tests with it too).
    let volts = Point {
        range: Some(Range {
            min: 40.0,
            max: 60.0,
        }),
        scale: Scale::Pow10(-1),
        ..Point::new(
            "v",
            "1",
            at(0, 2, Unit::Byte, Origin::Payload),
            Encoding::AsciiHex,
            Kind::U16,
        )
    };
    let read = |tenths: u16| {
        let hex = format!("{tenths:04X}");
        decode(&volts, &Reply::payload(hex.as_bytes())).map(|_| ())
    };
    for tenths in [400, 401, 536, 599, 600] {
        assert!(read(tenths).is_ok(), "{tenths}");
    }
    for (tenths, value) in [(399, 39.9), (601, 60.1), (0, 0.0), (u16::MAX, 6553.5)] {
        let Err(PointError::OutOfRange { value: got, .. }) = read(tenths) else {
            panic!("{tenths}: {:?}", read(tenths));
        };
        assert_eq!(got as f32, value as f32, "{tenths}");
    }
}

#[test]
fn numbers_print_exactly() {
    let n = |raw, offset, scale| Number { raw, offset, scale }.to_string();
    assert_eq!(n(Raw::Int(2301), 0, Scale::Pow10(-1)), "230.1");
    assert_eq!(n(Raw::Int(-5), 0, Scale::Pow10(-3)), "-0.005");
    assert_eq!(n(Raw::Int(2000), 0, Scale::Pow10(-2)), "20");
    assert_eq!(n(Raw::Int(12), 0, Scale::Pow10(2)), "1200");
    assert_eq!(n(Raw::Int(2981), -2731, Scale::Pow10(-1)), "25");
    assert_eq!(
        n(
            Raw::Decimal {
                digits: 2305,
                exp: -1
            },
            1,
            Scale::ONE
        ),
        "231.5"
    );
    assert_eq!(
        n(Raw::Int(1), 0, Scale::Ratio { num: 1, den: 3 }),
        (1.0f64 / 3.0).to_string()
    );
    assert_eq!(n(Raw::Float(2301.0), 0, Scale::Pow10(-1)), "230.1");
}

#[test]
fn checks_name_overlaps_widths_and_commands() {
    const WORD: Location = at(0, 2, Unit::Byte, Origin::Payload);
    const POINTS: &[Point] = &[
        Point::new("a", "1", WORD, Encoding::AsciiHex, Kind::U16),
        Point::new("b", "1", WORD, Encoding::AsciiHex, Kind::U16),
        Point::new(
            "lo",
            "1",
            at(2, 2, Unit::Byte, Origin::Payload),
            Encoding::AsciiHex,
            Kind::Bits { first: 0, last: 3 },
        ),
        Point::new(
            "hi",
            "1",
            at(2, 2, Unit::Byte, Origin::Payload),
            Encoding::AsciiHex,
            Kind::Bits { first: 4, last: 15 },
        ),
        Point::new(
            "hi2",
            "1",
            at(2, 2, Unit::Byte, Origin::Payload),
            Encoding::AsciiHex,
            Kind::Bits {
                first: 15,
                last: 16,
            },
        ),
        Point::new(
            "wide",
            "1",
            at(4, 3, Unit::Byte, Origin::Payload),
            Encoding::AsciiHex,
            Kind::U16,
        ),
        Point::new(
            "a",
            "9",
            at(9, 1, Unit::Byte, Origin::Payload),
            Encoding::AsciiHex,
            Kind::U8,
        ),
        Point::new(
            "x",
            "1",
            at(0, 1, Unit::HexChar, Origin::Payload),
            Encoding::Binary,
            Kind::U8,
        ),
    ];
    const COMMANDS: &[Command] = &[Command {
        key: "1",
        request: Request::Unspecified,
    }];
    const TABLE: Table = Table {
        name: "t",
        commands: COMMANDS,
        variants: &[],
        points: POINTS,
    };
    let mut found = Vec::new();
    TABLE.check(|p| found.push(p));
    let kinds: Vec<_> = found.iter().map(|p| (p.point, p.kind)).collect();
    assert_eq!(
        kinds,
        [
            (1, ProblemKind::Overlap { other: 0 }),
            (4, ProblemKind::BitsOutside { width: 16 }),
            (4, ProblemKind::Overlap { other: 3 }),
            (5, ProblemKind::Width { bytes: 3 }),
            (6, ProblemKind::DuplicateName { other: 0 }),
            (6, ProblemKind::UnknownCommand),
            (7, ProblemKind::Unsupported),
        ]
    );
    assert_eq!(
        TABLE.describe(found[0]).to_string(),
        "point 2 (b): covers the same bytes as point 1 (a) in the reply to command \"1\""
    );
    assert!(!TABLE.is_sound());
}

#[test]
fn reads_cover_every_point_within_the_limits() {
    const fn reg(name: &'static str, address: u32, variant: &'static str) -> Point<'static> {
        Point {
            variant,
            ..Point::new(
                name,
                "04",
                at(address, 2, Unit::Register, Origin::Address),
                Encoding::Registers,
                Kind::F32,
            )
        }
    }
    const POINTS: &[Point] = &[
        reg("v", 0, ""),
        reg("i", 6, ""),
        reg("f", 70, ""),
        reg("e", 72, ""),
        reg("odd", 343, ""),
        reg("other_base", 0x4000, "b"),
    ];
    const COMMANDS: &[Command] = &[Command {
        key: "04",
        request: Request::Modbus {
            function: 4,
            max_registers: 40,
            even: true,
        },
    }];
    const TABLE: Table = Table {
        name: "t",
        commands: COMMANDS,
        variants: &[],
        points: POINTS,
    };
    let reads: Vec<_> = TABLE.reads("04", "a").collect();
    assert_eq!(reads, [(0, 8), (70, 4), (342, 4)]);
    let with_b: Vec<_> = TABLE.reads("04", "b").collect();
    assert_eq!(with_b.last(), Some(&(0x4000, 2)));
    assert_eq!(TABLE.reads("03", "").count(), 0);
}

fn arb_point() -> impl Strategy<Value = Point<'static>> {
    const LABELS: &[Label] = &[Label {
        raw: 0,
        text: "zero",
    }];
    let encoding = prop_oneof![
        Just(Encoding::Binary),
        Just(Encoding::AsciiHex),
        Just(Encoding::AsciiDecimal),
        Just(Encoding::Registers)
    ];
    let unit = prop_oneof![
        Just(Unit::Byte),
        Just(Unit::HexChar),
        Just(Unit::Char),
        Just(Unit::Register)
    ];
    let origin = prop_oneof![
        Just(Origin::Frame),
        Just(Origin::Payload),
        Just(Origin::Address)
    ];
    let kind = prop_oneof![
        Just(Kind::U8),
        Just(Kind::U16),
        Just(Kind::I16),
        Just(Kind::U32),
        Just(Kind::I32),
        Just(Kind::F32),
        Just(Kind::Bool),
        (any::<u8>(), any::<u8>()).prop_map(|(first, last)| Kind::Bits { first, last }),
        Just(Kind::Enum(LABELS)),
        Just(Kind::Text),
    ];
    (
        encoding,
        unit,
        origin,
        kind,
        any::<u32>(),
        any::<u16>(),
        any::<bool>(),
        any::<bool>(),
        any::<i32>(),
        any::<i8>(),
        proptest::option::of(any::<u32>()),
    )
        .prop_map(
            |(encoding, unit, origin, kind, offset, length, little, low, value_offset, e, na)| {
                Point {
                    byte_order: if little {
                        ByteOrder::Little
                    } else {
                        ByteOrder::Big
                    },
                    word_order: if low {
                        WordOrder::LowFirst
                    } else {
                        WordOrder::HighFirst
                    },
                    value_offset,
                    scale: Scale::Pow10(e),
                    not_available: na,
                    range: Some(Range {
                        min: -1e9,
                        max: 1e9,
                    }),
                    ..Point::new(
                        "p",
                        "c",
                        at(offset % 64, length % 10, unit, origin),
                        encoding,
                        kind,
                    )
                }
            },
        )
}

proptest! {
    #[test]
    fn any_point_on_any_bytes_never_panics(
        point in arb_point(),
        bytes in proptest::collection::vec(any::<u8>(), 0..80),
        payload in 0usize..20,
        first in any::<u16>(),
    ) {
        for reply in [Reply::frame(&bytes, payload), Reply::registers(first % 64, &bytes)] {
            if let Ok(v) = decode(&point, &reply) {
                let _ = v.to_string();
            }
        }
        let table = Table { name: "t", commands: &[], variants: &[], points: core::slice::from_ref(&point) };
        table.check(|p| { let _ = table.describe(p).to_string(); });
        let _ = table.reads("c", "").count();
    }

    #[test]
    fn any_point_reads_as_the_reference_reads_it(
        point in arb_point(),
        seed in any::<u64>(),
        range in proptest::option::of((-1e5f64..1e5, 0f64..1e5)),
    ) {
        let point = Point { range: range.map(|(min, span)| Range { min, max: min + span }), ..point };
        check_against_reference(&point, &mut Bytes(seed | 1), 4);
    }

    #[test]
    fn integers_read_back_in_every_order(v in any::<u32>(), little in any::<bool>(), low in any::<bool>()) {
        let p = Point {
            byte_order: if little { ByteOrder::Little } else { ByteOrder::Big },
            word_order: if low { WordOrder::LowFirst } else { WordOrder::HighFirst },
            ..Point::new("p", "c", at(0, 4, Unit::Byte, Origin::Payload), Encoding::Binary, Kind::U32)
        };
        let (hi, lo) = ((v >> 16) as u16, v as u16);
        let word = |w: u16| if little { w.to_le_bytes() } else { w.to_be_bytes() };
        let (w0, w1) = if low { (word(lo), word(hi)) } else { (word(hi), word(lo)) };
        let bytes = [w0[0], w0[1], w1[0], w1[1]];
        prop_assert_eq!(decode(&p, &Reply::payload(&bytes)), Ok(Value::Number(Number::int(i64::from(v)))));
        // ASCII-hex carries the same bytes as text.
        let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
        let h = Point { encoding: Encoding::AsciiHex, ..p };
        prop_assert_eq!(decode(&h, &Reply::payload(hex.as_bytes())), Ok(Value::Number(Number::int(i64::from(v)))));
    }
}

/// `decode` and the reference (the decoder before its one-pass rewrite)
/// give the same value or error, as `Debug` prints them (so that a NaN
/// compares equal to itself).
fn same_as_reference(point: &Point<'_>, reply: &Reply<'_>) {
    let new = decode(point, reply);
    let old = reference::decode(point, reply);
    assert_eq!(
        format!("{new:?}"),
        format!("{old:?}"),
        "{point:?} on {reply:?}"
    );
}

/// A small deterministic generator (xorshift64) for reply bytes.
struct Bytes(u64);

impl Bytes {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// `len` reply bytes of the kind `encoding` carries, now and then one
    /// that is not (a non-hex character, a letter in a number), or a run
    /// of one value (0x00, 0xFF, '0', 'F': sentinels, extremes).
    fn reply(&mut self, encoding: Encoding, len: usize) -> Vec<u8> {
        const HEX: &[u8] = b"0123456789ABCDEFabcdef";
        const DECIMAL: &[u8] = b"0123456789 +-.";
        let run = self.next();
        if run.is_multiple_of(8) {
            let b = match (encoding, run >> 8 & 3) {
                (Encoding::AsciiHex, 0) => b'0',
                (Encoding::AsciiHex, 1) => b'F',
                (Encoding::AsciiHex, 2) => b'f',
                (Encoding::AsciiDecimal, 0) => b'9',
                (_, 0) => 0x00,
                (_, 1) => 0x80,
                _ => 0xFF,
            };
            return vec![b; len];
        }
        (0..len)
            .map(|_| {
                let r = self.next();
                let pick = |set: &[u8]| set[(r >> 8) as usize % set.len()];
                match encoding {
                    _ if r.is_multiple_of(32) => (r >> 16) as u8,
                    Encoding::AsciiHex => pick(HEX),
                    Encoding::AsciiDecimal => pick(DECIMAL),
                    Encoding::Binary | Encoding::Registers => (r >> 16) as u8,
                }
            })
            .collect()
    }
}

/// `point` through both decoders over `rounds` generated replies, each
/// as a payload, a frame and a register read starting at, before and
/// after the point's register, whole and cut short.
fn check_against_reference(point: &Point<'_>, bytes: &mut Bytes, rounds: usize) {
    let end = place(point, 13, 0).map_or(64, |r| r.end.max(16));
    let address = u16::try_from(point.at.offset).unwrap_or(u16::MAX);
    for _ in 0..rounds {
        let reply = bytes.reply(point.encoding, end + 3);
        for cut in [reply.len(), end, end.saturating_sub(1), 1] {
            let b = &reply[..cut.min(reply.len())];
            same_as_reference(point, &Reply::payload(b));
            same_as_reference(point, &Reply::frame(b, 13));
            for first in [
                0,
                address,
                address.saturating_sub(1),
                address.saturating_add(1),
            ] {
                same_as_reference(point, &Reply::registers(first, b));
            }
        }
    }
}

/// Every point of every shipped table, in every byte and word order, read
/// by both decoders from many replies: the same values and errors.
#[cfg(feature = "std")]
#[test]
#[cfg_attr(miri, ignore = "exhaustive; too slow under miri")]
fn every_shipped_point_reads_as_the_reference_reads_it() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tables");
    let mut bytes = Bytes(0x9E37_79B9_7F4A_7C15);
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let file = crate::file::File::load(&path).unwrap();
        file.with_table(|t| {
            for p in t.points {
                seen += 1;
                check_against_reference(p, &mut bytes, 200);
                for (byte_order, word_order) in [
                    (ByteOrder::Little, WordOrder::HighFirst),
                    (ByteOrder::Big, WordOrder::LowFirst),
                    (ByteOrder::Little, WordOrder::LowFirst),
                ] {
                    let q = Point {
                        byte_order,
                        word_order,
                        ..*p
                    };
                    check_against_reference(&q, &mut bytes, 20);
                }
            }
        })
        .unwrap();
    }
    assert!(seen > 250, "only {seen} points");
}

/// Every 16-bit word, as binary, registers and ASCII-hex (both cases),
/// through every integer kind and both byte orders: both decoders agree.
#[test]
#[cfg_attr(miri, ignore = "exhaustive; too slow under miri")]
fn every_word_reads_as_the_reference_reads_it() {
    const LABELS: &[Label] = &[Label {
        raw: 7,
        text: "seven",
    }];
    let kinds = [
        Kind::U8,
        Kind::U16,
        Kind::I16,
        Kind::U32,
        Kind::Bool,
        Kind::Bits { first: 3, last: 9 },
        Kind::Bits {
            first: 15,
            last: 15,
        },
        Kind::Enum(LABELS),
        Kind::Text,
    ];
    for w in 0..=u16::MAX {
        let bin = w.to_be_bytes();
        let upper = format!("{w:04X}");
        let lower = format!("{w:04x}");
        let kind = kinds[usize::from(w) % kinds.len()];
        let byte_order = if w & 0x100 == 0 {
            ByteOrder::Big
        } else {
            ByteOrder::Little
        };
        let p = Point {
            byte_order,
            value_offset: -2731,
            scale: Scale::Pow10(-1),
            not_available: Some(0x7FFF),
            range: (w % 3 == 0).then_some(Range {
                min: 0.0,
                max: 3000.0,
            }),
            ..Point::new(
                "p",
                "c",
                at(0, 2, Unit::Byte, Origin::Payload),
                Encoding::Binary,
                kind,
            )
        };
        same_as_reference(&p, &Reply::payload(&bin));
        let r = Point {
            encoding: Encoding::Registers,
            at: at(0, 1, Unit::Register, Origin::Address),
            ..p
        };
        same_as_reference(&r, &Reply::registers(0, &bin));
        let h = Point {
            encoding: Encoding::AsciiHex,
            ..p
        };
        same_as_reference(&h, &Reply::payload(upper.as_bytes()));
        same_as_reference(&h, &Reply::payload(lower.as_bytes()));
    }
    // Every byte as a hex character, at each place of a word.
    let h = Point::new(
        "p",
        "c",
        at(0, 2, Unit::Byte, Origin::Payload),
        Encoding::AsciiHex,
        Kind::U16,
    );
    for c in 0..=u8::MAX {
        for i in 0..4 {
            let mut word = *b"08FC";
            word[i] = c;
            same_as_reference(&h, &Reply::payload(&word));
        }
    }
}

/// Every pair of bytes at every two places of a four-character ASCII-hex
/// word (the other two valid): both decoders agree, so the short path's
/// word-at-once hex check refuses exactly what the general path refuses.
#[test]
#[cfg_attr(miri, ignore = "exhaustive; too slow under miri")]
fn every_two_characters_of_a_hex_word_read_as_the_reference_reads_them() {
    let p = Point::new(
        "p",
        "c",
        at(0, 2, Unit::Byte, Origin::Payload),
        Encoding::AsciiHex,
        Kind::U16,
    );
    for (i, j) in [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)] {
        for a in 0..=u8::MAX {
            for b in 0..=u8::MAX {
                let mut word = *b"a7F0";
                word[i] = a;
                word[j] = b;
                same_as_reference(&p, &Reply::payload(&word));
            }
        }
    }
}

#[test]
fn fits_is_what_widths_says() {
    const LABELS: &[Label] = &[];
    for kind in [
        Kind::U8,
        Kind::U16,
        Kind::I16,
        Kind::U32,
        Kind::I32,
        Kind::F32,
        Kind::Bool,
        Kind::Bits { first: 0, last: 1 },
        Kind::Enum(LABELS),
        Kind::Text,
    ] {
        for width in 0..10 {
            let widths = kind.widths().is_some_and(|w| w.contains(&width));
            assert_eq!(crate::decode::fits(kind, width), widths, "{kind:?} {width}");
        }
    }
}

#[cfg(feature = "std")]
mod file {
    use crate::file::File;

    const METER: &str = r#"
name = "meter"
protocol = "modbus"
[defaults]
encoding = "registers"
offset_unit = "register"
origin = "address"
type = "f32"

[[command]]
key = "04"
modbus = { function = 4, max_registers = 40, even = true }

[[variant]]
name = "low"
default = true
[[variant]]
name = "high"

[[point]]
name = "voltage"
command = "04"
offset = 0
length = 2
unit = "V"
scale = "0.1"

[[point]]
name = "mode"
command = "04"
offset = 2
length = 1
type = "enum"
enum = { 1 = "one", 0x2 = "two" }

[[point]]
name = "energy"
command = "04"
offset = 4
length = 2
variant = "low"

[[point]]
name = "energy"
command = "04"
offset = 100
length = 2
variant = "high"
"#;

    #[test]
    fn toml_reads_decodes_and_writes_back() {
        let file = File::from_toml(METER).unwrap();
        let again = File::from_toml(&file.to_toml().unwrap()).unwrap();
        assert_eq!(again, file);
        let mut data = Vec::new();
        data.extend_from_slice(&2301.0f32.to_bits().to_be_bytes());
        data.extend_from_slice(&[0, 2, 0, 0]);
        data.extend_from_slice(&12.5f32.to_bits().to_be_bytes());
        file.with_table(|t| {
            assert!(t.is_sound());
            assert_eq!(t.default_variant(), "low");
            let got: Vec<String> = t
                .decode("04", "low", crate::Reply::registers(0, &data))
                .map(|(p, v)| format!("{}={}", p.name, v.unwrap()))
                .collect();
            assert_eq!(got, ["voltage=230.1", "mode=two", "energy=12.5"]);
            assert_eq!(
                t.reads("04", "high").collect::<Vec<_>>(),
                [(0, 4), (100, 2)]
            );
        })
        .unwrap();
    }

    #[test]
    fn incomplete_points_are_refused_by_name() {
        let text = METER.replace("type = \"enum\"\n", "");
        let err = File::from_toml(&text).unwrap_err().to_string();
        assert_eq!(
            err,
            "point 2 (mode): gives `enum` but is not of type \"enum\""
        );
        let text = METER.replace("type = \"f32\"\n", "");
        let err = File::from_toml(&text).unwrap_err().to_string();
        assert_eq!(
            err,
            "point 1 (voltage): no type: give it here or under [defaults]"
        );
        let err = File::from_toml("name = 1").unwrap_err();
        assert!(matches!(err, crate::file::LoadError::Toml(_)), "{err}");
    }
}

#[test]
fn an_empty_point_is_a_problem_and_is_never_read() {
    const POINTS: &[Point] = &[Point::new(
        "nothing",
        "04",
        at(10, 0, Unit::Register, Origin::Address),
        Encoding::Registers,
        Kind::Text,
    )];
    const COMMANDS: &[Command] = &[Command {
        key: "04",
        request: Request::Modbus {
            function: 4,
            max_registers: 40,
            even: false,
        },
    }];
    const TABLE: Table = Table {
        name: "t",
        commands: COMMANDS,
        variants: &[],
        points: POINTS,
    };
    let mut found = Vec::new();
    TABLE.check(|p| found.push(p.kind));
    assert_eq!(found, [ProblemKind::Empty]);
    assert_eq!(TABLE.reads("04", "").count(), 0);
}
