//! The streaming deframer of every protocol whose frames run from a start
//! byte to a terminator (Axpert, ENC, YD/T 1363): a [`LineFramer`] with the
//! protocol's decoding on top. A protocol implements [`Framing`] on a unit
//! type and names `Deframer<ItsFraming, N>`; it writes no framer code.

use core::marker::PhantomData;

use crate::{Cut, Delimiters, LineFramer};

/// What a protocol adds to a [`LineFramer`]: where its frames start and
/// end, and what a frame's bytes mean.
pub trait Framing {
    /// The bytes that start, interrupt and end a frame.
    const DELIMITERS: &'static Delimiters;
    /// A decoded frame, borrowing the deframer's buffer.
    type Frame<'a>;
    /// Why a frame was rejected.
    type Error;
    /// Decodes a frame's bytes: start byte included, terminator excluded.
    fn decode(raw: &[u8]) -> Result<Self::Frame<'_>, Self::Error>;
    /// The protocol's error for a frame cut off by a new start byte or
    /// longer than the buffer.
    fn cut(cut: Cut) -> Self::Error;
    /// Whether a delimited run is a frame at all; one that is not is passed
    /// over without a report (Axpert's `^` not followed by `D`). Default:
    /// every run is.
    fn is_frame(raw: &[u8]) -> bool {
        let _ = raw;
        true
    }
}

/// What [`Deframer::feed`] reports when a frame ends: the frame decoded,
/// or why it was rejected.
pub type Decoded<'a, F> = Result<<F as Framing>::Frame<'a>, <F as Framing>::Error>;

/// The deframer for protocol `F`, holding at most `N` bytes: bytes in any
/// chunking, decoded frames out, memory fixed.
#[derive(Debug, Clone)]
pub struct Deframer<F, const N: usize> {
    inner: LineFramer<N>,
    framing: PhantomData<F>,
}

impl<F: Framing, const N: usize> Default for Deframer<F, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<F: Framing, const N: usize> Deframer<F, N> {
    /// An empty deframer.
    pub const fn new() -> Self {
        Deframer {
            inner: LineFramer::new(F::DELIMITERS),
            framing: PhantomData,
        }
    }

    /// Drops any partial frame.
    pub fn reset(&mut self) {
        self.inner.reset();
    }

    /// Bytes passed over so far: outside frames (noise, padding, echo) and
    /// in frames that were cut off.
    pub fn discarded(&self) -> u64 {
        self.inner.discarded()
    }

    /// Whether a frame has started and not yet ended.
    pub fn in_frame(&self) -> bool {
        self.inner.in_frame()
    }

    /// The bytes of the frame that ended last, start byte included,
    /// terminator excluded; for a rejected frame too.
    pub fn last_raw(&self) -> &[u8] {
        self.inner.last_frame()
    }

    /// Takes bytes from `input` up to the end of the first frame that ends
    /// in it. Returns how many were taken and, when a frame ended, the
    /// frame decoded or why it was rejected. Call again with the rest of
    /// `input`.
    pub fn feed(&mut self, input: &[u8]) -> (usize, Option<Decoded<'_, F>>) {
        let mut used = 0;
        loop {
            let rest = input.get(used..).unwrap_or_default();
            let (n, ev) = self.inner.step_in(F::DELIMITERS, rest);
            used += n;
            let ev = match ev {
                None => return (used, None),
                Some(ev) => ev,
            };
            if let Err(c) = ev {
                return (used, Some(Err(F::cut(c))));
            }
            if F::is_frame(self.inner.last_frame()) {
                return (used, Some(F::decode(self.inner.last_frame())));
            }
        }
    }
}

#[cfg(feature = "defmt")]
impl<F, const N: usize> defmt::Format for Deframer<F, N> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{}", self.inner);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::vec::Vec;

    /// Frames `<...>`; a frame is its bytes as a string, and `<!...>` is
    /// not a frame at all.
    #[derive(Debug, Clone)]
    struct Angle;

    impl Framing for Angle {
        const DELIMITERS: &'static Delimiters = &Delimiters {
            starts: b"<",
            restarts: b"<",
            ends: b">",
        };
        type Frame<'a> = &'a [u8];
        type Error = Cut;
        fn decode(raw: &[u8]) -> Result<&[u8], Cut> {
            Ok(raw)
        }
        fn cut(cut: Cut) -> Cut {
            cut
        }
        fn is_frame(raw: &[u8]) -> bool {
            raw.get(1) != Some(&b'!')
        }
    }

    fn run(wire: &[u8], size: usize) -> Vec<Result<Vec<u8>, Cut>> {
        let mut d = Deframer::<Angle, 8>::new();
        let mut out = Vec::new();
        for mut chunk in wire.chunks(size) {
            while !chunk.is_empty() {
                let (n, ev) = d.feed(chunk);
                if let Some(ev) = ev {
                    out.push(ev.map(<[u8]>::to_vec));
                }
                chunk = &chunk[n..];
            }
        }
        out
    }

    #[test]
    fn decodes_skips_non_frames_and_reports_cuts_in_any_chunking() {
        let wire = b"xx<ab><!no><cd<ef><0123456789>z<g>";
        for size in 1..=wire.len() {
            assert_eq!(
                run(wire, size),
                [
                    Ok(b"<ab".to_vec()),
                    Err(Cut::Interrupted),
                    Ok(b"<ef".to_vec()),
                    Err(Cut::Overflow { max: 8 }),
                    Ok(b"<g".to_vec()),
                ],
                "chunks of {size}"
            );
        }
    }

    #[test]
    fn a_restart_byte_is_left_for_the_next_frame() {
        let mut d = Deframer::<Angle, 8>::new();
        let (n, ev) = d.feed(b"<a<b");
        assert_eq!((n, ev), (2, Some(Err(Cut::Interrupted))));
        let (n, ev) = d.feed(b"<b");
        assert_eq!((n, ev), (2, None));
        assert!(d.in_frame());
        let (_, ev) = d.feed(b">");
        assert_eq!(ev, Some(Ok(&b"<b"[..])));
        assert_eq!(d.last_raw(), b"<b");
        assert!(!d.in_frame());
    }
}
