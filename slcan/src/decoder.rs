//! The streaming decoder: bytes in any chunking, lines out.

use proto_core::{Cut, Delimiters, LineFramer};

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
            let stop = rest.iter().position(|&b| b == 0x07 || b == b'\r');
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

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;

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
