//! The Modbus matrix again, through the async driver on the same double
//! and the same simulated time: the outcomes are the blocking driver's,
//! because both run the one loop. A read that finds nothing never
//! completes here; the driver's timer ends the wait, exactly at the
//! deadline.

use embassy_futures::block_on;
use embedded_io::ErrorKind;
use modbus_rtu_lite::{Error as Modbus, Field};
use transports::Error;
use transports::asynch::Timer;
use transports::modbus::AsyncDriver;

use crate::modbus::{OTHER, READ, TIMEOUT, Unit, config, registers};
use crate::{Fault, Faulty, Time};

type D = AsyncDriver<Faulty<Unit>, Time>;

fn driver() -> D {
    let time = Time::default();
    let port = Faulty::new(Unit::new(), time.clone());
    AsyncDriver::new(port, time.clone(), config(&time))
}

fn succeeds(d: &mut D) {
    let reply = block_on(d.ask(&(1, READ))).unwrap();
    assert_eq!(registers(reply.response()), [20, 30, 40]);
}

fn fails(d: &mut D, fault: Fault) -> Error<ErrorKind, Modbus> {
    d.io_mut().inject(fault);
    match block_on(d.ask(&(1, READ))) {
        Ok(r) => panic!("{fault:?}: accepted {:?}", r.bytes()),
        Err(e) => e,
    }
}

#[test]
fn never_answers_times_out_at_the_deadline() {
    let mut d = driver();
    let start = d.timer().now();
    assert!(matches!(fails(&mut d, Fault::Silent), Error::Timeout));
    assert_eq!(d.timer().now() - start, TIMEOUT);
    succeeds(&mut d);
    assert_eq!(d.counters(), Default::default());
}

#[test]
fn stops_mid_frame() {
    let mut d = driver();
    assert!(matches!(fails(&mut d, Fault::MidFrame), Error::Timeout));
    let c = d.counters();
    assert_eq!((c.cut, c.discarded), (1, 5), "{c:?}");
    succeeds(&mut d);
}

#[test]
fn answers_late() {
    let mut d = driver();
    assert!(matches!(fails(&mut d, Fault::Late), Error::Timeout));
    assert!(matches!(
        block_on(d.ask(&(1, OTHER))),
        Err(Error::Protocol(Modbus::NotAnswer {
            field: Field::ByteCount,
            expected: 2,
            found: 6
        }))
    ));
    assert_eq!(d.counters().unsolicited, 1);
    succeeds(&mut d);
}

#[test]
fn answers_twice() {
    let mut d = driver();
    d.io_mut().inject(Fault::Twice);
    succeeds(&mut d);
    assert_eq!(d.counters().unsolicited, 1);
    succeeds(&mut d);
    assert_eq!(d.counters().unsolicited, 1);
}

#[test]
fn echoes_the_request() {
    let mut d = driver();
    assert!(matches!(fails(&mut d, Fault::Echo), Error::Timeout));
    assert_eq!(d.counters().discarded, 8);
    succeeds(&mut d);
}

#[test]
fn answers_from_another_unit() {
    let mut d = driver();
    assert!(matches!(
        fails(&mut d, Fault::AnotherAddress),
        Error::Timeout
    ));
    assert_eq!(d.counters().stray, 1);
    succeeds(&mut d);
}

#[test]
fn answers_with_the_wrong_count() {
    let mut d = driver();
    assert!(matches!(
        fails(&mut d, Fault::WrongCount),
        Error::Protocol(Modbus::NotAnswer {
            field: Field::ByteCount,
            expected: 6,
            found: 8
        })
    ));
    succeeds(&mut d);
}

#[test]
fn unplugged() {
    let mut d = driver();
    assert!(matches!(
        fails(&mut d, Fault::Unplugged),
        Error::Io(ErrorKind::BrokenPipe)
    ));
    assert!(matches!(
        block_on(d.ask(&(1, READ))),
        Err(Error::Io(ErrorKind::BrokenPipe))
    ));
    d.io_mut().replug();
    succeeds(&mut d);
}
