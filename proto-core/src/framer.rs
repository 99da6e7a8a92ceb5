//! A bounded deframer for frames that run from a start byte to a terminator.
//!
//! Bytes go in with any chunking; each call to [`LineFramer::feed`] takes
//! bytes up to the end of at most one frame and says how many it took.
//! Memory is the `N`-byte buffer and nothing else: a frame longer than `N`
//! is reported as [`Cut::Overflow`] and dropped.
//!
//! Two shapes, set by [`Delimiters`]:
//! - **Framed** (`starts` not empty): everything outside a frame is skipped
//!   until a start byte. Inside a frame, a `restarts` byte means the frame
//!   was cut off and a new one starts ([`Cut::Interrupted`]); the byte is
//!   left for the next call. After an overflow, framing resumes at the next
//!   start byte.
//! - **Lines** (`starts` empty): any byte other than a terminator or NUL
//!   starts a line. After an overflow the rest of the line is dropped up to
//!   its terminator, so its tail is not taken for a new line.

/// Which bytes start, interrupt and end a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Delimiters {
    /// Bytes that start a frame (empty: every line is a frame).
    pub starts: &'static [u8],
    /// Bytes that, inside a frame, cut it off and start a new one. At most
    /// three, so the search stays vectorised.
    pub restarts: &'static [u8],
    /// Bytes that end a frame.
    pub ends: &'static [u8],
}

/// Why a frame was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Cut {
    /// More than the capacity arrived without a terminator.
    Overflow {
        /// The capacity, in bytes.
        max: usize,
    },
    /// A new frame started before this one ended.
    Interrupted,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
enum State {
    Hunting,
    Frame,
    Discarding,
}

/// A deframer holding at most `N` bytes.
#[derive(Debug, Clone)]
pub struct LineFramer<const N: usize> {
    delims: &'static Delimiters,
    buf: [u8; N],
    len: usize,
    last: usize,
    state: State,
    discarded: u64,
    /// Bytes searched for a frame's end, for the linearity test.
    #[cfg(test)]
    scanned: u64,
}

impl<const N: usize> LineFramer<N> {
    /// An empty framer for `delims`.
    pub const fn new(delims: &'static Delimiters) -> Self {
        LineFramer {
            delims,
            buf: [0; N],
            len: 0,
            last: 0,
            state: State::Hunting,
            discarded: 0,
            #[cfg(test)]
            scanned: 0,
        }
    }

    /// Drops any partial frame.
    pub fn reset(&mut self) {
        self.len = 0;
        self.state = State::Hunting;
    }

    /// Bytes passed over so far: outside frames, and in frames that were cut.
    pub fn discarded(&self) -> u64 {
        self.discarded
    }

    /// Whether a frame has started and not yet ended.
    pub fn in_frame(&self) -> bool {
        self.state == State::Frame
    }

    /// Takes bytes from `input` up to the end of the first frame that ends
    /// in it. Returns how many bytes were taken and, when a frame ended,
    /// its bytes (start byte included, terminator excluded) or why it was
    /// dropped. Call again with the rest of `input`.
    pub fn feed(&mut self, input: &[u8]) -> (usize, Option<Result<&[u8], Cut>>) {
        let (n, ev) = self.step(input);
        (n, ev.map(|r| r.map(|()| self.last_frame())))
    }

    /// [`feed`](Self::feed) without borrowing the frame: when a frame
    /// ended, read it with [`last_frame`](Self::last_frame) before feeding
    /// more. For callers that loop and cannot hold the borrow.
    pub fn step(&mut self, input: &[u8]) -> (usize, Option<Result<(), Cut>>) {
        let delims = self.delims;
        self.step_in(delims, input)
    }

    /// [`step`](Self::step) with the delimiters given, always inlined: a
    /// caller that passes a constant (a [`Deframer`](crate::Deframer) passes
    /// its protocol's) gets each test of a byte against them folded into
    /// a comparison, and the search for a frame's end into one `memchr`
    /// call chosen at compile time. `delims` must be the framer's own.
    #[inline(always)]
    pub(crate) fn step_in(
        &mut self,
        delims: &Delimiters,
        input: &[u8],
    ) -> (usize, Option<Result<(), Cut>>) {
        let mut i = 0;
        while let Some(&byte) = input.get(i) {
            match self.state {
                State::Hunting => {
                    let framed = !delims.starts.is_empty();
                    let starts = if framed {
                        delims.starts.contains(&byte)
                    } else {
                        byte != 0 && !delims.ends.contains(&byte)
                    };
                    if starts {
                        self.state = State::Frame;
                        self.len = 0;
                    } else {
                        self.discarded += 1;
                        i += 1;
                    }
                }
                State::Discarding => {
                    self.discarded += 1;
                    i += 1;
                    if delims.ends.contains(&byte) {
                        self.state = State::Hunting;
                    }
                }
                State::Frame => return self.in_frame_step(delims, input, i),
            }
        }
        (input.len(), None)
    }

    /// The frame that ended last (empty before the first).
    pub fn last_frame(&self) -> &[u8] {
        self.buf.get(..self.last).unwrap_or_default()
    }

    /// The frame state, from `input[i..]`: copy the run up to the next
    /// byte that ends or interrupts the frame in one go.
    #[inline(always)]
    fn in_frame_step(
        &mut self,
        delims: &Delimiters,
        input: &[u8],
        i: usize,
    ) -> (usize, Option<Result<(), Cut>>) {
        let tail = input.get(i..).unwrap_or_default();
        // The first byte of a frame is its start byte, never an interruption.
        let skip = usize::from(self.len == 0 && !delims.starts.is_empty()).min(tail.len());
        let room = N - self.len;
        // Look no further than the first byte that would not fit: past it
        // the frame overflows whatever follows. (Searching the whole input
        // made a run of start bytes that do not interrupt, like Axpert's
        // `^`, cost the rest of the input at each one: quadratic.)
        let rest = tail.get(skip..).unwrap_or_default();
        let window = rest.get(..(room + 1).saturating_sub(skip)).unwrap_or(rest);
        #[cfg(test)]
        {
            self.scanned += window.len() as u64;
        }
        let run = skip + find_stop(delims, window).unwrap_or(window.len());
        if run > room {
            // Fill the buffer, then count the byte that did not fit.
            self.discarded += (self.len + room + 1) as u64;
            self.len = 0;
            self.state = if delims.starts.is_empty() {
                State::Discarding
            } else {
                State::Hunting
            };
            return (i + room + 1, Some(Err(Cut::Overflow { max: N })));
        }
        if let (Some(dst), Some(src)) =
            (self.buf.get_mut(self.len..self.len + run), tail.get(..run))
        {
            dst.copy_from_slice(src);
        }
        self.len += run;
        let at = i + run;
        let Some(&stop) = input.get(at) else {
            return (input.len(), None);
        };
        if delims.ends.contains(&stop) {
            self.state = State::Hunting;
            self.last = core::mem::take(&mut self.len);
            return (at + 1, Some(Ok(())));
        }
        // A restart byte: report the cut frame, leave the byte for the next call.
        self.discarded += self.len as u64;
        self.len = 0;
        self.state = State::Hunting;
        (at, Some(Err(Cut::Interrupted)))
    }
}

/// Where in `hay` the first byte is that ends a frame or, in framed mode,
/// interrupts it: one `memchr` for up to three such bytes (a plain scan
/// for more), all of it folded when `delims` is a constant.
#[inline(always)]
fn find_stop(delims: &Delimiters, hay: &[u8]) -> Option<usize> {
    let restarts = if delims.starts.is_empty() {
        &[][..]
    } else {
        delims.restarts
    };
    match (delims.ends, restarts) {
        ([a], []) => memchr::memchr(*a, hay),
        ([a], [b]) | ([a, b], []) => memchr::memchr2(*a, *b, hay),
        ([a], [b, c]) | ([a, b], [c]) | ([a, b, c], []) => memchr::memchr3(*a, *b, *c, hay),
        _ => hay
            .iter()
            .position(|b| delims.ends.contains(b) || restarts.contains(b)),
    }
}

/// The framer's state and how much it holds, not its `N`-byte buffer.
#[cfg(feature = "defmt")]
impl<const N: usize> defmt::Format for LineFramer<N> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "LineFramer {{ state: {}, held: {=usize}, capacity: {=usize}, discarded: {=u64}, delimiters: {} }}",
            self.state,
            self.len,
            N,
            self.discarded,
            self.delims
        );
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::vec::Vec;

    const PAREN: Delimiters = Delimiters {
        starts: b"(",
        restarts: b"(",
        ends: b"\r\n",
    };
    const LINES: Delimiters = Delimiters {
        starts: b"",
        restarts: b"",
        ends: b"\r\n",
    };

    type Out = Vec<Result<Vec<u8>, Cut>>;

    fn run<const N: usize>(d: &'static Delimiters, input: &[u8], chunk: usize) -> Out {
        let mut f = LineFramer::<N>::new(d);
        let mut out = Vec::new();
        for mut c in input.chunks(chunk) {
            while !c.is_empty() {
                let (n, ev) = f.feed(c);
                if let Some(ev) = ev {
                    out.push(ev.map(<[u8]>::to_vec));
                }
                c = &c[n..];
            }
        }
        out
    }

    fn all<const N: usize>(d: &'static Delimiters, input: &[u8]) -> Out {
        let whole = run::<N>(d, input, usize::MAX);
        for chunk in 1..9 {
            assert_eq!(run::<N>(d, input, chunk), whole, "chunk {chunk}");
        }
        whole
    }

    #[test]
    fn framed_skips_junk_and_restarts() {
        let out = all::<16>(&PAREN, b"xx(AB\r\n\0(CD(EF\r");
        assert_eq!(
            out,
            [
                Ok(b"(AB".to_vec()),
                Err(Cut::Interrupted),
                Ok(b"(EF".to_vec())
            ]
        );
    }

    #[test]
    fn framed_overflow_resumes_at_next_start() {
        let out = all::<4>(&PAREN, b"(12345678\r(AB\r");
        assert_eq!(out, [Err(Cut::Overflow { max: 4 }), Ok(b"(AB".to_vec())]);
        // A frame of exactly the capacity fits.
        assert_eq!(all::<4>(&PAREN, b"(123\r"), [Ok(b"(123".to_vec())]);
    }

    #[test]
    fn lines_drop_the_rest_of_an_overlong_line() {
        let out = all::<4>(&LINES, b"\0\nAB\r123456\rCD\r");
        assert_eq!(
            out,
            [
                Ok(b"AB".to_vec()),
                Err(Cut::Overflow { max: 4 }),
                Ok(b"CD".to_vec())
            ]
        );
    }

    /// Start bytes that do not interrupt a frame (Axpert's `^`), back to
    /// back: each one opens a frame that overflows. Measured under
    /// cachegrind (transports/tests/garbage.rs), 256 KiB of them cost 175
    /// times what 16 KiB did, since each start searched the whole rest of
    /// the input for the frame's end. The search now stops where the frame
    /// would overflow: the bytes searched grow with the input, at most a
    /// few times its length.
    #[test]
    fn starts_that_do_not_interrupt_cost_linear_work() {
        const CARET: Delimiters = Delimiters {
            starts: b"(^",
            restarts: b"(",
            ends: b"\r\n",
        };
        let scanned = |len: usize| {
            let mut f = LineFramer::<256>::new(&CARET);
            let input = std::vec![b'^'; len];
            let mut rest = &input[..];
            while !rest.is_empty() {
                let (n, _) = f.feed(rest);
                rest = &rest[n..];
            }
            f.scanned
        };
        let (small, large) = (scanned(16 << 10), scanned(256 << 10));
        assert!(large <= 2 * (256 << 10), "{large} bytes searched");
        assert!(large <= 17 * small, "{small} then {large}");
    }

    #[test]
    fn counts_what_it_skips() {
        let mut f = LineFramer::<8>::new(&PAREN);
        assert_eq!(f.feed(&[0x55; 1000]), (1000, None));
        assert_eq!(f.discarded(), 1000);
    }

    #[test]
    fn never_panics_and_always_progresses() {
        use proptest::prelude::*;
        proptest!(ProptestConfig::with_cases(3000), |(bytes in prop::collection::vec(any::<u8>(), 0..200), chunk in 1usize..20)| {
            for d in [&PAREN, &LINES] {
                let mut f = LineFramer::<16>::new(d);
                for mut c in bytes.chunks(chunk) {
                    while !c.is_empty() {
                        let (n, ev) = f.feed(c);
                        prop_assert!(n > 0 || ev.is_some());
                        if let Some(Ok(frame)) = ev {
                            prop_assert!(frame.len() <= 16);
                        }
                        c = &c[n..];
                    }
                }
            }
        });
    }
}
