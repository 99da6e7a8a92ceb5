//! The blocking driver: the one loop of [`crate::asynch::Driver`], run to
//! completion over blocking I/O.
//!
//! A blocking transport's `read` returns within a bounded time and reports
//! [`ErrorKind::TimedOut`] when nothing arrived (the std transports here
//! do); that is silence, and the loop checks the machine's deadline after
//! every read. Any other I/O error ends the transaction.

use core::time::Duration;

use embedded_io::{Error as _, ErrorKind, Read, Write};
use proto_core::{ClientMachine, Counters};

use crate::{Clock, Error, Outcome, asynch};

/// Runs one transaction at a time of the client machine `M` over `io`.
#[derive(Debug)]
pub struct Driver<T, C, M> {
    inner: asynch::Driver<Blocking<T>, Ticks<C>, M>,
}

impl<T: Read + Write, C: Clock, M: ClientMachine> Driver<T, C, M> {
    /// A driver for `machine` (a protocol's client) over `io`. A `const
    /// fn`, so firmware can build it in place in a `static`.
    pub const fn new(io: T, clock: C, machine: M) -> Self {
        Driver {
            inner: asynch::Driver::new(Blocking(io), Ticks(clock), machine),
        }
    }

    /// Sends `request` and waits for its outcome: `Ok(Some(reply))` (a
    /// protocol's refusal, such as an exception or a NAK, is a reply), or
    /// `Ok(None)` for a broadcast, which no device answers. An invalid
    /// request is refused before any byte is written.
    pub fn transact(
        &mut self,
        request: &M::Request<'_>,
    ) -> Outcome<M::Answer<'_>, T::Error, M::Error> {
        embassy_futures::block_on(self.inner.transact(request))
    }

    /// [`transact`](Self::transact) for a request that is answered: a
    /// broadcast gives [`Error::Broadcast`] (after it was sent).
    pub fn ask(
        &mut self,
        request: &M::Request<'_>,
    ) -> Result<M::Answer<'_>, Error<T::Error, M::Error>> {
        embassy_futures::block_on(self.inner.ask(request))
    }

    /// Waits until `until` for something that arrives on its own, not as a
    /// reply (a CAN frame from the bus): `Ok(None)` when nothing came.
    pub fn receive(&mut self, until: Duration) -> Outcome<M::Inbound, T::Error, M::Error> {
        embassy_futures::block_on(self.inner.receive(until))
    }

    /// The time on the driver's clock.
    pub fn now(&self) -> Duration {
        asynch::Timer::now(self.inner.timer())
    }

    /// The client machine, to read its settings.
    pub fn machine(&self) -> &M {
        self.inner.machine()
    }

    /// The client machine, to change its settings.
    pub fn machine_mut(&mut self) -> &mut M {
        self.inner.machine_mut()
    }

    /// What the client has passed over so far.
    pub fn counters(&self) -> Counters {
        self.inner.counters()
    }

    /// The transport, to reconfigure it.
    pub fn io_mut(&mut self) -> &mut T {
        &mut self.inner.io_mut().0
    }

    /// The transport, the clock and the machine.
    pub fn into_parts(self) -> (T, C, M) {
        let (io, clock, machine) = self.inner.into_parts();
        (io.0, clock.0, machine)
    }
}

/// Blocking I/O seen through the async traits: every call completes when
/// polled; a read that timed out is an empty read (silence).
#[derive(Debug)]
struct Blocking<T>(T);

impl<T: embedded_io::ErrorType> embedded_io_async::ErrorType for Blocking<T> {
    type Error = T::Error;
}

impl<T: Read> embedded_io_async::Read for Blocking<T> {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, T::Error> {
        match self.0.read(buf) {
            Err(e) if e.kind() == ErrorKind::TimedOut => Ok(0),
            r => r,
        }
    }
}

impl<T: Write> embedded_io_async::Write for Blocking<T> {
    async fn write(&mut self, buf: &[u8]) -> Result<usize, T::Error> {
        self.0.write(buf)
    }

    async fn flush(&mut self) -> Result<(), T::Error> {
        self.0.flush()
    }
}

/// A clock as a timer whose waits end at once: the blocking read has
/// already waited its time slice.
#[derive(Debug)]
struct Ticks<C>(C);

impl<C: Clock> asynch::Timer for Ticks<C> {
    fn now(&self) -> Duration {
        self.0.now()
    }

    async fn at(&mut self, _deadline: Duration) {}
}
