//! One SLCAN line, both ways.
//!
//! Lines end with CR: `t` + 3 hex ID + DLC + data hex is a standard frame,
//! `T` + 8 hex ID an extended one, `r`/`R` remote frames; `Sn` sets the bit
//! rate, `O` opens, `C` closes, `V`/`N` ask version and serial. The adapter
//! answers a command with CR, or BEL when it refuses it, and a transmitted
//! frame with `z`/`Z`. Hex is accepted in either case (python-can sends
//! lower-case data) and written upper-case.

use proto_core::hex::{self, Case, Reader, swar};
use proto_core::{CanFrame, Writer};

use crate::Error;

/// What one SLCAN line says, decoded: a CAN frame, an acknowledgement, a
/// refusal or another line. (The serial format the lines travel in is
/// [`LINE`](crate::LINE), a [`proto_core::Line`].)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Message<'a> {
    /// A CAN frame (`t`, `T`, `r`, `R`).
    Frame(CanFrame),
    /// An adapter's acknowledgement of a transmitted frame (`z`, `Z`).
    Sent,
    /// The adapter's acknowledgement of a command: a bare CR.
    Ack,
    /// The adapter's refusal, BEL.
    Refused,
    /// Any other line: a command to an adapter (`S6`, `O`, `C`, `V`) or an
    /// adapter's answer (`V1013`, `N1234`).
    Other(&'a [u8]),
}

/// A bad or missing hex digit is a line error at its offset.
fn at(e: hex::Error) -> Error {
    Error::Line { offset: e.offset }
}

/// Decodes one line (CR removed) into its [`Message`]; an empty line is
/// [`Message::Ack`].
pub fn decode_line(line: &[u8]) -> Result<Message<'_>, Error> {
    if let Some(frame) = fast_frame(line) {
        return Ok(Message::Frame(frame));
    }
    decode_line_checked(line)
}

/// A frame line (`t`, `T`, `r`, `R`) that is right, decoded eight digits at
/// a time; `None` for every other line and for one with any fault, which
/// [`decode_line_checked`] then reads digit by digit to name the fault
/// (and always `None` with proto-core's `small`, the fast path compiled
/// out). Each of its characters after the first must be a hex digit, so
/// all are checked together first.
#[inline]
pub(crate) fn fast_frame(line: &[u8]) -> Option<CanFrame> {
    if !swar::FAST {
        return None;
    }
    let (idlen, remote) = match line.first()? {
        b't' => (3, false),
        b'T' => (8, false),
        b'r' => (3, true),
        b'R' => (8, true),
        _ => return None,
    };
    // The length the DLC gives: the data from `start`, two digits a byte,
    // then nothing or a 4-digit timestamp. At most 30 characters.
    let dlc = usize::from(hex::digit(*line.get(1 + idlen)?, Case::Any)?);
    let n = if remote { 0 } else { dlc };
    let start = 2 + idlen;
    let end = start + 2 * n;
    let len = line.len();
    if dlc > 8 || !matches!(len.checked_sub(end)?, 0 | 4) {
        return None;
    }
    // Every character after the kind, in words from offset 1 and one that
    // ends the line. Lines under 9 characters take the slow path.
    let head = word(line, 1)?;
    let mut ok = digits(head) & digits(word(line, len.checked_sub(8)?)?);
    if len > 17 {
        ok &= word(line, 9).is_some_and(digits);
    }
    if len > 25 {
        ok &= word(line, 17).is_some_and(digits);
    }
    if !ok {
        return None;
    }
    // The identifier's digits lead the first word.
    let head = swar::value(head);
    let id = if idlen == 3 { head >> 20 } else { head };
    let fits = if idlen == 3 {
        id <= 0x7FF
    } else {
        id <= 0x1FFF_FFFF
    };
    if !fits {
        return None;
    }
    // Windows of eight digits (four bytes) that start at the data or end
    // with it, placed big-endian; each starts at an offset of the data's
    // parity, so its pairs are bytes. Under four bytes, the window ending
    // with the data starts in the identifier (or before the line for a `t`
    // line of one byte, which takes the slow path).
    let data = match n {
        0 => 0,
        1..=3 => bytes(word(line, end.checked_sub(8)?)?) << (64 - 8 * n),
        _ => (bytes(word(line, start)?) << 32) | (bytes(word(line, end - 8)?) << (8 * (8 - n))),
    };
    Some(CanFrame {
        id,
        extended: idlen == 8,
        remote,
        data: data.to_be_bytes(),
        len: dlc as u8,
    })
}

/// The eight characters of `line` at `at` (`None` past it).
#[inline(always)]
fn word(line: &[u8], at: usize) -> Option<u64> {
    swar::word::<8>(line, at)
}

/// Whether eight characters are all hex digits, either case.
#[inline(always)]
fn digits(x: u64) -> bool {
    swar::all_digits(x, Case::Any)
}

/// Eight hex digits (checked) as four bytes, the first the high one.
#[inline(always)]
fn bytes(x: u64) -> u64 {
    u64::from(swar::value(x))
}

/// [`decode_line`] digit by digit, naming the first fault.
fn decode_line_checked(line: &[u8]) -> Result<Message<'_>, Error> {
    let (idlen, remote) = match line.first() {
        Some(b't') => (3, false),
        Some(b'T') => (8, false),
        Some(b'r') => (3, true),
        Some(b'R') => (8, true),
        Some(b'z' | b'Z') if line.len() == 1 => return Ok(Message::Sent),
        Some(0x07) => return Ok(Message::Refused),
        None => return Ok(Message::Ack),
        _ => return Ok(Message::Other(line)),
    };
    let mut r = Reader::new(line, Case::Any);
    r.byte();
    let id = r.field(idlen).map_err(at)?;
    let fits = if idlen == 3 {
        id <= 0x7FF
    } else {
        id <= 0x1FFF_FFFF
    };
    if !fits {
        return Err(Error::Line { offset: 1 });
    }
    let dlc = r.field(1).map_err(at)? as usize;
    if dlc > 8 {
        return Err(Error::Line { offset: 1 + idlen });
    }
    let mut data = [0u8; 8];
    let n = if remote { 0 } else { dlc };
    r.bytes(data.get_mut(..n).unwrap_or_default()).map_err(at)?;
    // Anything after the data must be a 4-digit timestamp (Z1 mode).
    match r.rest().len() {
        0 => {}
        4 => {
            r.u16().map_err(at)?;
        }
        _ => return Err(Error::Line { offset: r.offset() }),
    }
    Ok(Message::Frame(CanFrame {
        id,
        extended: idlen == 8,
        remote,
        data,
        len: dlc as u8,
    }))
}

/// Writes `frame` as an SLCAN line (CR included); returns its length. A
/// frame whose identifier does not fit its kind, or with a DLC over 8, is
/// refused.
pub fn encode_frame(frame: &CanFrame, buf: &mut [u8]) -> Result<usize, Error> {
    if frame.can_id().is_none() || frame.len > 8 {
        return Err(Error::Frame { id: frame.id });
    }
    let mut w = Writer::new(buf);
    let small = |_| Error::BufferTooSmall;
    let (kind, digits) = match (frame.extended, frame.remote) {
        (false, false) => (b't', 3),
        (false, true) => (b'r', 3),
        (true, false) => (b'T', 8),
        (true, true) => (b'R', 8),
    };
    w.put(&[kind]).map_err(small)?;
    w.hex(frame.id, digits).map_err(small)?;
    w.hex(u32::from(frame.len), 1).map_err(small)?;
    for &b in frame.bytes() {
        w.hex(u32::from(b), 2).map_err(small)?;
    }
    w.put(b"\r").map_err(small)?;
    Ok(w.len())
}

/// The bit-rate command digit of `bitrate` (`S6` for 500 kbit/s).
pub fn bitrate_code(bitrate: u32) -> Option<u8> {
    Some(match bitrate {
        10_000 => b'0',
        20_000 => b'1',
        50_000 => b'2',
        100_000 => b'3',
        125_000 => b'4',
        250_000 => b'5',
        500_000 => b'6',
        800_000 => b'7',
        1_000_000 => b'8',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_both_ways() {
        let f = CanFrame::new(0x356, &[0x7A, 0x13, 0xF2, 0xFE, 0x6B, 0x01]);
        let mut buf = [0u8; 32];
        let n = encode_frame(&f, &mut buf).unwrap();
        assert_eq!(&buf[..n], b"t35667A13F2FE6B01\r");
        assert_eq!(decode_line(&buf[..n - 1]).unwrap(), Message::Frame(f));
        // Lower-case hex (python-can's data) and a timestamp are accepted.
        assert_eq!(
            decode_line(b"t35667a13f2fe6b01").unwrap(),
            Message::Frame(f)
        );
        assert_eq!(
            decode_line(b"t35667A13F2FE6B011A2B").unwrap(),
            Message::Frame(f)
        );
        let ext = CanFrame::new_extended(0x18FF50E5, &[1, 2]);
        let n = encode_frame(&ext, &mut buf).unwrap();
        assert_eq!(&buf[..n], b"T18FF50E520102\r");
        let remote = CanFrame {
            remote: true,
            len: 8,
            ..CanFrame::new(0x305, &[])
        };
        let n = encode_frame(&remote, &mut buf).unwrap();
        assert_eq!(&buf[..n], b"r3058\r");
        assert_eq!(decode_line(b"r3058").unwrap(), Message::Frame(remote));
        assert_eq!(
            encode_frame(&CanFrame::new(0x356, &[1]), &mut buf[..4]),
            Err(Error::BufferTooSmall)
        );
        let bad = CanFrame {
            id: 0x800,
            ..CanFrame::new(0, &[])
        };
        assert_eq!(
            encode_frame(&bad, &mut buf),
            Err(Error::Frame { id: 0x800 })
        );
    }

    /// Every frame line the fast path decodes, it decodes as the checked
    /// reader does: kinds, lengths, cases, time stamps, and each character
    /// replaced by every byte.
    #[test]
    #[cfg_attr(
        miri,
        ignore = "about 900,000 lines: minutes under miri; the plain test run covers it"
    )]
    fn the_fast_path_agrees_with_the_checked_reader() {
        extern crate std;
        let mut fast = 0;
        for (kind, id) in [
            (b't', 0x7A5),
            (b'r', 0x123),
            (b'T', 0x1ABC_DEF0),
            (b'R', 0x0345_6789),
        ] {
            for dlc in 0..=8u8 {
                let remote = kind == b'r' || kind == b'R';
                let mut data = [0x0F, 0xA1, 0x5E, 0x70, 0xC3, 0x9B, 0x28, 0xD4];
                data[if remote { 0 } else { usize::from(dlc) }..].fill(0);
                let f = CanFrame {
                    id,
                    extended: kind.is_ascii_uppercase(),
                    remote,
                    data,
                    len: dlc,
                };
                let mut buf = [0u8; 32];
                let n = encode_frame(&f, &mut buf).unwrap() - 1;
                for stamp in [&b""[..], b"1a2B"] {
                    let mut line = std::vec::Vec::from(&buf[..n]);
                    line.extend_from_slice(stamp);
                    let lower = line.to_ascii_lowercase();
                    line[0] = kind;
                    for l in [line.clone(), [&[kind][..], &lower[1..]].concat()] {
                        if let Some(got) = fast_frame(&l) {
                            assert_eq!(Message::Frame(got), Message::Frame(f), "{l:?}");
                            fast += 1;
                        }
                        for at in 1..l.len() {
                            let mut m = l.clone();
                            for c in 0..=255u8 {
                                m[at] = c;
                                if let Some(got) = fast_frame(&m) {
                                    assert_eq!(
                                        decode_line_checked(&m),
                                        Ok(Message::Frame(got)),
                                        "{m:?}"
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(
            fast > 0,
            swar::FAST,
            "the fast path is taken unless `small`"
        );
    }

    #[test]
    fn other_lines_and_errors() {
        assert_eq!(decode_line(b"z").unwrap(), Message::Sent);
        assert_eq!(decode_line(b"").unwrap(), Message::Ack);
        assert_eq!(decode_line(b"S6").unwrap(), Message::Other(b"S6"));
        assert_eq!(decode_line(b"t35"), Err(Error::Line { offset: 3 }));
        assert_eq!(decode_line(b"t3569"), Err(Error::Line { offset: 4 }));
        assert_eq!(decode_line(b"t356201"), Err(Error::Line { offset: 7 }));
        assert_eq!(decode_line(b"tG5600"), Err(Error::Line { offset: 1 }));
        assert_eq!(
            decode_line(b"t8000"),
            Err(Error::Line { offset: 1 }),
            "id above 0x7FF"
        );
    }
}
