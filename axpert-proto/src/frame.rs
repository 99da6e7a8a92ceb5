//! The wire frame (docs/protocols/axpert.md §1–§2).
//!
//! A request is `<command><CRC hi><CRC lo><CR>`; a response is
//! `(<payload><CRC hi><CRC lo><CR>`, its CRC covering the `(`. PI18 units
//! answer `^D<payload><CRC><CR>` instead; those frames are framed and
//! checked the same way and their payload is handed over raw.
//!
//! The CRC is always the two bytes before the terminator: CRC bytes may be
//! printable, so the payload end is never found by content.

use core::fmt;

use crate::{Error, crc, text::is_printable};

/// CR, the frame terminator.
pub const CR: u8 = 0x0D;
/// LF: some units end frames with CR LF, a few with LF alone.
pub const LF: u8 = 0x0A;

/// How a response frame starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Start {
    /// `(`, the PI30 family.
    Paren,
    /// `^D`, PI18 units.
    Caret,
}

impl Start {
    /// The start bytes on the wire.
    pub const fn bytes(self) -> &'static [u8] {
        match self {
            Start::Paren => b"(",
            Start::Caret => b"^D",
        }
    }
}

/// A response frame whose CRC has been checked; the payload borrows from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Frame<'a> {
    /// How the frame starts.
    pub start: Start,
    /// The bytes between the start and the CRC.
    pub payload: &'a [u8],
    /// The CRC bytes as received, or `None` for a bare `(ACK` / `(NAK`.
    pub crc: Option<[u8; 2]>,
}

impl<'a> Frame<'a> {
    /// Decodes one complete response frame, terminator included. CR, LF and
    /// NUL after the terminator (USB HID padding) are allowed; any other
    /// trailing byte is an error.
    ///
    /// The CRC is checked before anything else, so a corrupted frame reports
    /// the CRC it should have had.
    pub fn decode(bytes: &'a [u8]) -> Result<Self, Error> {
        let body = strip_terminator(bytes)?;
        Self::decode_body(body)
    }

    /// Decodes a frame whose terminator the caller has already removed.
    pub fn decode_body(body: &'a [u8]) -> Result<Self, Error> {
        let start = match body {
            [b'(', ..] => Start::Paren,
            [b'^', b'D', ..] => Start::Caret,
            [first, ..] => return Err(Error::StartByte { found: *first }),
            [] => return Err(Error::TooShort { len: 0 }),
        };
        let skip = start.bytes().len();
        let rest = body.get(skip..).unwrap_or_default();
        if start == Start::Paren && (rest == b"ACK" || rest == b"NAK") {
            // The document shows `(NAK<cr>` without CRC for several commands.
            return Ok(Frame {
                start,
                payload: rest,
                crc: None,
            });
        }
        let (covered, received) = check_crc(body, skip)?;
        let payload = covered.get(skip..).unwrap_or_default();
        check_printable(payload, skip)?;
        Ok(Frame {
            start,
            payload,
            crc: Some(received),
        })
    }
}

/// Decodes a request line (`QPIGS` + CRC + CR) and returns the command bytes.
///
/// LF and NUL after the CR are allowed, as are LF and NUL before the command
/// (padding left from a previous line).
pub fn decode_request(bytes: &[u8]) -> Result<&[u8], Error> {
    let lead = bytes
        .iter()
        .position(|&b| b != 0 && b != LF && b != CR)
        .unwrap_or(bytes.len());
    let body = strip_terminator(bytes.get(lead..).unwrap_or_default())?;
    decode_command(body).map_err(|e| shift(e, lead))
}

/// Checks and removes the CRC of a command line whose terminator is gone.
pub(crate) fn decode_command(body: &[u8]) -> Result<&[u8], Error> {
    let (command, _) = check_crc(body, 1)?;
    check_printable(command, 0)?;
    Ok(command)
}

/// Splits off the two CRC bytes, leaving at least `min` bytes before them,
/// and checks them against the CRC of what they follow.
fn check_crc(body: &[u8], min: usize) -> Result<(&[u8], [u8; 2]), Error> {
    let Some(split) = body.len().checked_sub(2).filter(|&s| s >= min) else {
        return Err(Error::TooShort { len: body.len() });
    };
    let (covered, crc_bytes) = body.split_at(split);
    let received = [
        crc_bytes.first().copied().unwrap_or(0),
        crc_bytes.get(1).copied().unwrap_or(0),
    ];
    if !crc::matches(covered, received) {
        return Err(Error::Crc {
            expected: u16::from_be_bytes(crc::wire(covered)),
            actual: u16::from_be_bytes(received),
        });
    }
    Ok((covered, received))
}

fn shift(e: Error, by: usize) -> Error {
    match e {
        Error::NotAscii { offset, byte } => Error::NotAscii {
            offset: offset + by,
            byte,
        },
        other => other,
    }
}

fn strip_terminator(bytes: &[u8]) -> Result<&[u8], Error> {
    let end = bytes
        .iter()
        .position(|&b| b == CR || b == LF)
        .ok_or(Error::Unterminated)?;
    if let Some(junk) = bytes
        .iter()
        .skip(end)
        .position(|&b| b != CR && b != LF && b != 0)
    {
        return Err(Error::Trailing { offset: end + junk });
    }
    Ok(bytes.get(..end).unwrap_or_default())
}

fn check_printable(bytes: &[u8], base: usize) -> Result<(), Error> {
    // Branch-free pass first (it vectorises); find the offender only on failure.
    if bytes.iter().fold(true, |ok, &b| ok & is_printable(b)) {
        return Ok(());
    }
    match bytes.iter().position(|&b| !is_printable(b)) {
        Some(i) => Err(Error::NotAscii {
            offset: base + i,
            byte: bytes.get(i).copied().unwrap_or(0),
        }),
        None => Ok(()),
    }
}

/// Writes into a caller's buffer and ends frames with their CRC and CR.
pub(crate) struct Writer<'a>(proto_core::Writer<'a>);

fn too_small(e: proto_core::TooSmall) -> Error {
    Error::BufferTooSmall { needed: e.needed }
}

impl<'a> Writer<'a> {
    pub(crate) fn new(buf: &'a mut [u8]) -> Self {
        Writer(proto_core::Writer::new(buf))
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    pub(crate) fn put(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.0.put(bytes).map_err(too_small)
    }

    /// Writes a value with `Display`.
    pub(crate) fn display(&mut self, value: impl fmt::Display) -> Result<(), Error> {
        self.0.display(value).map_err(too_small)
    }

    /// Appends the CRC of everything written so far, then CR; returns the frame length.
    pub(crate) fn finish(mut self) -> Result<usize, Error> {
        let crc = crc::wire(self.0.written());
        self.put(&crc)?;
        self.put(&[CR])?;
        Ok(self.0.len())
    }
}

/// Encodes a request frame for an arbitrary command string into `buf`.
pub fn encode_request(command: &[u8], buf: &mut [u8]) -> Result<usize, Error> {
    check_printable(command, 0)?;
    let mut w = Writer::new(buf);
    w.put(command)?;
    w.finish()
}

/// Encodes a response frame `(` + `payload` + CRC + CR into `buf`.
pub fn encode_response(payload: &[u8], buf: &mut [u8]) -> Result<usize, Error> {
    check_printable(payload, 1)?;
    let mut w = Writer::new(buf);
    w.put(b"(")?;
    w.put(payload)?;
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nak_and_ack_with_and_without_crc() {
        let f = Frame::decode(b"(NAKss\r").unwrap();
        assert_eq!((f.payload, f.crc), (&b"NAK"[..], Some(*b"ss")));
        let f = Frame::decode(b"(ACK9 \r").unwrap();
        assert_eq!((f.payload, f.crc), (&b"ACK"[..], Some(*b"9 ")));
        let f = Frame::decode(b"(NAK\r").unwrap();
        assert_eq!((f.payload, f.crc), (&b"NAK"[..], None));
        assert!(matches!(
            Frame::decode(b"(NAOss\r"),
            Err(Error::Crc { actual: 0x7373, .. })
        ));
    }

    #[test]
    fn terminators_and_padding() {
        assert!(Frame::decode(b"(NAKss\r\n").is_ok());
        assert!(Frame::decode(b"(NAKss\n").is_ok());
        assert!(Frame::decode(b"(B\xe7\xc9\r\0\0\0").is_ok());
        assert_eq!(Frame::decode(b"(NAKss"), Err(Error::Unterminated));
        assert_eq!(
            Frame::decode(b"(NAKss\rX"),
            Err(Error::Trailing { offset: 7 })
        );
    }

    #[test]
    fn start_and_length_errors() {
        assert_eq!(
            Frame::decode(b"QPIGS\xb7\xa9\r"),
            Err(Error::StartByte { found: b'Q' })
        );
        assert_eq!(Frame::decode(b"(A\r"), Err(Error::TooShort { len: 2 }));
        assert_eq!(Frame::decode(b"\r"), Err(Error::TooShort { len: 0 }));
    }

    #[test]
    fn crc_error_carries_both_values() {
        // QMOD reply of a PI16 fixture with a wrong CRC (captures row 54).
        assert_eq!(
            Frame::decode(b"(B\x9c\xaf\r"),
            Err(Error::Crc {
                expected: 0xE7C9,
                actual: 0x9CAF
            })
        );
    }

    #[test]
    fn request_round_trip() {
        let mut buf = [0u8; 16];
        let n = encode_request(b"QGMN", &mut buf).unwrap();
        assert_eq!(&buf[..n], b"QGMN\x49\x29\r");
        assert_eq!(decode_request(&buf[..n]).unwrap(), b"QGMN");
        assert_eq!(decode_request(b"\n\0QGMN\x49\x29\r\n").unwrap(), b"QGMN");
        assert!(matches!(
            decode_request(b"QGMN\x49\x28\r"),
            Err(Error::Crc { .. })
        ));
        assert_eq!(
            encode_request(b"QPIGS", &mut [0u8; 7]),
            Err(Error::BufferTooSmall { needed: 8 })
        );
    }

    #[test]
    fn response_round_trip() {
        let mut buf = [0u8; 16];
        let n = encode_response(b"NAK", &mut buf).unwrap();
        assert_eq!(&buf[..n], b"(NAKss\r");
    }
}
