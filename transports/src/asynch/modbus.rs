//! Async Modbus RTU driver: the loop of [`crate::modbus::Driver`] over
//! `embedded-io-async`, waiting on the runtime's [`Timer`].

use core::time::Duration;

use embedded_io_async::{Read, Write};
use modbus_rtu_lite::{Client, Line, Mode, Reply, Request};

use super::{First, Timer, first};
use crate::Error;
use crate::modbus::{feed_all, idle_client, outcome};

/// How long a read may wait when the client has no deadline of its own
/// (between transactions it has none).
const IDLE_SLICE: Duration = Duration::from_millis(20);

/// Runs one transaction at a time over `io`.
#[derive(Debug)]
pub struct Driver<T, M> {
    io: T,
    timer: M,
    client: Client,
}

impl<T: Read + Write, M: Timer> Driver<T, M> {
    /// A driver on `line`, framing replies by `mode` ([`Mode::Length`] on
    /// links that hide timing; [`Mode::Timing`] needs bytes delivered as
    /// they arrive), with a response time-out and the turnaround after
    /// broadcasts.
    pub fn new(
        io: T,
        timer: M,
        line: Line,
        mode: Mode,
        timeout: Duration,
        turnaround: Duration,
    ) -> Self {
        let client = idle_client(line, mode, timeout, turnaround, timer.now());
        Driver { io, timer, client }
    }

    /// Sends `request` to `address` and waits for the reply: `Ok(None)` for
    /// a broadcast (address 0), which nobody answers. Exceptions are replies.
    /// An invalid request is refused before any byte is written.
    pub async fn transact(
        &mut self,
        address: u8,
        request: &Request<'_>,
    ) -> Result<Option<Reply>, Error<T::Error, modbus_rtu_lite::Error>> {
        self.client
            .send(self.timer.now(), address, request)
            .map_err(Error::Protocol)?;
        let mut buf = [0u8; 64];
        let mut sent = false;
        loop {
            let now = self.timer.now();
            if !sent && let Some(bytes) = self.client.poll_transmit(now) {
                self.io.write_all(bytes).await.map_err(Error::Io)?;
                self.io.flush().await.map_err(Error::Io)?;
                sent = true;
            }
            if sent && let Some(ev) = self.client.poll_event() {
                return outcome(ev);
            }
            let deadline = self
                .client
                .poll_timeout()
                .unwrap_or(now.saturating_add(IDLE_SLICE));
            match first(self.io.read(&mut buf), self.timer.at(deadline)).await {
                First::A(Ok(n)) => {
                    let now = self.timer.now();
                    feed_all(&mut self.client, now, buf.get(..n).unwrap_or_default());
                }
                First::A(Err(e)) => return Err(Error::Io(e)),
                First::B(()) => {}
            }
            self.client.handle_timeout(self.timer.now());
        }
    }

    /// Replies not accepted (wrong address or function) so far.
    pub fn strays(&self) -> u32 {
        self.client.strays()
    }
}
