//! Streaming deframer: bytes in any chunking in, frames out.
//!
//! Frames run from `~` to CR; a `~` inside a frame starts a new one (the
//! cut frame is reported as [`Error::Unterminated`]). Memory is fixed at
//! `N` bytes (default [`CAPACITY`], 32: the longest frame is 18 bytes); a
//! longer run is [`Error::TooLong`] and framing resumes at the next `~`.

use proto_core::{Cut, Deframer, Delimiters, Framing};

use crate::{Error, Frame, frame};

/// Default capacity, in bytes: an 18-byte frame plus slack.
pub const CAPACITY: usize = 32;

/// The deframer, holding at most `N` bytes: [`feed`](Deframer::feed)
/// returns each frame decoded (charset, length and checksum checked) or
/// why it was rejected, and [`last_raw`](Deframer::last_raw) its bytes.
pub type Framer<const N: usize = CAPACITY> = Deframer<EncFraming, N>;

/// How ENC frames are framed ([`Framer`]): from `~` to CR.
#[derive(Debug, Clone, Copy)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct EncFraming;

impl Framing for EncFraming {
    const DELIMITERS: &'static Delimiters = &Delimiters {
        starts: &[frame::START],
        restarts: &[frame::START],
        ends: &[frame::CR],
    };
    type Frame<'a> = Frame;
    type Error = Error;

    fn decode(raw: &[u8]) -> Result<Frame, Error> {
        Frame::decode_body(raw)
    }

    fn cut(c: Cut) -> Error {
        match c {
            Cut::Overflow { max } => Error::TooLong { max },
            Cut::Interrupted => Error::Unterminated,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::vec::Vec;

    fn run(input: &[u8], chunks: &[usize]) -> Vec<Result<Frame, Error>> {
        let mut f = Framer::<32>::new();
        let (mut out, mut pos, mut k) = (Vec::new(), 0, 0);
        while pos < input.len() {
            let size = chunks[k % chunks.len()];
            k += 1;
            let mut c = &input[pos..(pos + size).min(input.len())];
            pos += c.len();
            while !c.is_empty() {
                let (n, ev) = f.feed(c);
                out.extend(ev);
                c = &c[n..];
            }
        }
        out
    }

    /// Whole, byte by byte and in uneven chunks: all agree.
    fn all(input: &[u8]) -> Vec<Result<Frame, Error>> {
        let whole = run(input, &[usize::MAX]);
        assert_eq!(run(input, &[1]), whole);
        for seed in 0..5 {
            let chunks: Vec<usize> = (0..7).map(|i| (i * 3 + seed * 5) % 11 + 1).collect();
            assert_eq!(run(input, &chunks), whole);
        }
        whole
    }

    #[test]
    fn resynchronises_on_tilde() {
        let out = all(b"\xff\x00junk~010A0~010A00000192\r\r\n~010B000A01A4\r");
        assert_eq!(out.len(), 3);
        assert_eq!(out[0], Err(Error::Unterminated));
        assert_eq!(out[1].unwrap().code, 0x0A);
        assert_eq!(out[2].unwrap().code, 0x0B);
    }

    #[test]
    fn over_long_runs_are_dropped() {
        let mut s = b"~".to_vec();
        s.extend([b'0'; 100]);
        s.extend_from_slice(b"\r~010A00000192\r");
        let out = all(&s);
        assert_eq!(out[0], Err(Error::TooLong { max: 32 }));
        assert!(out[1].is_ok());
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn bad_frames_are_reported_and_framing_goes_on() {
        let out = all(b"~010a00000192\r~010A00000193\r~010A00000192\r");
        assert!(matches!(out[0], Err(Error::LowerCase { offset: 4, .. })));
        assert!(matches!(out[1], Err(Error::Checksum { .. })));
        assert!(out[2].is_ok());
    }
}
