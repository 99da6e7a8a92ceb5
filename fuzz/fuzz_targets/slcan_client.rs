//! The SLCAN host's client through the shared client harness
//! (`common/client.rs`): open, close, version and frames to send, the
//! adapter's answers and frames from the bus (whole, damaged, in chunks,
//! with pauses longer than a line may take) and arbitrary bytes at
//! arbitrary times. Every frame from the bus that `poll_inbound` gives
//! must re-encode to a line that decodes to it again.
#![no_main]

#[path = "common/client.rs"]
mod harness;

use core::time::Duration;

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use proto_core::CanFrame;
use slcan::{Client, Command, Link, Message, Reply, decode_line, encode_frame};

/// An adapter's answers (acknowledgement, refusal, version, a sent
/// frame's `z`) and frames from the bus.
const REPLIES: &[&[u8]] = &[
    b"\r",
    b"\r\r\r",
    b"\x07",
    b"V1013\r",
    b"V\r",
    b"z\r",
    b"Z\r",
    b"t35667a13f2fe6b01\r",
    b"T18FF50E520102\r",
    b"r3058\r",
    b"t3510\r",
];

struct Slcan {
    replies: Vec<Vec<u8>>,
}

impl harness::Case for Slcan {
    type M = Client<4>;

    fn machine(u: &mut Unstructured<'_>) -> Result<(Self, Client<4>, Duration)> {
        let timeout = Duration::from_millis(u.int_in_range(1..=1000)?);
        let case = Slcan {
            replies: REPLIES.iter().map(|r| r.to_vec()).collect(),
        };
        Ok((case, Client::new(Link::new(), timeout), timeout))
    }

    fn send(
        &mut self,
        m: &mut Client<4>,
        now: Duration,
        u: &mut Unstructured<'_>,
    ) -> Result<(bool, core::result::Result<(), slcan::Error>)> {
        let (valid, command) = match u.int_in_range(0..=4u8)? {
            0 => {
                let bitrate = if u.ratio(7, 8)? {
                    *u.choose(&[10_000, 125_000, 250_000, 500_000, 1_000_000])?
                } else {
                    u.arbitrary()?
                };
                (
                    slcan::bitrate_code(bitrate).is_some(),
                    Command::Open { bitrate },
                )
            }
            1 => (true, Command::Close),
            2 => (true, Command::Version),
            _ => {
                let extended: bool = u.arbitrary()?;
                let id = u.int_in_range(0..=if extended { 0x1FFF_FFFF } else { 0x7FF })?;
                let f = CanFrame {
                    id,
                    extended,
                    remote: u.arbitrary()?,
                    data: u.arbitrary()?,
                    len: u.int_in_range(0..=8)?,
                };
                (true, Command::Send(f))
            }
        };
        Ok((valid, m.send(now, &command)))
    }

    fn replies(&self) -> &[Vec<u8>] {
        &self.replies
    }

    fn transmitted(&mut self, bytes: &[u8]) {
        assert_eq!(bytes.last(), Some(&b'\r'), "{bytes:?}");
        for line in bytes.split(|&b| b == b'\r').filter(|l| !l.is_empty()) {
            assert!(decode_line(line).is_ok(), "{bytes:?}");
        }
    }

    fn reply(&mut self, m: &Client<4>, reply: Reply) {
        if let Reply::Version { len, .. } = m.answer(reply) {
            assert!(len <= 8);
        }
    }

    fn poll_more(&mut self, m: &mut Client<4>) {
        let _ = m.poll_stray();
        while let Some(f) = m.poll_inbound() {
            let mut line = [0u8; 32];
            let n = encode_frame(&f, &mut line).expect("a received frame re-encodes");
            let back = decode_line(&line[..n - 1]).expect("and decodes");
            assert!(matches!(back, Message::Frame(g) if g == f), "{f:?}");
        }
    }
}

fuzz_target!(|data: &[u8]| harness::run::<Slcan>(data));
