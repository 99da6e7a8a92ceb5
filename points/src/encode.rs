//! Writing one point's value into a reply: the inverse of
//! [`decode`](crate::decode()), for firmware that answers as a device and
//! for simulators.
//!
//! [`place`] says where a point's bytes sit in a reply (the arithmetic
//! the decoder uses); [`encode`] writes a value as those bytes. Integers,
//! flags, bit ranges, enumerations and `f32` are written, in binary,
//! ASCII-hex and register replies; text and ASCII-decimal are not.
//!
//! What `encode` writes, `decode` reads back as the same value: a number
//! given with the point's own offset and scale keeps its raw value
//! exactly; any other number is converted from its physical value,
//! rounded to the nearest raw step. A value the point cannot hold (out of
//! its type's range or its valid range, or equal to its "not available"
//! sentinel) is refused, and nothing is written.

use core::fmt;
use core::ops::Range;

use crate::decode::{span, unit_bytes};
use crate::value::{Number, Raw};
use crate::{ByteOrder, Encoding, Kind, Point, PointError, Value, WordOrder};

/// Why a value could not be written.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum EncodeError {
    /// The point's place or width is wrong for its type or encoding, or
    /// the buffer is shorter than the point (the decoder's reasons).
    Point(PointError),
    /// The value is not of the point's kind (a flag for a number, text
    /// for a word).
    Mismatch {
        /// The point's type.
        kind: &'static str,
    },
    /// `encode` does not write this type or encoding (text, ASCII-decimal).
    Unsupported {
        /// The point's type.
        kind: &'static str,
        /// The point's encoding.
        encoding: Encoding,
    },
    /// The value does not fit: outside the raw type's range, the bit
    /// range's, or the point's valid range (physical units).
    OutOfRange {
        /// The value given.
        value: f64,
        /// The lowest the point can hold.
        min: f64,
        /// The highest the point can hold.
        max: f64,
    },
    /// The value's raw form is the point's "not available" sentinel: it
    /// would read back as not available.
    Sentinel {
        /// The raw value.
        raw: u32,
    },
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            EncodeError::Point(e) => e.fmt(f),
            EncodeError::Mismatch { kind } => {
                write!(f, "the value is not of the point's type ({kind})")
            }
            EncodeError::Unsupported { kind, encoding } => write!(
                f,
                "a {kind} point in {} data cannot be written",
                crate::encoding_name(encoding)
            ),
            EncodeError::OutOfRange { value, min, max } => {
                write!(f, "{value} does not fit the point: it holds {min} to {max}")
            }
            EncodeError::Sentinel { raw } => write!(
                f,
                "raw value 0x{raw:X} is the point's \"not available\" sentinel"
            ),
        }
    }
}

impl core::error::Error for EncodeError {}

impl From<PointError> for EncodeError {
    fn from(e: PointError) -> Self {
        EncodeError::Point(e)
    }
}

/// Where `point`'s bytes sit in a reply whose payload starts at byte
/// `payload` and whose first register is `first` (as [`Reply`](crate::Reply) places
/// them): the byte range to hand [`encode`].
pub fn place(point: &Point<'_>, payload: usize, first: u16) -> Result<Range<usize>, PointError> {
    let (start, len) = span(point, payload, first)?;
    let end = start.checked_add(len).ok_or(PointError::Missing {
        end: usize::MAX,
        len: 0,
    })?;
    Ok(start..end)
}

/// Writes `value` as `point`'s bytes at the start of `field` (the bytes
/// [`place`] gives); returns how many were written. For a bit range (a
/// flag in a shared word) the other bits already in `field` are kept.
pub fn encode(
    point: &Point<'_>,
    value: &Value<'_>,
    field: &mut [u8],
) -> Result<usize, EncodeError> {
    let kind = point.kind.name();
    let unsupported = EncodeError::Unsupported {
        kind,
        encoding: point.encoding,
    };
    if point.kind == Kind::Text || point.encoding == Encoding::AsciiDecimal {
        return Err(unsupported);
    }
    let per = unit_bytes(point.encoding, point.at.unit).ok_or(PointError::Unsupported {
        encoding: point.encoding,
        unit: point.at.unit,
        origin: point.at.origin,
    })?;
    let len = usize::from(point.at.length).saturating_mul(per);
    let available = field.len();
    let field = field.get_mut(..len).ok_or(PointError::Missing {
        end: len,
        len: available,
    })?;
    let hex = point.encoding == Encoding::AsciiHex;
    let width = if hex { len.div_ceil(2) } else { len };
    if point.kind.widths().is_some_and(|w| !w.contains(&width)) {
        return Err(PointError::Width { kind, bytes: width }.into());
    }
    let before = if hex {
        hex_value(field)
    } else {
        assemble(point, field)
    };
    let raw = raw_word(point, value, width, before)?;
    if let Some(na) = point.not_available
        && na == raw
        && *value != Value::NotAvailable
    {
        return Err(EncodeError::Sentinel { raw });
    }
    let bytes = disassemble(point, raw, width);
    if hex {
        // An odd count of hex characters drops the top nibble, which
        // must then be zero.
        let mut chars = [b'0'; 8];
        for (pair, b) in chars.chunks_mut(2).zip(&bytes) {
            if let [h, l] = pair {
                (*h, *l) = (hex_digit(b >> 4), hex_digit(b & 0xF));
            }
        }
        let chars = chars.get(..2 * width).unwrap_or_default();
        let (dropped, kept) = chars.split_at(2 * width - len);
        if dropped.iter().any(|&c| c != b'0') {
            return Err(too_big(value, len * 4));
        }
        field.copy_from_slice(kept);
    } else {
        field.copy_from_slice(bytes.get(..width).unwrap_or_default());
    }
    Ok(len)
}

/// The upper-case hex digit of a nibble.
fn hex_digit(nibble: u8) -> u8 {
    match nibble & 0xF {
        n @ 0..=9 => b'0' + n,
        n => b'A' + n - 10,
    }
}

/// The unsigned integer a field holds now: its hex characters (anything
/// else counts as 0) ...
fn hex_value(field: &[u8]) -> u32 {
    field.iter().fold(0u32, |acc, &c| {
        let d = (c as char).to_digit(16).unwrap_or(0);
        acc.wrapping_shl(4) | d
    })
}

/// ... or its value bytes in the point's byte and word order (0 for a
/// width no kind has).
fn assemble(point: &Point<'_>, bytes: &[u8]) -> u32 {
    let word = |hi: u8, lo: u8| match point.byte_order {
        ByteOrder::Big => u16::from_be_bytes([hi, lo]),
        ByteOrder::Little => u16::from_le_bytes([hi, lo]),
    };
    match *bytes {
        [b] => u32::from(b),
        [a, b] => u32::from(word(a, b)),
        [a, b, c, d] => {
            let (w0, w1) = (u32::from(word(a, b)), u32::from(word(c, d)));
            match point.word_order {
                WordOrder::HighFirst => (w0 << 16) | w1,
                WordOrder::LowFirst => (w1 << 16) | w0,
            }
        }
        _ => 0,
    }
}

/// `raw` as `width` value bytes (1, 2 or 4) in the point's orders.
fn disassemble(point: &Point<'_>, raw: u32, width: usize) -> [u8; 4] {
    let word = |w: u16| match point.byte_order {
        ByteOrder::Big => w.to_be_bytes(),
        ByteOrder::Little => w.to_le_bytes(),
    };
    match width {
        1 => [raw as u8, 0, 0, 0],
        2 => {
            let [a, b] = word(raw as u16);
            [a, b, 0, 0]
        }
        _ => {
            let (hi, lo) = (word((raw >> 16) as u16), word(raw as u16));
            let ([a, b], [c, d]) = match point.word_order {
                WordOrder::HighFirst => (hi, lo),
                WordOrder::LowFirst => (lo, hi),
            };
            [a, b, c, d]
        }
    }
}

/// The unsigned integer to write for `value`; `before` is what the field
/// holds now (kept outside a bit range).
fn raw_word(
    point: &Point<'_>,
    value: &Value<'_>,
    width: usize,
    before: u32,
) -> Result<u32, EncodeError> {
    let mismatch = EncodeError::Mismatch {
        kind: point.kind.name(),
    };
    if *value == Value::NotAvailable {
        return point.not_available.ok_or(mismatch);
    }
    let bits = width * 8;
    match (point.kind, value) {
        (Kind::U8 | Kind::U16 | Kind::U32, Value::Number(n)) => {
            let max = if bits >= 32 {
                i64::from(u32::MAX)
            } else {
                (1i64 << bits) - 1
            };
            let r = fit(point, n, 0, max)?;
            Ok(r as u32)
        }
        (Kind::I16, Value::Number(n)) => {
            Ok(u32::from(
                fit(point, n, i64::from(i16::MIN), i64::from(i16::MAX))? as i16 as u16,
            ))
        }
        (Kind::I32, Value::Number(n)) => {
            Ok(fit(point, n, i64::from(i32::MIN), i64::from(i32::MAX))? as i32 as u32)
        }
        (Kind::F32, Value::Number(n)) => {
            let f = match n.raw {
                Raw::Float(f) if same_scale(point, n) => f,
                _ => ((n.value() / point.scale.factor()) - f64::from(point.value_offset)) as f32,
            };
            if !f.is_finite() {
                return Err(EncodeError::OutOfRange {
                    value: n.value(),
                    min: f64::from(f32::MIN),
                    max: f64::from(f32::MAX),
                });
            }
            in_range(point, n.value())?;
            Ok(f.to_bits())
        }
        (Kind::Bool, Value::Bool(b)) => Ok(u32::from(*b)),
        (Kind::Bits { first, last }, value) => {
            if first > last || usize::from(last) >= bits {
                return Err(PointError::BitsOutside {
                    first,
                    last,
                    width: bits,
                }
                .into());
            }
            let count = u32::from(last - first) + 1;
            let v = match value {
                Value::Bool(b) if first == last => u32::from(*b),
                Value::Number(n) if first != last => {
                    let max = if count >= 32 {
                        i64::from(u32::MAX)
                    } else {
                        (1i64 << count) - 1
                    };
                    fit(point, n, 0, max)? as u32
                }
                _ => return Err(mismatch),
            };
            let mask = if count >= 32 {
                u32::MAX
            } else {
                ((1u32 << count) - 1) << first
            };
            Ok((before & !mask) | ((v << first) & mask))
        }
        (Kind::Enum(_), Value::Enum { raw, .. }) => {
            if bits < 32 && *raw >> bits != 0 {
                return Err(too_big(value, bits));
            }
            Ok(*raw)
        }
        _ => Err(mismatch),
    }
}

/// Whether `n` counts in the point's own offset and scale (its raw value
/// is then written as it is).
fn same_scale(point: &Point<'_>, n: &Number) -> bool {
    n.scale == point.scale && n.offset == point.value_offset
}

/// The raw integer for `n`, which must lie in `min..=max` (raw units).
fn fit(point: &Point<'_>, n: &Number, min: i64, max: i64) -> Result<i64, EncodeError> {
    let exact = match n.raw {
        Raw::Int(i) if same_scale(point, n) => Some(i),
        Raw::Decimal { digits, exp: 0 } if same_scale(point, n) => Some(digits),
        _ => None,
    };
    let physical = |raw: i64| (raw as f64 + f64::from(point.value_offset)) * point.scale.factor();
    let (lo, hi) = {
        let (a, b) = (physical(min), physical(max));
        (a.min(b), a.max(b))
    };
    let out = EncodeError::OutOfRange {
        value: n.value(),
        min: lo,
        max: hi,
    };
    let raw = match exact {
        Some(i) => i,
        None => {
            let x = n.value() / point.scale.factor() - f64::from(point.value_offset);
            // Half away from zero, then truncated: `f64::round` is not in core.
            let r = if x >= 0.0 { x + 0.5 } else { x - 0.5 };
            // Out of i64 (or NaN) is out of any raw range.
            if !(r > min as f64 - 1.0 && r < max as f64 + 1.0) {
                return Err(out);
            }
            r as i64
        }
    };
    if !(min..=max).contains(&raw) {
        return Err(out);
    }
    in_range(point, physical(raw))?;
    Ok(raw)
}

/// The point's valid range, as the decoder checks it.
fn in_range(point: &Point<'_>, value: f64) -> Result<(), EncodeError> {
    match point.range {
        Some(r) if !(r.min..=r.max).contains(&value) => Err(EncodeError::OutOfRange {
            value,
            min: r.min,
            max: r.max,
        }),
        _ => Ok(()),
    }
}

/// A value wider than `bits` bits.
fn too_big(value: &Value<'_>, bits: usize) -> EncodeError {
    let value = match value {
        Value::Number(n) => n.value(),
        Value::Enum { raw, .. } => f64::from(*raw),
        _ => 0.0,
    };
    let max = if bits >= 32 {
        f64::from(u32::MAX)
    } else {
        ((1u64 << bits) - 1) as f64
    };
    EncodeError::OutOfRange {
        value,
        min: 0.0,
        max,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::{Label, Location, Origin, Reply, Scale, Unit};

    fn point(
        encoding: Encoding,
        kind: Kind<'static>,
        offset: u32,
        length: u16,
        unit: Unit,
    ) -> Point<'static> {
        let origin = if unit == Unit::Register {
            Origin::Address
        } else {
            Origin::Payload
        };
        Point::new(
            "p",
            "c",
            Location {
                offset,
                length,
                unit,
                origin,
            },
            encoding,
            kind,
        )
    }

    /// Writes `value` into `len` bytes of `fill` at its place, checks the
    /// bytes are `wire` and that they read back as `value`.
    fn check(p: &Point<'static>, value: Value<'static>, wire: &[u8]) {
        let mut buf = [b'0'; 16];
        let at = place(p, 0, 0).unwrap();
        assert_eq!(encode(p, &value, &mut buf[at.clone()]), Ok(wire.len()));
        assert_eq!(&buf[at], wire);
        let back = crate::decode(p, &Reply::payload(&buf)).unwrap();
        assert_eq!(back.to_string(), value.to_string());
    }

    #[test]
    fn words_floats_and_flags_on_the_wire() {
        // A YD/T 1363 pack voltage, 0.001 V: 53.000 V is 0xCF08.
        let volts = Point {
            scale: Scale::Pow10(-3),
            ..point(Encoding::AsciiHex, Kind::U16, 0, 2, Unit::Byte)
        };
        check(&volts, Value::Number(Number::int(53)), b"CF08");
        // A DTSU666 voltage: a float holding tenths, 230.0 V is 2300.0.
        let dtsu = Point {
            scale: Scale::Pow10(-1),
            ..point(Encoding::Registers, Kind::F32, 0, 2, Unit::Register)
        };
        check(
            &dtsu,
            Value::Number(Number::int(230)),
            &[0x45, 0x0F, 0xC0, 0x00],
        );
        // A 0.1 K temperature with the 2731 offset: 25.0 °C is 0x0B9F.
        let temp = Point {
            value_offset: -2731,
            scale: Scale::Pow10(-1),
            ..point(Encoding::Binary, Kind::U16, 0, 2, Unit::Byte)
        };
        check(&temp, Value::Number(Number::int(25)), &[0x0B, 0xA5]);
        // Signed, little endian, low word first.
        let i32_le = Point {
            byte_order: ByteOrder::Little,
            word_order: WordOrder::LowFirst,
            ..point(Encoding::Binary, Kind::I32, 0, 4, Unit::Byte)
        };
        check(
            &i32_le,
            Value::Number(Number::int(-2)),
            &[0xFE, 0xFF, 0xFF, 0xFF],
        );
        // Three hex characters: the top nibble is dropped.
        let three = point(Encoding::AsciiHex, Kind::U16, 0, 3, Unit::HexChar);
        check(&three, Value::Number(Number::int(0xABC)), b"ABC");
        assert!(matches!(
            encode(&three, &Value::Number(Number::int(0x1ABC)), &mut [0; 3]),
            Err(EncodeError::OutOfRange { .. })
        ));
        const LABELS: &[Label] = &[Label {
            raw: 2,
            text: "import + export",
        }];
        let mode = point(
            Encoding::Registers,
            Kind::Enum(LABELS),
            0,
            1,
            Unit::Register,
        );
        check(
            &mode,
            Value::Enum {
                raw: 2,
                label: Some("import + export"),
            },
            &[0, 2],
        );
    }

    #[test]
    fn flags_in_one_word_keep_each_other() {
        let bit = |n: u8| {
            point(
                Encoding::AsciiHex,
                Kind::Bits { first: n, last: n },
                0,
                2,
                Unit::Byte,
            )
        };
        let mut info = *b"0000";
        for n in [0, 3, 15] {
            encode(&bit(n), &Value::Bool(true), &mut info).unwrap();
        }
        assert_eq!(&info, b"8009");
        encode(&bit(3), &Value::Bool(false), &mut info).unwrap();
        assert_eq!(&info, b"8001");
        let field = point(
            Encoding::Binary,
            Kind::Bits { first: 4, last: 7 },
            0,
            1,
            Unit::Byte,
        );
        let mut byte = [0x0F];
        encode(&field, &Value::Number(Number::int(0xA)), &mut byte).unwrap();
        assert_eq!(byte, [0xAF]);
        assert!(matches!(
            encode(&field, &Value::Number(Number::int(16)), &mut byte),
            Err(EncodeError::OutOfRange { .. })
        ));
    }

    #[test]
    fn what_cannot_be_written_is_refused_untouched() {
        let word = point(Encoding::Registers, Kind::U16, 0, 1, Unit::Register);
        let mut buf = [7u8; 2];
        let refused = [
            (Value::Number(Number::int(70_000)), "does not fit"),
            (Value::Number(Number::int(-1)), "does not fit"),
            (Value::Bool(true), "not of the point's type"),
            (Value::NotAvailable, "not of the point's type"),
        ];
        for (value, why) in refused {
            let e = encode(&word, &value, &mut buf).unwrap_err();
            assert!(e.to_string().contains(why), "{value:?}: {e}");
            assert_eq!(buf, [7, 7]);
        }
        let guarded = Point {
            not_available: Some(0xFFFF),
            range: Some(crate::Range {
                min: 0.0,
                max: 500.0,
            }),
            ..word
        };
        assert_eq!(
            encode(&guarded, &Value::Number(Number::int(0xFFFF)), &mut buf),
            Err(EncodeError::OutOfRange {
                value: 65535.0,
                min: 0.0,
                max: 500.0
            })
        );
        assert_eq!(encode(&guarded, &Value::NotAvailable, &mut buf), Ok(2));
        assert_eq!(buf, [0xFF, 0xFF]);
        let short = [0u8; 1];
        assert_eq!(
            encode(&word, &Value::Number(Number::int(1)), &mut short.clone()),
            Err(EncodeError::Point(PointError::Missing { end: 2, len: 1 }))
        );
        let text = point(Encoding::Binary, Kind::Text, 0, 4, Unit::Byte);
        assert!(matches!(
            encode(&text, &Value::Bool(true), &mut buf),
            Err(EncodeError::Unsupported { .. })
        ));
    }

    fn arb_point() -> impl Strategy<Value = Point<'static>> {
        const LABELS: &[Label] = &[];
        let kind = prop_oneof![
            Just(Kind::U8),
            Just(Kind::U16),
            Just(Kind::I16),
            Just(Kind::U32),
            Just(Kind::I32),
            Just(Kind::F32),
            Just(Kind::Bool),
            (0u8..32, 0u8..32).prop_map(|(a, b)| Kind::Bits {
                first: a.min(b),
                last: a.max(b)
            }),
            Just(Kind::Enum(LABELS)),
        ];
        let encoding = prop_oneof![
            Just(Encoding::Binary),
            Just(Encoding::AsciiHex),
            Just(Encoding::Registers)
        ];
        (
            kind,
            encoding,
            0u32..8,
            prop_oneof![Just(1usize), Just(2), Just(4)],
            prop_oneof![Just(ByteOrder::Big), Just(ByteOrder::Little)],
            prop_oneof![Just(WordOrder::HighFirst), Just(WordOrder::LowFirst)],
            -3000i32..3000,
            -3i8..3,
            any::<bool>(),
        )
            .prop_map(
                |(
                    kind,
                    encoding,
                    offset,
                    width,
                    byte_order,
                    word_order,
                    value_offset,
                    e,
                    registers,
                )| {
                    let width = kind
                        .widths()
                        .map_or(width, |w| if w.contains(&width) { width } else { w[0] });
                    // Registers where the width allows, else bytes.
                    let (length, unit) =
                        if registers && width >= 2 && encoding != Encoding::AsciiHex {
                            (width / 2, Unit::Register)
                        } else {
                            (width, Unit::Byte)
                        };
                    let kind = match kind {
                        Kind::Bits { first, last } => Kind::Bits {
                            first: first % (8 * width as u8),
                            last: last.max(first) % (8 * width as u8),
                        },
                        k => k,
                    };
                    let kind = match kind {
                        Kind::Bits { first, last } if first > last => Kind::Bits {
                            first: last,
                            last: first,
                        },
                        k => k,
                    };
                    Point {
                        byte_order,
                        word_order,
                        value_offset,
                        scale: Scale::Pow10(e),
                        ..point(encoding, kind, offset, length as u16, unit)
                    }
                },
            )
    }

    /// A value `p` can hold, from arbitrary bits.
    fn value_for(p: &Point<'static>, bits: u32, f: f32) -> Value<'static> {
        let width = match p.encoding {
            Encoding::AsciiHex => usize::from(p.at.length),
            _ => usize::from(p.at.length) * if p.at.unit == Unit::Register { 2 } else { 1 },
        };
        let mask = |n: usize| if n >= 32 { u32::MAX } else { (1u32 << n) - 1 };
        let number = |raw: i64| {
            Value::Number(Number {
                raw: Raw::Int(raw),
                offset: p.value_offset,
                scale: p.scale,
            })
        };
        match p.kind {
            Kind::U8 | Kind::U16 | Kind::U32 => number(i64::from(bits & mask(width * 8))),
            Kind::I16 => number(i64::from(bits as i16)),
            Kind::I32 => number(i64::from(bits as i32)),
            Kind::F32 => Value::Number(Number {
                raw: Raw::Float(f),
                offset: p.value_offset,
                scale: p.scale,
            }),
            Kind::Bool => Value::Bool(bits & 1 == 1),
            Kind::Bits { first, last } if first == last => Value::Bool(bits & 1 == 1),
            Kind::Bits { first, last } => {
                number(i64::from(bits & mask(usize::from(last - first) + 1)))
            }
            Kind::Enum(_) => Value::Enum {
                raw: bits & mask(width * 8),
                label: None,
            },
            Kind::Text => Value::NotAvailable,
        }
    }

    proptest! {
        #[test]
        fn what_is_encoded_decodes_to_the_same_value(
            p in arb_point(),
            bits in any::<u32>(),
            f in any::<f32>().prop_filter("finite", |f| f.is_finite()),
            first in 0u16..4,
            fill in any::<u8>(),
        ) {
            let value = value_for(&p, bits, f);
            let mut reply = [fill; 40];
            let first = first.min(p.at.offset as u16);
            let at = place(&p, 0, first).unwrap();
            prop_assert_eq!(encode(&p, &value, &mut reply[at.clone()]), Ok(at.len()));
            let back = crate::decode(&p, &Reply::registers(first, &reply)).unwrap();
            prop_assert_eq!(back, value);
        }

        #[test]
        fn a_physical_value_comes_back_to_the_raw_step(
            raw in 0u16..=u16::MAX,
            e in -3i8..3,
        ) {
            let p = Point {
                scale: Scale::Pow10(e),
                ..point(Encoding::AsciiHex, Kind::U16, 0, 2, Unit::Byte)
            };
            let physical = Number { raw: Raw::Int(i64::from(raw)), offset: 0, scale: Scale::Pow10(e) }.value();
            let given = Value::Number(Number { raw: Raw::Float(physical as f32), offset: 0, scale: Scale::ONE });
            let mut info = [0u8; 4];
            if encode(&p, &given, &mut info).is_ok() {
                let Ok(Value::Number(n)) = crate::decode(&p, &Reply::payload(&info)) else {
                    return Err(TestCaseError::fail("not a number"));
                };
                prop_assert!((n.value() - physical).abs() <= p.scale.factor() / 2.0 + physical.abs() * 1e-6);
            }
        }
    }
}
