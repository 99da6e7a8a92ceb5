//! The noise soak every framed protocol's tests share (each includes this
//! file with `#[path]`): a seeded generator, a noise model, the two shapes
//! a line has, and the count of what came back.
//!
//! A run sends `frames` valid frames, each built by the protocol's own
//! encoder. Some are damaged (bytes changed, inserted or deleted), and
//! bursts of random bytes go between some of them. The stream is cut into
//! chunks of random size and fed. Every frame the framer accepts is matched
//! against the frames sent, in order:
//!
//! - a frame left intact must come back exactly once (`lost` counts those
//!   that do not);
//! - an accepted frame that is no frame sent is a false accept
//!   (`false_accepts`), the figure a frame check is judged by;
//! - a damaged frame that still decodes to what was sent (the damage hit
//!   bytes the check does not need, such as an Axpert NAK's CRC) is counted
//!   apart (`benign`).
//!
//! Every run is reproducible from its seed.

#![allow(dead_code)]

use std::collections::VecDeque;

/// xorshift64*: small, seeded, good enough to make noise.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed` (0 is replaced: xorshift needs a set bit).
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True `per_mille` times in 1000.
    pub fn chance(&mut self, per_mille: u32) -> bool {
        self.below(1000) < per_mille as usize
    }

    /// A random byte.
    pub fn byte(&mut self) -> u8 {
        (self.next() >> 32) as u8
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// How the frames reach the framer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One long stream: frames back to back, the line never quiet.
    Stream,
    /// A master polling: the line goes quiet after each reply.
    Polled,
}

/// How much noise.
#[derive(Debug, Clone, Copy)]
pub struct Noise {
    /// Frames damaged, per mille.
    pub damaged: u32,
    /// Gaps between frames that get a burst of random bytes, per mille.
    pub bursts: u32,
    /// The longest burst, in bytes.
    pub max_burst: usize,
    /// The largest chunk handed to the framer at once.
    pub max_chunk: usize,
}

/// The noise of every soak: a frame in five damaged, a burst of up to 48
/// random bytes in front of one in five, chunks of 1 to 64 bytes.
pub const NOISE: Noise = Noise {
    damaged: 200,
    bursts: 200,
    max_burst: 48,
    max_chunk: 64,
};

/// What a frame looked like on the line, for the protocol's rule of which
/// frames a framer must recover.
#[derive(Debug)]
pub struct OnLine<'a> {
    /// The frame's bytes are as encoded.
    pub unchanged: bool,
    /// The bytes sent since the line was last quiet, before this frame
    /// (at most the last 512).
    pub before: &'a [u8],
    /// A burst of noise follows without a pause (frames, not noise, follow
    /// in the stream shape).
    pub burst_glued_before: bool,
}

/// A protocol under test: its framer, fed chunk by chunk.
pub trait Target {
    /// Bytes that arrive together; the keys of the frames accepted go to
    /// `out`. Must take all of `chunk`.
    fn feed(&mut self, chunk: &[u8], out: &mut Vec<Vec<u8>>);
    /// A pause between bursts of bytes (the stream shape's noise bursts
    /// and frames, for framers that see time): by default nothing.
    fn pause(&mut self, _out: &mut Vec<Vec<u8>>) {}
    /// The line goes quiet after a reply (the polled shape, and the end of
    /// every run): the framer's end-of-burst or time-out hook.
    fn quiet(&mut self, out: &mut Vec<Vec<u8>>);
    /// Whether the stream shape separates every burst by a pause.
    fn pauses(&self) -> bool {
        false
    }
    /// Errors the framer reported so far.
    fn errors(&self) -> u64;
}

/// What a run counted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tally {
    /// Frames sent.
    pub frames: u64,
    /// Frames damaged.
    pub damaged: u64,
    /// Frames the protocol's rule says must come back.
    pub intact: u64,
    /// Of those, how many did.
    pub recovered: u64,
    /// Intact frames that did not come back.
    pub lost: u64,
    /// Frames accepted that were never sent.
    pub false_accepts: u64,
    /// Damaged frames that still decoded to what was sent.
    pub benign: u64,
    /// Errors the framer reported.
    pub errors: u64,
    /// Bytes fed.
    pub bytes: u64,
    /// The first 100 false accepts, each with the keys of the frames sent
    /// that were still waiting (to tell which damage let it through).
    pub false_keys: Vec<(Vec<u8>, Vec<Vec<u8>>)>,
}

impl Tally {
    /// False accepts per damaged frame.
    pub fn false_accept_rate(&self) -> f64 {
        self.false_accepts as f64 / self.damaged.max(1) as f64
    }
}

/// Changes, inserts or deletes one to three bytes of `frame`.
pub fn damage(rng: &mut Rng, frame: &mut Vec<u8>) {
    for _ in 0..rng.range(1, 3) {
        let at = rng.below(frame.len() + 1);
        match rng.below(3) {
            0 if at < frame.len() => {
                let was = frame[at];
                // A change that changes nothing is no damage.
                frame[at] = loop {
                    let b = rng.byte();
                    if b != was {
                        break b;
                    }
                };
            }
            1 => frame.insert(at, rng.byte()),
            _ if frame.len() > 1 && at < frame.len() => {
                frame.remove(at);
            }
            _ => frame.insert(at, rng.byte()),
        }
    }
}

/// Sends `frames` frames from `make` (the wire bytes and the key the
/// target reports for the frame) through `target` in `shape`, with
/// `noise`; `must_recover` says which frames a framer has to get back.
pub fn run<T: Target>(
    target: &mut T,
    seed: u64,
    frames: usize,
    shape: Shape,
    noise: Noise,
    mut make: impl FnMut(&mut Rng, usize) -> (Vec<u8>, Vec<u8>),
    must_recover: impl Fn(&OnLine) -> bool,
) -> Tally {
    const WINDOW: usize = 16;
    let mut rng = Rng::new(seed);
    let mut tally = Tally::default();
    // Keys sent and not yet matched or passed over, with whether they must
    // come back; keys are unique within the window (make is asked again).
    let mut pending: VecDeque<(Vec<u8>, bool)> = VecDeque::new();
    let mut recent: VecDeque<Vec<u8>> = VecDeque::new();
    let mut out = Vec::new();
    let mut since_quiet: Vec<u8> = Vec::new();

    let feed = |target: &mut T, rng: &mut Rng, bytes: &[u8], out: &mut Vec<Vec<u8>>| {
        let mut rest = bytes;
        while !rest.is_empty() {
            let n = rng.range(1, noise.max_chunk).min(rest.len());
            target.feed(&rest[..n], out);
            rest = &rest[n..];
        }
    };

    for i in 0..frames {
        let (mut wire, key) = loop {
            let (w, k) = make(&mut rng, i);
            if !recent.contains(&k) {
                break (w, k);
            }
        };
        recent.push_back(key.clone());
        if recent.len() > WINDOW {
            recent.pop_front();
        }
        let mut burst_glued = false;
        if rng.chance(noise.bursts) {
            let burst: Vec<u8> = (0..rng.range(1, noise.max_burst))
                .map(|_| rng.byte())
                .collect();
            feed(target, &mut rng, &burst, &mut out);
            since_quiet.extend_from_slice(&burst);
            burst_glued = !target.pauses() || rng.chance(500);
            if !burst_glued {
                target.pause(&mut out);
            }
        }
        let unchanged = !rng.chance(noise.damaged);
        if !unchanged {
            damage(&mut rng, &mut wire);
            tally.damaged += 1;
        }
        let keep = since_quiet.len().saturating_sub(512);
        since_quiet.drain(..keep);
        let must = must_recover(&OnLine {
            unchanged,
            before: &since_quiet,
            burst_glued_before: burst_glued,
        });
        tally.intact += u64::from(must);
        pending.push_back((key, must));
        tally.bytes += wire.len() as u64;
        feed(target, &mut rng, &wire, &mut out);
        since_quiet.extend_from_slice(&wire);
        match shape {
            Shape::Polled => {
                target.quiet(&mut out);
                since_quiet.clear();
            }
            Shape::Stream if target.pauses() => target.pause(&mut out),
            Shape::Stream => {}
        }
        tally.frames += 1;
        settle(&mut tally, &mut pending, &mut out, WINDOW);
    }
    target.quiet(&mut out);
    settle(&mut tally, &mut pending, &mut out, 0);
    tally.errors = target.errors();
    tally
}

/// Matches the frames accepted against those sent, in order; frames sent
/// more than `keep` frames ago and never matched are settled as lost.
fn settle(
    tally: &mut Tally,
    pending: &mut VecDeque<(Vec<u8>, bool)>,
    out: &mut Vec<Vec<u8>>,
    keep: usize,
) {
    for got in out.drain(..) {
        match pending.iter().position(|(k, _)| *k == got) {
            Some(j) => {
                for (_, must) in pending.drain(..j) {
                    tally.lost += u64::from(must);
                }
                let (_, must) = pending.pop_front().unwrap_or_default();
                if must {
                    tally.recovered += 1;
                } else {
                    tally.benign += 1;
                }
            }
            None => {
                tally.false_accepts += 1;
                if tally.false_accepts <= 5 {
                    eprintln!("false accept: {:?}", String::from_utf8_lossy(&got));
                }
                if tally.false_keys.len() < 100 {
                    let sent = pending.iter().map(|(k, _)| k.clone()).collect();
                    tally.false_keys.push((got, sent));
                }
            }
        }
    }
    while pending.len() > keep {
        if let Some((_, must)) = pending.pop_front() {
            tally.lost += u64::from(must);
        }
    }
}

/// Prints a tally, one line, for the test log (run with `--nocapture`).
pub fn report(name: &str, shape: Shape, t: &Tally) {
    eprintln!(
        "{name} {shape:?}: {} frames ({} bytes), {} damaged, {} intact, {} recovered, {} lost, \
         {} false accepts ({:.2e} per damaged frame), {} benign, {} errors",
        t.frames,
        t.bytes,
        t.damaged,
        t.intact,
        t.recovered,
        t.lost,
        t.false_accepts,
        t.false_accept_rate(),
        t.benign,
        t.errors
    );
}
