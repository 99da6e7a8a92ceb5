//! One frame, both ways (`docs/protocols/ydt1363.md` §1, §2).
//!
//! ```text
//! ~ VER ADR CID1 CID2|RTN LENGTH INFO… CHKSUM CR
//!    2   2   2      2       4   LENID     4      (hex characters)
//! ```
//! LENGTH is LCHKSUM (4 bits) and LENID (12 bits, the INFO characters).
//! LCHKSUM is the two's complement, mod 16, of the sum of LENID's three
//! nibbles; CHKSUM the two's complement, mod 65536, of the sum of the
//! characters from VER to the end of INFO. Every character is upper-case
//! hex; multi-byte INFO values are big-endian.

use proto_core::Writer;
use proto_core::hex::{self, Case, Reader, swar};

use crate::{Error, Rtn};

/// The most INFO characters LENID can announce.
pub const MAX_LENID: usize = 0x0FFF;

/// The LENGTH field for `lenid` INFO characters: LCHKSUM in the top
/// nibble (`docs/protocols/ydt1363.md` §2).
pub const fn length_field(lenid: u16) -> u16 {
    let lenid = lenid & 0x0FFF;
    (lchksum(lenid) as u16) << 12 | lenid
}

/// LCHKSUM: the two's complement, mod 16, of the sum of LENID's nibbles.
const fn lchksum(lenid: u16) -> u8 {
    let sum = (lenid & 0xF) + (lenid >> 4 & 0xF) + (lenid >> 8 & 0xF);
    ((16 - sum % 16) % 16) as u8
}

/// A decoded frame. INFO stays as sent (hex characters), borrowed from the
/// input; read it with [`info`](Frame::info).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Frame<'a> {
    /// VER: the protocol version (0x20 Pylontech, 0x25 Pace, 0x21 UPS).
    pub ver: u8,
    /// ADR: the device's address (the first Pylontech pack is 2).
    pub adr: u8,
    /// CID1: the device type (0x46 lithium battery, 0x2A UPS).
    pub cid1: u8,
    /// CID2 in a request (the command), RTN in a reply (see [`Frame::rtn`]).
    pub cid2: u8,
    /// INFO as sent: upper-case hex characters, two a byte.
    pub info: &'a [u8],
}

impl<'a> Frame<'a> {
    /// Decodes a whole frame: `~` through CHKSUM, the CR optional. Every
    /// check is made: characters, LCHKSUM, LENID against INFO, CHKSUM.
    pub fn decode(bytes: &'a [u8]) -> Result<Self, Error> {
        let body = match bytes.split_first() {
            Some((b'~', rest)) => rest,
            Some((&found, _)) => return Err(Error::Start { found }),
            None => return Err(Error::Short { len: 0 }),
        };
        let body = body.strip_suffix(b"\r").unwrap_or(body);
        if body.len() < 16 {
            return Err(Error::Short { len: body.len() });
        }
        if swar::FAST
            && let Some(frame) = Self::decode_digits(body)
        {
            return frame;
        }
        Self::decode_checked(body)
    }

    /// A body (VER to CHKSUM, at least 16 characters) whose characters
    /// are all upper-case hex digits, as every frame but a damaged one's
    /// are: one pass checks them and sums them, and the fields are read
    /// a word at a time. `None` for any other body, which
    /// [`decode_checked`](Self::decode_checked) reads field by field to
    /// name the fault. The checks after the characters' are the same, in
    /// the same order, so the result is too.
    #[inline]
    fn decode_digits(body: &'a [u8]) -> Option<Result<Self, Error>> {
        let (digits, sum) = hex::digits_and_sum(body, Case::Upper);
        let at = body.len().checked_sub(4)?;
        let (head, length, chksum) = (
            swar::word::<8>(body, 0)?,
            swar::word::<4>(body, 8)?,
            swar::word::<4>(body, at)?,
        );
        if !digits {
            return None;
        }
        // CHKSUM covers VER to INFO: the whole body's sum less its own
        // four characters (the word's padding is four `0`s).
        let covered = sum
            .wrapping_sub(swar::byte_sum(chksum))
            .wrapping_add(4 * u16::from(b'0'));
        let [ver, adr, cid1, cid2] = swar::value(head).to_be_bytes();
        let info = Self::lengths(body, swar::value(length) as u16).and_then(|info| {
            let (expected, actual) = (covered.wrapping_neg(), swar::value(chksum) as u16);
            if expected != actual {
                return Err(Error::Checksum { expected, actual });
            }
            Ok(info)
        });
        Some(info.map(|info| Frame {
            ver,
            adr,
            cid1,
            cid2,
            info,
        }))
    }

    /// LENGTH's checks, in order: LCHKSUM, LENID even, LENID against the
    /// characters there are. Returns INFO.
    #[inline]
    fn lengths(body: &'a [u8], length: u16) -> Result<&'a [u8], Error> {
        let lenid = length & 0x0FFF;
        let (expected, found) = (lchksum(lenid), (length >> 12) as u8);
        if expected != found {
            return Err(Error::LengthChecksum { expected, found });
        }
        if !lenid.is_multiple_of(2) {
            return Err(Error::OddLength { lenid });
        }
        let info_len = body.len() - 16;
        if info_len != usize::from(lenid) {
            return Err(Error::Length {
                lenid,
                found: info_len,
            });
        }
        Ok(body.get(12..12 + info_len).unwrap_or_default())
    }

    /// [`decode`](Self::decode) after the start, field by field: each
    /// field is checked before the next is read, so the first fault is
    /// the one reported, at its offset from the `~`.
    fn decode_checked(body: &'a [u8]) -> Result<Self, Error> {
        let hex = |e| Error::hex(e, 1);
        let mut r = Reader::new(body, Case::Upper);
        let [ver, adr, cid1, cid2] = [
            r.u8().map_err(hex)?,
            r.u8().map_err(hex)?,
            r.u8().map_err(hex)?,
            r.u8().map_err(hex)?,
        ];
        let length = r.u16().map_err(hex)?;
        let info = Self::lengths(body, length)?;
        let info_reader = r.take(info.len()).map_err(hex)?;
        info_reader.check().map_err(hex)?;
        let actual = r.u16().map_err(hex)?;
        let expected = hex::sum_complement(body.get(..12 + info.len()).unwrap_or_default());
        if expected != actual {
            return Err(Error::Checksum { expected, actual });
        }
        Ok(Frame {
            ver,
            adr,
            cid1,
            cid2,
            info,
        })
    }

    /// The return code, for a reply.
    pub fn rtn(&self) -> Rtn {
        Rtn::from_raw(self.cid2)
    }

    /// INFO's bytes, to read front to back (big-endian fields).
    pub fn info(&self) -> Info<'a> {
        Info {
            reader: Reader::new(self.info, Case::Upper),
        }
    }

    /// INFO's length in bytes.
    pub fn info_len(&self) -> usize {
        self.info.len() / 2
    }

    /// Writes the frame, `~` to CR, with INFO as it is (hex characters);
    /// returns its length.
    pub fn encode(&self, buf: &mut [u8]) -> Result<usize, Error> {
        write(
            self.ver,
            self.adr,
            self.cid1,
            self.cid2,
            Body::Hex(self.info),
            buf,
        )
    }
}

/// Writes a request (or a reply: `cid2` is then its RTN) with INFO given
/// as bytes, hex-encoded here; returns the frame's length. INFO over
/// 2047 bytes is refused.
pub fn encode_request(
    ver: u8,
    adr: u8,
    cid1: u8,
    cid2: u8,
    info: &[u8],
    buf: &mut [u8],
) -> Result<usize, Error> {
    write(ver, adr, cid1, cid2, Body::Bytes(info), buf)
}

enum Body<'a> {
    Bytes(&'a [u8]),
    Hex(&'a [u8]),
}

fn write(
    ver: u8,
    adr: u8,
    cid1: u8,
    cid2: u8,
    info: Body<'_>,
    buf: &mut [u8],
) -> Result<usize, Error> {
    let lenid = match info {
        Body::Bytes(b) => b.len() * 2,
        Body::Hex(h) => h.len(),
    };
    if lenid > MAX_LENID {
        return Err(Error::TooLong { max: MAX_LENID });
    }
    let needed = 18 + lenid;
    let small = |_| Error::BufferTooSmall { needed };
    let mut w = Writer::new(buf);
    w.put(b"~").map_err(small)?;
    for b in [ver, adr, cid1, cid2] {
        w.hex_u8(b).map_err(small)?;
    }
    w.hex_u16(length_field(lenid as u16)).map_err(small)?;
    match info {
        Body::Bytes(b) => w.hex_bytes(b).map_err(small)?,
        Body::Hex(h) => w.put(h).map_err(small)?,
    }
    let sum = hex::sum_complement(w.written().get(1..).unwrap_or_default());
    w.hex_u16(sum).map_err(small)?;
    w.put(b"\r").map_err(small)?;
    Ok(w.len())
}

/// INFO's bytes, read front to back. Each read fails, without moving,
/// when INFO is too short; the error names the offset in the frame.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Info<'a> {
    reader: Reader<'a>,
}

impl<'a> Info<'a> {
    /// Offset in the frame of INFO's start (after `~` and 12 characters).
    const BASE: usize = 13;

    /// A read's error: a field cut short names the field's own offset.
    fn err(&self, start: usize, e: hex::Error) -> Error {
        match e.kind {
            hex::ErrorKind::Short { needed } => Error::Cut {
                offset: Self::BASE + start,
                needed,
            },
            _ => Error::hex(e, Self::BASE),
        }
    }

    fn read<T>(
        &mut self,
        f: impl FnOnce(&mut Reader<'_>) -> Result<T, hex::Error>,
    ) -> Result<T, Error> {
        let start = self.reader.offset();
        let mut r = self.reader.clone();
        match f(&mut r) {
            Ok(v) => {
                self.reader = r;
                Ok(v)
            }
            Err(e) => Err(self.err(start, e)),
        }
    }

    /// The next field of `D` digits (at most 8), read in one word when
    /// all are upper-case hex digits (a decoded frame's INFO is, all of
    /// it); otherwise, or when INFO ends inside the field, the checked read
    /// names the fault. (Through the checked read alone, each field copied
    /// the reader and tested its digits one by one: about 70 instructions
    /// a 16-bit value.)
    #[inline(always)]
    fn field<const D: usize>(&mut self) -> Result<u32, Error> {
        if let Some(x) = swar::word::<D>(self.reader.rest(), 0)
            && swar::all_digits(x, Case::Upper)
            && self.reader.take(D).is_ok()
        {
            return Ok(swar::value(x));
        }
        self.read(|r| r.field(D))
    }

    /// The characters not read yet.
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.reader.rest()
    }

    /// Passes over `chars` characters, as reads of them would (false, not
    /// moving, past the end).
    pub(crate) fn skip(&mut self, chars: usize) -> bool {
        self.reader.take(chars).is_ok()
    }

    /// The next byte.
    #[inline]
    pub fn u8(&mut self) -> Result<u8, Error> {
        self.field::<2>().map(|v| v as u8)
    }

    /// The next big-endian u16.
    #[inline]
    pub fn u16(&mut self) -> Result<u16, Error> {
        self.field::<4>().map(|v| v as u16)
    }

    /// The next big-endian i16.
    #[inline]
    pub fn i16(&mut self) -> Result<i16, Error> {
        self.u16().map(|v| v as i16)
    }

    /// The next big-endian 24-bit value.
    #[inline]
    pub fn u24(&mut self) -> Result<u32, Error> {
        self.field::<6>()
    }

    /// The next `out.len()` bytes.
    pub fn bytes(&mut self, out: &mut [u8]) -> Result<(), Error> {
        self.read(|r| r.bytes(out))
    }

    /// Bytes left.
    pub fn remaining(&self) -> usize {
        self.reader.rest().len() / 2
    }

    /// Where the next field starts, in characters from the frame's `~`.
    pub fn offset(&self) -> usize {
        Self::BASE + self.reader.offset()
    }

    /// Fails with [`Error::Trailing`] unless every byte was read.
    pub fn finish(&self) -> Result<(), Error> {
        match self.remaining() {
            0 => Ok(()),
            extra => Err(Error::Trailing {
                offset: self.offset(),
                extra,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worked_examples() {
        // docs/protocols/ydt1363.md §2, example 1: Pylontech "analog values, pack 2".
        let f = Frame::decode(b"~20024642E00202FD33\r").unwrap();
        assert_eq!(
            (f.ver, f.adr, f.cid1, f.cid2, f.info),
            (0x20, 2, 0x46, 0x42, &b"02"[..])
        );
        let mut buf = [0u8; 32];
        let n = encode_request(0x20, 2, 0x46, 0x42, &[2], &mut buf).unwrap();
        assert_eq!(&buf[..n], b"~20024642E00202FD33\r");
        // Example 2, a 0x47 reply: LENGTH B032, CHKSUM F27E.
        let wire = b"~20024600B032110E420BEA0AF00D030A4703E8D2F0B3B0A7F80D030A47FC18F27E\r";
        let f = Frame::decode(wire).unwrap();
        assert_eq!((f.rtn(), f.info_len()), (Rtn::Normal, 25));
        let mut buf = [0u8; 96];
        let n = f.encode(&mut buf).unwrap();
        assert_eq!(&buf[..n], wire);
        let mut info = f.info();
        assert_eq!(info.u8().unwrap(), 0x11);
        assert_eq!(info.u16().unwrap(), 3650, "cell high voltage limit, mV");
    }

    #[test]
    fn length_checksum_edge_cases() {
        assert_eq!(length_field(0), 0x0000);
        assert_eq!(length_field(0x088), 0x0088, "nibble sum 16: LCHKSUM 0");
        assert_eq!(length_field(0x012), 0xD012);
        assert_eq!(length_field(2), 0xE002);
        assert_eq!(length_field(50), 0xB032);
        for lenid in 0..=0x0FFFu16 {
            let field = length_field(lenid);
            let sum = (field >> 12) + (lenid & 0xF) + (lenid >> 4 & 0xF) + (lenid >> 8 & 0xF);
            assert_eq!(sum % 16, 0, "lenid {lenid:#x}");
        }
    }

    #[test]
    fn the_spec_checksum_example_is_fc71_not_fc72() {
        // The Pylontech document prints FC72; the sum says FC71.
        assert_eq!(hex::sum_ascii(b"1203400456ABCEFE"), 0x038F);
        assert_eq!(hex::sum_complement(b"1203400456ABCEFE"), 0xFC71);
    }

    #[test]
    fn every_check_names_what_and_where() {
        assert_eq!(
            Frame::decode(b"~20024642E00201CB13\r"),
            Err(Error::Checksum {
                expected: 0xFD34,
                actual: 0xCB13
            }),
            "a logged request with a wrong checksum (the pack answered RTN 02)"
        );
        assert_eq!(
            Frame::decode(b"~20024642F00202FD33\r"),
            Err(Error::LengthChecksum {
                expected: 0xE,
                found: 0xF
            })
        );
        assert_eq!(
            Frame::decode(b"~20024642e00202FD33\r"),
            Err(Error::NotHex {
                offset: 9,
                found: b'e'
            }),
            "lower case is refused, at its offset from '~'"
        );
        assert_eq!(Frame::decode(b"!2002"), Err(Error::Start { found: b'!' }));
        assert_eq!(Frame::decode(b"~2002\r"), Err(Error::Short { len: 4 }));
        assert_eq!(
            Frame::decode(b"~20024642C00402FD33\r"),
            Err(Error::Length { lenid: 4, found: 2 })
        );
        assert_eq!(
            Frame::decode(b"~20024642F0010FD33\r"),
            Err(Error::OddLength { lenid: 1 })
        );
        let mut small = [0u8; 10];
        assert_eq!(
            encode_request(0x20, 2, 0x46, 0x42, &[2], &mut small),
            Err(Error::BufferTooSmall { needed: 20 })
        );
    }

    /// [`Frame::decode`] with the field-by-field decode only.
    fn checked(bytes: &[u8]) -> Result<Frame<'_>, Error> {
        let body = bytes
            .strip_prefix(b"~")
            .map(|b| b.strip_suffix(b"\r").unwrap_or(b));
        match body {
            Some(body) if body.len() >= 16 => Frame::decode_checked(body),
            _ => Frame::decode(bytes),
        }
    }

    #[test]
    #[cfg_attr(miri, ignore = "exhaustive (about 28,000 frames); too slow under miri")]
    fn the_one_pass_decode_agrees_with_the_checked_one() {
        let frames: [&[u8]; 3] = [
            b"~20024642E00202FD33\r",
            b"~20024600B032110E420BEA0AF00D030A4703E8D2F0B3B0A7F80D030A47FC18F27E\r",
            b"~200246020000FDB0",
        ];
        let mut cases = 0;
        let mut check = |bytes: &[u8]| {
            assert_eq!(Frame::decode(bytes), checked(bytes), "{bytes:?}");
            cases += 1;
        };
        for frame in frames {
            check(frame);
            for at in 0..frame.len() {
                let mut f = frame.to_vec();
                for b in 0..=255u8 {
                    f[at] = b;
                    check(&f);
                }
                let mut cut = frame.to_vec();
                cut.remove(at);
                check(&cut);
                check(&frame[..at]);
                for b in [b'0', b'F', b'~', b'\r', 0] {
                    let mut grown = frame.to_vec();
                    grown.insert(at, b);
                    check(&grown);
                }
            }
        }
        assert!(cases > 25_000, "{cases}");
    }

    #[test]
    fn an_rtn_02_reply_is_a_frame() {
        let f = Frame::decode(b"~200246020000FDB0\r").unwrap();
        assert_eq!((f.rtn(), f.info_len()), (Rtn::Checksum, 0));
    }
}
