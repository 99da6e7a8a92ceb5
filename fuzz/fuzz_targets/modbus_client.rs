//! The Modbus RTU client through the shared client harness
//! (`common/client.rs`), with either framer (by silence, t1.5/t3.5, or by
//! predicted length and CRC), any baud rate and turnaround: reads and
//! writes to servers 1 and 2 and broadcasts, replies (whole, damaged, in
//! chunks, with pauses between chunks) and arbitrary bytes at arbitrary
//! times. A reply it accepts must be a response ADU that re-encodes to
//! the same bytes.
#![no_main]

#[path = "common/client.rs"]
mod harness;

use core::time::Duration;

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use modbus_rtu_lite::{
    Accepted, Client, Line, Link, Mode, Parity, Request, crc16, decode_request, decode_response,
    encode_response,
};

/// Replies to the requests below, without their CRC.
const REPLIES: &[&[u8]] = &[
    &[0x01, 0x03, 0x02, 0x00, 0x07],
    &[0x01, 0x03, 0x04, 0x00, 0x07, 0x00, 0x08],
    &[0x02, 0x03, 0x02, 0x00, 0x07],
    &[0x01, 0x04, 0x02, 0x12, 0x34],
    &[0x01, 0x01, 0x01, 0x01],
    &[0x01, 0x02, 0x01, 0x03],
    &[0x01, 0x06, 0x00, 0x01, 0x00, 0x03],
    &[0x01, 0x05, 0x00, 0x01, 0xFF, 0x00],
    &[0x01, 0x07, 0x5A],
    &[0x01, 0x83, 0x02],
    &[0x02, 0x84, 0x01],
];

struct Modbus {
    replies: Vec<Vec<u8>>,
}

impl harness::Case for Modbus {
    type M = Client;

    fn machine(u: &mut Unstructured<'_>) -> Result<(Self, Client, Duration)> {
        let baud = *u.choose(&[1200, 9600, 19_200, 115_200])?;
        let line = Line::new(baud, Parity::Even, 1);
        let mode = if u.arbitrary()? {
            Mode::Timing
        } else {
            Mode::Length {
                silence: Duration::from_micros(u.int_in_range(0..=100_000)?),
            }
        };
        let timeout = Duration::from_millis(u.int_in_range(1..=2000)?);
        let turnaround = Duration::from_millis(u.int_in_range(0..=200)?);
        let mut replies = Vec::new();
        for r in REPLIES {
            let mut r = r.to_vec();
            r.extend_from_slice(&crc16(&r).to_le_bytes());
            replies.push(r);
        }
        let client =
            Client::new(Link::new(line, mode, Duration::ZERO), timeout).with_turnaround(turnaround);
        Ok((Modbus { replies }, client, timeout))
    }

    fn send(
        &mut self,
        m: &mut Client,
        now: Duration,
        u: &mut Unstructured<'_>,
    ) -> Result<(bool, core::result::Result<(), modbus_rtu_lite::Error>)> {
        let address = *u.choose(&[0u8, 1, 1, 2, 248])?;
        let start = if u.arbitrary()? { 1 } else { u.arbitrary()? };
        let small = u.int_in_range(1..=2u16)?;
        let (read, request) = match u.int_in_range(0..=7u8)? {
            0 => (
                true,
                Request::ReadHoldingRegisters {
                    start,
                    quantity: small,
                },
            ),
            1 => (
                true,
                Request::ReadInputRegisters {
                    start,
                    quantity: small,
                },
            ),
            2 => (
                true,
                Request::ReadCoils {
                    start,
                    quantity: small,
                },
            ),
            3 => (
                true,
                Request::ReadDiscreteInputs {
                    start,
                    quantity: small,
                },
            ),
            4 => (true, Request::ReadExceptionStatus),
            5 => (
                false,
                Request::WriteSingleRegister {
                    address: start,
                    value: u.arbitrary()?,
                },
            ),
            6 => (
                false,
                Request::WriteSingleCoil {
                    address: start,
                    value: u.arbitrary()?,
                },
            ),
            _ => {
                // Any quantity: the spec's limits refuse some.
                let q = u.arbitrary()?;
                let r = Request::ReadHoldingRegisters { start, quantity: q };
                let sent = m.send(now, &(address, r));
                return Ok((false, sent));
            }
        };
        // Reads go to one server; writes may be broadcast.
        let valid = matches!(address, 1 | 2) || (address == 0 && !read);
        Ok((valid, m.send(now, &(address, request))))
    }

    fn replies(&self) -> &[Vec<u8>] {
        &self.replies
    }

    fn transmitted(&mut self, bytes: &[u8]) {
        assert!(decode_request(bytes).is_ok(), "{bytes:02X?}");
    }

    fn reply(&mut self, m: &Client, reply: Accepted) {
        let r = m.answer(reply);
        let (address, response) = decode_response(r.bytes()).expect("an accepted reply decodes");
        assert_eq!(response, r.response());
        let mut buf = [0u8; 256];
        let n = encode_response(address, &response, &mut buf).expect("and re-encodes");
        assert_eq!(&buf[..n], r.bytes());
    }

    fn poll_more(&mut self, m: &mut Client) {
        let _ = m.poll_stray();
    }
}

fuzz_target!(|data: &[u8]| harness::run::<Modbus>(data));
