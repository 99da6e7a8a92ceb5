//! The streaming deframer: bytes in any chunking, frames out.

use proto_core::{Cut, Deframer, Delimiters, Framing};

use crate::{Error, Frame};

/// The framer's default capacity, in characters: a single pack's longest
/// reply with room to spare. Several packs' data in one reply (command
/// value 0xFF) needs more; the protocol allows 4,112.
pub const CAPACITY: usize = 1024;

/// A deframer holding at most `N` characters: [`feed`](Deframer::feed)
/// returns each frame decoded or why it is not one, and
/// [`last_raw`](Deframer::last_raw) its characters, `~` included, CR
/// excluded.
pub type Framer<const N: usize = CAPACITY> = Deframer<YdtFraming, N>;

/// How YD/T 1363 frames are framed ([`Framer`]): from `~` to CR; noise
/// outside frames is skipped, and a `~` inside a frame cuts it off and
/// starts a new one.
#[derive(Debug, Clone, Copy)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct YdtFraming;

impl Framing for YdtFraming {
    const DELIMITERS: &'static Delimiters = &Delimiters {
        starts: b"~",
        restarts: b"~",
        ends: b"\r",
    };
    type Frame<'a> = Frame<'a>;
    type Error = Error;

    fn decode(raw: &[u8]) -> Result<Frame<'_>, Error> {
        Frame::decode(raw)
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
