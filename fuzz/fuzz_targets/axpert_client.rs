//! The Axpert client through the shared client harness
//! (`common/client.rs`): any inquiry, settings and raw commands, replies
//! from real captures (whole, damaged, in chunks) and arbitrary bytes at
//! arbitrary times. A reply it accepts must re-encode and decode to itself.
#![no_main]

#[path = "common/client.rs"]
mod harness;

use core::time::Duration;

use axpert_proto::{Client, Command, Inquiry, Link, Response, Setting};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

/// Replies from `testdata/captures/axpert.jsonl`, their CRCs intact.
const REPLIES: &[&[u8]] = &[
    b"(NAKss\r",
    b"(ACK9 \r",
    b"(B\xe7\xc9\r",
    b"(S\xe5\xd9\r",
    b"(PI30\x9a\x0b\r",
    b"(9293333010501\xbb\x07\r",
    b"(1492932105105335005535\x94\x0e\r",
    b"(VERFW:00072.70S\xa7\r",
    b"(VERFW2:00000.30\xe3\x88\r",
    b"(EakxyDbjuvz/)\r",
    b"(00000100000000001000000000000000V\xa6\r",
    b"(MKS2-8000\xb2\x8d\r",
    b"(044\xc8\xae\r",
    b"(010 020 030 040 050 060 070 080 090 100 110 120\x0c\xcb\r",
    b"(002 010 020 030 040 050 060 070 080 090 100 110 120\xca#\r",
    b"(000.0 00.0 230.0 49.9 0161 0119 003 460 57.50 012 100 0069 0014 103.8 57.45 00000 00110110 00 00 00856 010$\x8c\r",
    b"(230.0 21.7 230.0 50.0 21.7 5000 4000 48.0 46.0 42.0 56.4 54.0 0 10 010 1 0 0 6 01 0 0 54.0 0 1o~\r",
    b"(230.0 50.0 0030 42.0 54.0 56.4 46.0 60 0 0 2 0 0 0 0 0 1 1 0 0 1 0 54.0 0 1 000\x9e`\r",
    b"(1 92931701100510 B 00 000.0 00.00 230.6 50.00 0275 0141 005 51.4 001 100 083.3 002 00574 00312 003 10100110 1 2 060 120 10 04 000\xcc#\r",
    b"(1 030 030 080 021 55.40 224 030 0 0234y?\r",
];

struct Axpert {
    replies: Vec<Vec<u8>>,
    /// The inquiry the last request made, to read the reply back.
    asked: Option<Inquiry>,
}

impl harness::Case for Axpert {
    type M = Client;

    fn machine(u: &mut Unstructured<'_>) -> Result<(Self, Client, Duration)> {
        let timeout = Duration::from_millis(u.int_in_range(1..=3000)?);
        let case = Axpert {
            replies: REPLIES.iter().map(|r| r.to_vec()).collect(),
            asked: None,
        };
        Ok((case, Client::new(Link::new(), timeout), timeout))
    }

    fn send(
        &mut self,
        m: &mut Client,
        now: Duration,
        u: &mut Unstructured<'_>,
    ) -> Result<(bool, core::result::Result<(), axpert_proto::Error>)> {
        let (valid, command) = match u.int_in_range(0..=5u8)? {
            0..=2 => (true, Command::from(*u.choose(&Inquiry::ALL)?)),
            3 => {
                let unit = u.int_in_range(0..=12)?;
                (unit <= 9, Inquiry::ParallelStatus(unit).into())
            }
            4 => match u.int_in_range(0..=2u8)? {
                0 => (true, Setting::ResetDefaults.into()),
                1 => (true, Setting::EqualizationTime(30).into()),
                _ => (false, Setting::EqualizationTime(u.arbitrary()?).into()),
            },
            _ => {
                let len = u.int_in_range(0..=12)?;
                let text: String = (0..len)
                    .map(|_| u.int_in_range(0x20..=0x7Eu8).map(char::from))
                    .collect::<Result<_>>()?;
                match Command::raw(&text) {
                    Ok(c) => (false, c),
                    Err(_) => (true, Inquiry::Mode.into()),
                }
            }
        };
        self.asked = command.inquiry();
        Ok((valid, m.send(now, &command)))
    }

    fn replies(&self) -> &[Vec<u8>] {
        &self.replies
    }

    fn transmitted(&mut self, bytes: &[u8]) {
        assert_eq!(bytes.last(), Some(&b'\r'), "{bytes:?}");
        assert!(
            axpert_proto::frame::decode_request(bytes).is_ok(),
            "{bytes:?}"
        );
    }

    fn reply(&mut self, m: &Client, reply: axpert_proto::client::Accepted) {
        let r: Response = *m.answer(reply);
        let mut buf = [0u8; 600];
        let n = r.encode(&mut buf).expect("an accepted reply encodes");
        assert_eq!(Response::decode_bytes(self.asked, &buf[..n]), Ok(r));
    }

    fn poll_more(&mut self, m: &mut Client) {
        let _ = m.poll_stray();
    }
}

fuzz_target!(|data: &[u8]| harness::run::<Axpert>(data));
