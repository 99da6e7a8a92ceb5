//! Each row of the table, written once: a scenario injects its fault
//! through a [`Driver`] (the blocking driver or the async one) and checks
//! what the [`Column`] (one protocol) says the fault ends in.
//!
//! [`scenarios!`] turns a column and a driver into one `#[test]` a
//! scenario, named after the scenario, in the protocol's module: a
//! failure names the protocol (`enc::`) and the fault (`answers_late`).

use std::fmt::Debug;
use std::time::Duration;

use embedded_io::ErrorKind;
use proto_core::{ClientMachine, Counters};
use transports::Error;

use crate::{Fault, Faulty, SLICE, Side, Time};

/// A request, as a column's client takes it.
pub type Request<C> = <<C as Column>::Machine as ClientMachine>::Request<'static>;
/// An accepted reply, as the driver hands it out.
pub type Answer<'a, C> = <<C as Column>::Machine as ClientMachine>::Answer<'a>;
/// What a transaction fails with.
pub type Failure<C> = Error<ErrorKind, <C as Column>::Error>;
/// What a transaction ends in.
pub type Asked<'a, C> = Result<Answer<'a, C>, Failure<C>>;

/// One column of the table: a protocol's device and client, the two
/// requests the scenarios ask, and what each fault ends in.
pub trait Column: Sized {
    /// The device side behind the port.
    type Side: Side;
    /// The protocol's client.
    type Machine: ClientMachine<Error = Self::Error> + Stray<Error = Self::Error> + 'static;
    /// The protocol's error.
    type Error: Debug + PartialEq + Copy;

    /// A fresh device and client, the client on `time`.
    fn parts(time: &Time) -> (Self::Side, Self::Machine);
    /// How long the client waits for a reply.
    fn timeout() -> Duration;

    /// The request every fault is injected into.
    fn request() -> Request<Self>;
    /// Checks the device's answer to [`request`](Self::request).
    fn check(answer: Answer<'_, Self>);
    /// The other request: the one that meets a late reply.
    fn next() -> Request<Self>;
    /// Checks the device's answer to [`next`](Self::next).
    fn check_next(answer: Answer<'_, Self>);
    /// Both requests as the driver writes them.
    const WRITTEN: [&'static [u8]; 2];

    /// Stops mid-frame: frames cut and bytes passed over once the time-out
    /// has ended the transaction.
    const MID_FRAME: (u32, u64);
    /// Answers late: what [`next`](Self::next) ends in.
    fn late(next: Asked<'_, Self>);
    /// Answers late: what the client passed over by then.
    const LATE: Passed<Self::Error>;
    /// Answers twice: frames unsolicited once both answers are in.
    const TWICE: u32;
    /// Echoes the request (a time-out): what the client makes of the echo.
    const ECHO: Passed<Self::Error>;
    /// Another address answers (a time-out): the stray frame's error;
    /// `None` where the protocol has no address (and `scenarios!` no
    /// `addressed`).
    const ANOTHER_ADDRESS: Option<Self::Error> = None;
    /// The wrong count or shape: what the transaction ends in.
    const WRONG_COUNT: Failure<Self>;
    /// The wrong count or shape: the stray frame's error, where the client
    /// passes the reply over.
    const WRONG_COUNT_STRAY: Option<Self::Error> = None;
}

/// What a client passed over in a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passed<E> {
    /// Frames unsolicited, no stray, nothing cut.
    Unsolicited(u32),
    /// One stray frame, with this error; nothing unsolicited, nothing cut.
    Stray(E),
    /// No frame the client judged: the framer cut `cut` frames and passed
    /// `discarded` bytes over.
    Dropped {
        /// Frames cut.
        cut: u32,
        /// Bytes passed over.
        discarded: u64,
    },
}

/// The last stray frame of a client (`proto_core::Client::poll_stray`).
pub trait Stray {
    /// The protocol's error.
    type Error;
    /// The last stray frame's error, once.
    fn poll_stray(&mut self) -> Option<Self::Error>;
}

impl<P: proto_core::Protocol, const TX: usize> Stray for proto_core::Client<P, TX> {
    type Error = P::Error;
    fn poll_stray(&mut self) -> Option<P::Error> {
        proto_core::Client::poll_stray(self)
    }
}

/// A driver under test, over the device double.
pub trait Driver<C: Column> {
    /// A driver for `machine` over `port`.
    fn new(port: Faulty<C::Side>, time: Time, machine: C::Machine) -> Self;
    /// Takes the driver apart (a gateway that reopens the port).
    fn into_parts(self) -> (Faulty<C::Side>, Time, C::Machine);
    /// One transaction, to its end.
    fn ask(&mut self, request: &Request<C>) -> Asked<'_, C>;
    /// The device double.
    fn port(&mut self) -> &mut Faulty<C::Side>;
    /// The client.
    fn machine(&mut self) -> &mut C::Machine;
    /// What the client has passed over so far.
    fn counters(&self) -> Counters;
    /// The time on the driver's clock.
    fn now(&self) -> Duration;
    /// Checks how long a transaction nothing answered took, against the
    /// client's `timeout`.
    fn check_waited(waited: Duration, timeout: Duration);
}

/// The blocking driver, over the double.
pub type Blocking<C> =
    transports::blocking::Driver<Faulty<<C as Column>::Side>, Time, <C as Column>::Machine>;
/// The async driver, over the double.
pub type Async<C> =
    transports::asynch::Driver<Faulty<<C as Column>::Side>, Time, <C as Column>::Machine>;

impl<C: Column> Driver<C> for Blocking<C> {
    fn new(port: Faulty<C::Side>, time: Time, machine: C::Machine) -> Self {
        transports::blocking::Driver::new(port, time, machine)
    }
    fn into_parts(self) -> (Faulty<C::Side>, Time, C::Machine) {
        transports::blocking::Driver::into_parts(self)
    }
    fn ask(&mut self, request: &Request<C>) -> Asked<'_, C> {
        transports::blocking::Driver::ask(self, request)
    }
    fn port(&mut self) -> &mut Faulty<C::Side> {
        self.io_mut()
    }
    fn machine(&mut self) -> &mut C::Machine {
        self.machine_mut()
    }
    fn counters(&self) -> Counters {
        transports::blocking::Driver::counters(self)
    }
    fn now(&self) -> Duration {
        transports::blocking::Driver::now(self)
    }
    /// A read that finds nothing takes a whole slice: the time-out ends
    /// in the slice the deadline falls in.
    fn check_waited(waited: Duration, timeout: Duration) {
        assert!((timeout..timeout + SLICE).contains(&waited), "{waited:?}");
    }
}

impl<C: Column> Driver<C> for Async<C> {
    fn new(port: Faulty<C::Side>, time: Time, machine: C::Machine) -> Self {
        transports::asynch::Driver::new(port, time, machine)
    }
    fn into_parts(self) -> (Faulty<C::Side>, Time, C::Machine) {
        transports::asynch::Driver::into_parts(self)
    }
    fn ask(&mut self, request: &Request<C>) -> Asked<'_, C> {
        embassy_futures::block_on(transports::asynch::Driver::ask(self, request))
    }
    fn port(&mut self) -> &mut Faulty<C::Side> {
        self.io_mut()
    }
    fn machine(&mut self) -> &mut C::Machine {
        self.machine_mut()
    }
    fn counters(&self) -> Counters {
        transports::asynch::Driver::counters(self)
    }
    fn now(&self) -> Duration {
        transports::asynch::Timer::now(self.timer())
    }
    /// A read that finds nothing never completes: the driver's timer ends
    /// the wait, exactly at the deadline.
    fn check_waited(waited: Duration, timeout: Duration) {
        assert_eq!(waited, timeout);
    }
}

/// One `#[test]` a row of the table, for a column through a driver:
/// `scenarios!(Column in Blocking)`, or `scenarios!(Column in Blocking,
/// addressed)` for a protocol with addresses ("another address").
macro_rules! scenarios {
    ($column:ident in $driver:ident) => {
        scenarios!(@ $column, $driver: healthy, never_answers, stops_mid_frame, answers_late,
            answers_twice, echoes_the_request, answers_with_the_wrong_count, unplugged);
    };
    ($column:ident in $driver:ident, addressed) => {
        scenarios!($column in $driver);
        scenarios!(@ $column, $driver: answers_from_another_address);
    };
    (@ $column:ident, $driver:ident: $($scenario:ident),+) => {
        $(
            #[test]
            fn $scenario() {
                crate::scenario::$scenario::<$column, crate::scenario::$driver<$column>>();
            }
        )+
    };
}

/// A driver over a fresh device and client.
pub fn driver<C: Column, D: Driver<C>>() -> D {
    let time = Time::default();
    let (side, machine) = C::parts(&time);
    D::new(Faulty::new(side, time.clone()), time, machine)
}

/// The request, answered as it should be.
fn succeeds<C: Column, D: Driver<C>>(d: &mut D) {
    C::check(d.ask(&C::request()).unwrap());
}

/// Both requests, answered as they should be: the driver has recovered.
fn recovers<C: Column, D: Driver<C>>(d: &mut D) {
    succeeds::<C, D>(d);
    C::check_next(d.ask(&C::next()).unwrap());
}

/// The request, with `fault` injected, ends in `expected`.
fn fails<C: Column, D: Driver<C>>(d: &mut D, fault: Fault, expected: Failure<C>) {
    d.port().inject(fault);
    match d.ask(&C::request()) {
        Ok(_) => panic!("{fault:?}: accepted a reply, expected {expected:?}"),
        Err(e) => assert!(
            same(&e, &expected),
            "{fault:?}: {e:?}, expected {expected:?}"
        ),
    }
}

/// `transports::Error` has no `PartialEq`.
fn same<E: PartialEq>(a: &Error<ErrorKind, E>, b: &Error<ErrorKind, E>) -> bool {
    match (a, b) {
        (Error::Io(a), Error::Io(b)) => a == b,
        (Error::Protocol(a), Error::Protocol(b)) => a == b,
        (Error::Timeout, Error::Timeout)
        | (Error::Broadcast, Error::Broadcast)
        | (Error::Idle, Error::Idle) => true,
        _ => false,
    }
}

/// Checks what the client passed over (and takes its stray frame).
fn passed<C: Column, D: Driver<C>>(d: &mut D, expected: Passed<C::Error>) {
    let c = d.counters();
    match expected {
        Passed::Unsolicited(n) => {
            assert_eq!((c.unsolicited, c.stray, c.cut), (n, 0, 0), "{c:?}");
        }
        Passed::Stray(e) => {
            assert_eq!((c.unsolicited, c.stray, c.cut), (0, 1, 0), "{c:?}");
            assert_eq!(d.machine().poll_stray(), Some(e));
        }
        Passed::Dropped { cut, discarded } => {
            let seen = (c.unsolicited, c.stray, c.cut, c.discarded);
            assert_eq!(seen, (0, 0, cut, discarded), "{c:?}");
        }
    }
}

/// Nothing goes wrong: both requests as the table says, answered.
pub fn healthy<C: Column, D: Driver<C>>() {
    let mut d: D = driver();
    recovers::<C, D>(&mut d);
    assert_eq!(d.port().requests, C::WRITTEN);
    assert_eq!(d.counters(), Counters::default());
}

/// The time-out, at the deadline.
pub fn never_answers<C: Column, D: Driver<C>>() {
    let mut d: D = driver();
    let start = d.now();
    fails::<C, D>(&mut d, Fault::Silent, Error::Timeout);
    D::check_waited(d.now() - start, C::timeout());
    recovers::<C, D>(&mut d);
    assert_eq!(d.counters(), Counters::default());
}

/// The time-out; the half frame is dropped (cut by the silence, or when
/// the next request starts), and nothing else is counted.
pub fn stops_mid_frame<C: Column, D: Driver<C>>() {
    let mut d: D = driver();
    fails::<C, D>(&mut d, Fault::MidFrame, Error::Timeout);
    let c = d.counters();
    assert_eq!((c.cut, c.discarded), C::MID_FRAME, "{c:?}");
    recovers::<C, D>(&mut d);
    let c = d.counters();
    assert_eq!(
        (c.cut, c.unsolicited, c.stray),
        (C::MID_FRAME.0, 0, 0),
        "{c:?}"
    );
}

/// The time-out; the next request meets the late reply.
pub fn answers_late<C: Column, D: Driver<C>>() {
    let mut d: D = driver();
    fails::<C, D>(&mut d, Fault::Late, Error::Timeout);
    C::late(d.ask(&C::next()));
    passed::<C, D>(&mut d, C::LATE);
    assert_eq!(d.port().pending(), 0);
    succeeds::<C, D>(&mut d);
}

/// The reply; the copy after it.
pub fn answers_twice<C: Column, D: Driver<C>>() {
    let mut d: D = driver();
    d.port().inject(Fault::Twice);
    succeeds::<C, D>(&mut d);
    assert_eq!(d.counters().unsolicited, C::TWICE, "the copy");
    recovers::<C, D>(&mut d);
    let c = d.counters();
    assert_eq!((c.unsolicited, c.cut), (C::TWICE, 0), "{c:?}");
}

/// The time-out; the echo passed over, or stray.
pub fn echoes_the_request<C: Column, D: Driver<C>>() {
    let mut d: D = driver();
    fails::<C, D>(&mut d, Fault::Echo, Error::Timeout);
    passed::<C, D>(&mut d, C::ECHO);
    recovers::<C, D>(&mut d);
}

/// The time-out; the reply stray.
pub fn answers_from_another_address<C: Column, D: Driver<C>>() {
    let mut d: D = driver();
    let stray = C::ANOTHER_ADDRESS.expect("the protocol has addresses");
    fails::<C, D>(&mut d, Fault::AnotherAddress, Error::Timeout);
    passed::<C, D>(&mut d, Passed::Stray(stray));
    recovers::<C, D>(&mut d);
    assert_eq!(d.counters().stray, 1);
}

/// The protocol's error, or a stray reply.
pub fn answers_with_the_wrong_count<C: Column, D: Driver<C>>() {
    let mut d: D = driver();
    let stray = C::WRONG_COUNT_STRAY;
    fails::<C, D>(&mut d, Fault::WrongCount, C::WRONG_COUNT);
    if let Some(stray) = stray {
        passed::<C, D>(&mut d, Passed::Stray(stray));
    }
    recovers::<C, D>(&mut d);
    let strays = u32::from(stray.is_some());
    assert_eq!(
        d.counters(),
        Counters {
            stray: strays,
            ..Counters::default()
        }
    );
}

/// `Io(BrokenPipe)` from the read, then from the write; once replugged,
/// the same driver recovers, and so does a new one over the same client.
pub fn unplugged<C: Column, D: Driver<C>>() {
    let mut d: D = driver();
    let broken = || Error::Io(ErrorKind::BrokenPipe);
    // The request went out, then the cable was pulled: the read fails.
    fails::<C, D>(&mut d, Fault::Unplugged, broken());
    // Still unplugged: the write fails, and nothing was heard.
    let again = d.ask(&C::request()).err();
    assert!(again.is_some_and(|e| same(&e, &broken())));
    assert_eq!(d.port().requests.len(), 1);
    // Plugged back in: the same driver carries on.
    d.port().replug();
    recovers::<C, D>(&mut d);
    // Or a new driver over the same client (a gateway that reopens the
    // port builds one): the counters carry over.
    let (port, time, machine) = d.into_parts();
    let mut d = D::new(port, time, machine);
    recovers::<C, D>(&mut d);
    assert_eq!(d.counters(), Counters::default());
}
