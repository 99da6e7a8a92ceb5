//! Noise soak of the framer (issue 11, "Fault tolerance"): valid frames the
//! crate encodes itself, damaged and separated by noise, fed in random
//! chunks, as one stream and as a polled line (the framer reset after each
//! reply).
//!
//! Every intact frame must come back. The check is weak by design
//! (docs/protocols/enc.md §3): a plain 16-bit sum of the ASCII codes, over
//! upper-case hex only, at one of four lengths. One changed character
//! always changes the sum, and one inserted or deleted always changes the
//! length; a damaged frame passes only when every byte the damage brought
//! in is an upper-case hex digit (16 values of 256) and the sums cancel,
//! which takes at least two of them: at most (16/256)² = 1/256 of damaged
//! frames. The soak asserts that bound and prints the rate measured.
//!
//! Figures (README "Reliability"), 100,000 frames a shape, from
//! `cargo test -p enc-ascii --test soak -- --nocapture` (debug, about a
//! second).

#[path = "../../proto-core/tests/support/soak.rs"]
mod soak;

use enc_ascii::{Body, Frame, Framer};
use soak::{NOISE, OnLine, Rng, Shape, Tally, Target};

struct Frames {
    framer: Framer,
    errors: u64,
}

fn key(f: &Frame) -> Vec<u8> {
    format!("{f:?}").into_bytes()
}

impl Target for Frames {
    fn feed(&mut self, mut chunk: &[u8], out: &mut Vec<Vec<u8>>) {
        while !chunk.is_empty() {
            let (n, ev) = self.framer.feed(chunk);
            match ev {
                Some(Ok(f)) => out.push(key(&f)),
                Some(Err(_)) => self.errors += 1,
                None => {}
            }
            chunk = &chunk[n..];
        }
    }

    fn quiet(&mut self, _out: &mut Vec<Vec<u8>>) {
        self.framer.reset();
    }

    fn errors(&self) -> u64 {
        self.errors
    }
}

/// Requests and replies as docs/protocols/enc.md §2 lays them out: run
/// commands, reads with and without data, normal and error replies; the
/// frame number in the data word where there is one.
fn frame(rng: &mut Rng, i: usize) -> (Vec<u8>, Vec<u8>) {
    let address = rng.range(1, 0x20) as u8;
    let f = match rng.below(6) {
        0 => Frame {
            address,
            code: *rng.pick(&[0x0A, 0x0B]),
            body: Body::Indexed {
                aux: rng.below(4) as u8,
                index: rng.below(0x40) as u8,
                data: None,
            },
        },
        1 | 2 => Frame {
            address,
            code: *rng.pick(&[0x0C, 0x0D, 0x0E]),
            body: Body::Indexed {
                aux: rng.below(4) as u8,
                index: rng.below(0x40) as u8,
                data: Some(i as u16),
            },
        },
        3 | 4 => Frame {
            address,
            code: *rng.pick(&[0x00, 0x01]),
            body: Body::Indexed {
                aux: rng.below(0x20) as u8,
                index: rng.below(0x40) as u8,
                data: Some(i as u16),
            },
        },
        _ => Frame {
            address,
            code: 0x20,
            body: if rng.chance(500) {
                Body::Bare
            } else {
                Body::Fault(rng.range(1, 0x1F) as u8)
            },
        },
    };
    let mut buf = [0u8; 32];
    let n = f.encode(&mut buf).unwrap();
    (buf[..n].to_vec(), key(&f))
}

/// A `~` starts afresh wherever it is: only the frame's own bytes matter.
fn must_recover(f: &OnLine) -> bool {
    f.unchanged
}

fn soak(shape: Shape) -> Tally {
    let mut t = Frames {
        framer: Framer::new(),
        errors: 0,
    };
    let tally = soak::run(
        &mut t,
        0xE0C0_0011,
        100_000,
        shape,
        NOISE,
        frame,
        must_recover,
    );
    soak::report("enc", shape, &tally);
    tally
}

fn check(t: &Tally) {
    assert_eq!(t.recovered, t.intact, "every intact frame comes back");
    assert_eq!(t.lost, 0);
    assert!(
        t.false_accept_rate() < 1.0 / 256.0,
        "false accepts {} of {} damaged",
        t.false_accepts,
        t.damaged
    );
}

#[test]
fn soak_stream() {
    check(&soak(Shape::Stream));
}

#[test]
fn soak_polled() {
    check(&soak(Shape::Polled));
}
