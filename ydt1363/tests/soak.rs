//! Noise soak of the framer (issue 11, "Fault tolerance"): valid frames the
//! crate encodes itself, damaged and separated by noise, fed in random
//! chunks, as one stream and as a polled line (the framer reset after each
//! reply).
//!
//! Every intact frame must come back. The checks are sums
//! (docs/protocols/ydt1363.md §2): CHKSUM, the 16-bit complement of the
//! ASCII sum, over upper-case hex only, and LENID (with its own 4-bit
//! LCHKSUM) against the INFO length. One changed character always changes
//! the sum, and one inserted or deleted always breaks LENID; a damaged
//! frame passes only when every byte the damage brought in is an
//! upper-case hex digit (16 values of 256) and the sums cancel, which
//! takes at least two of them: at most (16/256)² = 1/256 of damaged
//! frames. The soak asserts that bound and prints the rate measured.
//!
//! Figures (README "Reliability"), 100,000 frames a shape, from
//! `cargo test -p ydt1363 --test soak -- --nocapture` (debug, a few
//! seconds).

#[path = "../../proto-core/tests/support/soak.rs"]
mod soak;

use soak::{NOISE, OnLine, Rng, Shape, Tally, Target};
use ydt1363::{Framer, encode_request};

struct Frames {
    framer: Framer,
    errors: u64,
}

impl Target for Frames {
    fn feed(&mut self, mut chunk: &[u8], out: &mut Vec<Vec<u8>>) {
        while !chunk.is_empty() {
            let (n, ev) = self.framer.feed(chunk);
            match ev {
                Some(Ok(_)) => out.push(self.framer.last_raw().to_vec()),
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

/// Pylontech and UPS traffic (docs/protocols/ydt1363.md): requests with a
/// pack number or none, short replies, and analog-value replies of 30 to
/// 70 INFO bytes; the frame number in INFO, so frames differ.
fn frame(rng: &mut Rng, i: usize) -> (Vec<u8>, Vec<u8>) {
    let (ver, cid1) = *rng.pick(&[(0x20, 0x46), (0x25, 0x46), (0x21, 0x2A)]);
    let adr = rng.range(1, 16) as u8;
    let mut info = vec![(i >> 8) as u8, i as u8];
    let cid2 = match rng.below(4) {
        0 => *rng.pick(&[0x42, 0x44, 0x47, 0x92, 0x4F]),
        1 => *rng.pick(&[0x00, 0x02, 0x04]),
        _ => {
            info.extend((0..rng.range(30, 70)).map(|_| rng.byte()));
            0x00
        }
    };
    let mut buf = [0u8; 256];
    let n = encode_request(ver, adr, cid1, cid2, &info, &mut buf).unwrap();
    // The key: the frame as the framer hands it over, `~` to CHKSUM.
    (buf[..n].to_vec(), buf[..n - 1].to_vec())
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
        0x1363_0011,
        100_000,
        shape,
        NOISE,
        frame,
        must_recover,
    );
    soak::report("ydt1363", shape, &tally);
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
