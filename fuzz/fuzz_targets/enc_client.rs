//! The ENC client through the shared client harness (`common/client.rs`),
//! under either radix: requests to drives 1 and 2 and broadcasts, replies
//! from the manual's examples (whole, damaged, in chunks) and arbitrary
//! bytes at arbitrary times. A reply it accepts must re-encode and decode
//! to itself.
#![no_main]

#[path = "common/client.rs"]
mod harness;

use core::time::Duration;

use enc_ascii::{Address, Client, Command, Link, Radix, Reading, Request, Response};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

/// Replies from the crate's tests and the `enc_frame` seeds.
const REPLIES: &[&[u8]] = &[
    b"~0100000113880256\r",
    b"~0106000501230252\r",
    b"~01301001FFFF029E\r",
    b"~0120000123\r",
    b"~012000C3\r",
    b"~010A00000192\r",
    b"~010B00010194\r",
    b"~010F00000197\r",
];

struct Enc {
    replies: Vec<Vec<u8>>,
    radix: Radix,
}

impl harness::Case for Enc {
    type M = Client;

    fn machine(u: &mut Unstructured<'_>) -> Result<(Self, Client, Duration)> {
        let radix = if u.arbitrary()? {
            Radix::Hex
        } else {
            Radix::Literal
        };
        let timeout = Duration::from_millis(u.int_in_range(1..=1000)?);
        let mut replies: Vec<Vec<u8>> = REPLIES.iter().map(|r| r.to_vec()).collect();
        // Drive 2's answers too.
        for r in REPLIES {
            let mut r = r.to_vec();
            r[2] = b'2';
            let at = r.len() - 2;
            r[at] = match r[at] {
                b'9' => b'A',
                b'F' => b'0',
                c => c + 1,
            };
            replies.push(r);
        }
        let case = Enc { replies, radix };
        Ok((case, Client::new(Link::new(radix), timeout), timeout))
    }

    fn send(
        &mut self,
        m: &mut Client,
        now: Duration,
        u: &mut Unstructured<'_>,
    ) -> Result<(bool, core::result::Result<(), enc_ascii::Error>)> {
        let address = match u.int_in_range(0..=3u8)? {
            0 => Address::BROADCAST,
            1 => Address::new(2).expect("2 is an address"),
            _ => Address::new(1).expect("1 is an address"),
        };
        let (valid, command) = match u.int_in_range(0..=4u8)? {
            0 => (true, Command::State),
            1 => (true, Command::Version),
            2 => (true, Command::Read(Reading::from_index(u.arbitrary()?))),
            _ => (
                false,
                Command::from_wire(
                    u.arbitrary()?,
                    u.arbitrary()?,
                    u.arbitrary()?,
                    u.arbitrary()?,
                ),
            ),
        };
        Ok((valid, m.send(now, &Request::new(address, command))))
    }

    fn replies(&self) -> &[Vec<u8>] {
        &self.replies
    }

    fn transmitted(&mut self, bytes: &[u8]) {
        assert!(Request::decode_bytes(bytes).is_ok(), "{bytes:?}");
    }

    fn reply(&mut self, m: &Client, reply: Response) {
        let r = m.answer(reply);
        let mut buf = [0u8; 32];
        let n = r.encode(&mut buf).expect("an accepted reply encodes");
        assert_eq!(Response::decode_bytes(&buf[..n], self.radix), Ok(r));
    }

    fn poll_more(&mut self, m: &mut Client) {
        let _ = m.poll_stray();
    }
}

fuzz_target!(|data: &[u8]| harness::run::<Enc>(data));
