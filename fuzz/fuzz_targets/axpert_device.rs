//! The Axpert device side through the shared device harness
//! (`common/device.rs`): commands encoded by the crate and from the
//! manual (whole, damaged, in chunks), arbitrary bytes, arbitrary times,
//! and the application's answers (ACK, NAK, a captured reply to the
//! inquiry asked). Every reply must be exactly the answer's encoding and
//! decode back, as the reply to that inquiry, to the same value.
#![no_main]

#[path = "common/device.rs"]
mod harness;

use axpert_proto::device::Device;
use axpert_proto::{BatterySystem, CAPACITY, Command, Error, Inquiry, Response, Setting};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

/// Replies from `testdata/captures/axpert.jsonl`, their CRCs intact.
const REPLIES: &[&[u8]] = &[
    b"(B\xe7\xc9\r",
    b"(PI30\x9a\x0b\r",
    b"(9293333010501\xbb\x07\r",
    b"(VERFW:00072.70S\xa7\r",
    b"(EakxyDbjuvz/)\r",
    b"(00000100000000001000000000000000V\xa6\r",
    b"(000.0 00.0 230.0 49.9 0161 0119 003 460 57.50 012 100 0069 0014 103.8 57.45 00000 00110110 00 00 00856 010$\x8c\r",
    b"(230.0 21.7 230.0 50.0 21.7 5000 4000 48.0 46.0 42.0 56.4 54.0 0 10 010 1 0 0 6 01 0 0 54.0 0 1o~\r",
    b"(1 92931701100510 B 00 000.0 00.00 230.6 50.00 0275 0141 005 51.4 001 100 083.3 002 00574 00312 003 10100110 1 2 060 120 10 04 000\xcc#\r",
];

struct Axpert {
    requests: Vec<Vec<u8>>,
    /// The last answer: the inquiry it answers and the value.
    expect: Option<(Option<Inquiry>, Response)>,
}

impl harness::Case for Axpert {
    type D = Device;
    const MAX_REPLY: usize = CAPACITY;

    fn device(u: &mut Unstructured<'_>) -> Result<(Self, Device)> {
        let system = *u.choose(&[
            BatterySystem::V12,
            BatterySystem::V24,
            BatterySystem::V48,
            BatterySystem::V48Hv64,
        ])?;
        let mut requests = Vec::new();
        let commands = Inquiry::ALL.into_iter().map(Command::from).chain([
            Setting::ResetDefaults.into(),
            Setting::EqualizationTime(30).into(),
            Setting::EqualizationTime(903).into(),
            Inquiry::ParallelStatus(3).into(),
        ]);
        for c in commands {
            let mut buf = [0u8; 64];
            if let Ok(n) = c.encode(&mut buf) {
                requests.push(buf[..n].to_vec());
            }
        }
        requests.push(b"QPIGS\xb7\xa9\r".to_vec());
        requests.push(b"PBEQT903\r".to_vec());
        let case = Axpert {
            requests,
            expect: None,
        };
        Ok((case, Device::new(system)))
    }

    fn answer(&mut self, r: &Result<Command, Error>, u: &mut Unstructured<'_>) -> Result<Response>
    where
        Self: Sized,
    {
        let inquiry = r.as_ref().ok().and_then(|c| c.inquiry());
        let response = match (r, u.int_in_range(0..=3u8)?) {
            (Err(_), _) | (_, 0) => Response::Nak,
            (_, 1) => Response::Ack,
            _ => {
                let i = u.choose_index(REPLIES.len())?;
                Response::decode_bytes(inquiry, REPLIES[i]).unwrap_or(Response::Nak)
            }
        };
        self.expect = Some((inquiry, response));
        Ok(response)
    }

    fn requests(&self) -> &[Vec<u8>] {
        &self.requests
    }

    fn check(&mut self, reply: &[u8]) {
        let (inquiry, response) = self.expect.take().expect("a reply with no answer given");
        let mut buf = [0u8; 600];
        let n = response.encode(&mut buf).expect("the answer encodes");
        assert_eq!(reply, &buf[..n], "not the answer's encoding");
        assert_eq!(Response::decode_bytes(inquiry, reply), Ok(response));
    }
}

fuzz_target!(|data: &[u8]| harness::run::<Axpert>(data));
