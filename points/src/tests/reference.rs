//! `decode` as it was before the one-pass rewrite, kept to check that the
//! rewrite reads every point to the same value or error.

use crate::value::{Number, Raw, Text};
use crate::{ByteOrder, Encoding, Kind, Origin, Point, PointError, Reply, Unit, Value, WordOrder};

/// Reply bytes per unit of a point's offset and length, in its encoding;
/// `None` where the unit means nothing there.
const fn unit_bytes(encoding: Encoding, unit: Unit) -> Option<usize> {
    match (encoding, unit) {
        (Encoding::AsciiHex, Unit::Byte) => Some(2),
        (Encoding::AsciiHex, Unit::Register) => Some(4),
        (Encoding::AsciiHex, Unit::HexChar | Unit::Char) => Some(1),
        (Encoding::Binary | Encoding::Registers, Unit::Byte | Unit::Char) => Some(1),
        (Encoding::Binary | Encoding::Registers, Unit::Register) => Some(2),
        (Encoding::AsciiDecimal, Unit::Char | Unit::Byte) => Some(1),
        (Encoding::Binary | Encoding::Registers, Unit::HexChar)
        | (Encoding::AsciiDecimal, Unit::HexChar | Unit::Register) => None,
    }
}

/// The point's bytes in the reply: start and length. `payload` and
/// `first` place the origins.
fn span(point: &Point<'_>, payload: usize, first: u16) -> Result<(usize, usize), PointError> {
    let at = point.at;
    let unsupported = PointError::Unsupported {
        encoding: point.encoding,
        unit: at.unit,
        origin: at.origin,
    };
    let per = unit_bytes(point.encoding, at.unit).ok_or(unsupported)?;
    let (base, units) = match at.origin {
        Origin::Frame => (0, at.offset),
        Origin::Payload => (payload, at.offset),
        Origin::Address => {
            if at.unit != Unit::Register {
                return Err(unsupported);
            }
            let units = at
                .offset
                .checked_sub(u32::from(first))
                .ok_or(PointError::BeforeStart {
                    address: at.offset,
                    first,
                })?;
            (payload, units)
        }
    };
    let far = PointError::Missing {
        end: usize::MAX,
        len: 0,
    };
    let start = usize::try_from(units)
        .ok()
        .and_then(|u| u.checked_mul(per))
        .and_then(|o| o.checked_add(base))
        .ok_or(far)?;
    let len = usize::from(at.length).checked_mul(per).ok_or(far)?;
    Ok((start, len))
}

/// Reads `point` out of `reply`.
pub(super) fn decode<'a>(point: &Point<'a>, reply: &Reply<'a>) -> Result<Value<'a>, PointError> {
    let (start, len) = span(point, reply.payload, reply.first_register)?;
    let end = start.saturating_add(len);
    let raw = reply.bytes.get(start..end).ok_or(PointError::Missing {
        end,
        len: reply.bytes.len(),
    })?;
    let value = match point.encoding {
        Encoding::AsciiDecimal => from_decimal(point, raw, start)?,
        Encoding::AsciiHex => {
            if let Some(i) = raw.iter().position(|b| !b.is_ascii_hexdigit()) {
                return Err(PointError::NotHex {
                    at: start + i,
                    found: raw.get(i).copied().unwrap_or(0),
                });
            }
            if point.kind == Kind::Text {
                if !raw.len().is_multiple_of(2) {
                    return Err(PointError::Width {
                        kind: "text",
                        bytes: raw.len(),
                    });
                }
                Value::Text(Text::hex(raw))
            } else {
                let mut bytes = [0u8; 4];
                let n = hex_bytes(raw, &mut bytes).ok_or(PointError::Width {
                    kind: point.kind.name(),
                    bytes: raw.len().div_ceil(2),
                })?;
                from_bytes(point, bytes.get(..n).unwrap_or_default())?
            }
        }
        Encoding::Binary | Encoding::Registers => match point.kind {
            Kind::Text => Value::Text(Text::plain(raw)),
            _ => from_bytes(point, raw)?,
        },
    };
    check_range(point, value)
}

/// Hex characters into value bytes (an odd count gets a leading zero
/// nibble); `None` for more than 4 bytes.
fn hex_bytes(hex: &[u8], out: &mut [u8; 4]) -> Option<usize> {
    let n = hex.len().div_ceil(2);
    if n > out.len() {
        return None;
    }
    let mut acc: u32 = 0;
    for &c in hex {
        acc = (acc << 4) | u32::from(nibble(c));
    }
    let be = acc.to_be_bytes();
    out.get_mut(..n)?.copy_from_slice(be.get(4 - n..)?);
    Some(n)
}

fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'A'..=b'F' => c - b'A' + 10,
        b'a'..=b'f' => c - b'a' + 10,
        _ => 0,
    }
}

/// The unsigned integer of 1, 2 or 4 value bytes in the point's byte and
/// word order.
fn assemble(point: &Point<'_>, bytes: &[u8]) -> Result<u32, PointError> {
    let word = |hi: u8, lo: u8| match point.byte_order {
        ByteOrder::Big => u16::from_be_bytes([hi, lo]),
        ByteOrder::Little => u16::from_le_bytes([hi, lo]),
    };
    match *bytes {
        [b] => Ok(u32::from(b)),
        [a, b] => Ok(u32::from(word(a, b))),
        [a, b, c, d] => {
            let (w0, w1) = (u32::from(word(a, b)), u32::from(word(c, d)));
            Ok(match point.word_order {
                WordOrder::HighFirst => (w0 << 16) | w1,
                WordOrder::LowFirst => (w1 << 16) | w0,
            })
        }
        _ => Err(PointError::Width {
            kind: point.kind.name(),
            bytes: bytes.len(),
        }),
    }
}

fn from_bytes<'a>(point: &Point<'a>, bytes: &[u8]) -> Result<Value<'a>, PointError> {
    let width = bytes.len();
    if point.kind.widths().is_some_and(|w| !w.contains(&width)) {
        return Err(PointError::Width {
            kind: point.kind.name(),
            bytes: width,
        });
    }
    let u = assemble(point, bytes)?;
    if point.not_available == Some(u) {
        return Ok(Value::NotAvailable);
    }
    let number = |raw| {
        Value::Number(Number {
            raw,
            offset: point.value_offset,
            scale: point.scale,
        })
    };
    Ok(match point.kind {
        Kind::U8 | Kind::U16 | Kind::U32 => number(Raw::Int(i64::from(u))),
        Kind::I16 => number(Raw::Int(i64::from(u as u16 as i16))),
        Kind::I32 => number(Raw::Int(i64::from(u as i32))),
        Kind::F32 => number(Raw::Float(f32::from_bits(u))),
        Kind::Bool => Value::Bool(u != 0),
        Kind::Bits { first, last } => bits(u, first, last, width * 8, &number)?,
        Kind::Enum(labels) => Value::Enum {
            raw: u,
            label: labels.iter().find(|l| l.raw == u).map(|l| l.text),
        },
        // The callers read text before numbers.
        Kind::Text => {
            return Err(PointError::Width {
                kind: "text",
                bytes: width,
            });
        }
    })
}

fn bits<'a>(
    u: u32,
    first: u8,
    last: u8,
    width: usize,
    number: &dyn Fn(Raw) -> Value<'a>,
) -> Result<Value<'a>, PointError> {
    if first > last || usize::from(last) >= width {
        return Err(PointError::BitsOutside { first, last, width });
    }
    let count = u32::from(last - first) + 1;
    let mask = if count >= 32 {
        u32::MAX
    } else {
        (1 << count) - 1
    };
    let v = (u >> first) & mask;
    Ok(if first == last {
        Value::Bool(v != 0)
    } else {
        number(Raw::Int(i64::from(v)))
    })
}

/// Reads decimal text such as ` -12.50 `.
fn from_decimal<'a>(point: &Point<'a>, raw: &'a [u8], at: usize) -> Result<Value<'a>, PointError> {
    if point.kind == Kind::Text {
        return Ok(Value::Text(Text::plain(raw)));
    }
    let bad = PointError::NotDecimal { at };
    let text = raw.trim_ascii();
    let (negative, text) = match text {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, text),
    };
    let mut digits: i64 = 0;
    let mut exp: i8 = 0;
    let mut seen_point = false;
    let mut seen_digit = false;
    for &c in text {
        match c {
            b'.' if !seen_point => seen_point = true,
            b'0'..=b'9' => {
                seen_digit = true;
                digits = digits
                    .checked_mul(10)
                    .and_then(|d| d.checked_add(i64::from(c - b'0')))
                    .ok_or(bad)?;
                if seen_point {
                    exp = exp.checked_sub(1).ok_or(bad)?;
                }
            }
            _ => return Err(bad),
        }
    }
    if !seen_digit {
        return Err(bad);
    }
    if negative {
        digits = -digits;
    }
    let integer = (exp == 0).then_some(digits);
    if let (Some(na), Some(i)) = (point.not_available, integer)
        && i64::from(na) == i
    {
        return Ok(Value::NotAvailable);
    }
    let as_u32 = || integer.and_then(|i| u32::try_from(i).ok()).ok_or(bad);
    Ok(match point.kind {
        Kind::Bool => Value::Bool(digits != 0),
        Kind::Enum(labels) => {
            let u = as_u32()?;
            Value::Enum {
                raw: u,
                label: labels.iter().find(|l| l.raw == u).map(|l| l.text),
            }
        }
        Kind::Bits { first, last } => {
            let number = |raw| {
                Value::Number(Number {
                    raw,
                    offset: point.value_offset,
                    scale: point.scale,
                })
            };
            bits(as_u32()?, first, last, 32, &number)?
        }
        _ => Value::Number(Number {
            raw: Raw::Decimal { digits, exp },
            offset: point.value_offset,
            scale: point.scale,
        }),
    })
}

fn check_range<'a>(point: &Point<'_>, value: Value<'a>) -> Result<Value<'a>, PointError> {
    if let (Some(range), Value::Number(n)) = (point.range, value)
        && let Some(value) = outside(n, range)
    {
        return Err(PointError::OutOfRange {
            value,
            min: range.min,
            max: range.max,
        });
    }
    Ok(value)
}

/// `n`'s value, if it lies outside `range`; compared in double precision.
#[cfg(not(feature = "range-f32"))]
fn outside(n: Number, range: crate::Range) -> Option<f64> {
    let v = n.value();
    (!(range.min..=range.max).contains(&v)).then_some(v)
}

/// `n`'s value, if it lies outside `range`; compared in single precision
/// (the `range-f32` feature): the value as [`Number::value_f32`] gives
/// it, the bounds rounded to `f32`.
#[cfg(feature = "range-f32")]
fn outside(n: Number, range: crate::Range) -> Option<f64> {
    let v = n.value_f32();
    (!(range.min as f32..=range.max as f32).contains(&v)).then_some(f64::from(v))
}
