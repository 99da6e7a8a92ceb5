//! ENC: the drive at address 1, asked for its run frequency (50.00 Hz),
//! and for its output current (12.5 A) as the second request.

use std::time::Duration;

use enc_ascii::{
    Address, Client, Command, Device, Error as Enc, Fault as DriveFault, Incoming, Radix, Reading,
    Request, Response, ResponseCode,
};
use transports::Error;
use transports::enc::{DEFAULT_BAUD, DEFAULT_RESPONSE_DELAY, client};

use crate::scenario::{Asked, Column, Failure, Passed};
use crate::{Side, Time, feed_all};

const RADIX: Radix = Radix::Literal;

fn encode(r: &Response) -> Vec<u8> {
    let mut buf = [0u8; 18];
    let n = r.encode(&mut buf).unwrap();
    buf[..n].to_vec()
}

fn decode(bytes: &[u8]) -> Response {
    Response::decode_bytes(bytes, RADIX).unwrap()
}

/// A drive running at 50.00 Hz and 12.5 A.
struct Drive(Device);

impl Side for Drive {
    fn answer(&mut self, written: &[u8]) -> Vec<u8> {
        feed_all(written, |written| {
            let (n, incoming) = self.0.feed(written);
            let Some(Incoming::Request(r)) = incoming else {
                return (n, Vec::new());
            };
            let (_, _, index, _) = r.command.wire();
            let data = match r.command {
                Command::Read(Reading::RunFrequency) => Some(5000),
                Command::Read(Reading::OutputCurrent) => Some(125),
                _ => None,
            };
            let address = self.0.address();
            let code = ResponseCode::Normal;
            let response = Response::new(address, code, RADIX, DriveFault::None, index, data);
            (n, encode(&response))
        })
    }

    fn another_address(&mut self, _: &[u8], reply: &[u8]) -> Option<Vec<u8>> {
        let mut r = decode(reply);
        r.address = 2;
        Some(encode(&r))
    }

    /// The answer to another reading (index 3, output current).
    fn wrong_count(&mut self, _: &[u8], reply: &[u8]) -> Vec<u8> {
        let mut r = decode(reply);
        r.index = Some(3);
        r.data = Some(125);
        encode(&r)
    }
}

fn ask(reading: Reading) -> Request {
    Request::new(Address::new(1).unwrap(), Command::Read(reading))
}

/// A normal reply from the drive asked, to the reading `index`.
fn reads(r: Response, index: u8, data: u16) {
    assert_eq!(
        (r.address, r.code, r.index, r.data),
        (1, ResponseCode::Normal, Some(index), Some(data))
    );
}

impl Column for Drive {
    type Side = Drive;
    type Machine = Client;
    type Error = Enc;

    fn parts(_: &Time) -> (Drive, Client) {
        let drive = Drive(Device::new(Address::new(1).unwrap()));
        (drive, client(DEFAULT_BAUD, DEFAULT_RESPONSE_DELAY, RADIX))
    }
    fn timeout() -> Duration {
        enc_ascii::timeout_for(DEFAULT_BAUD, DEFAULT_RESPONSE_DELAY)
    }

    fn request() -> Request {
        ask(Reading::RunFrequency)
    }
    fn check(answer: Response) {
        reads(answer, 1, 5000);
    }
    fn next() -> Request {
        ask(Reading::OutputCurrent)
    }
    fn check_next(answer: Response) {
        reads(answer, 3, 125);
    }
    const WRITTEN: [&[u8]; 2] = [b"~010B00010194\r", b"~010B00030196\r"];

    /// The half frame is dropped when the next request starts, uncounted.
    const MID_FRAME: (u32, u64) = (0, 0);
    /// The late reply echoes the run frequency's index, not the current's.
    fn late(next: Asked<'_, Self>) {
        assert!(
            matches!(
                next,
                Err(Error::Protocol(Enc::WrongIndex {
                    expected: 3,
                    found: 1
                }))
            ),
            "{next:?}"
        );
    }
    /// The current's own reply.
    const LATE: Passed<Enc> = Passed::Unsolicited(1);
    const TWICE: u32 = 1;
    const ECHO: Passed<Enc> = Passed::Stray(Enc::Echo);
    const ANOTHER_ADDRESS: Option<Enc> = Some(Enc::WrongAddress {
        expected: 1,
        found: 2,
    });
    /// The answer to another reading (index 3).
    const WRONG_COUNT: Failure<Self> = Error::Protocol(Enc::WrongIndex {
        expected: 1,
        found: 3,
    });
}

scenarios!(Drive in Blocking, addressed);
