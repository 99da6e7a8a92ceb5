//! The streaming decoder: bytes in any chunking, lines out.

use proto_core::hex::swar;
use proto_core::{Cut, Delimiters, LineFramer};

use crate::message::fast_frame;
use crate::{Error, Message, decode_line};

const LINES: Delimiters = Delimiters {
    starts: b"",
    restarts: b"",
    ends: b"\r",
};

/// Streaming decoder: bytes in any chunking, decoded lines ([`Message`]s)
/// out. BEL, the adapter's refusal, is [`Message::Refused`]; a CR outside a
/// line, the adapter's acknowledgement, is [`Message::Ack`]. Memory: 64
/// bytes.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Decoder {
    inner: LineFramer<64>,
    /// An over-long line was reported and its rest is being dropped: the
    /// next CR ends it, and is no acknowledgement.
    dropping: bool,
}

impl Default for Decoder {
    fn default() -> Self {
        Self::new()
    }
}

impl Decoder {
    /// An empty decoder.
    pub const fn new() -> Self {
        Decoder {
            inner: LineFramer::new(&LINES),
            dropping: false,
        }
    }

    /// Takes bytes up to the end of the first line; returns how many and,
    /// when a line ended, what it was.
    pub fn feed(&mut self, input: &[u8]) -> (usize, Option<Result<Message<'_>, Error>>) {
        match input.first() {
            // BEL ends nothing and is a reply of its own.
            Some(0x07) => {
                self.inner.reset();
                self.dropping = false;
                return (1, Some(Ok(Message::Refused)));
            }
            Some(b'\r') if !self.inner.in_frame() => {
                if core::mem::take(&mut self.dropping) {
                    // The end of the over-long line: framing starts afresh.
                    self.inner.reset();
                    return (1, None);
                }
                return (1, Some(Ok(Message::Ack)));
            }
            _ => {}
        }
        // A whole frame line at the start of the input, outside a line:
        // decoded where it is. The framer would copy it into its buffer
        // and be left as it was, holding nothing, no byte passed over.
        // (Not with proto-core's `small`: no fast path, no search for it.)
        if swar::FAST
            && !self.dropping
            && !self.inner.in_frame()
            && let Some(end) = find_bel_or_cr(input)
            && input.get(end) == Some(&b'\r')
            && let Some(frame) = input.get(..end).and_then(fast_frame)
        {
            return (end + 1, Some(Ok(Message::Frame(frame))));
        }
        // Feed up to a BEL only: it is read on the next call. The line
        // framer is fed a piece at a time, each up to the next BEL or
        // through the next CR, so the BEL is looked for only as far as
        // the framer takes bytes (searching the whole input at each line
        // made a long input cost its length at every line: quadratic).
        // The framer takes a run in pieces as it would whole.
        let mut used = 0;
        let mut ended_line = false;
        let ev = loop {
            let rest = input.get(used..).unwrap_or_default();
            let stop = find_bel_or_cr(rest);
            // `last`: nothing past this piece is fed in this call.
            let (piece, last) = match stop {
                Some(i) if rest.get(i) == Some(&0x07) => (rest.get(..i), true),
                Some(i) => (rest.get(..=i), false),
                None => (Some(rest), true),
            };
            let piece = piece.unwrap_or_default();
            let (n, ev) = self.inner.step(piece);
            used += n;
            // A CR was taken: the piece ends with the only one it holds.
            ended_line |= !last && n == piece.len();
            if ev.is_some() || last || n < piece.len() {
                break ev;
            }
        };
        if matches!(ev, Some(Err(Cut::Overflow { .. }))) {
            self.dropping = true;
        } else if ended_line {
            self.dropping = false;
        }
        let ev = ev.map(|r| match r {
            Ok(()) => decode_line(self.inner.last_frame()),
            Err(Cut::Overflow { .. } | Cut::Interrupted) => Err(Error::TooLong),
        });
        (used, ev)
    }

    /// Bytes passed over so far.
    pub fn discarded(&self) -> u64 {
        self.inner.discarded()
    }

    /// Whether part of a line has come and its CR not yet.
    pub fn in_line(&self) -> bool {
        self.inner.in_frame()
    }

    /// Drops the part of a line that has come (a line cut off: its rest
    /// will not come).
    pub fn clear(&mut self) {
        self.inner.reset();
        self.dropping = false;
    }
}

/// The offset of the first BEL or CR in `bytes`, eight bytes at a time.
#[inline]
fn find_bel_or_cr(bytes: &[u8]) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = LO * 0x80;
    // The high bit of each zero byte of `x`, and maybe of bytes above the
    // lowest zero one (a borrow): the lowest bit set is always right.
    let zeros = |x: u64| x.wrapping_sub(LO) & !x & HI;
    let mut at = 0;
    while let Some(word) = bytes.get(at..at + 8) {
        let x = u64::from_le_bytes(word.try_into().ok()?);
        let hits = zeros(x ^ (LO * 0x07)) | zeros(x ^ (LO * u64::from(b'\r')));
        if hits != 0 {
            return Some(at + (hits.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let tail = bytes.get(at..)?;
    tail.iter()
        .position(|&b| b == 0x07 || b == b'\r')
        .map(|i| at + i)
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;

    #[test]
    fn finds_the_first_bel_or_cr() {
        for len in 0..40 {
            for at in 0..=len {
                for stop in [0x07, b'\r'] {
                    // Bytes one off the stops, and 0x80-0xFF, around them.
                    let mut b: std::vec::Vec<u8> = (0..len)
                        .map(|i| [0x06, 0x08, 0x0C, 0x0E, 0x87, 0x8D, 0xFF, 0][i % 8])
                        .collect();
                    if at < len {
                        b[at] = stop;
                        if at + 1 < len {
                            b[at + 1] = 0x07;
                        }
                    }
                    let want = b.iter().position(|&c| c == 0x07 || c == b'\r');
                    assert_eq!(find_bel_or_cr(&b), want, "{b:02x?}");
                }
            }
        }
    }

    #[test]
    fn takes_any_chunking() {
        let input = b"C\rS6\rO\r\x07t3052AABB\rz\r\rt3510\r";
        for size in 1..8 {
            let mut d = Decoder::new();
            let (mut frames, mut refused, mut acks, mut other) = (0, 0, 0, 0);
            for chunk in input.chunks(size) {
                let mut c = chunk;
                while !c.is_empty() {
                    let (n, ev) = d.feed(c);
                    match ev {
                        Some(Ok(Message::Frame(_))) => frames += 1,
                        Some(Ok(Message::Refused)) => refused += 1,
                        Some(Ok(Message::Ack)) => acks += 1,
                        Some(Ok(Message::Other(_))) => other += 1,
                        _ => {}
                    }
                    c = &c[n..];
                }
            }
            assert_eq!(
                (frames, refused, acks, other),
                (2, 1, 1, 3),
                "chunks of {size}"
            );
        }
    }

    /// Found by the noise soak (tests/soak.rs): when the CR that ends an
    /// over-long line came first in a call, it was taken for an
    /// acknowledgement and the rest of the line kept being dropped, so the
    /// next line was lost too (129 of 61,919 intact lines).
    #[test]
    fn the_line_after_an_over_long_one_comes_through() {
        let mut input = [b'A'; 70].to_vec();
        input.extend_from_slice(b"\rt3510\r\r");
        for size in 1..12 {
            let mut d = Decoder::new();
            let mut got = std::vec::Vec::new();
            for mut c in input.chunks(size) {
                while !c.is_empty() {
                    let (n, ev) = d.feed(c);
                    got.extend(ev.map(|e| e.map(|m| std::format!("{m:?}"))));
                    c = &c[n..];
                }
            }
            assert_eq!(
                got,
                [
                    Err(Error::TooLong),
                    Ok("Frame(CanFrame { id: 849, extended: false, remote: false, data: [0, 0, 0, 0, 0, 0, 0, 0], len: 0 })".into()),
                    Ok("Ack".into()),
                ],
                "chunks of {size}"
            );
        }
    }
}
