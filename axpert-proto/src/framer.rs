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

use proto_core::{Cut, Delimiters, LineFramer};

use crate::{Error, Frame, frame};

/// Default capacity of the framers, in bytes.
pub const CAPACITY: usize = 256;

/// Responses start with `(` (or `^` of PI18's `^D`) and end at CR or LF.
/// Only `(` interrupts a frame: `^` (0x5E) can be a CRC byte.
const RESPONSES: Delimiters = Delimiters {
    starts: b"(^",
    restarts: b"(",
    ends: &[frame::CR, frame::LF],
};

/// Requests are lines ended by CR (LF and NUL between them are skipped).
const REQUESTS: Delimiters = Delimiters {
    starts: b"",
    restarts: b"",
    ends: &[frame::CR, frame::LF],
};

fn cut(c: Cut) -> Error {
    match c {
        Cut::Overflow { max } => Error::TooLong { max },
        Cut::Interrupted => Error::Unterminated,
    }
}

/// Response deframer with a capacity of `N` bytes.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Framer<const N: usize = CAPACITY> {
    inner: LineFramer<N>,
}

impl<const N: usize> Default for Framer<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Framer<N> {
    /// An empty framer.
    pub const fn new() -> Self {
        Framer {
            inner: LineFramer::new(&RESPONSES),
        }
    }

    /// Drops any partial frame.
    pub fn reset(&mut self) {
        self.inner.reset();
    }

    /// Bytes passed over so far outside frames (junk, padding, echo) and in
    /// frames that were cut off.
    pub fn discarded(&self) -> u64 {
        self.inner.discarded()
    }

    /// Whether a frame has started and not yet ended.
    pub fn in_frame(&self) -> bool {
        self.inner.in_frame()
    }

    /// Takes bytes from `input` up to the end of the first complete frame.
    ///
    /// Returns how many bytes were consumed and, when a frame ended, the
    /// frame or the reason it was rejected. Call again with the rest of the
    /// input until it is consumed.
    pub fn feed(&mut self, input: &[u8]) -> (usize, Option<Result<Frame<'_>, Error>>) {
        let mut used = 0;
        loop {
            let rest = input.get(used..).unwrap_or_default();
            let (n, ev) = self.inner.step(rest);
            used += n;
            let ev = match ev {
                None => return (used, None),
                Some(Err(c)) => Err(cut(c)),
                Some(Ok(())) => Ok(()),
            };
            let body = self.inner.last_frame();
            // `^` not followed by `D` was junk, not a PI18 frame.
            if ev.is_ok() && body.first() == Some(&b'^') && body.get(1) != Some(&b'D') {
                continue;
            }
            return (
                used,
                Some(ev.and_then(|()| Frame::decode_body(self.inner.last_frame()))),
            );
        }
    }
}

/// Device-side deframer: command lines ended by CR, with LF and NUL between
/// lines skipped. Capacity `N` bytes.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct RequestFramer<const N: usize = CAPACITY> {
    inner: LineFramer<N>,
}

impl<const N: usize> Default for RequestFramer<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> RequestFramer<N> {
    /// An empty framer.
    pub const fn new() -> Self {
        RequestFramer {
            inner: LineFramer::new(&REQUESTS),
        }
    }

    /// Drops any partial line.
    pub fn reset(&mut self) {
        self.inner.reset();
    }

    /// Takes bytes up to the end of the first complete line and returns the
    /// command it carries (CRC checked and removed), or why it was rejected.
    pub fn feed(&mut self, input: &[u8]) -> (usize, Option<Result<&[u8], Error>>) {
        let (n, ev) = self.inner.feed(input);
        (
            n,
            ev.map(|ev| ev.map_err(cut).and_then(frame::decode_command)),
        )
    }

    /// Bytes passed over so far outside lines.
    pub fn discarded(&self) -> u64 {
        self.inner.discarded()
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
        for _ in 0..100 {
            let (n, ev) = f.feed(&junk);
            assert_eq!((n, ev.is_none()), (junk.len(), true));
        }
        assert_eq!(f.discarded(), 409_600);
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
