//! RS485 half duplex on a simulated line that echoes: real Modbus
//! transactions through the blocking and the async driver over the
//! wrappers, on a fake clock that moves only when something waits (the
//! wrapper's delay or timer, a read that times out), so every instant is
//! exact.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;

use embassy_futures::block_on;
use std::rc::Rc;
use std::time::Duration;

use embedded_io::ErrorKind;
use modbus_rtu_lite::{
    Client, Config, Exception, Handler, Line, Parity, Request, Response, Server, Words,
    encode_request,
};
use transports::asynch::Timer;
use transports::rs485::{AsyncRs485, Delay, Direction, EchoCounters, HalfDuplex, Rs485, wire_time};
use transports::{Clock, Error, modbus};

const LINE: Line = Line::new(9600, Parity::Even, 1);
const GUARD: Duration = Duration::from_micros(500);
/// What a blocking read that finds nothing waits before it times out.
const SLICE: Duration = Duration::from_millis(20);
/// Read holding registers 2..5 of unit 1: an 8-byte request.
const READ: Request<'static> = Request::ReadHoldingRegisters {
    start: 2,
    quantity: 3,
};
const T0: Duration = Duration::from_secs(1);

/// The fake time: a clock for the drivers, a delay and a timer for the
/// wrappers (both move it to the end of the wait, at once).
#[derive(Clone)]
struct Time(Rc<Cell<Duration>>);

impl Time {
    fn new() -> Self {
        Time(Rc::new(Cell::new(T0)))
    }
    fn now(&self) -> Duration {
        self.0.get()
    }
    fn advance(&self, d: Duration) {
        self.0.set(self.0.get() + d);
    }
}

impl Clock for Time {
    fn now(&self) -> Duration {
        self.0.get()
    }
}

impl Delay for Time {
    fn delay_us(&mut self, us: u32) {
        self.advance(Duration::from_micros(us.into()));
    }
}

impl Timer for Time {
    fn now(&self) -> Duration {
        self.0.get()
    }
    fn at(&mut self, deadline: Duration) -> impl Future<Output = ()> {
        let clock = self.0.clone();
        async move { clock.set(clock.get().max(deadline)) }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Ev {
    Transmit,
    Receive,
    Write(Vec<u8>),
    Read(Vec<u8>),
}

type Log = Rc<RefCell<Vec<(Duration, Ev)>>>;

/// DE on a pin: each change logged with its time.
struct Pin {
    time: Time,
    log: Log,
}

impl Direction for Pin {
    fn transmit(&mut self) {
        self.log.borrow_mut().push((self.time.now(), Ev::Transmit));
    }
    fn receive(&mut self) {
        self.log.borrow_mut().push((self.time.now(), Ev::Receive));
    }
}

/// Ten holding registers, register n holding 10·n.
struct Regs;

impl Handler for Regs {
    fn read_holding_registers(&mut self, start: u16, out: &mut [u16]) -> Result<(), Exception> {
        for (i, r) in out.iter_mut().enumerate() {
            *r = 10 * (start + i as u16);
        }
        Ok(())
    }
    fn write_registers(&mut self, _: u16, _: Words<'_>) -> Result<(), Exception> {
        Err(Exception::IllegalFunction)
    }
}

/// What the adapter hears of its own transmission.
#[derive(Clone, Copy)]
enum Echo {
    None,
    Exact,
    /// The byte at this index comes back changed (a collision).
    Garbled(usize),
}

/// A half-duplex line with unit 1 on it. A write takes at most
/// `write_max` bytes and blocks for their wire time if `write_blocks`;
/// what is written comes back per `echo`; on flush the unit gets the
/// request and its reply follows the echo. Reads hand out the bytes in
/// chunks of 1, 3, 2, 5 bytes in turn; a blocking read with nothing to
/// read waits a `SLICE` and times out, an async one waits forever.
struct Bus {
    time: Time,
    log: Log,
    server: Server<Regs>,
    echo: Echo,
    write_max: usize,
    write_blocks: bool,
    request: Vec<u8>,
    rx: VecDeque<u8>,
    chunk: usize,
}

impl Bus {
    fn new(time: &Time, log: &Log, echo: Echo) -> Self {
        Bus {
            time: time.clone(),
            log: log.clone(),
            server: Server::new(Regs, [1, 0, 0, 0], LINE, Config::new(LINE).mode, T0),
            echo,
            write_max: usize::MAX,
            write_blocks: false,
            request: Vec::new(),
            rx: VecDeque::new(),
            chunk: 0,
        }
    }

    fn write(&mut self, buf: &[u8]) -> usize {
        let buf = &buf[..buf.len().min(self.write_max)];
        let now = self.time.now();
        self.log.borrow_mut().push((now, Ev::Write(buf.to_vec())));
        for (i, &b) in buf.iter().enumerate() {
            let at = self.request.len() + i;
            match self.echo {
                Echo::None => {}
                Echo::Exact => self.rx.push_back(b),
                Echo::Garbled(k) => self.rx.push_back(if at == k { b ^ 0x40 } else { b }),
            }
        }
        self.request.extend_from_slice(buf);
        if self.write_blocks {
            self.time.advance(wire_time(buf.len(), &LINE));
        }
        buf.len()
    }

    fn flush(&mut self) {
        if self.request.is_empty() {
            return;
        }
        self.server.process(&std::mem::take(&mut self.request));
        if let Some(reply) = self.server.poll_transmit(self.time.now()) {
            self.rx.extend(reply.iter().copied());
        }
    }

    /// Hands out the next chunk; `None` when there is nothing to read.
    fn read(&mut self, buf: &mut [u8]) -> Option<usize> {
        if self.rx.is_empty() {
            return None;
        }
        let chunk = [1, 3, 2, 5][self.chunk % 4];
        self.chunk += 1;
        let n = buf.len().min(chunk).min(self.rx.len());
        for (d, s) in buf.iter_mut().zip(self.rx.drain(..n)) {
            *d = s;
        }
        let now = self.time.now();
        self.log
            .borrow_mut()
            .push((now, Ev::Read(buf[..n].to_vec())));
        Some(n)
    }
}

impl embedded_io::ErrorType for Bus {
    type Error = ErrorKind;
}

impl embedded_io::Read for Bus {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        self.read(buf).ok_or_else(|| {
            self.time.advance(SLICE);
            ErrorKind::TimedOut
        })
    }
}

impl embedded_io::Write for Bus {
    fn write(&mut self, buf: &[u8]) -> Result<usize, ErrorKind> {
        Ok(self.write(buf))
    }
    fn flush(&mut self) -> Result<(), ErrorKind> {
        Bus::flush(self);
        Ok(())
    }
}

impl embedded_io_async::Read for Bus {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        match Bus::read(self, buf) {
            Some(n) => Ok(n),
            None => std::future::pending().await,
        }
    }
}

impl embedded_io_async::Write for Bus {
    async fn write(&mut self, buf: &[u8]) -> Result<usize, ErrorKind> {
        Ok(Bus::write(self, buf))
    }
    async fn flush(&mut self) -> Result<(), ErrorKind> {
        Bus::flush(self);
        Ok(())
    }
}

fn client(time: &Time) -> Client {
    Config::new(LINE).client(time.now())
}

fn core() -> HalfDuplex {
    HalfDuplex::new(LINE)
        .with_guard(GUARD)
        .with_echo_suppression(true)
}

fn assert_registers_2_to_4(response: Response<'_>) {
    let Response::ReadHoldingRegisters(w) = response else {
        panic!("{response:?}");
    };
    assert!(w.iter().eq([20, 30, 40]), "{w:?}");
}

/// DE asserted before the first byte, released exactly the request's wire
/// time plus the guard after the first write started, and nothing read
/// while it was asserted.
fn assert_direction_timing(log: &Log) {
    let log = log.borrow();
    let first_write = log
        .iter()
        .position(|(_, e)| matches!(e, Ev::Write(_)))
        .unwrap();
    let transmit = log.iter().position(|(_, e)| *e == Ev::Transmit).unwrap();
    let receive = log.iter().position(|(_, e)| *e == Ev::Receive).unwrap();
    assert!(transmit < first_write, "{log:?}");
    let written: usize = log
        .iter()
        .map(|(_, e)| if let Ev::Write(b) = e { b.len() } else { 0 })
        .sum();
    assert_eq!(written, 8);
    let started = log[first_write].0;
    assert_eq!(log[transmit].0, started);
    assert_eq!(
        log[receive].0,
        started + wire_time(8, &LINE) + GUARD,
        "{log:?}"
    );
    // One request, one transmit, one receive; writes between, reads after.
    for (i, (_, e)) in log.iter().enumerate() {
        match e {
            Ev::Write(_) => assert!(transmit < i && i < receive, "{log:?}"),
            Ev::Read(_) => assert!(i > receive, "{log:?}"),
            Ev::Transmit => assert_eq!(i, transmit),
            Ev::Receive => assert_eq!(i, receive),
        }
    }
}

fn echo_dropped() -> EchoCounters {
    EchoCounters {
        echoed: 8,
        mismatches: 0,
    }
}

#[test]
fn blocking_transaction_over_an_echoing_line() {
    // Written in pieces (5 then 3 bytes), echoed in odd chunks.
    for write_max in [usize::MAX, 5] {
        let time = Time::new();
        let log = Log::default();
        let mut bus = Bus::new(&time, &log, Echo::Exact);
        bus.write_max = write_max;
        let pin = Pin {
            time: time.clone(),
            log: log.clone(),
        };
        let io = Rs485::new(bus, pin, time.clone(), time.clone(), core());
        let mut d = modbus::Driver::new(io, time.clone(), client(&time));
        let reply = d.ask(&(1, READ)).unwrap();
        assert_registers_2_to_4(reply.response());
        assert_direction_timing(&log);
        assert_eq!(d.io_mut().counters(), echo_dropped());
        // The client saw only the reply: nothing discarded, nothing stray.
        assert_eq!(d.counters(), Default::default());
    }
}

#[test]
fn a_blocking_write_that_took_the_wire_time_does_not_wait_again() {
    // The UART's write returns only when its bytes are out (as tcdrain
    // would): DE is released the guard time later, not a wire time more.
    for write_max in [usize::MAX, 5] {
        let time = Time::new();
        let log = Log::default();
        let mut bus = Bus::new(&time, &log, Echo::Exact);
        bus.write_max = write_max;
        bus.write_blocks = true;
        let pin = Pin {
            time: time.clone(),
            log: log.clone(),
        };
        let io = Rs485::new(bus, pin, time.clone(), time.clone(), core());
        let mut d = modbus::Driver::new(io, time.clone(), client(&time));
        assert_registers_2_to_4(d.ask(&(1, READ)).unwrap().response());
        assert_direction_timing(&log);
    }
}

#[test]
fn async_transaction_over_an_echoing_line() {
    for write_max in [usize::MAX, 5] {
        let time = Time::new();
        let log = Log::default();
        let mut bus = Bus::new(&time, &log, Echo::Exact);
        bus.write_max = write_max;
        let pin = Pin {
            time: time.clone(),
            log: log.clone(),
        };
        let io = AsyncRs485::new(bus, pin, time.clone(), core());
        let mut d = modbus::AsyncDriver::new(io, time.clone(), client(&time));
        let reply = block_on(d.ask(&(1, READ))).unwrap();
        assert_registers_2_to_4(reply.response());
        assert_direction_timing(&log);
        assert_eq!(d.io_mut().counters(), echo_dropped());
        assert_eq!(d.counters(), Default::default());
    }
}

#[test]
fn without_the_wrapper_the_client_passes_over_a_read_echo_and_counts_it() {
    // Today the Modbus client's framer takes the echo of this read for a
    // broken response (the request's bytes do not frame as a reply with a
    // good CRC), drops its 8 bytes and still finds the reply behind them.
    let time = Time::new();
    let log = Log::default();
    let bus = Bus::new(&time, &log, Echo::Exact);
    let mut d = modbus::Driver::new(bus, time.clone(), client(&time));
    assert_registers_2_to_4(d.ask(&(1, READ)).unwrap().response());
    let c = d.counters();
    assert_eq!((c.discarded, c.cut, c.stray), (8, 0, 0), "{c:?}");
}

#[test]
fn without_the_wrapper_a_write_echo_is_taken_for_the_reply() {
    // A write single register's response is its request: the echo is a
    // valid reply. Unit 9 is not on the bus, yet the bare client reports
    // the write done; over the wrapper it times out, as it should.
    let write = Request::WriteSingleRegister {
        address: 4,
        value: 77,
    };
    let time = Time::new();
    let log = Log::default();
    let bus = Bus::new(&time, &log, Echo::Exact);
    let mut d = modbus::Driver::new(bus, time.clone(), client(&time));
    let reply = d.ask(&(9, write)).unwrap();
    assert!(
        matches!(
            reply.response(),
            Response::WriteSingleRegister {
                address: 4,
                value: 77
            }
        ),
        "{:?}",
        reply.response()
    );

    let time = Time::new();
    let log = Log::default();
    let pin = Pin {
        time: time.clone(),
        log: log.clone(),
    };
    let bus = Bus::new(&time, &log, Echo::Exact);
    let io = Rs485::new(bus, pin, time.clone(), time.clone(), core());
    let mut d = modbus::Driver::new(io, time.clone(), client(&time));
    assert!(matches!(d.ask(&(9, write)), Err(Error::Timeout)));
    assert_eq!(d.io_mut().counters(), echo_dropped());
}

#[test]
fn a_collision_passes_through_and_is_counted() {
    // The echo differs at its fourth byte: from the first byte on, all of
    // it reaches the reader unchanged, then the reply.
    let time = Time::new();
    let log = Log::default();
    let pin = Pin {
        time: time.clone(),
        log: log.clone(),
    };
    let bus = Bus::new(&time, &log, Echo::Garbled(3));
    let mut io = Rs485::new(bus, pin, time.clone(), time.clone(), core());
    let mut request = [0u8; 8];
    assert_eq!(encode_request(1, &READ, &mut request).unwrap(), 8);
    embedded_io::Write::write_all(&mut io, &request).unwrap();
    embedded_io::Write::flush(&mut io).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 64];
    while let Ok(n) = embedded_io::Read::read(&mut io, &mut buf) {
        got.extend_from_slice(&buf[..n]);
    }
    let mut garbled = request;
    garbled[3] ^= 0x40;
    assert_eq!(&got[..8], &garbled);
    assert_eq!(got.len(), 8 + 11, "the echo, then the reply: {got:?}");
    assert_eq!(
        io.counters(),
        EchoCounters {
            echoed: 0,
            mismatches: 1
        }
    );

    // Through the driver: the client gets the garbage too, passes over it,
    // and the reply still arrives.
    let time = Time::new();
    let log = Log::default();
    let pin = Pin {
        time: time.clone(),
        log: log.clone(),
    };
    let bus = Bus::new(&time, &log, Echo::Garbled(3));
    let io = Rs485::new(bus, pin, time.clone(), time.clone(), core());
    let mut d = modbus::Driver::new(io, time.clone(), client(&time));
    assert_registers_2_to_4(d.ask(&(1, READ)).unwrap().response());
    assert_eq!(d.io_mut().counters().mismatches, 1);
}

#[test]
fn an_adapter_that_does_not_echo_with_suppression_on_still_gets_the_reply() {
    // The reply starts as the request does (address 1, function 3): those
    // bytes are held back as a possible echo and handed over at the first
    // byte that differs, so the reply arrives whole.
    let time = Time::new();
    let log = Log::default();
    let pin = Pin {
        time: time.clone(),
        log: log.clone(),
    };
    let bus = Bus::new(&time, &log, Echo::None);
    let io = Rs485::new(bus, pin, time.clone(), time.clone(), core());
    let mut d = modbus::Driver::new(io, time.clone(), client(&time));
    assert_registers_2_to_4(d.ask(&(1, READ)).unwrap().response());
    assert_eq!(
        d.io_mut().counters(),
        EchoCounters {
            echoed: 0,
            mismatches: 1
        }
    );
    assert_direction_timing(&log);
}

#[test]
fn no_direction_control_and_no_suppression_is_the_bare_transport() {
    // `()` for an adapter that switches by itself: only the wait remains.
    let time = Time::new();
    let log = Log::default();
    let bus = Bus::new(&time, &log, Echo::None);
    let io = Rs485::new(bus, (), time.clone(), time.clone(), HalfDuplex::new(LINE));
    let mut d = modbus::Driver::new(io, time.clone(), client(&time));
    assert_registers_2_to_4(d.ask(&(1, READ)).unwrap().response());
    assert_eq!(d.io_mut().counters(), EchoCounters::default());
    assert_eq!(d.counters(), Default::default());
    let log = log.borrow();
    let first_read = log.iter().find(|(_, e)| matches!(e, Ev::Read(_))).unwrap();
    assert_eq!(first_read.0, T0 + wire_time(8, &LINE));
}
