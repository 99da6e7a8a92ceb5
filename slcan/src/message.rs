//! One SLCAN line, both ways.
//!
//! Lines end with CR: `t` + 3 hex ID + DLC + data hex is a standard frame,
//! `T` + 8 hex ID an extended one, `r`/`R` remote frames; `Sn` sets the bit
//! rate, `O` opens, `C` closes, `V`/`N` ask version and serial. The adapter
//! answers a command with CR, or BEL when it refuses it, and a transmitted
//! frame with `z`/`Z`. Hex is accepted in either case (python-can sends
//! lower-case data) and written upper-case.

use proto_core::hex::{self, Case, Reader};
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

/// `0x01` in every byte of a word.
const LO: u64 = 0x0101_0101_0101_0101;
/// The high bit of every byte.
const HI: u64 = LO * 0x80;

/// Eight characters as a word, the first in the low byte; `None` past the
/// line.
#[inline]
fn load(line: &[u8], at: usize) -> Option<u64> {
    let b = line.get(at..at.checked_add(8)?)?;
    Some(u64::from_le_bytes(b.try_into().ok()?))
}

/// The high bit of each byte of `x` set where that byte is a hex digit of
/// either case (`0`-`9`, `A`-`F`, `a`-`f`). Per byte, on its low 7 bits,
/// so no sum carries into the next byte: `b + (0x80 - lo)` has its high
/// bit set when `b >= lo`, `b + (0x7F - hi)` when `b > hi`.
#[inline]
fn hex_mask(x: u64) -> u64 {
    let low = x & !HI;
    let digit = (low + LO * 0x50) & !(low + LO * 0x46);
    let folded = low | (LO * 0x20);
    let letter = (folded + LO * 0x1F) & !(folded + LO * 0x19);
    (digit | letter) & !x & HI
}

/// The nibbles of eight hex digits (checked by [`hex_mask`]), a byte each.
#[inline]
fn nibbles(x: u64) -> u64 {
    // `0`-`9` are 0x30-0x39, `A`-`F` 0x41-0x46 and `a`-`f` 0x61-0x66: the
    // low four bits, plus 9 for a letter (bit 6 set).
    (x & (LO * 0x0F)) + ((x >> 6) & LO) * 9
}

/// Eight hex digits (checked) as four bytes, the first two digits the
/// first byte, in the low bits.
#[inline]
fn pack(x: u64) -> u32 {
    let n = nibbles(x);
    let pairs = ((n << 4) | (n >> 8)) & 0x00FF_00FF_00FF_00FF;
    let quads = (pairs | (pairs >> 8)) & 0x0000_FFFF_0000_FFFF;
    (quads | (quads >> 16)) as u32
}

/// A frame line (`t`, `T`, `r`, `R`) that is right, decoded eight digits at
/// a time; `None` for every other line and for one with any fault, which
/// [`decode_line_checked`] then reads digit by digit to name the fault.
/// Each of its characters after the first must be a hex digit, so all are
/// checked together first.
#[inline]
pub(crate) fn fast_frame(line: &[u8]) -> Option<CanFrame> {
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
    let mut ok = hex_mask(load(line, 1)?) & hex_mask(load(line, len.checked_sub(8)?)?);
    if len > 17 {
        ok &= load(line, 9).map_or(0, hex_mask);
    }
    if len > 25 {
        ok &= load(line, 17).map_or(0, hex_mask);
    }
    if ok != HI {
        return None;
    }
    let head = nibbles(load(line, 1)?);
    let id = if idlen == 3 {
        (((head & 0xF) << 8) | ((head >> 4) & 0xF0) | ((head >> 16) & 0xF)) as u32
    } else {
        pack(load(line, 1)?).swap_bytes()
    };
    let fits = if idlen == 3 {
        id <= 0x7FF
    } else {
        id <= 0x1FFF_FFFF
    };
    if !fits {
        return None;
    }
    // Windows of eight digits that start at the data or end with it;
    // each starts at an offset of the data's parity, so its pairs are
    // bytes. Under four bytes, the window ending with the data starts in
    // the identifier (or before the line for a `t` line of one byte, which
    // takes the slow path).
    let data = match n {
        0 => 0,
        1..=3 => u64::from(pack(load(line, end.checked_sub(8)?)?) >> (8 * (4 - n))),
        _ => {
            u64::from(pack(load(line, start)?))
                | u64::from(pack(load(line, end - 8)?)) << (8 * (n - 4))
        }
    };
    Some(CanFrame {
        id,
        extended: idlen == 8,
        remote,
        data: data.to_le_bytes(),
        len: dlc as u8,
    })
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
