//! Noise soak of the response framer (issue 11, "Fault tolerance"): valid
//! replies the crate encodes itself, damaged and separated by noise, fed in
//! random chunks, as one stream and as a polled line (the framer reset
//! after each reply, as when a master's time-out drops a partial frame).
//!
//! Every intact reply must come back. A damaged one gets through only by
//! the CRC's blind spot (a 0x00 inserted straight before the CR, measured
//! on its own below) or by the one-in-65,536 chance of any 16-bit check.
//!
//! Figures (README "Reliability"), 100,000 replies a shape, from
//! `cargo test -p axpert-proto --test soak -- --nocapture` (debug, about a
//! second).

#[path = "../../proto-core/tests/support/soak.rs"]
mod soak;

use axpert_proto::{Framer, frame};
use soak::{NOISE, OnLine, Rng, Shape, Tally, Target};

struct Replies {
    framer: Framer,
    errors: u64,
}

impl Target for Replies {
    fn feed(&mut self, mut chunk: &[u8], out: &mut Vec<Vec<u8>>) {
        while !chunk.is_empty() {
            let (n, ev) = self.framer.feed(chunk);
            match ev {
                Some(Ok(f)) => out.push(f.payload.to_vec()),
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

fn digits(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rng.below(10) as u8))
        .collect()
}

/// A reply payload as units send them (docs/protocols/axpert.md §3–§6),
/// the frame number in a field where the kind has one, so replies differ.
fn payload(rng: &mut Rng, i: usize) -> String {
    match rng.below(8) {
        0..=2 => format!(
            "{}.{} 50.0 {}.{} 50.0 {} {} {} 4{} {}.{} 0{} 0{} 0{} 0{}.{} {}.{} 00.00 {:05} 00010110 00 00 {:05} 010",
            digits(rng, 3),
            digits(rng, 1),
            digits(rng, 3),
            digits(rng, 1),
            digits(rng, 4),
            digits(rng, 4),
            digits(rng, 3),
            digits(rng, 2),
            digits(rng, 2),
            digits(rng, 2),
            digits(rng, 2),
            digits(rng, 2),
            digits(rng, 3),
            digits(rng, 2),
            digits(rng, 1),
            digits(rng, 3),
            digits(rng, 1),
            i % 100_000,
            rng.below(100_000)
        ),
        3 => format!(
            "230.0 21.7 230.0 50.0 21.7 5000 {:04} 48.0 4{}.0 42.0 56.4 54.0 2 {:02} {:03} 1 2 1 9 01 0 0 54.0 0 1",
            i % 10_000,
            digits(rng, 1),
            rng.below(100),
            rng.below(1000)
        ),
        4 => (*rng.pick(&["P", "S", "L", "B", "F", "H"])).to_string(),
        5 => (*rng.pick(&["NAK", "ACK"])).to_string(),
        6 => (0..32)
            .map(|_| if rng.chance(100) { '1' } else { '0' })
            .collect(),
        _ => format!("9293{:06}{}", i % 1_000_000, digits(rng, 4)),
    }
}

fn reply(rng: &mut Rng, i: usize) -> (Vec<u8>, Vec<u8>) {
    let text = payload(rng, i);
    let mut buf = [0u8; 256];
    let n = frame::encode_response(text.as_bytes(), &mut buf).unwrap();
    (buf[..n].to_vec(), text.into_bytes())
}

/// A `(` frame starts afresh wherever it is: only its own bytes matter.
fn must_recover(f: &OnLine) -> bool {
    f.unchanged
}

fn soak(frames: usize, shape: Shape) -> Tally {
    let mut t = Replies {
        framer: Framer::new(),
        errors: 0,
    };
    let tally = soak::run(
        &mut t,
        0xA11E_0011,
        frames,
        shape,
        NOISE,
        reply,
        must_recover,
    );
    soak::report("axpert", shape, &tally);
    tally
}

/// False accepts that are the CRC's blind spot: the payload sent and one
/// more character, the first CRC byte, a 0x00 having been inserted before
/// the CR (docs/protocols/axpert.md §2).
fn blind_spot(t: &Tally) -> u64 {
    let hit = |got: &[u8], sent: &[Vec<u8>]| {
        sent.iter()
            .any(|k| got.len() == k.len() + 1 && got.starts_with(k))
    };
    t.false_keys
        .iter()
        .filter(|(got, sent)| hit(got, sent))
        .count() as u64
}

fn check(t: &Tally) {
    assert_eq!(t.recovered, t.intact, "every intact reply comes back");
    assert_eq!(t.lost, 0);
    assert!(t.false_keys.len() as u64 == t.false_accepts);
    let spot = blind_spot(t);
    // Any other damage passes CRC-16 by chance, one time in 65,536 at
    // most: allow four times that rate.
    let chance = (4 * t.damaged).div_ceil(65_536);
    eprintln!(
        "axpert: {spot} false accepts from a 0x00 inserted before the CR, {} others (bound {chance})",
        t.false_accepts - spot
    );
    assert!(t.false_accepts - spot <= chance, "{t:?}");
}

#[test]
fn soak_stream() {
    check(&soak(100_000, Shape::Stream));
}

#[test]
fn soak_polled() {
    check(&soak(100_000, Shape::Polled));
}

/// The CRC's blind spot, swept: every byte value inserted straight before
/// the CR of 2,000 replies. CRC-16/XMODEM has no initial value or final
/// XOR, so the CRC of `covered + crc[0]` is `crc[1] << 8`: a 0x00 inserted
/// there passes whenever `crc[0]` is printable (it then reads as the
/// payload's last character). Only 0x00 may pass.
#[test]
fn byte_inserted_before_cr() {
    let mut rng = Rng::new(0x1151);
    let (mut frames, mut passed) = (0u64, [0u64; 256]);
    for i in 0..2_000 {
        let (wire, payload) = reply(&mut rng, i);
        frames += 1;
        for b in 0..=255u8 {
            let mut bad = wire.clone();
            bad.insert(wire.len() - 1, b);
            // A CR or LF inserted there ends the frame as sent: no harm.
            if frame::Frame::decode(&bad).is_ok_and(|f| f.payload != payload) {
                passed[usize::from(b)] += 1;
            }
        }
    }
    let total: u64 = passed.iter().sum();
    eprintln!(
        "axpert inserted byte before CR: {total} of {} accepted ({:.2}% of frames with 0x00, {:.2}% with 0x01)",
        frames * 256,
        100.0 * passed[0] as f64 / frames as f64,
        100.0 * passed[1] as f64 / frames as f64
    );
    assert_eq!(total, passed[0], "only 0x00 slips through");
    // The blind spot itself: about 95/256 of frames have a printable first CRC byte.
    assert!(passed[0] < frames / 2, "{passed:?}");
}
