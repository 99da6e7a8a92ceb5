//! The Modbus server as a serve loop drives it: arbitrary bytes and real
//! requests (whole, damaged, in chunks) at arbitrary times through `feed`,
//! `handle_timeout` at `poll_timeout` or at any time, `poll_transmit` now
//! or later; either framer mode (`Mode` at run time, or `TimingMode` /
//! `LengthMode` / `SimpleLengthMode` fixed), three line speeds, the shared handler with every
//! kind of data (`common/modbus_handler.rs`).
//!
//! What must hold: no panic; `feed` takes a byte or has a reply waiting;
//! the reply once; every reply at most 256 bytes, its CRC good, accepted
//! by `decode_response`, from one of the server's addresses; and it
//! answers a request frame that has ended: bytes fed since the last reply
//! from that address, with that function code and a good CRC; in timing
//! mode framed by t3.5 of silence on both sides with no gap over t1.5
//! inside, in length mode of its predicted length or, when only silence
//! delimits it, followed by that silence.
#![no_main]

use core::time::Duration;

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use modbus_rtu_lite::length::{self, Length};
use modbus_rtu_lite::{
    Delimiting, LengthMode, Line, Mode, Parity, Server, SimpleLengthMode, Timing, TimingMode,
    crc16, decode_response,
};

#[path = "common/modbus_handler.rs"]
mod handler;
use handler::Everything;

const ADDRESSES: [u8; 4] = [1, 2, 247, 0];

/// Request PDUs (address and CRC added): every function the server knows,
/// a custom one and diagnostics that change its state.
const PDUS: &[&[u8]] = &[
    &[0x01, 0x00, 0x10, 0x00, 0x20],
    &[0x02, 0x00, 0x00, 0x07, 0xD0],
    &[0x03, 0x00, 0x00, 0x00, 0x7D],
    &[0x04, 0x00, 0xF0, 0x00, 0x20],
    &[0x05, 0x00, 0x03, 0xFF, 0x00],
    &[0x06, 0x00, 0x01, 0x12, 0x34],
    &[0x07],
    &[0x08, 0x00, 0x00, 0xA5, 0x37, 0x01, 0x02],
    &[0x08, 0x00, 0x01, 0x00, 0x00],
    &[0x08, 0x00, 0x04, 0x00, 0x00],
    &[0x08, 0x00, 0x0B, 0x00, 0x00],
    &[0x0B],
    &[0x0C],
    &[0x0F, 0x00, 0x13, 0x00, 0x0A, 0x02, 0xCD, 0x01],
    &[0x10, 0x00, 0x01, 0x00, 0x02, 0x04, 0x00, 0x0A, 0x01, 0x02],
    &[0x11],
    &[0x14, 0x07, 0x06, 0x00, 0x01, 0x00, 0x02, 0x00, 0x02],
    &[
        0x15, 0x0D, 0x06, 0x00, 0x02, 0x00, 0x07, 0x00, 0x03, 0x06, 0xAF, 0x04, 0xBE, 0x10, 0x0D,
    ],
    &[0x16, 0x00, 0x04, 0x00, 0xF2, 0x00, 0x25],
    &[
        0x17, 0x00, 0x03, 0x00, 0x06, 0x00, 0x0E, 0x00, 0x03, 0x06, 0x00, 0xFF, 0x00, 0xFF, 0x00,
        0xFF,
    ],
    &[0x18, 0x04, 0xDE],
    &[0x2B, 0x0E, 0x01, 0x00],
    &[0x2B, 0x0E, 0x04, 0x02],
    &[0x41, 0x01, 0x02, 0x03],
    &[0x03, 0xFF, 0xFF, 0x00, 0x02],
    &[0x03, 0x00, 0x00, 0x00, 0x00],
];

/// CRC-16/MODBUS, one byte at a time: over a frame and its CRC it is 0.
fn crc_step(mut crc: u16, b: u8) -> u16 {
    crc ^= u16::from(b);
    for _ in 0..8 {
        crc = if crc & 1 != 0 {
            (crc >> 1) ^ 0xA001
        } else {
            crc >> 1
        };
    }
    crc
}

fn micros(d: Duration) -> u64 {
    d.as_micros() as u64
}

struct Run<M: Delimiting> {
    s: Server<Everything, M>,
    timing: bool,
    /// Length mode's silence, in µs.
    silence: u64,
    t15: u64,
    t35: u64,
    now: Duration,
    /// Every byte the server took, with when.
    fed: Vec<(u8, u64)>,
    /// Where the bytes of the next reply's request may start.
    from: usize,
    requests: Vec<Vec<u8>>,
}

impl<M: Delimiting> Run<M> {
    fn feed(&mut self, mut bytes: &[u8], u: &mut Unstructured<'_>) -> Result<()> {
        while !bytes.is_empty() {
            let n = self.s.feed(self.now, bytes);
            assert!(n <= bytes.len());
            let at = micros(self.now);
            self.fed.extend(bytes[..n].iter().map(|&b| (b, at)));
            bytes = &bytes[n..];
            if n == 0 {
                assert!(
                    self.transmit(),
                    "feed took nothing of {bytes:02X?} with no reply waiting"
                );
            } else if u.ratio(1, 2)? {
                self.transmit();
            }
        }
        Ok(())
    }

    /// Takes the reply, if any, and checks it; whether there was one.
    fn transmit(&mut self) -> bool {
        let Some(out) = self.s.poll_transmit(self.now) else {
            return false;
        };
        let reply = out.to_vec();
        assert!((4..=256).contains(&reply.len()), "{reply:02X?}");
        assert_eq!(
            crc16(&reply[..reply.len() - 2]).to_le_bytes(),
            reply[reply.len() - 2..],
            "CRC of {reply:02X?}"
        );
        assert!(decode_response(&reply).is_ok(), "{reply:02X?}");
        assert!(
            reply[0] != 0 && ADDRESSES.contains(&reply[0]),
            "a reply from {:02X}",
            reply[0]
        );
        self.from = self.request_of(&reply).unwrap_or_else(|| {
            panic!(
                "{reply:02X?} answers no request ended in {:02X?}",
                self.fed[self.from..]
                    .iter()
                    .map(|&(b, _)| b)
                    .collect::<Vec<_>>()
            )
        });
        assert!(self.s.poll_transmit(self.now).is_none(), "the reply twice");
        true
    }

    /// The end of the first request since `from` that `reply` can answer.
    fn request_of(&self, reply: &[u8]) -> Option<usize> {
        let fed = &self.fed;
        let now = micros(self.now);
        let time = |k: usize| fed.get(k).map_or(now, |&(_, t)| t);
        let mut best = None::<usize>;
        for i in self.from..fed.len().saturating_sub(3) {
            if fed[i].0 != reply[0] || fed[i + 1].0 | 0x80 != reply[1] | 0x80 {
                continue;
            }
            let before = if i == 0 { 0 } else { fed[i - 1].1 };
            if self.timing && fed[i].1 - before < self.t35 {
                continue;
            }
            let mut crc = 0xFFFF;
            for j in i..fed.len().min(i + 256) {
                crc = crc_step(crc, fed[j].0);
                if self.timing && j > i && fed[j].1 - fed[j - 1].1 > self.t15 {
                    break;
                }
                let end = j + 1;
                if end - i < 4 || crc != 0 || best.is_some_and(|b| b <= end) {
                    continue;
                }
                if self.timing && time(end) - fed[j].1 < self.t35 {
                    continue;
                }
                // Length mode: a frame of its predicted length, or one
                // only silence delimits, followed by that silence.
                if !self.timing {
                    let adu: Vec<u8> = fed[i..end].iter().map(|&(b, _)| b).collect();
                    let fits = match length::request(&adu) {
                        Length::Exact(n) => n == adu.len(),
                        Length::AtLeast(_) => false,
                        Length::Unknown => time(end) - fed[j].1 >= self.silence,
                    };
                    if !fits {
                        continue;
                    }
                }
                best = Some(end);
                break;
            }
        }
        best
    }

    fn step(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        match u.int_in_range(0..=8u8)? {
            0 | 1 => {
                let len = u.int_in_range(0..=64)?;
                let bytes = u.bytes(len)?.to_vec();
                self.chunks(&bytes, u)?;
            }
            2..=4 => {
                let mut r = self.requests[u.choose_index(self.requests.len())?].clone();
                if u.ratio(1, 4)? {
                    let at = u.choose_index(r.len())?;
                    r[at] ^= u.int_in_range(1..=255)?;
                }
                self.chunks(&r, u)?;
            }
            5 => {
                self.now += match u.int_in_range(0..=2u8)? {
                    0 => Duration::from_micros(u.int_in_range(0..=2 * self.t35)?),
                    1 => Duration::from_millis(u.int_in_range(0..=5000)?),
                    _ => Duration::from_secs(u.int_in_range(0..=100_000)?),
                };
            }
            6 => {
                if let Some(t) = self.s.poll_timeout() {
                    self.now = self.now.max(t);
                }
                self.s.handle_timeout(self.now);
            }
            7 => self.s.handle_timeout(self.now),
            _ => {
                self.transmit();
            }
        }
        Ok(())
    }

    /// Feeds `bytes` in chunks, the time moving on between them by
    /// (mostly) less than t1.5.
    fn chunks(&mut self, bytes: &[u8], u: &mut Unstructured<'_>) -> Result<()> {
        let mut rest = bytes;
        while !rest.is_empty() {
            let k = u.int_in_range(1..=rest.len())?;
            self.feed(&rest[..k], u)?;
            rest = &rest[k..];
            let gap = match u.int_in_range(0..=7u8)? {
                0 => u.int_in_range(0..=3 * self.t35)?,
                _ => u.int_in_range(0..=self.t15)?,
            };
            self.now += Duration::from_micros(gap);
        }
        Ok(())
    }
}

fn run<M: Delimiting>(mode: M, line: Line, u: &mut Unstructured<'_>) {
    let mut requests = Vec::new();
    for adr in [1, 2, 247, 0, 9] {
        for pdu in PDUS {
            let mut adu = vec![adr];
            adu.extend_from_slice(pdu);
            let crc = crc16(&adu);
            adu.extend_from_slice(&crc.to_le_bytes());
            requests.push(adu);
        }
    }
    let mut r = Run {
        s: Server::new(Everything::new(), ADDRESSES, line, mode, Duration::ZERO),
        timing: mode.mode() == Mode::Timing,
        silence: match mode.mode() {
            Mode::Timing => 0,
            Mode::Length { silence } => micros(silence),
        },
        t15: micros(line.t15()),
        t35: micros(line.t35()),
        now: Duration::ZERO,
        fed: Vec::new(),
        from: 0,
        requests,
    };
    for _ in 0..256 {
        if u.is_empty() || r.step(u).is_err() {
            break;
        }
    }
    // The serve loop's end: the time-out, and what is left to send.
    if let Some(t) = r.s.poll_timeout() {
        r.now = r.now.max(t);
    }
    r.s.handle_timeout(r.now);
    r.transmit();
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok((which, baud, silence)) = (|| -> Result<(u8, u32, u64)> {
        Ok((
            u.int_in_range(0..=4u8)?,
            *u.choose(&[9600, 19_200, 115_200])?,
            u.int_in_range(1..=20_000)?,
        ))
    })() else {
        return;
    };
    let line = Line::new(baud, Parity::Even, 1);
    let silence = Duration::from_micros(silence);
    match which {
        0 => run(Mode::Timing, line, &mut u),
        1 => run(Mode::Length { silence }, line, &mut u),
        2 => run(TimingMode, line, &mut u),
        3 => run(LengthMode { silence }, line, &mut u),
        _ => run(SimpleLengthMode { silence }, line, &mut u),
    }
});
