//! The streaming deframer: bytes in any chunking, frames out.

use proto_core::{Cut, Delimiters, LineFramer};

use crate::{Error, Frame};

/// The framer's default capacity, in characters: a single pack's longest
/// reply with room to spare. Several packs' data in one reply (command
/// value 0xFF) needs more; the protocol allows 4,112.
pub const CAPACITY: usize = 1024;

const TILDE: Delimiters = Delimiters {
    starts: b"~",
    restarts: b"~",
    ends: b"\r",
};

/// A deframer holding at most `N` characters. Noise outside frames is
/// skipped; a `~` inside a frame cuts it off and starts a new one.
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
            inner: LineFramer::new(&TILDE),
        }
    }

    /// Drops any partial frame.
    pub fn reset(&mut self) {
        self.inner.reset();
    }

    /// Bytes passed over so far.
    pub fn discarded(&self) -> u64 {
        self.inner.discarded()
    }

    /// Takes bytes up to the end of the first frame that ends in `input`;
    /// returns how many were taken and, when a frame ended, the frame or
    /// why it is not one.
    pub fn feed(&mut self, input: &[u8]) -> (usize, Option<Result<Frame<'_>, Error>>) {
        let (n, ev) = self.inner.feed(input);
        let ev = ev.map(|r| match r {
            Ok(raw) => Frame::decode(raw),
            Err(Cut::Overflow { max }) => Err(Error::TooLong { max }),
            Err(Cut::Interrupted) => Err(Error::Unterminated),
        });
        (n, ev)
    }

    /// The last frame's characters, `~` included, CR excluded.
    pub fn last_raw(&self) -> &[u8] {
        self.inner.last_frame()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_in_any_chunking_past_noise() {
        let wire = b"\0\0xx~2001464F0000FD99\r~2002~20024642E00202FD33\r~20024642E00201CB13\r";
        for size in 1..=wire.len() {
            let mut f = Framer::<64>::new();
            let mut got = std::vec::Vec::new();
            for mut chunk in wire.chunks(size) {
                while !chunk.is_empty() {
                    let (n, ev) = f.feed(chunk);
                    if let Some(ev) = ev {
                        got.push(ev.map(|f| f.cid2));
                    }
                    chunk = &chunk[n..];
                }
            }
            assert_eq!(
                got,
                [
                    Ok(0x4F),
                    Err(Error::Unterminated),
                    Ok(0x42),
                    Err(Error::Checksum {
                        expected: 0xFD34,
                        actual: 0xCB13
                    }),
                ],
                "chunks of {size}"
            );
        }
    }
    extern crate std;
}
