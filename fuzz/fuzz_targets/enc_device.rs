//! The ENC device side (drive 1 or 2, either radix) through the shared
//! device harness (`common/device.rs`): requests from the manual and the
//! crate's tests and encoded by the crate for drives 1, 2 and broadcast
//! (whole, damaged, in chunks), arbitrary bytes, arbitrary times, and the
//! application's answers: a full reply with any code, fault, echoed index
//! and data, the short code-20 reply to a bad frame, or none (always none
//! to a broadcast).
//!
//! Every request handed out must be for this drive or a broadcast and
//! re-encode to a frame that decodes to it again; every reply must be
//! exactly the answer's encoding, a frame of 10 to 18 bytes that our own
//! decoder reads back, under the same radix, to the answer given; nothing
//! is written when the answer is none.
#![no_main]

#[path = "common/device.rs"]
mod harness;

use enc_ascii::frame::MAX_LEN;
use enc_ascii::{
    Address, Command, Device, Fault, Frame, Incoming, Radix, Reading, Request, Response,
    ResponseCode,
};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

/// Requests from the crate's tests (one with a bad checksum).
const REQUESTS: &[&[u8]] = &[
    b"~020A00000193\r",
    b"~010B00010194\r",
    b"~7F0C00010FA00298\r",
    b"~010B00010195\r",
    b"~020B00010196\r",
    b"~010F0000",
    b"~01\r",
];

struct Enc {
    address: Address,
    radix: Radix,
    requests: Vec<Vec<u8>>,
    /// The last answer given, if it was one.
    expect: Option<Response>,
}

impl harness::Case for Enc {
    type D = Device;
    const MAX_REPLY: usize = MAX_LEN;

    fn device(u: &mut Unstructured<'_>) -> Result<(Self, Device)> {
        let address = Address::new(u.int_in_range(1..=2)?).expect("1 and 2 are addresses");
        let radix = if u.arbitrary()? {
            Radix::Hex
        } else {
            Radix::Literal
        };
        let mut requests: Vec<Vec<u8>> = REQUESTS.iter().map(|r| r.to_vec()).collect();
        for adr in [1, 2, 127] {
            let adr = Address::new(adr).expect("an address");
            let commands = [
                Command::State,
                Command::Version,
                Command::Read(Reading::StateWord),
                Command::Read(Reading::RunFrequency),
                Command::from_wire(0x0C, 0x00, 0x01, Some(0x0FA0)),
                Command::from_wire(0x0D, 0x02, 0x0E, None),
                Command::from_wire(0x0E, 0x00, 0x03, Some(0x1388)),
                Command::from_wire(0x33, 0x01, 0x02, Some(0xFFFF)),
            ];
            for c in commands {
                let mut buf = [0u8; MAX_LEN];
                let n = Request::new(adr, c).encode(&mut buf).expect("18 bytes fit");
                requests.push(buf[..n].to_vec());
            }
        }
        let case = Enc {
            address,
            radix,
            requests,
            expect: None,
        };
        Ok((case, Device::new(address)))
    }

    fn answer(&mut self, r: &Incoming, u: &mut Unstructured<'_>) -> Result<Option<Response>> {
        if let Incoming::Request(q) = r {
            assert!(
                q.address == self.address || q.address.is_broadcast(),
                "{q:?} handed to drive {}",
                self.address.get()
            );
            let mut buf = [0u8; MAX_LEN];
            let n = q.encode(&mut buf).expect("a request re-encodes");
            assert_eq!(Request::decode_bytes(&buf[..n]).as_ref(), Ok(q));
        }
        let fault = Fault::from_code(u.arbitrary()?);
        let response = match (r.needs_reply(), u.int_in_range(0..=7u8)?) {
            (false, _) | (_, 0) => None,
            (_, 1) => Some(Response::frame_error(self.address, self.radix, None)),
            (_, 2) => Some(Response::frame_error(self.address, self.radix, Some(fault))),
            (_, k) => {
                let code = match k {
                    3 => ResponseCode::from_raw(u.arbitrary()?, self.radix),
                    4 => ResponseCode::Refused,
                    5 => *u.choose(&[
                        ResponseCode::Ready(11),
                        ResponseCode::Ready(12),
                        ResponseCode::ReadyLocked(13),
                        ResponseCode::ReadyLocked(14),
                        ResponseCode::NotReady,
                    ])?,
                    _ => ResponseCode::Normal,
                };
                let index = match r {
                    Incoming::Request(q) => q.command.wire().2,
                    Incoming::Bad(_) => u.arbitrary()?,
                };
                let data = if u.arbitrary()? {
                    Some(u.arbitrary()?)
                } else {
                    None
                };
                Some(Response::new(
                    self.address,
                    code,
                    self.radix,
                    fault,
                    index,
                    data,
                ))
            }
        };
        self.expect = response;
        Ok(response)
    }

    fn requests(&self) -> &[Vec<u8>] {
        &self.requests
    }

    fn check(&mut self, reply: &[u8]) {
        let response = self.expect.take().expect("a reply with no answer given");
        let mut buf = [0u8; MAX_LEN];
        let n = response.encode(&mut buf).expect("an answer encodes");
        assert_eq!(reply, &buf[..n], "not the answer's encoding");
        assert!(
            matches!(reply.len(), 10 | 12 | 14 | 18),
            "{} bytes",
            reply.len()
        );
        let f = Frame::decode(reply).unwrap_or_else(|e| panic!("{reply:?}: {e:?}"));
        assert_eq!(f.address, self.address.get());
        assert_eq!(Response::decode(&f, self.radix), response);
    }
}

fuzz_target!(|data: &[u8]| harness::run::<Enc>(data));
