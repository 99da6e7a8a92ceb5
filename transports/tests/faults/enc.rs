//! ENC: the drive at address 1, asked for its run frequency (50.00 Hz),
//! and for its output current (12.5 A) where a second request is needed.

use std::time::Duration;

use embedded_io::ErrorKind;
use enc_ascii::{
    Address, Command, Device, Error as Enc, Fault as DriveFault, Incoming, Radix, Reading, Request,
    Response, ResponseCode,
};
use transports::Error;
use transports::enc::{DEFAULT_BAUD, DEFAULT_RESPONSE_DELAY, Driver, client};

use crate::{Fault, Faulty, Side, Time};

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
    fn answer(&mut self, mut written: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        while !written.is_empty() {
            let (n, incoming) = self.0.feed(written);
            written = &written[n..];
            let Some(Incoming::Request(r)) = incoming else {
                continue;
            };
            let (_, _, index, _) = r.command.wire();
            let data = match r.command {
                Command::Read(Reading::RunFrequency) => Some(5000),
                Command::Read(Reading::OutputCurrent) => Some(125),
                _ => None,
            };
            let address = self.0.address();
            let code = ResponseCode::Normal;
            out.extend(encode(&Response::new(
                address,
                code,
                RADIX,
                DriveFault::None,
                index,
                data,
            )));
        }
        out
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

type D = Driver<Faulty<Drive>, Time>;

fn timeout() -> Duration {
    enc_ascii::timeout_for(DEFAULT_BAUD, DEFAULT_RESPONSE_DELAY)
}

fn driver() -> D {
    let time = Time::default();
    let drive = Drive(Device::new(Address::new(1).unwrap()));
    let port = Faulty::new(drive, time.clone());
    Driver::new(
        port,
        time,
        client(DEFAULT_BAUD, DEFAULT_RESPONSE_DELAY, RADIX),
    )
}

fn ask(reading: Reading) -> Request {
    Request::new(Address::new(1).unwrap(), Command::Read(reading))
}

fn succeeds(d: &mut D) {
    let r = d.ask(&ask(Reading::RunFrequency)).unwrap();
    assert_eq!(
        (r.address, r.code, r.index, r.data),
        (1, ResponseCode::Normal, Some(1), Some(5000))
    );
}

fn fails(d: &mut D, fault: Fault) -> Error<ErrorKind, Enc> {
    d.io_mut().inject(fault);
    match d.ask(&ask(Reading::RunFrequency)) {
        Ok(r) => panic!("{fault:?}: accepted {r:?}"),
        Err(e) => e,
    }
}

#[test]
fn healthy() {
    let mut d = driver();
    succeeds(&mut d);
    assert_eq!(d.io_mut().requests, [b"~010B00010194\r"]);
    assert_eq!(d.counters(), Default::default());
}

#[test]
fn never_answers() {
    let mut d = driver();
    let start = d.now();
    assert!(matches!(fails(&mut d, Fault::Silent), Error::Timeout));
    assert!(d.now() - start >= timeout());
    succeeds(&mut d);
    assert_eq!(d.counters(), Default::default());
}

#[test]
fn stops_mid_frame() {
    let mut d = driver();
    assert!(matches!(fails(&mut d, Fault::MidFrame), Error::Timeout));
    succeeds(&mut d);
    let c = d.counters();
    assert_eq!((c.cut, c.unsolicited, c.stray), (0, 0, 0), "{c:?}");
}

#[test]
fn answers_late() {
    let mut d = driver();
    assert!(matches!(fails(&mut d, Fault::Late), Error::Timeout));
    // The late reply echoes the run frequency's index, not the current's.
    let next = d.ask(&ask(Reading::OutputCurrent));
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
    assert_eq!(d.counters().unsolicited, 1, "the current's own reply");
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
    assert!(matches!(fails(&mut d, Fault::Echo), Error::Timeout));
    assert_eq!(d.counters().stray, 1);
    assert_eq!(d.machine_mut().poll_stray(), Some(Enc::Echo));
    succeeds(&mut d);
}

#[test]
fn answers_from_another_drive() {
    let mut d = driver();
    assert!(matches!(
        fails(&mut d, Fault::AnotherAddress),
        Error::Timeout
    ));
    assert_eq!(d.counters().stray, 1);
    assert_eq!(
        d.machine_mut().poll_stray(),
        Some(Enc::WrongAddress {
            expected: 1,
            found: 2
        })
    );
    succeeds(&mut d);
    assert_eq!(d.counters().stray, 1);
}

#[test]
fn answers_with_the_wrong_shape() {
    let mut d = driver();
    assert!(matches!(
        fails(&mut d, Fault::WrongCount),
        Error::Protocol(Enc::WrongIndex {
            expected: 1,
            found: 3
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
        d.ask(&ask(Reading::RunFrequency)),
        Err(Error::Io(ErrorKind::BrokenPipe))
    ));
    d.io_mut().replug();
    succeeds(&mut d);
}
