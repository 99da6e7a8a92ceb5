//! The YD/T 1363 client through the shared client harness
//! (`common/client.rs`): Pylontech and other requests to packs 1, 2 and
//! 0x25, replies from a real capture (whole, damaged, in chunks) and
//! arbitrary bytes at arbitrary times. A reply it accepts must encode to
//! a frame that decodes to it again.
#![no_main]

#[path = "common/client.rs"]
mod harness;

use core::time::Duration;

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use ydt1363::{Accepted, Client, Frame, Link, Request};

/// `testdata/captures/pylontech-rs485.jsonl`, requests (read back as an
/// echo) and replies.
const REPLIES: &[&[u8]] = &[
    b"~20024600B032110E420BEA0AF00D030A4703E8D2F0B3B0A7F80D030A47FC18F27E\r",
    b"~20024642E00202FD33\r",
    b"~20024600B01402D002AFC800C8FE0CC0F915\r",
    b"~250146C20000FD99\r",
    b"~200246000000FDB2\r",
    b"~200146000000FDB3\r",
];

struct Ydt {
    replies: Vec<Vec<u8>>,
}

impl harness::Case for Ydt {
    type M = Client;

    fn machine(u: &mut Unstructured<'_>) -> Result<(Self, Client, Duration)> {
        let timeout = Duration::from_millis(u.int_in_range(1..=2000)?);
        let case = Ydt {
            replies: REPLIES.iter().map(|r| r.to_vec()).collect(),
        };
        Ok((case, Client::new(Link::new(), timeout), timeout))
    }

    fn send(
        &mut self,
        m: &mut Client,
        now: Duration,
        u: &mut Unstructured<'_>,
    ) -> Result<(bool, core::result::Result<(), ydt1363::Error>)> {
        let ver = *u.choose(&[0x20, 0x25, 0x21])?;
        let adr = *u.choose(&[1, 2, 2, 0x25, 0xFF])?;
        let cid1 = if u.ratio(7, 8)? { 0x46 } else { u.arbitrary()? };
        let cid2 = *u.choose(&[0x42, 0x44, 0x47, 0x4F, 0x51, 0x92, 0x93, 0xC1, 0xC2, 0x61])?;
        let len = u.int_in_range(0..=8)?;
        let info = u.bytes(len)?;
        let r = Request {
            ver,
            adr,
            cid1,
            cid2,
            info,
        };
        Ok((true, m.send(now, &r)))
    }

    fn replies(&self) -> &[Vec<u8>] {
        &self.replies
    }

    fn transmitted(&mut self, bytes: &[u8]) {
        assert!(Frame::decode(bytes).is_ok(), "{bytes:?}");
    }

    fn reply(&mut self, m: &Client, reply: Accepted) {
        let f = m.answer(reply);
        let mut buf = [0u8; 4200];
        let n = f.encode(&mut buf).expect("an accepted reply encodes");
        assert_eq!(Frame::decode(&buf[..n]), Ok(f));
    }

    fn poll_more(&mut self, m: &mut Client) {
        let _ = m.poll_stray();
    }
}

fuzz_target!(|data: &[u8]| harness::run::<Ydt>(data));
