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
pub struct Decoder {
    inner: LineFramer<64>,
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
        }
    }

    /// Takes bytes up to the end of the first line; returns how many and,
    /// when a line ended, what it was.
    pub fn feed(&mut self, input: &[u8]) -> (usize, Option<Result<Message<'_>, Error>>) {
        match input.first() {
            // BEL ends nothing and is a reply of its own.
            Some(0x07) => {
                self.inner.reset();
                return (1, Some(Ok(Message::Refused)));
            }
            Some(b'\r') if !self.inner.in_frame() => return (1, Some(Ok(Message::Ack))),
            _ => {}
        }
        // Feed up to a BEL only: it is read on the next call.
        let upto = input.iter().position(|&b| b == 0x07).unwrap_or(input.len());
        let (n, ev) = self.inner.feed(input.get(..upto).unwrap_or_default());
        let ev = ev.map(|r| match r {
            Ok(line) => decode_line(line),
            Err(Cut::Overflow { .. } | Cut::Interrupted) => Err(Error::TooLong),
        });
        (n, ev)
    }

    /// Bytes passed over so far.
    pub fn discarded(&self) -> u64 {
        self.inner.discarded()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
