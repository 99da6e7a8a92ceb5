//! Modbus RTU: unit 1, ten holding registers (register n holds 10·n),
//! asked for registers 2..5 (FC03).

use std::time::Duration;

use embedded_io::ErrorKind;
use modbus_rtu_lite::{
    Config, Error as Modbus, Exception, Field, Handler, Line, Mode, Parity, Request, Response,
    Server, decode_request, decode_response, encode_request, encode_response,
};
use transports::Error;
use transports::modbus::Driver;

use crate::{Fault, Faulty, Side, Time};

pub const TIMEOUT: Duration = Duration::from_millis(500);
/// Registers 2, 3, 4: 20, 30, 40.
pub const READ: Request<'static> = Request::ReadHoldingRegisters {
    start: 2,
    quantity: 3,
};
/// Register 7 alone: 70.
pub const OTHER: Request<'static> = Request::ReadHoldingRegisters {
    start: 7,
    quantity: 1,
};

/// Register n holds 10·n.
pub struct Regs;

impl Handler for Regs {
    fn read_holding_registers(&mut self, start: u16, out: &mut [u16]) -> Result<(), Exception> {
        for (i, r) in out.iter_mut().enumerate() {
            *r = 10 * (start + i as u16);
        }
        Ok(())
    }
}

pub struct Unit(Server<Regs>);

const LINE: Line = Line::new(9600, Parity::Even, 1);
const MODE: Mode = Mode::Length {
    silence: Duration::from_millis(50),
};

impl Unit {
    pub fn new() -> Self {
        Unit(Server::new(Regs, [1, 0, 0, 0], LINE, MODE, Duration::ZERO))
    }
}

impl Side for Unit {
    fn answer(&mut self, written: &[u8]) -> Vec<u8> {
        self.0.process(written);
        self.0
            .poll_transmit(Duration::ZERO)
            .unwrap_or_default()
            .to_vec()
    }

    fn another_address(&mut self, _: &[u8], reply: &[u8]) -> Option<Vec<u8>> {
        let (_, response) = decode_response(reply).unwrap();
        let mut buf = [0u8; 256];
        let n = encode_response(2, &response, &mut buf).unwrap();
        Some(buf[..n].to_vec())
    }

    /// The unit reads one register more than asked.
    fn wrong_count(&mut self, written: &[u8], _: &[u8]) -> Vec<u8> {
        let (address, request) = decode_request(written).unwrap();
        let Request::ReadHoldingRegisters { start, quantity } = request else {
            panic!("{request:?}");
        };
        let more = Request::ReadHoldingRegisters {
            start,
            quantity: quantity + 1,
        };
        let mut buf = [0u8; 256];
        let n = encode_request(address, &more, &mut buf).unwrap();
        self.answer(&buf[..n])
    }
}

pub fn config(time: &Time) -> modbus_rtu_lite::Client {
    let config = Config {
        mode: MODE,
        timeout: TIMEOUT,
        ..Config::new(LINE)
    };
    config.client(transports::Clock::now(time))
}

fn driver() -> (Driver<Faulty<Unit>, Time>, Time) {
    let time = Time::default();
    let port = Faulty::new(Unit::new(), time.clone());
    (Driver::new(port, time.clone(), config(&time)), time)
}

/// The registers a reply carries.
pub fn registers(response: Response<'_>) -> Vec<u16> {
    match response {
        Response::ReadHoldingRegisters(w) => w.iter().collect(),
        other => panic!("{other:?}"),
    }
}

type D = Driver<Faulty<Unit>, Time>;

/// Reads registers 2..5 and checks them: the transaction succeeds.
fn succeeds(d: &mut D) {
    let reply = d.ask(&(1, READ)).unwrap();
    assert_eq!(registers(reply.response()), [20, 30, 40]);
}

fn fails(d: &mut D, fault: Fault) -> Error<ErrorKind, Modbus> {
    d.io_mut().inject(fault);
    match d.ask(&(1, READ)) {
        Ok(r) => panic!("{fault:?}: accepted {:?}", r.bytes()),
        Err(e) => e,
    }
}

#[test]
fn healthy() {
    let (mut d, _) = driver();
    succeeds(&mut d);
    assert_eq!(d.counters(), Default::default());
}

#[test]
fn never_answers() {
    let (mut d, time) = driver();
    let start = transports::Clock::now(&time);
    assert!(matches!(fails(&mut d, Fault::Silent), Error::Timeout));
    let waited = transports::Clock::now(&time) - start;
    assert!(
        (TIMEOUT..TIMEOUT + crate::SLICE).contains(&waited),
        "{waited:?}"
    );
    succeeds(&mut d);
    assert_eq!(d.counters(), Default::default());
}

#[test]
fn stops_mid_frame() {
    let (mut d, _) = driver();
    assert!(matches!(fails(&mut d, Fault::MidFrame), Error::Timeout));
    let c = d.counters();
    assert_eq!((c.cut, c.discarded), (1, 5), "{c:?}");
    succeeds(&mut d);
    assert_eq!((d.counters().unsolicited, d.counters().stray), (0, 0));
}

#[test]
fn answers_late() {
    let (mut d, _) = driver();
    assert!(matches!(fails(&mut d, Fault::Late), Error::Timeout));
    // The next request (one register) meets the late reply (three) first:
    // from the unit asked, for the function asked, but not its answer.
    assert!(matches!(
        d.ask(&(1, OTHER)),
        Err(Error::Protocol(Modbus::NotAnswer {
            field: Field::ByteCount,
            expected: 2,
            found: 6
        }))
    ));
    // Its own reply came after that one ended: unsolicited.
    assert_eq!(d.counters().unsolicited, 1);
    assert_eq!(d.io_mut().pending(), 0);
    succeeds(&mut d);
}

#[test]
fn answers_twice() {
    let (mut d, _) = driver();
    d.io_mut().inject(Fault::Twice);
    succeeds(&mut d);
    assert_eq!(d.counters().unsolicited, 1, "the copy");
    succeeds(&mut d);
    assert_eq!(d.counters().unsolicited, 1);
}

#[test]
fn echoes_the_request() {
    let (mut d, _) = driver();
    assert!(matches!(fails(&mut d, Fault::Echo), Error::Timeout));
    let c = d.counters();
    assert_eq!((c.stray, c.unsolicited), (0, 0), "{c:?}");
    assert_eq!(c.discarded, 8, "the echo is passed over: {c:?}");
    succeeds(&mut d);
}

#[test]
fn answers_from_another_unit() {
    let (mut d, _) = driver();
    assert!(matches!(
        fails(&mut d, Fault::AnotherAddress),
        Error::Timeout
    ));
    assert_eq!(d.counters().stray, 1);
    assert!(matches!(
        d.machine_mut().poll_stray(),
        Some(Modbus::Mismatch {
            address: 1,
            found_address: 2,
            ..
        })
    ));
    succeeds(&mut d);
    assert_eq!(d.counters().stray, 1);
}

#[test]
fn answers_with_the_wrong_count() {
    let (mut d, _) = driver();
    assert!(matches!(
        fails(&mut d, Fault::WrongCount),
        Error::Protocol(Modbus::NotAnswer {
            field: Field::ByteCount,
            expected: 6,
            found: 8
        })
    ));
    succeeds(&mut d);
    assert_eq!(d.counters(), Default::default());
}

#[test]
fn unplugged() {
    let (mut d, _) = driver();
    // The request went out, then the cable was pulled: the read fails.
    assert!(matches!(
        fails(&mut d, Fault::Unplugged),
        Error::Io(ErrorKind::BrokenPipe)
    ));
    // Still unplugged: the write fails, and nothing was heard.
    assert!(matches!(
        d.ask(&(1, READ)),
        Err(Error::Io(ErrorKind::BrokenPipe))
    ));
    assert_eq!(d.io_mut().requests.len(), 1);
    // Plugged back in: the same driver carries on.
    d.io_mut().replug();
    succeeds(&mut d);
    // Or a new driver over the same client (a gateway that reopens the
    // port builds one): the counters carry over.
    let (port, time, machine) = d.into_parts();
    let mut d = Driver::new(port, time, machine);
    succeeds(&mut d);
    assert_eq!(d.counters(), Default::default());
}
