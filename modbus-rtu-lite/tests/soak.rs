//! Noise soak of both framers (issue 11, "Fault tolerance"): responses the
//! crate encodes itself, damaged and separated by noise, fed in random
//! chunks on a simulated clock, as one stream and as a polled line (the
//! line quiet after each reply, `handle_timeout` at the silence).
//!
//! - Timing mode: a frame is what lies between two silences of t3.5, so
//!   the stream shape keeps a t3.5 pause between bursts and a frame with
//!   noise glued to it (no pause between) is not intact. Chunks arrive
//!   one character time apart (a UART FIFO read), never a t1.5 gap.
//! - Length mode: nothing but the bytes, back to back; every frame whose
//!   bytes are as sent must come back.
//!
//! A frame counts as accepted when the framer hands it over and it decodes
//! (`decode_response`, the CRC checked), as a client would take it. The
//! CRC-16 catches every burst of up to 16 bits and all but one in 65,536
//! other faults; garbage tried at every offset meets such a chance match
//! about once per 114 KB, which is why a frame found in noise must also be
//! plausible (`framer.rs`). The soak asserts no false accept beyond four
//! times that chance rate per damaged frame and prints what it measured.
//!
//! Figures (README "Reliability"), 100,000 responses a shape and mode,
//! from `cargo test -p modbus-rtu-lite --test soak -- --nocapture`.

#[path = "../../proto-core/tests/support/soak.rs"]
mod soak;

use core::time::Duration;

use modbus_rtu_lite::{
    Bits, Exception, Framer, Line, Mode, Parity, Response, ResponseSide, Timing, Words,
    decode_response, encode_response,
};
use soak::{NOISE, OnLine, Rng, Shape, Tally, Target};

const LINE: Line = Line::new(19_200, Parity::Even, 1);
/// Longer than the largest chunk takes on the wire (64 bytes, 37 ms).
const SILENCE: Duration = Duration::from_millis(50);

struct Rtu {
    framer: Framer<ResponseSide>,
    timing: bool,
    now: Duration,
    errors: u64,
}

impl Rtu {
    fn new(mode: Mode) -> Self {
        let now = Duration::from_secs(1);
        let mut framer = Framer::new(LINE, mode, ResponseSide, Duration::ZERO);
        framer.handle_timeout(now);
        Rtu {
            framer,
            timing: mode == Mode::Timing,
            now,
            errors: 0,
        }
    }

    /// Takes every item the framer has ready.
    fn take(&mut self, out: &mut Vec<Vec<u8>>) -> bool {
        let mut any = false;
        while let Some(item) = self.framer.poll_frame() {
            any = true;
            match item {
                Ok(f) if decode_response(f).is_ok() => out.push(f.to_vec()),
                _ => self.errors += 1,
            }
        }
        any
    }
}

impl Target for Rtu {
    fn feed(&mut self, mut chunk: &[u8], out: &mut Vec<Vec<u8>>) {
        // A chunk lands when its last byte does; in timing mode the next
        // FIFO read follows one character later.
        self.now += if self.timing {
            LINE.time_of(1)
        } else {
            LINE.time_of(chunk.len())
        };
        loop {
            self.take(out);
            if chunk.is_empty() {
                return;
            }
            let n = self.framer.feed(self.now, chunk);
            chunk = &chunk[n..];
        }
    }

    fn pause(&mut self, out: &mut Vec<Vec<u8>>) {
        self.now += LINE.t35() + LINE.time_of(1);
        self.framer.handle_timeout(self.now);
        self.take(out);
    }

    fn quiet(&mut self, out: &mut Vec<Vec<u8>>) {
        self.now += SILENCE.max(LINE.t35()) + LINE.time_of(1);
        for _ in 0..1000 {
            self.framer.handle_timeout(self.now);
            if !self.take(out) {
                return;
            }
        }
        panic!("handle_timeout never settles");
    }

    fn pauses(&self) -> bool {
        self.timing
    }

    fn errors(&self) -> u64 {
        self.errors
    }
}

const STANDARD: [Exception; 6] = [
    Exception::IllegalFunction,
    Exception::IllegalDataAddress,
    Exception::IllegalDataValue,
    Exception::ServerDeviceFailure,
    Exception::Acknowledge,
    Exception::ServerDeviceBusy,
];

/// What meters, inverters and drives answer: register and coil reads of
/// every size, write echoes and exceptions; the frame number in a field
/// where the reply has one.
fn response(rng: &mut Rng, i: usize) -> (Vec<u8>, Vec<u8>) {
    let address = rng.range(1, 247) as u8;
    let mut data = [0u8; 250];
    let words = rng.range(1, 60);
    data[0] = (i >> 8) as u8;
    data[1] = i as u8;
    for b in &mut data[2..words * 2] {
        *b = rng.byte();
    }
    let r = match rng.below(8) {
        0..=2 => Response::ReadHoldingRegisters(Words::new(&data[..words * 2])),
        3 => Response::ReadInputRegisters(Words::new(&data[..words * 2])),
        4 => Response::ReadCoils(Bits::new(&data[..words.div_ceil(4)], words as u16 * 2)),
        5 => Response::WriteSingleRegister {
            address: i as u16,
            value: rng.byte().into(),
        },
        6 => Response::WriteMultipleRegisters {
            start: i as u16,
            quantity: rng.range(1, 123) as u16,
        },
        _ => Response::Exception {
            function: *rng.pick(&[3, 4, 6, 16]),
            code: *rng.pick(&STANDARD),
        },
    };
    let mut buf = [0u8; 256];
    let n = encode_response(address, &r, &mut buf).unwrap();
    (buf[..n].to_vec(), buf[..n].to_vec())
}

fn soak(mode: Mode, shape: Shape) -> Tally {
    let mut t = Rtu::new(mode);
    let timing = mode == Mode::Timing;
    let tally = soak::run(
        &mut t,
        0x0DB5_0011,
        100_000,
        shape,
        NOISE,
        response,
        |f: &OnLine| f.unchanged && !(timing && f.burst_glued_before),
    );
    let name = if timing {
        "modbus timing"
    } else {
        "modbus length"
    };
    soak::report(name, shape, &tally);
    tally
}

fn check(t: &Tally) {
    assert_eq!(t.recovered, t.intact, "every intact frame comes back");
    assert_eq!(t.lost, 0);
    let chance = (4 * t.damaged).div_ceil(65_536);
    assert!(t.false_accepts <= chance, "{t:?}");
}

const LENGTH: Mode = Mode::Length { silence: SILENCE };

#[test]
fn timing_stream() {
    check(&soak(Mode::Timing, Shape::Stream));
}

#[test]
fn timing_polled() {
    check(&soak(Mode::Timing, Shape::Polled));
}

#[test]
fn length_stream() {
    check(&soak(LENGTH, Shape::Stream));
}

#[test]
fn length_polled() {
    check(&soak(LENGTH, Shape::Polled));
}

/// Found by the polled soak in length mode: at the silence, the CRC tried
/// at every offset of the garbage in front of a reply let 12 chance
/// matches through in 100,000 replies (exceptions with a code the spec
/// lacks, custom function codes spanning the rest of the burst) and cost 2
/// intact replies they overlapped. Behind dropped bytes a frame must now
/// be plausible; at the head of a burst it is still taken on its CRC.
#[test]
fn chance_frames_behind_garbage_are_not_believed() {
    let adu = |bytes: &[u8]| {
        let mut v = bytes.to_vec();
        v.extend_from_slice(&modbus_rtu_lite::crc16(bytes).to_le_bytes());
        v
    };
    let run = |burst: &[u8]| {
        let mut t = Rtu::new(LENGTH);
        let mut out = Vec::new();
        t.feed(burst, &mut out);
        t.quiet(&mut out);
        out
    };
    // 0xAA then 01: a read of 0x83 bytes still coming; at the silence the
    // 0xAA is dropped and the rest looked at again.
    for (frame, believed) in [
        (adu(&[0x01, 0x83, 0x42]), false),         // exception code 0x42
        (adu(&[0x01, 0x83, 0x02]), true),          // illegal data address
        (adu(&[0x01, 0x41, 0x10, 0x20]), false),   // custom code 0x41
        (adu(&[0x01, 0x08, 0x00, 0x00, 7]), true), // FC08/00 echo
    ] {
        let burst = [&[0xAA][..], &frame].concat();
        let want = if believed {
            vec![frame.clone()]
        } else {
            vec![]
        };
        assert_eq!(run(&burst), want, "{frame:02X?} behind garbage");
        // At the head of a burst the CRC alone decides.
        assert_eq!(
            run(&frame),
            std::slice::from_ref(&frame),
            "{frame:02X?} at the head"
        );
    }
}
