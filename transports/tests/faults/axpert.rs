//! Axpert: an inverter asked for its mode (QMOD), and for its output mode
//! (QOPM) where a second inquiry is needed. The protocol is point to
//! point (RS232 or USB, one inverter a port) and has no address: there is
//! no "another address" fault to inject.

use std::time::Duration;

use axpert_proto::{
    BatterySystem, Command, Device, Error as Axpert, FieldError, Inquiry, Mode, OutputMode,
    Response,
};
use embedded_io::ErrorKind;
use transports::Error;
use transports::axpert::{Driver, client};

use crate::{Fault, Faulty, Side, Time};

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
    fn answer(&mut self, mut written: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        while !written.is_empty() {
            let (n, command) = self.0.feed(written);
            written = &written[n..];
            let response = match command {
                None => continue,
                Some(Ok(Command::Inquiry(Inquiry::Mode))) => Response::Mode(Mode::Battery),
                Some(Ok(Command::Inquiry(Inquiry::OutputMode))) => {
                    Response::OutputMode(OutputMode::Single)
                }
                Some(_) => Response::Nak,
            };
            out.extend(Self::reply(&response));
        }
        out
    }

    fn another_address(&mut self, _: &[u8], _: &[u8]) -> Option<Vec<u8>> {
        None
    }

    /// The reply to QOPM, whatever was asked.
    fn wrong_count(&mut self, _: &[u8], _: &[u8]) -> Vec<u8> {
        Self::reply(&Response::OutputMode(OutputMode::Single))
    }
}

type D = Driver<Faulty<Inverter>, Time>;

fn driver() -> D {
    let time = Time::default();
    let port = Faulty::new(Inverter(Device::new(BatterySystem::V48)), time.clone());
    Driver::new(port, time, client(TIMEOUT))
}

fn succeeds(d: &mut D) {
    let reply = d.ask(&Inquiry::Mode.into()).unwrap();
    assert_eq!(reply, &Response::Mode(Mode::Battery));
}

fn fails(d: &mut D, fault: Fault) -> Error<ErrorKind, Axpert> {
    d.io_mut().inject(fault);
    match d.ask(&Inquiry::Mode.into()) {
        Ok(r) => panic!("{fault:?}: accepted {r:?}"),
        Err(e) => e,
    }
}

/// What "B", the mode letter, is to an output mode's two digits.
const NOT_AN_OUTPUT_MODE: Axpert = Axpert::Field {
    index: 1,
    kind: FieldError::NotNumber,
};

#[test]
fn healthy() {
    let mut d = driver();
    succeeds(&mut d);
    assert_eq!(d.io_mut().requests, [b"QMOD\x49\xc1\r"]);
    assert_eq!(d.counters(), Default::default());
}

#[test]
fn never_answers() {
    let mut d = driver();
    let start = d.now();
    assert!(matches!(fails(&mut d, Fault::Silent), Error::Timeout));
    assert!(d.now() - start >= TIMEOUT);
    succeeds(&mut d);
    assert_eq!(d.counters(), Default::default());
}

#[test]
fn stops_mid_frame() {
    let mut d = driver();
    assert!(matches!(fails(&mut d, Fault::MidFrame), Error::Timeout));
    // The half frame ("(B") is dropped when the next request starts.
    succeeds(&mut d);
    let c = d.counters();
    assert_eq!((c.cut, c.unsolicited, c.stray), (0, 0, 0), "{c:?}");
}

#[test]
fn answers_late() {
    let mut d = driver();
    assert!(matches!(fails(&mut d, Fault::Late), Error::Timeout));
    // A reply does not say what it answers: QOPM meets QMOD's late reply,
    // which is not an output mode.
    let next = d.ask(&Inquiry::OutputMode.into());
    assert!(
        matches!(next, Err(Error::Protocol(NOT_AN_OUTPUT_MODE))),
        "{next:?}"
    );
    assert_eq!(d.counters().unsolicited, 1, "QOPM's own reply");
    succeeds(&mut d);
}

#[test]
fn answers_twice() {
    let mut d = driver();
    d.io_mut().inject(Fault::Twice);
    succeeds(&mut d);
    assert_eq!(d.counters().unsolicited, 1, "the copy");
    succeeds(&mut d);
    assert_eq!(d.counters().unsolicited, 1);
}

#[test]
fn echoes_the_request() {
    let mut d = driver();
    // An echo has no `(`: the framer passes it over, as it does an
    // adapter's echo in front of a reply.
    assert!(matches!(fails(&mut d, Fault::Echo), Error::Timeout));
    let c = d.counters();
    assert_eq!((c.discarded, c.cut, c.unsolicited), (7, 0, 0), "{c:?}");
    succeeds(&mut d);
}

#[test]
fn answers_with_the_wrong_shape() {
    let mut d = driver();
    // QOPM's reply ("(00") to QMOD: not a mode letter.
    assert!(matches!(
        fails(&mut d, Fault::WrongCount),
        Error::Protocol(Axpert::Field {
            index: 1,
            kind: FieldError::Width {
                expected: 1,
                found: 2
            }
        })
    ));
    succeeds(&mut d);
    assert_eq!(d.counters(), Default::default());
}

#[test]
fn unplugged() {
    let mut d = driver();
    assert!(matches!(
        fails(&mut d, Fault::Unplugged),
        Error::Io(ErrorKind::BrokenPipe)
    ));
    assert!(matches!(
        d.ask(&Inquiry::Mode.into()),
        Err(Error::Io(ErrorKind::BrokenPipe))
    ));
    d.io_mut().replug();
    succeeds(&mut d);
}
