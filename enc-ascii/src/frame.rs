//! The wire frame (docs/protocols/enc.md §2–§3).
//!
//! `~`, then upper-case hex: address (2), command or response code (2),
//! auxiliary index or fault index (2), command index (2), optional data (4),
//! checksum (4); then CR. The checksum is the plain sum of the ASCII codes
//! from the first address character through the last data character.
//!
//! A drive's error reply (code 20) leaves out the index and data areas; its
//! exact length is not in any manual, so frames of 10 bytes (address, code,
//! checksum) and 12 bytes (with the fault index) are accepted too.

use proto_core::Writer;
use proto_core::hex::{self, Case, Reader, swar};

use crate::Error;

/// Start byte.
pub const START: u8 = b'~';
/// Terminator.
pub const CR: u8 = 0x0D;
/// The longest frame, in bytes: `~`, 16 hex characters, CR.
pub const MAX_LEN: usize = 18;

/// The plain sum of the ASCII codes of `chars` ([`hex::sum_ascii`]).
pub fn checksum(chars: &[u8]) -> u16 {
    hex::sum_ascii(chars)
}

/// What follows the address and the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Body {
    /// Nothing: a 10-byte error reply.
    Bare,
    /// Only the fault index: a 12-byte error reply.
    Fault(u8),
    /// The full layout: a 14-byte frame, or 18 bytes with data.
    Indexed {
        /// Auxiliary index (request) or fault index (response).
        aux: u8,
        /// Command index (echoed in responses).
        index: u8,
        /// Set or run data.
        data: Option<u16>,
    },
}

/// The fields of a frame, request or response, as numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Frame {
    /// Address (hex on the wire).
    pub address: u8,
    /// Command code (request) or response code (response), as the two hex
    /// digits read: `0A` is 0x0A, `20` is 0x20.
    pub code: u8,
    /// The rest.
    pub body: Body,
}

impl Frame {
    /// Decodes one whole frame, `~` through CR.
    pub fn decode(bytes: &[u8]) -> Result<Frame, Error> {
        match bytes.split_last() {
            Some((&CR, body)) => Frame::decode_body(body),
            Some(_) if bytes.len() > MAX_LEN => Err(Error::Length { len: bytes.len() }),
            _ => Err(Error::Unterminated),
        }
    }

    /// Decodes a frame whose CR the caller has removed (as the framer
    /// hands them over): `~` and the hex characters.
    ///
    /// Checks in order, so each fault is reported where it is: the start
    /// byte, every character (lower case, non-ASCII, not hex), the length,
    /// then the checksum.
    pub fn decode_body(body: &[u8]) -> Result<Frame, Error> {
        match Frame::decode_words(body) {
            Some(frame) => frame,
            None => Frame::decode_checked(body),
        }
    }

    /// [`decode_body`](Self::decode_body) a character at a time, each
    /// check in its order.
    fn decode_checked(body: &[u8]) -> Result<Frame, Error> {
        let mut r = Reader::new(body, Case::Upper);
        match r.byte() {
            Some(START) => {}
            Some(found) => return Err(Error::StartByte { found }),
            None => return Err(Error::Length { len: 1 }),
        }
        r.check()?;
        let n = r.rest().len();
        if !matches!(n, 8 | 10 | 12 | 16) {
            return Err(Error::Length { len: n + 2 });
        }
        let expected = checksum(r.rest().get(..n - 4).unwrap_or_default());
        let (address, code) = (r.u8()?, r.u8()?);
        let body = match n {
            8 => Body::Bare,
            10 => Body::Fault(r.u8()?),
            _ => Body::Indexed {
                aux: r.u8()?,
                index: r.u8()?,
                data: if n == 16 { Some(r.u16()?) } else { None },
            },
        };
        let actual = r.u16()?;
        if expected != actual {
            return Err(Error::Checksum { expected, actual });
        }
        Ok(Frame {
            address,
            code,
            body,
        })
    }

    /// The common case, a word at a time: `~` and 8, 10, 12 or 16 upper-case
    /// hex digits, read as the first eight and the last eight (which
    /// overlap unless there are 16). The frame, or its checksum error; `None`
    /// for anything else (and always with the feature `small`), which the
    /// checked path then reports where it is. Its results are the checked
    /// path's (`tests::the_word_path_agrees_with_the_checked_one`).
    #[inline]
    fn decode_words(body: &[u8]) -> Option<Result<Frame, Error>> {
        let (&START, hex) = body.split_first()? else {
            return None;
        };
        let n = hex.len();
        if !matches!(n, 8 | 10 | 12 | 16) {
            return None;
        }
        let first = swar::word::<8>(hex, 0)?;
        let last = swar::word::<8>(hex, n - 8)?;
        if !(swar::all_digits(first, Case::Upper) && swar::all_digits(last, Case::Upper)) {
            return None;
        }
        // Address, code, then aux and index (n >= 12); the checksum last,
        // after the data (n = 16) or the fault index (n = 10).
        let [address, code, aux, index] = swar::value(first).to_be_bytes();
        let [before_hi, before_lo, sum_hi, sum_lo] = swar::value(last).to_be_bytes();
        let body = match n {
            8 => Body::Bare,
            10 => Body::Fault(before_lo),
            12 => Body::Indexed {
                aux,
                index,
                data: None,
            },
            _ => Body::Indexed {
                aux,
                index,
                data: Some(u16::from_be_bytes([before_hi, before_lo])),
            },
        };
        // The checksum's characters: the first eight's first n - 4, and
        // with 16 digits the data's four, the last eight's first half.
        let head = first >> (8 * (12 - n.min(12)));
        let data = if n == 16 { last >> 32 } else { 0 };
        let expected = swar::byte_sum(head).wrapping_add(swar::byte_sum(data));
        let actual = u16::from_be_bytes([sum_hi, sum_lo]);
        if expected != actual {
            return Some(Err(Error::Checksum { expected, actual }));
        }
        Some(Ok(Frame {
            address,
            code,
            body,
        }))
    }

    /// Writes the frame, checksum and CR included, into `buf`; returns its length.
    pub fn encode(&self, buf: &mut [u8]) -> Result<usize, Error> {
        let mut w = Writer::new(buf);
        w.put(&[START])?;
        w.hex_u8(self.address)?;
        w.hex_u8(self.code)?;
        match self.body {
            Body::Bare => {}
            Body::Fault(f) => w.hex_u8(f)?,
            Body::Indexed { aux, index, data } => {
                w.hex_u8(aux)?;
                w.hex_u8(index)?;
                if let Some(d) = data {
                    w.hex_u16(d)?;
                }
            }
        }
        let sum = checksum(w.written().get(1..).unwrap_or_default());
        w.hex_u16(sum)?;
        w.put(&[CR])?;
        Ok(w.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte value at every offset of frames of each length, and each
    /// frame cut short: the word path gives the checked path's result
    /// whenever it gives one, and takes every valid frame.
    #[test]
    #[cfg_attr(miri, ignore = "exhaustive; too slow under miri")]
    fn the_word_path_agrees_with_the_checked_one() {
        let frames: [&[u8]; 5] = [
            b"~010C00010FA0027C",
            b"~0100000113880256",
            b"~010A00000192",
            b"~0120030126",
            b"~012000C3",
        ];
        let mut taken = 0;
        for frame in frames {
            assert!(Frame::decode_checked(frame).is_ok());
            if swar::FAST {
                assert_eq!(
                    Frame::decode_words(frame),
                    Some(Frame::decode_checked(frame))
                );
            }
            for at in 0..frame.len() {
                let mut f = frame.to_vec();
                for b in 0..=255 {
                    f[at] = b;
                    if let Some(r) = Frame::decode_words(&f) {
                        assert_eq!(r, Frame::decode_checked(&f), "{f:02x?}");
                        taken += 1;
                    }
                }
                let cut = &frame[..at];
                if let Some(r) = Frame::decode_words(cut) {
                    assert_eq!(r, Frame::decode_checked(cut), "{cut:02x?}");
                }
            }
        }
        assert!(taken > 0 || !swar::FAST);
    }

    /// `frame` encodes to `wire` (CR appended) and decodes back.
    fn check(frame: Frame, wire: &str) {
        let mut buf = [0u8; MAX_LEN];
        let n = frame.encode(&mut buf).unwrap();
        let mut want = wire.as_bytes().to_vec();
        want.push(CR);
        assert_eq!(&buf[..n], &want[..], "{frame:?}");
        assert_eq!(Frame::decode(&want).unwrap(), frame);
    }

    fn req(code: u8, aux: u8, index: u8, data: Option<u16>) -> Frame {
        Frame {
            address: 1,
            code,
            body: Body::Indexed { aux, index, data },
        }
    }

    /// The worked checksums of docs/protocols/enc.md §3.
    #[test]
    fn the_worked_checksums() {
        assert_eq!(checksum(b"010A0000"), 0x192);
        assert_eq!(checksum(b"010B000A"), 0x1A4);
        assert_eq!(checksum(b"010C00010FA0"), 0x27C);
        check(req(0x0A, 0, 0, None), "~010A00000192");
        check(req(0x0B, 0, 0x0A, None), "~010B000A01A4");
        check(req(0x0C, 0, 1, Some(4000)), "~010C00010FA0027C");
    }

    #[test]
    fn synthetic_replies_and_short_error_frames() {
        // Synthetic (built from the rules, not observed on a drive).
        check(
            Frame {
                address: 1,
                code: 0x00,
                body: Body::Indexed {
                    aux: 0,
                    index: 1,
                    data: Some(5000),
                },
            },
            "~0100000113880256",
        );
        let bare = Frame {
            address: 1,
            code: 0x20,
            body: Body::Bare,
        };
        let mut buf = [0u8; MAX_LEN];
        let n = bare.encode(&mut buf).unwrap();
        assert_eq!(n, 10);
        assert_eq!(Frame::decode(&buf[..n]).unwrap(), bare);
        let with_fault = Frame {
            address: 1,
            code: 0x20,
            body: Body::Fault(0x10),
        };
        let n = with_fault.encode(&mut buf).unwrap();
        assert_eq!(n, 12);
        assert_eq!(Frame::decode(&buf[..n]).unwrap(), with_fault);
    }

    #[test]
    fn each_fault_is_its_own_error_with_its_place() {
        assert_eq!(
            Frame::decode(b"~010a00000192\r"),
            Err(Error::LowerCase {
                offset: 4,
                byte: b'a'
            })
        );
        assert_eq!(
            Frame::decode(b"~010A0\xe900192\r"),
            Err(Error::NotAscii {
                offset: 6,
                byte: 0xE9
            })
        );
        assert_eq!(
            Frame::decode(b"~010A0G000192\r"),
            Err(Error::NotHex {
                offset: 6,
                byte: b'G'
            })
        );
        assert_eq!(
            Frame::decode(b"~010A000000192\r"),
            Err(Error::Length { len: 15 })
        );
        assert_eq!(
            Frame::decode(b"~010A00000193\r"),
            Err(Error::Checksum {
                expected: 0x192,
                actual: 0x193
            })
        );
        assert_eq!(
            Frame::decode(b"!010A00000192\r"),
            Err(Error::StartByte { found: b'!' })
        );
        assert_eq!(Frame::decode(b"~010A00000192"), Err(Error::Unterminated));
    }

    #[test]
    fn small_buffers_are_reported() {
        let f = req(0x0C, 0, 1, Some(4000));
        assert!(matches!(
            f.encode(&mut [0u8; 10]),
            Err(Error::BufferTooSmall { .. })
        ));
    }
}
