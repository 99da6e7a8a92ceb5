//! Noise soak of the decoder (issue 11, "Fault tolerance"): CAN frames the
//! crate encodes itself, as an adapter sends them (bus traffic from
//! battery and inverter, standard and extended IDs), damaged and
//! separated by noise, fed in random chunks. SLCAN has no end-of-burst
//! hook (a line ends at CR only), so the polled shape is the stream shape
//! with the rule unchanged; only the stream is run.
//!
//! Every intact line must come back: one whose bytes are as sent and that
//! follows a CR or BEL (NULs between skipped), since a line has no start
//! character and noise glued in front of it makes it another line.
//!
//! SLCAN has no frame check at all: a line is taken when its syntax fits
//! (ID, DLC, data of that length, hex in either case). A damaged line
//! passes when the bytes the damage brought in are valid where they land:
//! any one change to another hex digit (22 values of 256, either case)
//! gives another valid frame. The soak prints the rate and asserts it
//! stays below 22/256, that single-change bound.
//!
//! Figures (README "Reliability"), 100,000 lines, from
//! `cargo test -p solarproto-slcan --test soak -- --nocapture` (debug,
//! about a second).

#[path = "../../proto-core/tests/support/soak.rs"]
mod soak;

use slcan::{CanFrame, Decoder, Message, encode_frame};
use soak::{NOISE, OnLine, Rng, Shape, Tally, Target};

struct Lines {
    decoder: Decoder,
    errors: u64,
}

fn key(f: &CanFrame) -> Vec<u8> {
    format!("{f:?}").into_bytes()
}

impl Target for Lines {
    fn feed(&mut self, mut chunk: &[u8], out: &mut Vec<Vec<u8>>) {
        while !chunk.is_empty() {
            let (n, ev) = self.decoder.feed(chunk);
            match ev {
                Some(Ok(Message::Frame(f))) => out.push(key(&f)),
                Some(Err(_)) => self.errors += 1,
                _ => {}
            }
            chunk = &chunk[n..];
        }
    }

    fn quiet(&mut self, _out: &mut Vec<Vec<u8>>) {}

    fn errors(&self) -> u64 {
        self.errors
    }
}

/// Pylontech-style CAN traffic (docs/protocols/bms-can.md) and extended
/// IDs; the frame number in the first two data bytes.
fn line(rng: &mut Rng, i: usize) -> (Vec<u8>, Vec<u8>) {
    let mut data = [0u8; 8];
    let len = rng.range(2, 8);
    data[0] = (i >> 8) as u8;
    data[1] = i as u8;
    for b in &mut data[2..len] {
        *b = rng.byte();
    }
    let f = if rng.chance(200) {
        CanFrame::new_extended(rng.below(0x2000_0000) as u32, &data[..len])
    } else {
        let id = *rng.pick(&[0x351, 0x355, 0x356, 0x359, 0x35C, 0x35E, 0x305]);
        CanFrame::new(id, &data[..len])
    };
    let mut buf = [0u8; 32];
    let n = encode_frame(&f, &mut buf).unwrap();
    (buf[..n].to_vec(), key(&f))
}

fn must_recover(f: &OnLine) -> bool {
    let last = f.before.iter().rev().find(|&&b| b != 0);
    f.unchanged && matches!(last, None | Some(b'\r' | 0x07))
}

fn soak(shape: Shape) -> Tally {
    let mut t = Lines {
        decoder: Decoder::new(),
        errors: 0,
    };
    let tally = soak::run(
        &mut t,
        0x51CA_0011,
        100_000,
        shape,
        NOISE,
        line,
        must_recover,
    );
    soak::report("slcan", shape, &tally);
    tally
}

#[test]
fn soak_stream() {
    let t = soak(Shape::Stream);
    assert_eq!(t.recovered, t.intact, "every intact line comes back");
    assert_eq!(t.lost, 0);
    assert!(
        t.false_accept_rate() < 22.0 / 256.0,
        "false accepts {} of {} damaged",
        t.false_accepts,
        t.damaged
    );
}
