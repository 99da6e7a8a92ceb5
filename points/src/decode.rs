//! Reading one point out of a reply.

use crate::value::{Number, Raw, Text};
use crate::{ByteOrder, Encoding, Kind, Origin, Point, PointError, Reply, Unit, Value, WordOrder};

/// Reply bytes per unit of a point's offset and length, in its encoding;
/// `None` where the unit means nothing there.
pub(crate) const fn unit_bytes(encoding: Encoding, unit: Unit) -> Option<usize> {
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
pub(crate) fn span(
    point: &Point<'_>,
    payload: usize,
    first: u16,
) -> Result<(usize, usize), PointError> {
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
///
/// The common points (one or two big-endian 16-bit words: Modbus
/// registers from their address, four ASCII-hex characters from the
/// payload) take a short path inlined into the caller; every other
/// point, and every point that cannot be read, takes the general one.
/// Both give the same values and errors. With the feature `small`, only
/// the general path is built, and `decode` is not forced inline: each
/// caller's frame then holds none of its locals (fp-points' stack 352 ->
/// 256 B, for 60 B of code).
#[cfg_attr(not(feature = "small"), inline(always))]
pub fn decode<'a>(point: &Point<'a>, reply: &Reply<'a>) -> Result<Value<'a>, PointError> {
    let (u, width) = match word(point, reply) {
        Some(word) => word,
        None => match read(point, reply)? {
            Read::Int { u, width } => (u, width),
            Read::Value(value) => return Ok(value),
        },
    };
    int_value(point, u, width)
}

/// What [`read`] found: an integer for [`int_value`] (one place for both
/// paths), or a value read whole (text, a decimal).
enum Read<'a> {
    /// An unsigned integer of `width` bytes (a width the point's kind
    /// takes), in the point's byte and word order.
    Int { u: u32, width: usize },
    /// The value.
    Value(Value<'a>),
}

/// The common points read in few steps: one or two big-endian 16-bit
/// words, as Modbus registers counted from their address or as four
/// ASCII-hex characters counted in bytes from the payload, of a number
/// or flag type that is that wide. Gives the unsigned integer in the
/// point's word order and its width in bytes, as [`read`] finds them;
/// `None` for any other point, and for any point [`read`] would refuse
/// (beyond the reply, a character that is not hex), which it then reads
/// and reports.
#[inline(always)]
fn word(point: &Point<'_>, reply: &Reply<'_>) -> Option<(u32, usize)> {
    let at = &point.at;
    // With `small`, firmware's choice of size over speed, only the
    // general path is built.
    if cfg!(feature = "small") || point.byte_order != ByteOrder::Big {
        return None;
    }
    let (u, width) = match point.encoding {
        Encoding::AsciiHex => {
            if (at.length, at.unit, at.origin) != (2, Unit::Byte, Origin::Payload) {
                return None;
            }
            let start = usize::try_from(at.offset)
                .ok()?
                .checked_mul(2)?
                .checked_add(reply.payload)?;
            let chars = reply.bytes.get(start..)?.first_chunk()?;
            (hex4(u32::from_be_bytes(*chars))?, 2)
        }
        Encoding::Registers | Encoding::Binary => {
            if (at.unit, at.origin) != (Unit::Register, Origin::Address) {
                return None;
            }
            let units = at.offset.checked_sub(u32::from(reply.first_register))?;
            let start = usize::try_from(units)
                .ok()?
                .checked_mul(2)?
                .checked_add(reply.payload)?;
            let rest = reply.bytes.get(start..)?;
            match (at.length, point.word_order) {
                (1, _) => (u32::from(u16::from_be_bytes(*rest.first_chunk()?)), 2),
                (2, WordOrder::HighFirst) => (u32::from_be_bytes(*rest.first_chunk()?), 4),
                (2, WordOrder::LowFirst) => {
                    (u32::from_be_bytes(*rest.first_chunk()?).rotate_left(16), 4)
                }
                _ => return None,
            }
        }
        Encoding::AsciiDecimal => return None,
    };
    fits(point.kind, width).then_some((u, width))
}

/// Four ASCII-hex characters, the first in the high byte, as the 16-bit
/// number they write; `None` if one is not a hex digit. Each byte is
/// range-checked at once (no byte is 0x80 or above, so no sum carries
/// into the next byte).
#[inline(always)]
fn hex4(chars: u32) -> Option<u32> {
    const EACH: u32 = 0x0101_0101;
    const HIGH: u32 = 0x80 * EACH;
    if chars & HIGH != 0 {
        return None;
    }
    // The high bit of each byte: set where it is at least '0' and not
    // above '9'; with bit 5 cleared (a-f as A-F), at least 'A' and not
    // above 'F'.
    let digit = (chars + 0x50 * EACH) & !(chars + 0x46 * EACH);
    let upper = chars & (0xDF * EACH);
    let letter = (upper + 0x3F * EACH) & !(upper + 0x39 * EACH);
    if (digit | letter) & HIGH != HIGH {
        return None;
    }
    // '0'-'9' end in 0-9, 'A'-'F' and 'a'-'f' in 1-6: add 9 to letters.
    let nibbles = (chars & (0x0F * EACH)) + ((letter >> 7) & EACH) * 9;
    let pairs = nibbles | (nibbles >> 4);
    Some(((pairs >> 8) & 0xFF00) | (pairs & 0xFF))
}

/// Reads `point` out of `reply`, any point.
#[inline(never)]
fn read<'a>(point: &Point<'a>, reply: &Reply<'a>) -> Result<Read<'a>, PointError> {
    let (start, len) = span(point, reply.payload, reply.first_register)?;
    let end = start.saturating_add(len);
    let raw = reply.bytes.get(start..end).ok_or(PointError::Missing {
        end,
        len: reply.bytes.len(),
    })?;
    let (be, width) = match (point.encoding, point.kind) {
        (Encoding::AsciiDecimal, _) => return from_decimal(point, raw, start).map(Read::Value),
        (Encoding::AsciiHex, kind) => {
            // Checked and read in one pass; every character is checked
            // before the width, so a bad character is reported first.
            let be = hex(raw).map_err(|(i, found)| PointError::NotHex {
                at: start + i,
                found,
            })?;
            if let Kind::Text = kind {
                if !raw.len().is_multiple_of(2) {
                    return Err(PointError::Width {
                        kind: "text",
                        bytes: raw.len(),
                    });
                }
                return Ok(Read::Value(Value::Text(Text::hex(raw))));
            }
            let width = raw.len().div_ceil(2);
            if width > 4 {
                return Err(PointError::Width {
                    kind: kind.name(),
                    bytes: width,
                });
            }
            (be, width)
        }
        (Encoding::Binary | Encoding::Registers, Kind::Text) => {
            return Ok(Read::Value(Value::Text(Text::plain(raw))));
        }
        // Past 4 bytes the width check refuses the point before the (then
        // truncated) integer is used.
        (Encoding::Binary | Encoding::Registers, _) => (
            raw.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)),
            raw.len(),
        ),
    };
    let u = ordered(point, be, width)?;
    Ok(Read::Int { u, width })
}

/// The hex characters as one big-endian integer (an odd count has a
/// leading zero nibble; past 8 characters the first ones are shifted
/// out), or the first character that is not a hex digit and its index.
fn hex(chars: &[u8]) -> Result<u32, (usize, u8)> {
    let mut acc: u32 = 0;
    for (i, &c) in chars.iter().enumerate() {
        let digit = c.wrapping_sub(b'0');
        // `| 0x20` folds 'A'..='F' onto 'a'..='f' and nothing else onto them.
        let letter = (c | 0x20).wrapping_sub(b'a');
        let nibble = if digit < 10 {
            digit
        } else if letter < 6 {
            letter + 10
        } else {
            return Err((i, c));
        };
        acc = (acc << 4) | u32::from(nibble);
    }
    Ok(acc)
}

/// Whether a number or flag of `kind` can be `width` value bytes long:
/// what [`Kind::widths`] says, without the search. `false` for text
/// (any width), which the callers read before numbers.
pub(crate) const fn fits(kind: Kind<'_>, width: usize) -> bool {
    match kind {
        Kind::U8 => width == 1,
        Kind::U16 | Kind::I16 => width == 2,
        Kind::U32 | Kind::I32 | Kind::F32 => width == 4,
        Kind::Bool | Kind::Bits { .. } | Kind::Enum(_) => matches!(width, 1 | 2 | 4),
        Kind::Text => false,
    }
}

/// An integer of `width` value bytes that reads `be` high byte first,
/// its bytes put in the point's byte and word order, if the point's kind
/// is that wide.
fn ordered(point: &Point<'_>, be: u32, width: usize) -> Result<u32, PointError> {
    let width_error = PointError::Width {
        kind: point.kind.name(),
        bytes: width,
    };
    if !fits(point.kind, width) {
        return Err(width_error);
    }
    let word = |w: u32| match point.byte_order {
        ByteOrder::Big => w,
        ByteOrder::Little => u32::from((w as u16).swap_bytes()),
    };
    let u = match width {
        1 => be,
        2 => word(be),
        4 => {
            let (w0, w1) = (word(be >> 16), word(be & 0xFFFF));
            match point.word_order {
                WordOrder::HighFirst => (w0 << 16) | w1,
                WordOrder::LowFirst => (w1 << 16) | w0,
            }
        }
        _ => return Err(width_error),
    };
    Ok(u)
}

/// The value of the unsigned integer `u` of `width` bytes (a width the
/// point's kind takes), in the point's kind, range-checked: where both
/// paths end. Inlined, so that the value is built where the caller
/// keeps it.
#[inline(always)]
fn int_value<'a>(point: &Point<'a>, u: u32, width: usize) -> Result<Value<'a>, PointError> {
    if point.not_available == Some(u) {
        return Ok(Value::NotAvailable);
    }
    let number = |raw| Number {
        raw,
        offset: point.value_offset,
        scale: point.scale,
    };
    let raw = match point.kind {
        Kind::U8 | Kind::U16 | Kind::U32 => Raw::Int(i64::from(u)),
        Kind::I16 => Raw::Int(i64::from(u as u16 as i16)),
        Kind::I32 => Raw::Int(i64::from(u as i32)),
        Kind::F32 => Raw::Float(f32::from_bits(u)),
        Kind::Bool => return Ok(Value::Bool(u != 0)),
        Kind::Bits { first, last } => return bits(point, u, first, last, width * 8),
        Kind::Enum(labels) => {
            return Ok(Value::Enum {
                raw: u,
                label: labels.iter().find(|l| l.raw == u).map(|l| l.text),
            });
        }
        // Text, whose widths are any (the callers read text before
        // numbers).
        Kind::Text => {
            return Err(PointError::Width {
                kind: "text",
                bytes: width,
            });
        }
    };
    match point.range {
        None => Ok(Value::Number(number(raw))),
        Some(_) => ranged(point, number(raw)),
    }
}

fn bits<'a>(
    point: &Point<'a>,
    u: u32,
    first: u8,
    last: u8,
    width: usize,
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
    if first == last {
        return Ok(Value::Bool(v != 0));
    }
    ranged(
        point,
        Number {
            raw: Raw::Int(i64::from(v)),
            offset: point.value_offset,
            scale: point.scale,
        },
    )
}

/// Reads decimal text such as ` -12.50 `, range-checked.
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
        Kind::Bits { first, last } => return bits(point, as_u32()?, first, last, 32),
        _ => {
            return ranged(
                point,
                Number {
                    raw: Raw::Decimal { digits, exp },
                    offset: point.value_offset,
                    scale: point.scale,
                },
            );
        }
    })
}

/// `n` as a value, or the error if it lies outside the point's range.
#[inline(never)]
fn ranged<'a>(point: &Point<'_>, n: Number) -> Result<Value<'a>, PointError> {
    if let Some(range) = point.range
        && let Some(value) = outside(n, range)
    {
        return Err(PointError::OutOfRange {
            value,
            min: range.min,
            max: range.max,
        });
    }
    Ok(Value::Number(n))
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
