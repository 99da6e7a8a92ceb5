//! Length mode resynchronises past noise: garbage in front of a frame
//! never costs the frame, whether the bytes arrive in one read or one at a
//! time, on the client's side and on the server's.

use core::time::Duration;

use modbus_rtu_lite::{
    Error, Exception, Framer, Line, Mode, Parity, Request, Response, Side, Words, crc16,
    encode_request, encode_response,
    length::{self, Length},
};

const SILENCE: Duration = Duration::from_millis(50);
const MS: Duration = Duration::from_millis(1);
const US: Duration = Duration::from_micros(1);

fn framer(side: Side) -> Framer {
    let line = Line::new(19200, Parity::Even, 1);
    Framer::new(
        line,
        Mode::Length { silence: SILENCE },
        side,
        Duration::ZERO,
    )
}

/// What came out of a framer.
#[derive(Debug, Default)]
struct Rx {
    frames: Vec<Vec<u8>>,
    errors: Vec<Error>,
}

impl Rx {
    /// Takes every item the framer has; whether there was any.
    fn drain(&mut self, f: &mut Framer) -> bool {
        let mut any = false;
        while let Some(item) = f.poll_frame() {
            any = true;
            match item {
                Ok(fr) => self.frames.push(fr.to_vec()),
                Err(e) => self.errors.push(e),
            }
        }
        any
    }

    /// Feeds `bytes` arriving together at `now`, taking frames as they come.
    fn feed(&mut self, f: &mut Framer, now: Duration, mut bytes: &[u8]) {
        loop {
            let took = self.drain(f);
            if bytes.is_empty() {
                return;
            }
            let n = f.feed(now, bytes);
            assert!(n > 0 || took || f.poll_frame().is_some(), "feed is stuck");
            bytes = &bytes[n..];
        }
    }

    /// The line goes quiet: `handle_timeout` at `now` until nothing more comes.
    fn quiet(&mut self, f: &mut Framer, now: Duration) {
        for _ in 0..1000 {
            f.handle_timeout(now);
            if !self.drain(f) {
                return;
            }
        }
        panic!("handle_timeout never settles");
    }
}

/// xorshift64: a tiny seeded generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    fn byte(&mut self) -> u8 {
        self.next() as u8
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.byte()).collect()
    }
}

fn response(address: u8, r: &Response<'_>) -> Vec<u8> {
    let mut out = [0u8; 256];
    let n = encode_response(address, r, &mut out).unwrap();
    out[..n].to_vec()
}

fn request(address: u8, r: &Request<'_>) -> Vec<u8> {
    let mut out = [0u8; 256];
    let n = encode_request(address, r, &mut out).unwrap();
    out[..n].to_vec()
}

/// Counts of one sweep.
#[derive(Debug, Default)]
struct Tally {
    cases: usize,
    /// Noise and the frame's first bytes happen to form a frame of their
    /// own with a good CRC (a 1 in 65536 coincidence): by the rules that
    /// frame comes out, and the frame is lost on any framer.
    aliased: usize,
    lost_chunk: usize,
    lost_bytewise: usize,
    before_silence_chunk: usize,
    before_silence_bytewise: usize,
}

/// The frame the rules force at the start of `burst`, if any: its
/// predicted length, present, with a good CRC.
fn alias(side: Side, burst: &[u8]) -> Option<usize> {
    let predicted = match side {
        Side::Requests => length::request(burst),
        Side::Responses => length::response(burst),
    };
    match predicted {
        Length::Exact(n) if burst[1] != 0 && (4..=burst.len()).contains(&n) => {
            let (body, crc) = burst[..n].split_at(n - 2);
            (crc == crc16(body).to_le_bytes()).then_some(n)
        }
        _ => None,
    }
}

/// One noise byte in front of `frame`, fed in one read and byte by byte,
/// then silence: `frame` must come out exactly, and nothing else.
fn noise_then(side: Side, noise: u8, frame: &[u8], t: &mut Tally) {
    let burst: Vec<u8> = [&[noise][..], frame].concat();
    t.cases += 1;
    if let Some(n) = alias(side, &burst) {
        t.aliased += 1;
        for chunk in [burst.len(), 1] {
            let mut f = framer(side);
            let mut rx = Rx::default();
            for (i, c) in burst.chunks(chunk).enumerate() {
                rx.feed(&mut f, MS + i as u32 * 100 * US, c);
            }
            rx.quiet(&mut f, MS + SILENCE + SILENCE);
            assert_eq!(
                rx.frames.first(),
                Some(&burst[..n].to_vec()),
                "{burst:02x?}"
            );
        }
        return;
    }
    // (a) One read.
    let mut f = framer(side);
    let mut rx = Rx::default();
    rx.feed(&mut f, MS, &burst);
    t.before_silence_chunk += usize::from(rx.frames.len() == 1);
    rx.quiet(&mut f, MS + SILENCE);
    if rx.frames != [frame] || f.discarded() != 1 {
        t.lost_chunk += 1;
    }
    // (b) Byte by byte, 100 µs apart.
    let mut f = framer(side);
    let mut rx = Rx::default();
    let mut now = MS;
    for b in &burst {
        now += 100 * US;
        rx.feed(&mut f, now, core::slice::from_ref(b));
    }
    t.before_silence_bytewise += usize::from(rx.frames.len() == 1);
    rx.quiet(&mut f, now + SILENCE);
    if rx.frames != [frame] || f.discarded() != 1 {
        t.lost_bytewise += 1;
    }
}

#[test]
fn one_noise_byte_before_a_reply() {
    let mut t = Tally::default();
    for address in 1..=247u8 {
        for noise in 0..=255u8 {
            let regs = [0, 1, 0, 2];
            let reply = response(address, &Response::ReadHoldingRegisters(Words::new(&regs)));
            noise_then(Side::Responses, noise, &reply, &mut t);
        }
    }
    eprintln!("responses: {t:?}");
    assert!(t.aliased <= 2, "{t:?}");
    assert_eq!(
        (t.lost_chunk, t.lost_bytewise),
        (0, 0),
        "FC03 replies lost after one noise byte, of {} (one read, byte by byte): {t:?}",
        t.cases
    );
}

#[test]
fn one_noise_byte_before_a_request() {
    let mut t = Tally::default();
    for address in 1..=247u8 {
        for noise in 0..=255u8 {
            let r = Request::ReadHoldingRegisters {
                start: u16::from_be_bytes([noise, address]),
                quantity: 2,
            };
            noise_then(Side::Requests, noise, &request(address, &r), &mut t);
        }
    }
    eprintln!("requests: {t:?}");
    assert!(t.aliased <= 2, "{t:?}");
    assert_eq!(
        (t.lost_chunk, t.lost_bytewise),
        (0, 0),
        "FC03 requests lost after one noise byte, of {} (one read, byte by byte): {t:?}",
        t.cases
    );
}

/// A random reply a client might get.
fn random_reply(rng: &mut Rng) -> Vec<u8> {
    let address = rng.range(1, 247) as u8;
    let data = rng.bytes(250);
    let r = match rng.below(8) {
        0 | 1 => {
            Response::ReadHoldingRegisters(Words::new(&data[..2 * rng.range(1, 125) as usize]))
        }
        2 => Response::ReadInputRegisters(Words::new(&data[..2 * rng.range(1, 125) as usize])),
        3 => {
            let n = rng.range(1, 250) as usize;
            Response::ReadCoils(modbus_rtu_lite::Bits::new(&data[..n], 8 * n as u16))
        }
        4 => Response::WriteSingleRegister {
            address: rng.next() as u16,
            value: rng.next() as u16,
        },
        5 => Response::WriteMultipleRegisters {
            start: rng.next() as u16,
            quantity: rng.range(1, 123) as u16,
        },
        6 => Response::WriteSingleCoil {
            address: rng.next() as u16,
            value: rng.below(2) == 0,
        },
        _ => Response::Exception {
            function: rng.range(1, 0x7F) as u8,
            // The standard codes: one the spec lacks (09) is not believed
            // behind garbage, where it is most often a chance CRC match.
            code: Exception::from_code(
                [1, 2, 3, 4, 5, 6, 7, 8, 0x0A, 0x0B][rng.below(10) as usize],
            ),
        },
    };
    response(address, &r)
}

/// A polled link: every reply followed by silence, garbage (1–12 random
/// bytes) in front of about 30 % of them, the burst split into random reads.
#[test]
fn polled_stream_with_garbage() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut f = framer(Side::Responses);
    let mut rx = Rx::default();
    let mut now = MS;
    let (mut replies, mut dirty, mut lost, mut lost_dirty, mut early_dirty) = (0, 0, 0, 0, 0);
    let mut extra = 0;
    for _ in 0..20_000 {
        let reply = random_reply(&mut rng);
        let garbage = if rng.below(10) < 3 {
            let n = rng.range(1, 12) as usize;
            rng.bytes(n)
        } else {
            Vec::new()
        };
        let burst = [&garbage[..], &reply[..]].concat();
        replies += 1;
        dirty += usize::from(!garbage.is_empty());
        rx.frames.clear();
        let mut rest = &burst[..];
        while !rest.is_empty() {
            let n = (rng.range(1, 64) as usize).min(rest.len());
            now += 200 * US;
            rx.feed(&mut f, now, &rest[..n]);
            rest = &rest[n..];
        }
        let early = rx.frames.len() == 1 && rx.frames[0] == reply;
        now += SILENCE;
        rx.quiet(&mut f, now);
        now += MS;
        if !rx.frames.contains(&reply) {
            lost += 1;
            lost_dirty += usize::from(!garbage.is_empty());
        } else if !garbage.is_empty() && early {
            early_dirty += 1;
        }
        extra += rx.frames.iter().filter(|fr| **fr != reply).count();
    }
    eprintln!(
        "polled stream: {replies} replies, {dirty} after garbage; lost {lost} ({lost_dirty} after garbage); \
         {early_dirty} of those after garbage out before the silence; {extra} spurious frames"
    );
    assert_eq!(
        (lost, extra),
        (0, 0),
        "of {replies} replies ({dirty} after garbage) {lost} were lost ({lost_dirty} after garbage), \
         {extra} spurious frames came out"
    );
}

/// No noise at all: the longest replies, one byte at a time, must never be
/// cut by a frame that happens to pass its CRC inside their data.
#[test]
fn clean_long_frames_are_never_cut() {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let mut f = framer(Side::Responses);
    let mut rx = Rx::default();
    let mut now = MS;
    let mut bad = 0;
    let count = 3_000;
    for _ in 0..count {
        let data = rng.bytes(250);
        let reply = response(
            rng.range(1, 247) as u8,
            &Response::ReadHoldingRegisters(Words::new(&data)),
        );
        rx.frames.clear();
        for b in &reply {
            now += 10 * US;
            rx.feed(&mut f, now, core::slice::from_ref(b));
        }
        now += SILENCE;
        rx.quiet(&mut f, now);
        if rx.frames != [reply] {
            bad += 1;
        }
    }
    assert_eq!(
        bad, 0,
        "{bad} of {count} clean 125-register replies were cut"
    );
}

#[test]
fn what_silence_leaves() {
    let reply = response(
        7,
        &Response::ReadHoldingRegisters(Words::new(&[0, 1, 0, 2])),
    );
    // Garbage alone: one error, every byte counted.
    let mut f = framer(Side::Responses);
    let mut rx = Rx::default();
    rx.feed(&mut f, MS, &[0x07, 0x03, 0x20, 0x55]);
    rx.quiet(&mut f, MS + SILENCE);
    assert!(rx.frames.is_empty());
    assert!(
        matches!(rx.errors[..], [Error::TooShort { len: 4, .. }]),
        "{:?}",
        rx.errors
    );
    assert_eq!(f.discarded(), 4);
    // Garbage, a reply cut short (a head that waits for 5 + 0x20 bytes), more garbage, then
    // a reply: the reply comes out, the garbage in front of it is only counted.
    let mut f = framer(Side::Responses);
    let mut rx = Rx::default();
    let burst = [&[0x42, 0x07, 0x03, 0x20, 0x00][..], &reply].concat();
    rx.feed(&mut f, MS, &burst);
    rx.quiet(&mut f, MS + SILENCE);
    assert_eq!(rx.frames, core::slice::from_ref(&reply));
    assert!(rx.errors.is_empty(), "{:?}", rx.errors);
    assert_eq!(f.discarded(), 5);
    // A reply, then garbage at the end: the reply, then one error for the rest.
    let mut f = framer(Side::Responses);
    let mut rx = Rx::default();
    let burst = [&reply[..], &[0x07, 0x03, 0x10]].concat();
    rx.feed(&mut f, MS, &burst);
    rx.quiet(&mut f, MS + SILENCE);
    assert_eq!(rx.frames, core::slice::from_ref(&reply));
    assert!(
        matches!(rx.errors[..], [Error::TooShort { len: 3, .. }]),
        "{:?}",
        rx.errors
    );
    // After the silence the framer starts afresh.
    rx.frames.clear();
    rx.feed(&mut f, 2 * SILENCE, &reply);
    assert_eq!(rx.frames, core::slice::from_ref(&reply));
}

#[test]
fn frames_only_silence_delimits_after_noise() {
    // FC08/00 (return query data) on both sides, and a custom code.
    let mut diag = vec![0x11, 0x08, 0x00, 0x00, 0xA5, 0x37, 0x12];
    diag.extend(crc16(&diag).to_le_bytes());
    let mut custom = vec![0x05, 0x41, 0x01, 0x02, 0x03];
    custom.extend(crc16(&custom).to_le_bytes());
    for side in [Side::Requests, Side::Responses] {
        for frame in [&diag, &custom] {
            for noise in 0..=255u8 {
                let mut f = framer(side);
                let mut rx = Rx::default();
                rx.feed(&mut f, MS, &[&[noise][..], frame].concat());
                rx.quiet(&mut f, MS + SILENCE);
                assert_eq!(
                    rx.frames,
                    core::slice::from_ref(frame),
                    "{side:?} noise {noise:#04x}"
                );
                assert_eq!(f.discarded(), 1);
            }
        }
    }
}

#[test]
fn a_frame_behind_a_waiting_head_comes_out_without_silence() {
    // 0x42 0x30: function 0x30 only silence could end; the reply behind it
    // is complete, so it comes out at once.
    let reply = response(
        1,
        &Response::ReadHoldingRegisters(Words::new(&[0, 1, 0, 2])),
    );
    let mut f = framer(Side::Responses);
    let mut rx = Rx::default();
    rx.feed(&mut f, MS, &[&[0x42, 0x30][..], &reply].concat());
    assert_eq!(rx.frames, [reply]);
    assert_eq!(f.discarded(), 2);
    // The same for a server.
    let req = request(
        0x33,
        &Request::WriteSingleRegister {
            address: 1,
            value: 2,
        },
    );
    let mut f = framer(Side::Requests);
    let mut rx = Rx::default();
    rx.feed(&mut f, MS, &[&[0x00][..], &req].concat());
    assert_eq!(rx.frames, [req]);
    assert_eq!(f.discarded(), 1);
}

#[test]
fn frames_queued_behind_noise_come_out_before_the_silence() {
    // 07 03 0E claims a 19-byte reply: the two echoes behind it wait until
    // those 19 bytes are in, then both come out, one per poll.
    let echo = |a: u8| {
        response(
            a,
            &Response::WriteSingleRegister {
                address: 1,
                value: 2,
            },
        )
    };
    let (a, b) = (echo(0x11), echo(0x12));
    let burst = [&[0x07, 0x03, 0x0E][..], &a, &b].concat();
    assert_eq!(length::response(&burst), Length::Exact(19));
    let mut f = framer(Side::Responses);
    let mut rx = Rx::default();
    rx.feed(&mut f, MS, &burst);
    assert_eq!(rx.frames, [a, b]);
    assert_eq!(f.discarded(), 3);
    assert_eq!(f.poll_timeout(), None, "nothing left for the silence");
}

#[test]
fn garbage_floods() {
    let reply = response(9, &Response::ReadInputRegisters(Words::new(&[0, 1, 0, 2])));
    // Bytes only silence could end, then a reply: out at once.
    let mut f = framer(Side::Responses);
    let mut rx = Rx::default();
    let flood = [vec![0x41; 64 * 1024], reply.clone()].concat();
    rx.feed(&mut f, MS, &flood);
    assert_eq!(rx.frames, core::slice::from_ref(&reply));
    assert_eq!(f.discarded(), 64 * 1024);
    // Random bytes, then a reply: out by the silence at the latest.
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    for _ in 0..20 {
        let mut f = framer(Side::Responses);
        let mut rx = Rx::default();
        let flood = [rng.bytes(4096), reply.clone()].concat();
        rx.feed(&mut f, MS, &flood);
        rx.quiet(&mut f, MS + SILENCE);
        assert_eq!(rx.frames.last(), Some(&reply));
    }
}
