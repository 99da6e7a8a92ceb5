//! The drivers against a device that misbehaves, for every protocol's
//! client (issue 11, "drivers under fault injection").
//!
//! [`Faulty`] is the device double: an `embedded_io` port (blocking and
//! async) whose far end is the protocol's own device side (Axpert
//! `Device`, ENC `Device`, Modbus `Server`, YD/T 1363 `Device`, SLCAN
//! `Adapter`), so every answer is a real one. It hears each request the
//! driver writes, builds the correct answer, then applies the fault set
//! for that request. Time is a simulated clock ([`Time`]) that moves only
//! when a read finds nothing ([`SLICE`]) or brings bytes ([`STEP`]), so
//! every run is the same and nothing sleeps.
//!
//! # What each fault ends in
//!
//! The client's policy (`proto_core::Client`): silence ends in the
//! time-out; a frame from another device, or for another kind of request,
//! is stray (counted, and the client keeps waiting); a frame from the
//! device asked that does not answer the request ends the transaction with
//! the protocol's error; a frame while nothing is awaited is unsolicited;
//! the transport's error is `Error::Io`. After every fault both requests
//! succeed on the same driver (after "unplugged": once the port works
//! again).
//!
//! Each protocol asks two requests: the first is the one every fault is
//! injected into, the second the one a late reply meets.
//!
//! | fault | Axpert (QMOD; QOPM) | ENC (read run frequency; output current) | Modbus RTU (FC03, 3 registers; 1 register) | YD/T 1363 (Pylontech 0x92; 0x4F) | SLCAN (`V`; `Open`) |
//! |---|---|---|---|---|---|
//! | none | both replies; both requests written as the protocol spells them; nothing counted | the same | the same | the same | the same |
//! | never answers | `Timeout`, in the read slice the deadline falls in | the same | the same (the async driver: exactly at the deadline) | the same | the same |
//! | stops mid-frame | `Timeout`; the half frame dropped when the next request starts, uncounted | the same | `Timeout`; the half frame cut by the silence (1 cut, 5 bytes discarded) | `Timeout`; dropped when the next request starts, uncounted | `Timeout`; the half line dropped by the silence after it (`slcan::LINE_GAP`), uncounted |
//! | answers late | `Timeout`; the next request (QOPM) meets QMOD's late reply: `Protocol(Field { index: 1, kind: NotNumber })`, its own reply unsolicited | `Timeout`; the next (output current): `Protocol(WrongIndex { expected: 3, found: 1 })`, its own reply unsolicited | `Timeout`; the next (1 register): `Protocol(NotAnswer { ByteCount, expected: 2, found: 6 })`, its own reply unsolicited | `Timeout`; the next (0x4F) takes the late 0x92 reply, as replies do not name their command (decoding it as 0x4F fails: `Trailing`); its own reply unsolicited | `Timeout`; the next (`Open`): the late version line stray (`Line { offset: 0 }`), then `Done` |
//! | answers twice | the reply; the copy unsolicited | the same | the same | the reply; the copy, longer than one read, dropped when the next request starts | the reply; the copy unsolicited |
//! | echoes the request | `Timeout`: no `(`, passed over (7 bytes discarded) | `Timeout`, 1 stray (`Echo`) | `Timeout`: not a reply, dropped by the framer (1 cut, 8 bytes discarded) | `Timeout`, 1 stray (`Echo`) | `Timeout`, 1 stray (`Echo`) |
//! | another address | none: point to point, no address | `Timeout`, 1 stray (`WrongAddress { expected: 1, found: 2 }`) | `Timeout`, 1 stray (`Mismatch`, unit 2) | `Timeout`, 1 stray (`Mismatch`, ADR 3) | none: one adapter a port, no address |
//! | wrong count or shape | QOPM's reply to QMOD: `Protocol(Field { index: 1, kind: Width { expected: 1, found: 2 } })` | another index: `Protocol(WrongIndex { expected: 1, found: 3 })` | 4 registers for 3: `Protocol(NotAnswer { ByteCount, expected: 6, found: 8 })` | LENID 2 short of INFO: `Protocol(Length { lenid: 18, found: 20 })` | `V` answered by a bare acknowledgement: `Timeout`, 1 stray (`Line { offset: 0 }`); `Open` acknowledged twice, not three times: `Timeout` |
//! | unplugged | `Io(BrokenPipe)` from the read, then from the write; once replugged, the replies, also through a new driver over the same client | the same | the same | the same | the same |
//!
//! Our own request read back (an RS485 adapter's echo) is stray in every
//! protocol: the real answer may still follow it.
//!
//! # Unplugged, and what a gateway does about it
//!
//! The driver hands the port's error back as `Error::Io` and keeps the
//! client as it was; the next `transact` starts afresh (a request drops
//! whatever the last one left). So a gateway reopens the port in place,
//! through `io_mut()`, or takes the driver apart (`into_parts`) and builds
//! a new one over the new port with the same client, which keeps its
//! counters. Both are shown for every protocol.
//!
//! # How the device delivers
//!
//! A read hands out everything the device has sent so far, up to the
//! driver's buffer (64 bytes), as a USB adapter hands over a packet. An
//! answer that only arrives once the next request is out is the "late"
//! fault: whatever the device, the client then meets it while the next
//! request is awaited, and only a reply that says what it answers can be
//! told apart.
//!
//! The async driver runs the Modbus column again ([`asynch`]).
//!
//! # How the tests are written
//!
//! Each row is written once, as a generic function in [`scenario`], over
//! any [`scenario::Column`] and either driver. Each protocol's module
//! is one column: its device side ([`Side`]), its two requests and what
//! each fault ends in there (`impl Column`), then `scenarios!`, which
//! makes one `#[test]` a row the protocol has (`enc::answers_late`), and
//! whatever test only that protocol needs.

#[macro_use]
mod scenario;

mod asynch;
mod axpert;
mod enc;
mod modbus;
mod slcan;
mod ydt1363;

use std::cell::Cell;
use std::collections::VecDeque;
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

use embedded_io::ErrorKind;
use transports::Clock;

/// What a read that finds nothing waits before it times out (a blocking
/// serial port's time slice).
pub const SLICE: Duration = Duration::from_millis(10);
/// What a read that brings bytes takes.
pub const STEP: Duration = Duration::from_millis(1);

/// The simulated time, shared by the drivers and the device double.
#[derive(Debug, Clone, Default)]
pub struct Time(Rc<Cell<Duration>>);

impl Time {
    /// Moves the time on by `by`.
    pub fn advance(&self, by: Duration) {
        self.0.set(self.0.get() + by);
    }
}

impl Clock for Time {
    fn now(&self) -> Duration {
        self.0.get()
    }
}

/// For the async driver: waiting for a deadline moves the time there.
impl transports::asynch::Timer for Time {
    fn now(&self) -> Duration {
        self.0.get()
    }
    fn at(&mut self, deadline: Duration) -> impl Future<Output = ()> {
        let clock = self.0.clone();
        async move { clock.set(clock.get().max(deadline)) }
    }
}

/// A protocol's device side, as the double uses it.
pub trait Side {
    /// Everything the device sends back for `written` (one request as the
    /// driver wrote it), built by the protocol's own device side.
    fn answer(&mut self, written: &[u8]) -> Vec<u8>;
    /// `reply` as another device (another address or unit) sends it;
    /// `None` where the protocol has no addresses.
    fn another_address(&mut self, written: &[u8], reply: &[u8]) -> Option<Vec<u8>>;
    /// A reply from the device asked with the wrong count, or of the wrong
    /// shape, for `written`.
    fn wrong_count(&mut self, written: &[u8], reply: &[u8]) -> Vec<u8>;
}

/// Feeds `written` to a device side until all is taken: `feed` takes
/// what it can and gives back how much, and the answer to the request
/// that ended there (nothing while none did). The answers, in order.
pub fn feed_all(mut written: &[u8], mut feed: impl FnMut(&[u8]) -> (usize, Vec<u8>)) -> Vec<u8> {
    let mut out = Vec::new();
    while !written.is_empty() {
        let (n, answer) = feed(written);
        written = &written[n..];
        out.extend(answer);
    }
    out
}

/// What the device does wrong with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Nothing comes back.
    Silent,
    /// The first half of the answer, then silence.
    MidFrame,
    /// The answer comes only after the next request was written (before
    /// that one's own answer).
    Late,
    /// The answer, twice.
    Twice,
    /// The request's own bytes come back, and nothing else.
    Echo,
    /// The answer comes from another address or unit.
    AnotherAddress,
    /// The answer has the wrong count, or the wrong shape, for the request.
    WrongCount,
    /// The request goes out, then the cable is pulled: reads and writes
    /// fail with `BrokenPipe` until [`Faulty::replug`].
    Unplugged,
}

/// The device double: a port whose far end is `S`, misbehaving on request.
#[derive(Debug)]
pub struct Faulty<S> {
    side: S,
    time: Time,
    /// The fault for the next request written.
    fault: Option<Fault>,
    /// Bytes the device has sent that the driver has not read.
    rx: VecDeque<u8>,
    /// An answer held back until the next request ([`Fault::Late`]).
    held: Option<Vec<u8>>,
    unplugged: bool,
    /// Every request written, in order.
    pub requests: Vec<Vec<u8>>,
}

impl<S: Side> Faulty<S> {
    /// A working port to the device side `side`, on `time`.
    pub fn new(side: S, time: Time) -> Self {
        Faulty {
            side,
            time,
            fault: None,
            rx: VecDeque::new(),
            held: None,
            unplugged: false,
            requests: Vec::new(),
        }
    }

    /// Misbehaves with the next request.
    pub fn inject(&mut self, fault: Fault) {
        self.fault = Some(fault);
    }

    /// The port works again (the adapter is back, the port reopened).
    pub fn replug(&mut self) {
        self.unplugged = false;
        self.rx.clear();
    }

    /// Bytes sent and not yet read.
    pub fn pending(&self) -> usize {
        self.rx.len()
    }

    fn hear(&mut self, written: &[u8]) -> Result<usize, ErrorKind> {
        if self.unplugged {
            return Err(ErrorKind::BrokenPipe);
        }
        self.requests.push(written.to_vec());
        let answer = self.side.answer(written);
        if let Some(late) = self.held.take() {
            self.rx.extend(late);
        }
        match self.fault.take() {
            None => self.rx.extend(&answer),
            Some(Fault::Silent) => {}
            Some(Fault::MidFrame) => self.rx.extend(&answer[..answer.len() / 2]),
            Some(Fault::Late) => self.held = Some(answer),
            Some(Fault::Twice) => {
                self.rx.extend(&answer);
                self.rx.extend(&answer);
            }
            Some(Fault::Echo) => self.rx.extend(written),
            Some(Fault::AnotherAddress) => {
                let other = self.side.another_address(written, &answer);
                self.rx.extend(other.expect("the protocol has addresses"));
            }
            Some(Fault::WrongCount) => {
                let wrong = self.side.wrong_count(written, &answer);
                self.rx.extend(wrong);
            }
            Some(Fault::Unplugged) => self.unplugged = true,
        }
        Ok(written.len())
    }

    /// Hands out what the device has sent, as much as fits.
    fn take(&mut self, buf: &mut [u8]) -> usize {
        let n = buf.len().min(self.rx.len());
        for (dst, src) in buf.iter_mut().zip(self.rx.drain(..n)) {
            *dst = src;
        }
        n
    }
}

impl<S> embedded_io::ErrorType for Faulty<S> {
    type Error = ErrorKind;
}

impl<S: Side> embedded_io::Read for Faulty<S> {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        if self.unplugged {
            return Err(ErrorKind::BrokenPipe);
        }
        if self.rx.is_empty() {
            self.time.advance(SLICE);
            return Err(ErrorKind::TimedOut);
        }
        self.time.advance(STEP);
        Ok(self.take(buf))
    }
}

impl<S: Side> embedded_io::Write for Faulty<S> {
    fn write(&mut self, buf: &[u8]) -> Result<usize, ErrorKind> {
        self.hear(buf)
    }
    fn flush(&mut self) -> Result<(), ErrorKind> {
        if self.unplugged {
            return Err(ErrorKind::BrokenPipe);
        }
        Ok(())
    }
}

impl<S: Side> embedded_io_async::Read for Faulty<S> {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        if self.unplugged {
            return Err(ErrorKind::BrokenPipe);
        }
        if self.rx.is_empty() {
            // Nothing will come: the driver's timer ends the wait.
            std::future::pending::<()>().await;
        }
        self.time.advance(STEP);
        Ok(self.take(buf))
    }
}

impl<S: Side> embedded_io_async::Write for Faulty<S> {
    async fn write(&mut self, buf: &[u8]) -> Result<usize, ErrorKind> {
        self.hear(buf)
    }
    async fn flush(&mut self) -> Result<(), ErrorKind> {
        embedded_io::Write::flush(self)
    }
}
