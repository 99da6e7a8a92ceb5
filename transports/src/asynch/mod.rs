//! The one driver loop, over `embedded-io-async`, for firmware on an async
//! executor (Embassy, RTIC), for async hosts, and (through
//! [`crate::blocking`]) for blocking I/O.
//!
//! [`Driver`] runs any protocol's [`ClientMachine`]: it writes the request,
//! reads and feeds until the machine reports its outcome, and never waits
//! past the machine's [`poll_timeout`](ClientMachine::poll_timeout). An
//! async read does not time out by itself, so the driver races it against
//! a [`Timer`] that the runtime provides (Embassy's `Timer::at`, Tokio's
//! `sleep_until`, ...).

use core::future::Future;
use core::time::Duration;

use embassy_futures::select::{Either, select};
use embedded_io_async::{Read, Write};
use proto_core::{ClientMachine, Counters, Event};

use crate::{Error, Outcome};

/// The runtime's clock and timer, on one time base (a `Duration` since an
/// epoch of the runtime's choosing).
pub trait Timer {
    /// The time now.
    fn now(&self) -> Duration;
    /// Completes at `deadline` (at once if it has passed).
    fn at(&mut self, deadline: Duration) -> impl Future<Output = ()>;
}

/// Runs one transaction at a time of the client machine `M` over `io`.
#[derive(Debug)]
pub struct Driver<T, Tm, M> {
    io: T,
    timer: Tm,
    machine: M,
    /// Where reads land: kept here, not on the stack of every read.
    buf: [u8; READ_CHUNK],
}

/// How many bytes one read may bring.
const READ_CHUNK: usize = 64;

impl<T: Read + Write, Tm: Timer, M: ClientMachine> Driver<T, Tm, M> {
    /// A driver for `machine` (a protocol's client) over `io`. A `const
    /// fn`, so firmware can build it in place in a `static`.
    pub const fn new(io: T, timer: Tm, machine: M) -> Self {
        Driver {
            io,
            timer,
            machine,
            buf: [0; READ_CHUNK],
        }
    }

    /// Sends `request` and waits for its outcome: `Ok(Some(reply))` (a
    /// protocol's refusal, such as an exception or a NAK, is a reply), or
    /// `Ok(None)` for a broadcast, which no device answers. An invalid
    /// request is refused before any byte is written.
    pub async fn transact(
        &mut self,
        request: &M::Request<'_>,
    ) -> Outcome<M::Answer<'_>, T::Error, M::Error> {
        self.machine
            .send(self.timer.now(), request)
            .map_err(Error::Protocol)?;
        match self.run().await? {
            Event::Reply(r) => Ok(Some(self.machine.answer(r))),
            Event::Broadcast => Ok(None),
            Event::Error(e) => Err(Error::Protocol(e)),
            Event::Timeout => Err(Error::Timeout),
        }
    }

    /// [`transact`](Self::transact) for a request that is answered: a
    /// broadcast gives [`Error::Broadcast`] (after it was sent).
    pub async fn ask(
        &mut self,
        request: &M::Request<'_>,
    ) -> Result<M::Answer<'_>, Error<T::Error, M::Error>> {
        self.transact(request).await?.ok_or(Error::Broadcast)
    }

    /// Waits until `until` for something that arrives on its own, not as a
    /// reply (a CAN frame from the bus): `Ok(None)` when nothing came.
    /// Replies and time-outs of an open transaction are handled meanwhile.
    pub async fn receive(&mut self, until: Duration) -> Outcome<M::Inbound, T::Error, M::Error> {
        loop {
            if let Some(inbound) = self.machine.poll_inbound() {
                return Ok(Some(inbound));
            }
            let now = self.timer.now();
            self.machine.handle_timeout(now);
            if now >= until {
                return Ok(None);
            }
            self.read_and_feed(until).await?;
        }
    }

    /// Runs the transaction the machine has open until it ends.
    async fn run(&mut self) -> Result<Event<M::Reply, M::Error>, Error<T::Error, M::Error>> {
        loop {
            let now = self.timer.now();
            self.machine.handle_timeout(now);
            if let Some(bytes) = self.machine.poll_transmit(now) {
                self.io.write_all(bytes).await.map_err(Error::Io)?;
                self.io.flush().await.map_err(Error::Io)?;
            }
            if let Some(event) = self.machine.poll_event() {
                return Ok(event);
            }
            let Some(deadline) = self.machine.poll_timeout() else {
                return Err(Error::Idle);
            };
            if deadline > self.timer.now() {
                self.read_and_feed(deadline).await?;
            }
        }
    }

    /// Waits for bytes until `deadline` and feeds all of them.
    async fn read_and_feed(&mut self, deadline: Duration) -> Result<(), Error<T::Error, M::Error>> {
        // An empty read is silence (a blocking read's time slice ran out,
        // or an async stream ended): wait for the deadline rather than spin.
        match select(self.io.read(&mut self.buf), self.timer.at(deadline)).await {
            Either::First(Ok(0)) => self.timer.at(deadline).await,
            Either::First(Ok(n)) => {
                let now = self.timer.now();
                let mut rest = self.buf.get(..n).unwrap_or_default();
                // A machine may take nothing once (the frame it stopped at
                // ended its transaction); twice in a row, the rest is dropped.
                let mut stalled = false;
                while !rest.is_empty() {
                    let used = self.machine.feed(now, rest);
                    if used == 0 && core::mem::replace(&mut stalled, true) {
                        break;
                    }
                    stalled &= used == 0;
                    rest = rest.get(used..).unwrap_or_default();
                }
            }
            Either::First(Err(e)) => return Err(Error::Io(e)),
            Either::Second(()) => {}
        }
        Ok(())
    }

    /// The timer, to read the time.
    pub fn timer(&self) -> &Tm {
        &self.timer
    }

    /// The client machine, to read its settings.
    pub fn machine(&self) -> &M {
        &self.machine
    }

    /// The client machine, to change its settings.
    pub fn machine_mut(&mut self) -> &mut M {
        &mut self.machine
    }

    /// What the client has passed over so far (unsolicited, stray and cut
    /// frames, discarded bytes).
    pub fn counters(&self) -> Counters {
        self.machine.counters()
    }

    /// The transport, to reconfigure it.
    pub fn io_mut(&mut self) -> &mut T {
        &mut self.io
    }

    /// The transport, the timer and the machine.
    pub fn into_parts(self) -> (T, Tm, M) {
        (self.io, self.timer, self.machine)
    }
}
