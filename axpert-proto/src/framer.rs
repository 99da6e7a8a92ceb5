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

use crate::{Error, Frame, frame};

/// Default capacity of the framers, in bytes.
pub const CAPACITY: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Looking for a start byte; everything else is skipped.
    Hunting,
    /// Seen `^`, waiting for `D`.
    Caret,
    /// Inside a frame.
    Frame,
    /// Dropping an over-long line until its terminator (requests only).
    Discarding,
}

/// Fixed buffer shared by both framers.
#[derive(Debug, Clone)]
struct Buffer<const N: usize> {
    buf: [u8; N],
    len: usize,
    state: State,
    discarded: u64,
}

impl<const N: usize> Buffer<N> {
    const fn new() -> Self {
        Buffer {
            buf: [0; N],
            len: 0,
            state: State::Hunting,
            discarded: 0,
        }
    }

    /// Appends a byte; `false` when full.
    fn push(&mut self, b: u8) -> bool {
        match self.buf.get_mut(self.len) {
            Some(slot) => {
                *slot = b;
                self.len += 1;
                true
            }
            None => false,
        }
    }

    fn restart(&mut self, state: State) {
        self.len = 0;
        self.state = state;
    }
}

/// Response deframer with a capacity of `N` bytes.
#[derive(Debug, Clone)]
pub struct Framer<const N: usize = CAPACITY> {
    b: Buffer<N>,
}

impl<const N: usize> Default for Framer<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Framer<N> {
    /// An empty framer.
    pub const fn new() -> Self {
        Framer { b: Buffer::new() }
    }

    /// Drops any partial frame.
    pub fn reset(&mut self) {
        self.b.restart(State::Hunting);
    }

    /// Bytes passed over so far outside frames (junk, padding, echo).
    pub fn discarded(&self) -> u64 {
        self.b.discarded
    }

    /// Whether a frame has started and not yet ended.
    pub fn in_frame(&self) -> bool {
        self.b.state != State::Hunting
    }

    /// Takes bytes from `input` up to the end of the first complete frame.
    ///
    /// Returns how many bytes were consumed and, when a frame ended, the
    /// frame or the reason it was rejected. Call again with the rest of the
    /// input until it is consumed.
    pub fn feed(&mut self, input: &[u8]) -> (usize, Option<Result<Frame<'_>, Error>>) {
        for (i, &byte) in input.iter().enumerate() {
            let b = &mut self.b;
            match b.state {
                State::Hunting | State::Discarding => match byte {
                    b'(' => {
                        b.restart(State::Frame);
                        b.push(byte);
                    }
                    b'^' => {
                        b.restart(State::Caret);
                        b.push(byte);
                    }
                    _ => b.discarded += 1,
                },
                State::Caret => {
                    if byte == b'D' {
                        b.state = State::Frame;
                        b.push(byte);
                    } else {
                        b.discarded += 1;
                        b.restart(State::Hunting);
                        if byte == b'(' {
                            b.state = State::Frame;
                            b.push(byte);
                        }
                    }
                }
                State::Frame => {
                    // Copy the run up to the next byte that matters in one go.
                    let tail = input.get(i..).unwrap_or_default();
                    let run =
                        memchr::memchr3(frame::CR, frame::LF, b'(', tail).unwrap_or(tail.len());
                    let room = N - b.len;
                    if run > room {
                        b.discarded += (b.len + room + 1) as u64;
                        b.restart(State::Hunting);
                        return (i + room + 1, Some(Err(Error::TooLong { max: N })));
                    }
                    if let (Some(dst), Some(src)) =
                        (b.buf.get_mut(b.len..b.len + run), tail.get(..run))
                    {
                        dst.copy_from_slice(src);
                    }
                    b.len += run;
                    let at = i + run;
                    match input.get(at) {
                        None => return (input.len(), None),
                        Some(&b'(') => {
                            // A new frame starts inside this one: report the cut
                            // frame and leave the `(` for the next call.
                            b.discarded += b.len as u64;
                            b.restart(State::Hunting);
                            return (at, Some(Err(Error::Unterminated)));
                        }
                        Some(_) => {
                            b.state = State::Hunting;
                            let len = b.len;
                            b.len = 0;
                            let body = self.b.buf.get(..len).unwrap_or_default();
                            return (at + 1, Some(Frame::decode_body(body)));
                        }
                    }
                }
            }
        }
        (input.len(), None)
    }
}

/// Device-side deframer: command lines ended by CR, with LF and NUL between
/// lines skipped. Capacity `N` bytes.
#[derive(Debug, Clone)]
pub struct RequestFramer<const N: usize = CAPACITY> {
    b: Buffer<N>,
}

impl<const N: usize> Default for RequestFramer<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> RequestFramer<N> {
    /// An empty framer.
    pub const fn new() -> Self {
        RequestFramer { b: Buffer::new() }
    }

    /// Drops any partial line.
    pub fn reset(&mut self) {
        self.b.restart(State::Hunting);
    }

    /// Takes bytes up to the end of the first complete line and returns the
    /// command it carries (CRC checked and removed), or why it was rejected.
    pub fn feed(&mut self, input: &[u8]) -> (usize, Option<Result<&[u8], Error>>) {
        for (i, &byte) in input.iter().enumerate() {
            let b = &mut self.b;
            let end = byte == frame::CR || byte == frame::LF;
            match b.state {
                State::Discarding => {
                    if end {
                        b.state = State::Hunting;
                    }
                }
                State::Hunting | State::Caret if end || byte == 0 => b.discarded += 1,
                State::Hunting | State::Caret | State::Frame => {
                    if end {
                        b.state = State::Hunting;
                        let len = b.len;
                        b.len = 0;
                        let body = self.b.buf.get(..len).unwrap_or_default();
                        return (i + 1, Some(frame::decode_command(body)));
                    }
                    b.state = State::Frame;
                    if !b.push(byte) {
                        b.discarded += b.len as u64 + 1;
                        b.restart(State::Discarding);
                        return (i + 1, Some(Err(Error::TooLong { max: N })));
                    }
                }
            }
        }
        (input.len(), None)
    }

    /// Bytes passed over so far outside lines.
    pub fn discarded(&self) -> u64 {
        self.b.discarded
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
        assert_eq!(core::mem::size_of::<Framer<64>>(), 64 + 24);
    }

    #[test]
    fn pi18_caret_frames() {
        let s = b"^D00503\xb9Y\r";
        assert_eq!(all_chunkings(s), [ok(b"00503")]);
        // `^` followed by something else is junk.
        assert_eq!(all_chunkings(b"^X(NAKss\r"), [ok(b"NAK")]);
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
