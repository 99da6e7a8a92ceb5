//! The async Modbus driver on a virtual clock: a reply, a silent unit
//! timing out at exactly its time-out, the turnaround after a broadcast,
//! and a refused request that writes nothing.

use std::cell::{Cell, RefCell};
use std::convert::Infallible;
use std::future::Future;

use embassy_futures::block_on;
use std::rc::Rc;
use std::time::Duration;

use modbus_rtu_lite::{
    Config, Exception, Handler, Line, Mode, Parity, Request, Response, Server, Words,
};
use transports::Error;
use transports::asynch::Timer;
use transports::modbus::AsyncDriver as Driver;

/// Time that moves only when the driver waits for a deadline.
#[derive(Clone, Default)]
struct Virtual(Rc<Cell<Duration>>);

impl Timer for Virtual {
    fn now(&self) -> Duration {
        self.0.get()
    }
    fn at(&mut self, deadline: Duration) -> impl Future<Output = ()> {
        let clock = self.0.clone();
        async move { clock.set(clock.get().max(deadline)) }
    }
}

/// Ten holding registers, register n holding 10·n.
struct Regs([u16; 10]);

impl Handler for Regs {
    fn read_holding_registers(&mut self, start: u16, out: &mut [u16]) -> Result<(), Exception> {
        let s = usize::from(start);
        let src = self
            .0
            .get(s..s + out.len())
            .ok_or(Exception::IllegalDataAddress)?;
        out.copy_from_slice(src);
        Ok(())
    }
    fn write_registers(&mut self, start: u16, values: Words<'_>) -> Result<(), Exception> {
        let s = usize::from(start);
        let dst = self
            .0
            .get_mut(s..s + values.len())
            .ok_or(Exception::IllegalDataAddress)?;
        for (d, v) in dst.iter_mut().zip(values.iter()) {
            *d = v;
        }
        Ok(())
    }
}

/// A bus with one server (unit 1): what is written reaches it whole, its
/// reply becomes readable; reading with nothing to read waits forever.
struct Bus {
    server: Server<Regs>,
    reply: Vec<u8>,
    clock: Virtual,
    writes: Writes,
}

impl embedded_io_async::ErrorType for Bus {
    type Error = Infallible;
}

impl embedded_io_async::Read for Bus {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, Infallible> {
        if self.reply.is_empty() {
            std::future::pending::<()>().await;
        }
        let n = buf.len().min(self.reply.len());
        buf[..n].copy_from_slice(&self.reply[..n]);
        self.reply.drain(..n);
        Ok(n)
    }
}

impl embedded_io_async::Write for Bus {
    async fn write(&mut self, buf: &[u8]) -> Result<usize, Infallible> {
        self.writes
            .borrow_mut()
            .push((self.clock.now(), buf.to_vec()));
        self.server.process(buf);
        if let Some(r) = self.server.poll_transmit(self.clock.now()) {
            self.reply.extend_from_slice(r);
        }
        Ok(buf.len())
    }
    async fn flush(&mut self) -> Result<(), Infallible> {
        Ok(())
    }
}

const TIMEOUT: Duration = Duration::from_millis(500);
const TURNAROUND: Duration = Duration::from_millis(100);

type Writes = Rc<RefCell<Vec<(Duration, Vec<u8>)>>>;

fn driver() -> (Driver<Bus, Virtual>, Virtual, Writes) {
    let clock = Virtual::default();
    let line = Line::new(9600, Parity::Even, 1);
    let mode = Mode::Length {
        silence: Duration::from_millis(50),
    };
    let mut regs = [0u16; 10];
    for (i, r) in regs.iter_mut().enumerate() {
        *r = 10 * i as u16;
    }
    let writes = Writes::default();
    let bus = Bus {
        server: Server::new(Regs(regs), [1, 0, 0, 0], line, mode, Duration::ZERO),
        reply: Vec::new(),
        clock: clock.clone(),
        writes: writes.clone(),
    };
    let config = Config {
        mode,
        timeout: TIMEOUT,
        turnaround: TURNAROUND,
        ..Config::new(line)
    };
    let d = Driver::new(bus, clock.clone(), config.client(clock.now()));
    (d, clock, writes)
}

#[test]
fn a_reply_arrives_before_the_deadline() {
    let (mut d, clock, _) = driver();
    let start = clock.now();
    let read = Request::ReadHoldingRegisters {
        start: 2,
        quantity: 3,
    };
    let reply = block_on(d.transact(&(1, read))).unwrap().unwrap();
    let Response::ReadHoldingRegisters(w) = reply.response() else {
        panic!("{:?}", reply.response());
    };
    assert!(w.iter().eq([20, 30, 40]));
    assert!(clock.now() - start < TIMEOUT);
}

#[test]
fn a_silent_unit_times_out_at_its_deadline() {
    let (mut d, clock, _) = driver();
    let read = Request::ReadHoldingRegisters {
        start: 0,
        quantity: 1,
    };
    let start = clock.now();
    assert!(matches!(
        block_on(d.transact(&(9, read))),
        Err(Error::Timeout)
    ));
    assert_eq!(clock.now() - start, TIMEOUT);
    // The driver is ready for the next transaction.
    assert!(block_on(d.transact(&(1, read))).unwrap().is_some());
}

#[test]
fn broadcast_returns_at_once_and_the_next_request_waits_the_turnaround() {
    let (mut d, _, writes) = driver();
    let write = Request::WriteSingleRegister {
        address: 0,
        value: 77,
    };
    assert!(block_on(d.transact(&(0, write))).unwrap().is_none());
    let read = Request::ReadHoldingRegisters {
        start: 0,
        quantity: 1,
    };
    let reply = block_on(d.transact(&(1, read))).unwrap().unwrap();
    assert!(
        matches!(reply.response(), Response::ReadHoldingRegisters(w) if w.get(0) == Some(77)),
        "the broadcast reached the server"
    );
    let w = writes.borrow();
    assert_eq!(w.len(), 2);
    assert!(
        w[1].0 - w[0].0 >= TURNAROUND,
        "{:?} then {:?}",
        w[0].0,
        w[1].0
    );
}

#[test]
fn an_invalid_request_writes_nothing() {
    let (mut d, _, writes) = driver();
    let read = Request::ReadHoldingRegisters {
        start: 0,
        quantity: 0,
    };
    assert!(matches!(
        block_on(d.transact(&(1, read))),
        Err(Error::Protocol(_))
    ));
    assert!(writes.borrow().is_empty());
}
