//! `SimpleLengthMode`: framing by length without resynchronising inside
//! garbage. What it takes, what it drops, and that it drops it only up to
//! the next silence.

use core::time::Duration;

use modbus_rtu_lite::{
    Error, Framer, LengthMode, Line, Parity, RequestSide, SimpleLengthMode, crc16,
};

const SILENCE: Duration = Duration::from_millis(50);

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

fn line() -> Line {
    Line::new(9600, Parity::None, 1)
}

fn simple() -> Framer<RequestSide, SimpleLengthMode> {
    let mode = SimpleLengthMode { silence: SILENCE };
    Framer::new(line(), mode, RequestSide, Duration::ZERO)
}

type Item = Result<Vec<u8>, Error>;

/// Feeds `bytes` at `now` in one call (repeating while a frame waits),
/// and returns every item given out.
fn feed<M: modbus_rtu_lite::Delimiting>(
    f: &mut Framer<RequestSide, M>,
    now: Duration,
    bytes: &[u8],
) -> Vec<Item> {
    let mut out = Vec::new();
    let mut rest = bytes;
    loop {
        let used = f.feed(now, rest);
        rest = &rest[used..];
        let mut took = false;
        while let Some(item) = f.poll_frame() {
            out.push(item.map(<[u8]>::to_vec));
            took = true;
        }
        if rest.is_empty() && !took {
            return out;
        }
    }
}

/// Lets the silence pass after `now` and returns the items it gives.
fn silence<M: modbus_rtu_lite::Delimiting>(
    f: &mut Framer<RequestSide, M>,
    now: Duration,
) -> Vec<Item> {
    let at = now + SILENCE;
    assert_eq!(f.poll_timeout(), Some(at), "a wake-up at the silence");
    let mut out = Vec::new();
    f.handle_timeout(at);
    while let Some(item) = f.poll_frame() {
        out.push(item.map(<[u8]>::to_vec));
        f.handle_timeout(at);
    }
    out
}

fn fc03() -> Vec<u8> {
    hex("01 03 00 00 00 04 44 09")
}

fn fc06() -> Vec<u8> {
    hex("01 06 00 01 12 34 D5 7D")
}

fn fc10() -> Vec<u8> {
    hex("01 10 00 02 00 02 04 00 05 00 06 E2 75")
}

/// A frame of an unknown function code, which only silence ends.
fn custom() -> Vec<u8> {
    let mut f = hex("01 41 01 02 03");
    let crc = crc16(&f).to_le_bytes();
    f.extend_from_slice(&crc);
    f
}

#[test]
fn frames_back_to_back_are_all_taken() {
    let mut f = simple();
    let stream = [fc03(), fc06(), fc10(), fc03()].concat();
    let got = feed(&mut f, Duration::from_millis(1), &stream);
    let want: Vec<Item> = [fc03(), fc06(), fc10(), fc03()].map(Ok).into();
    assert_eq!(got, want);
    assert_eq!(f.discarded(), 0);
    // Byte by byte, the same.
    let mut f = simple();
    let mut got = Vec::new();
    for (i, b) in stream.iter().enumerate() {
        got.extend(feed(&mut f, Duration::from_micros(i as u64 * 1042), &[*b]));
    }
    assert_eq!(got, want);
}

#[test]
fn noise_is_dropped_with_what_follows_it_up_to_the_silence() {
    let noise = hex("FF 00 41");
    let stream = [noise.clone(), fc03()].concat();
    let t = Duration::from_millis(1);

    let mut f = simple();
    assert_eq!(feed(&mut f, t, &stream), vec![]);
    let at_silence = silence(&mut f, t);
    assert_eq!(
        at_silence,
        vec![Err(Error::TooShort {
            len: stream.len(),
            needed: stream.len() + 1
        })]
    );
    assert_eq!(f.discarded(), stream.len() as u64);
    // After the silence, the next request is taken.
    let later = t + SILENCE + Duration::from_millis(10);
    assert_eq!(feed(&mut f, later, &fc06()), vec![Ok(fc06())]);

    // LengthMode finds the request behind the noise, without a silence.
    let mode = LengthMode { silence: SILENCE };
    let mut g = Framer::new(line(), mode, RequestSide, Duration::ZERO);
    assert_eq!(feed(&mut g, t, &stream), vec![Ok(fc03())]);
}

#[test]
fn a_bad_crc_drops_the_frame_at_the_silence() {
    let mut bad = fc03();
    bad[7] ^= 0x01;
    let t = Duration::from_millis(1);
    let mut f = simple();
    // The next request arrives before the silence: it goes with the bad one.
    assert_eq!(feed(&mut f, t, &[bad, fc06()].concat()), vec![]);
    assert_eq!(
        silence(&mut f, t),
        vec![Err(Error::TooShort {
            len: 16,
            needed: 17
        })]
    );
    let later = t + SILENCE * 2;
    assert_eq!(feed(&mut f, later, &fc03()), vec![Ok(fc03())]);
}

#[test]
fn a_frame_only_silence_delimits_ends_there() {
    let t = Duration::from_millis(1);
    let mut f = simple();
    assert_eq!(feed(&mut f, t, &custom()), vec![]);
    assert_eq!(silence(&mut f, t), vec![Ok(custom())]);
    // With a bad CRC, it is dropped there instead.
    let mut bad = custom();
    bad[2] ^= 0x10;
    let later = t + SILENCE * 2;
    assert_eq!(feed(&mut f, later, &bad), vec![]);
    assert_eq!(
        silence(&mut f, later),
        vec![Err(Error::TooShort { len: 7, needed: 8 })]
    );
}

#[test]
fn endless_garbage_stays_in_one_buffer_and_the_next_frame_decodes() {
    let t = Duration::from_millis(1);
    let mut f = simple();
    // 100 KB that never starts a frame (function code 0 at every offset).
    let garbage = vec![0u8; 100_000];
    for chunk in garbage.chunks(1000) {
        assert_eq!(feed(&mut f, t, chunk), vec![]);
    }
    let at_silence = silence(&mut f, t);
    let [Err(Error::TooShort { len, .. })] = at_silence[..] else {
        panic!("{at_silence:?}");
    };
    assert!(len <= 256, "held {len} bytes");
    assert_eq!(f.discarded(), 100_000);
    let later = t + SILENCE * 2;
    assert_eq!(feed(&mut f, later, &fc10()), vec![Ok(fc10())]);
}

/// The smallest server: FC03 and FC06 only, no counters, simple length
/// framing. It answers as the full one does, and keeps no counts.
mod lean_server {
    use super::*;
    use modbus_rtu_lite::{Exception, Functions, Handler, Server, Words};

    struct Regs([u16; 8]);

    impl Handler for Regs {
        const FUNCTIONS: Functions =
            Functions::READ_HOLDING_REGISTERS.union(Functions::WRITE_SINGLE_REGISTER);
        const COUNTERS: bool = false;

        fn read_holding_registers(&mut self, start: u16, out: &mut [u16]) -> Result<(), Exception> {
            let s = usize::from(start);
            let regs = self.0.get(s..s + out.len());
            out.copy_from_slice(regs.ok_or(Exception::IllegalDataAddress)?);
            Ok(())
        }

        fn write_registers(&mut self, start: u16, values: Words<'_>) -> Result<(), Exception> {
            let s = usize::from(start);
            let slots = self.0.get_mut(s..s + values.len());
            let slots = slots.ok_or(Exception::IllegalDataAddress)?;
            for (slot, v) in slots.iter_mut().zip(values.iter()) {
                *slot = v;
            }
            Ok(())
        }
    }

    fn ask(s: &mut Server<Regs, SimpleLengthMode>, now: Duration, req: &[u8]) -> Option<Vec<u8>> {
        assert_eq!(s.feed(now, req), req.len());
        s.poll_transmit(now).map(<[u8]>::to_vec)
    }

    #[test]
    fn answers_and_keeps_no_counters() {
        let mode = SimpleLengthMode { silence: SILENCE };
        let mut s = Server::new(Regs([0; 8]), [1, 0, 0, 0], line(), mode, Duration::ZERO);
        let t = Duration::from_millis(1);
        // FC06 echoes; FC03 reads back what it wrote.
        assert_eq!(ask(&mut s, t, &fc06()), Some(fc06()));
        let reply = ask(&mut s, t, &fc03()).unwrap();
        assert_eq!(reply[..7], [0x01, 0x03, 0x08, 0x00, 0x00, 0x12, 0x34]);
        assert_eq!(reply[11..], crc16(&reply[..11]).to_le_bytes());
        // FC10 is not served: its length is not predicted, so the silence
        // ends it; then exception 01, before any decoding.
        assert_eq!(ask(&mut s, t, &fc10()), None);
        s.handle_timeout(t + SILENCE);
        let refused = s.poll_transmit(t + SILENCE).unwrap();
        assert_eq!(refused[..3], [0x01, 0x90, 0x01]);
        // Noise without a silence: nothing until the silence, then the
        // next request is answered.
        assert_eq!(ask(&mut s, t, &[0xFF, 0x00]), None);
        assert_eq!(ask(&mut s, t, &fc03()), None);
        let later = t + SILENCE * 2;
        s.handle_timeout(t + SILENCE);
        assert_eq!(ask(&mut s, later, &fc06()), Some(fc06()));
        assert_eq!(s.counters(), Default::default());
    }
}
