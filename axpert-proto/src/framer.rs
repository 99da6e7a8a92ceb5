//! Streaming deframers: bytes in any chunking go in, complete frames come out.
//!
//! Memory is fixed: a framer holds at most `N` bytes (default
//! [`CAPACITY`], 256; the longest real frame seen is a 143-byte QPGSn reply).
//! A frame longer than that is reported as [`Error::TooLong`] and dropped,
//! and framing resumes at the next start byte.
//!
//! [`Framer`] frames responses: it skips everything until `(` (or `^D`), so
//! LF after CR, NUL padding from USB HID reports, adapter echo of the
//! request and other junk are passed over; it ends a frame at CR or LF (the
//! CRC adjustment keeps both out of the CRC bytes). A `(` inside a frame
//! means the frame was cut off and a new one starts: the cut frame is
//! reported as [`Error::Unterminated`].
//!
//! [`RequestFramer`] frames commands on the device side: lines ended by CR.

use proto_core::{Cut, Deframer, Delimiters, Framing};

use crate::{Error, Frame, frame};

/// Default capacity of the framers, in bytes.
pub const CAPACITY: usize = 256;

fn cut(c: Cut) -> Error {
    match c {
        Cut::Overflow { max } => Error::TooLong { max },
        Cut::Interrupted => Error::Unterminated,
    }
}

/// Response deframer with a capacity of `N` bytes. Use it as
/// `Framer::<N>::new()` and [`feed`](Deframer::feed) it.
pub type Framer<const N: usize = CAPACITY> = Deframer<ResponseFraming, N>;

/// Device-side deframer: command lines ended by CR, with LF and NUL between
/// lines skipped; a line is returned with its CRC checked and removed.
/// Capacity `N` bytes.
pub type RequestFramer<const N: usize = CAPACITY> = Deframer<RequestFraming, N>;

/// How responses are framed ([`Framer`]): they start with `(` (or `^` of
/// PI18's `^D`) and end at CR or LF.
#[derive(Debug, Clone, Copy)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ResponseFraming;

impl Framing for ResponseFraming {
    /// Only `(` interrupts a frame: `^` (0x5E) can be a CRC byte.
    const DELIMITERS: &'static Delimiters = &Delimiters {
        starts: b"(^",
        restarts: b"(",
        ends: &[frame::CR, frame::LF],
    };
    type Frame<'a> = Frame<'a>;
    type Error = Error;

    fn decode(raw: &[u8]) -> Result<Frame<'_>, Error> {
        Frame::decode_body(raw)
    }

    fn cut(c: Cut) -> Error {
        cut(c)
    }

    /// `^` not followed by `D` was junk, not a PI18 frame.
    fn is_frame(raw: &[u8]) -> bool {
        raw.first() != Some(&b'^') || raw.get(1) == Some(&b'D')
    }
}

/// How requests are framed ([`RequestFramer`]): lines ended by CR (LF and
/// NUL between them are skipped).
#[derive(Debug, Clone, Copy)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct RequestFraming;

impl Framing for RequestFraming {
    const DELIMITERS: &'static Delimiters = &Delimiters {
        starts: b"",
        restarts: b"",
        ends: &[frame::CR, frame::LF],
    };
    type Frame<'a> = &'a [u8];
    type Error = Error;

    fn decode(raw: &[u8]) -> Result<&[u8], Error> {
        frame::decode_command(raw)
    }

    fn cut(c: Cut) -> Error {
        cut(c)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    extern crate std;
    use std::vec::Vec;

    /// What a framer made of a byte stream: payloads, or errors.
    pub(crate) type Outcome = Result<Vec<u8>, Error>;

    /// Feeds `input` in the chunk sizes given (cycled), collecting outcomes.
    pub(crate) fn run<const N: usize>(
        framer: &mut Framer<N>,
        input: &[u8],
        chunks: &[usize],
    ) -> Vec<Outcome> {
        let mut out = Vec::new();
        let mut pos = 0;
        let mut k = 0;
        while pos < input.len() {
            let size = chunks[k % chunks.len()].max(1);
            k += 1;
            let mut chunk = &input[pos..(pos + size).min(input.len())];
            pos += chunk.len();
            while !chunk.is_empty() {
                let (n, ev) = framer.feed(chunk);
                if let Some(ev) = ev {
                    out.push(ev.map(|f| f.payload.to_vec()));
                }
                chunk = &chunk[n..];
            }
        }
        out
    }

    /// Runs `input` whole, byte by byte and in pseudo-random chunks; all must agree.
    pub(crate) fn all_chunkings(input: &[u8]) -> Vec<Outcome> {
        let whole = run(&mut Framer::<CAPACITY>::new(), input, &[usize::MAX]);
        assert_eq!(whole, run(&mut Framer::<CAPACITY>::new(), input, &[1]));
        for seed in 1..8usize {
            let chunks: Vec<usize> = (0..17).map(|i| (i * 7 + seed * 13) % 23 + 1).collect();
            assert_eq!(whole, run(&mut Framer::<CAPACITY>::new(), input, &chunks));
        }
        whole
    }

    fn ok(p: &[u8]) -> Outcome {
        Ok(p.to_vec())
    }

    #[test]
    fn frames_with_junk_echo_lf_and_padding() {
        let mut s = Vec::new();
        s.extend_from_slice(b"\xff\xdf\xff"); // bad TTL adapter noise
        s.extend_from_slice(b"QPGS0?\xda\r"); // adapter echo of the request
        s.extend_from_slice(b"(NAKss\r\n"); // CR LF
        s.extend_from_slice(b"(B\xe7\xc9\r\0\0\0"); // USB HID padding
        s.extend_from_slice(b"(ACK9 \n"); // LF alone
        assert_eq!(all_chunkings(&s), [ok(b"NAK"), ok(b"B"), ok(b"ACK")]);
    }

    #[test]
    fn stale_bytes_glued_in_front() {
        // The tail of an earlier reply, without its start, then a new frame.
        let s = b"0 00 00856 010$\x8c\r(NAKss\r";
        assert_eq!(all_chunkings(s), [ok(b"NAK")]);
        // A cut-off frame followed by a complete one.
        let s = b"(230.0 21.7 23(NAKss\r";
        assert_eq!(all_chunkings(s), [Err(Error::Unterminated), ok(b"NAK")]);
    }

    #[test]
    fn over_long_frame_is_dropped_and_framing_resumes() {
        let mut s = Vec::from(&b"("[..]);
        s.extend(core::iter::repeat_n(b'1', 300));
        s.extend_from_slice(b"\r(NAKss\r");
        assert_eq!(
            all_chunkings(&s),
            [Err(Error::TooLong { max: CAPACITY }), ok(b"NAK")]
        );
    }

    #[test]
    fn memory_stays_bounded_on_endless_garbage() {
        let mut f = Framer::<64>::new();
        let junk = [0x5Au8; 4096];
        // 400 KiB; 12 KiB under miri, which takes minutes over the rest.
        let rounds = if cfg!(miri) { 3 } else { 100 };
        for _ in 0..rounds {
            let (n, ev) = f.feed(&junk);
            assert_eq!((n, ev.is_none()), (junk.len(), true));
        }
        assert_eq!(f.discarded(), 4096 * rounds);
        assert!(core::mem::size_of::<Framer<64>>() <= 64 + 48);
    }

    #[test]
    fn pi18_caret_frames() {
        let s = b"^D00503\xb9Y\r";
        assert_eq!(all_chunkings(s), [ok(b"00503")]);
        // `^` followed by something else is junk: dropped at its end, or
        // reported as cut off when a `(` frame interrupts it.
        assert_eq!(all_chunkings(b"^X\r(NAKss\r"), [ok(b"NAK")]);
        assert_eq!(
            all_chunkings(b"^X(NAKss\r"),
            [Err(Error::Unterminated), ok(b"NAK")]
        );
    }

    #[test]
    fn request_framer_lines() {
        let mut f = RequestFramer::<32>::new();
        let input = b"\0\0QPIGS\xb7\xa9\r\nQPIGS\xb7\xa8\rQMOD\x49\xc1\r";
        let mut out = Vec::new();
        for chunk in input.chunks(3) {
            let mut chunk = chunk;
            while !chunk.is_empty() {
                let (n, ev) = f.feed(chunk);
                if let Some(ev) = ev {
                    out.push(ev.map(<[u8]>::to_vec));
                }
                chunk = &chunk[n..];
            }
        }
        assert_eq!(
            out,
            [
                ok(b"QPIGS"),
                Err(Error::Crc {
                    expected: 0xB7A9,
                    actual: 0xB7A8
                }),
                ok(b"QMOD")
            ]
        );
    }

    #[test]
    fn request_framer_drops_over_long_lines_whole() {
        let mut f = RequestFramer::<8>::new();
        let (n, ev) = f.feed(b"QPIGSQPIGSQPIGS\rQMOD\x49\xc1\r");
        assert_eq!((n, ev), (9, Some(Err(Error::TooLong { max: 8 }))));
        let rest = &b"QPIGSQPIGSQPIGS\rQMOD\x49\xc1\r"[9..];
        let (_, ev) = f.feed(rest);
        assert_eq!(ev, Some(Ok(&b"QMOD"[..])));
    }
}
