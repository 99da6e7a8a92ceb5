//! Axpert: an inverter asked for its mode (QMOD), and for its output mode
//! (QOPM) as the second request. The protocol is point to
//! point (RS232 or USB, one inverter a port) and has no address: there is
//! no "another address" fault to inject.

use std::time::Duration;

use axpert_proto::{
    BatterySystem, Client, Command, Device, Error as Axpert, FieldError, Inquiry, Mode, OutputMode,
    Response,
};
use transports::Error;
use transports::axpert::client;

use crate::scenario::{Asked, Column, Failure, Passed};
use crate::{Side, Time, feed_all};

const TIMEOUT: Duration = Duration::from_secs(1);

/// An inverter in battery mode, a single unit.
struct Inverter(Device);

impl Inverter {
    fn reply(response: &Response) -> Vec<u8> {
        let mut buf = [0u8; 256];
        let n = response.encode(&mut buf).unwrap();
        buf[..n].to_vec()
    }
}

impl Side for Inverter {
    fn answer(&mut self, written: &[u8]) -> Vec<u8> {
        feed_all(written, |written| {
            let (n, command) = self.0.feed(written);
            let response = match command {
                None => return (n, Vec::new()),
                Some(Ok(Command::Inquiry(Inquiry::Mode))) => Response::Mode(Mode::Battery),
                Some(Ok(Command::Inquiry(Inquiry::OutputMode))) => {
                    Response::OutputMode(OutputMode::Single)
                }
                Some(_) => Response::Nak,
            };
            (n, Self::reply(&response))
        })
    }

    fn another_address(&mut self, _: &[u8], _: &[u8]) -> Option<Vec<u8>> {
        None
    }

    /// The reply to QOPM, whatever was asked.
    fn wrong_count(&mut self, _: &[u8], _: &[u8]) -> Vec<u8> {
        Self::reply(&Response::OutputMode(OutputMode::Single))
    }
}

/// What "B", the mode letter, is to an output mode's two digits.
const NOT_AN_OUTPUT_MODE: Axpert = Axpert::Field {
    index: 1,
    kind: FieldError::NotNumber,
};

impl Column for Inverter {
    type Side = Inverter;
    type Machine = Client;
    type Error = Axpert;

    fn parts(_: &Time) -> (Inverter, Client) {
        (Inverter(Device::new(BatterySystem::V48)), client(TIMEOUT))
    }
    fn timeout() -> Duration {
        TIMEOUT
    }

    fn request() -> Command {
        Inquiry::Mode.into()
    }
    fn check(answer: &Response) {
        assert_eq!(answer, &Response::Mode(Mode::Battery));
    }
    fn next() -> Command {
        Inquiry::OutputMode.into()
    }
    fn check_next(answer: &Response) {
        assert_eq!(answer, &Response::OutputMode(OutputMode::Single));
    }
    const WRITTEN: [&[u8]; 2] = [b"QMOD\x49\xc1\r", b"QOPM\xa5\xc5\r"];

    /// The half frame ("(B") is dropped when the next request starts,
    /// uncounted.
    const MID_FRAME: (u32, u64) = (0, 0);
    /// A reply does not say what it answers: QOPM meets QMOD's late reply,
    /// which is not an output mode.
    fn late(next: Asked<'_, Self>) {
        assert!(
            matches!(next, Err(Error::Protocol(NOT_AN_OUTPUT_MODE))),
            "{next:?}"
        );
    }
    /// QOPM's own reply.
    const LATE: Passed<Axpert> = Passed::Unsolicited(1);
    const TWICE: u32 = 1;
    /// An echo has no `(`: the framer passes it over, as it does an
    /// adapter's echo in front of a reply.
    const ECHO: Passed<Axpert> = Passed::Dropped {
        cut: 0,
        discarded: 7,
    };
    /// QOPM's reply ("(00") to QMOD: not a mode letter.
    const WRONG_COUNT: Failure<Self> = Error::Protocol(Axpert::Field {
        index: 1,
        kind: FieldError::Width {
            expected: 1,
            found: 2,
        },
    });
}

scenarios!(Inverter in Blocking);
