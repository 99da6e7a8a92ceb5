//! Blocking Modbus RTU driver: a loop around [`modbus_rtu_lite::Client`].

use core::time::Duration;

use embedded_io::{Error as _, ErrorKind, Read, Write};
use modbus_rtu_lite::{Client, Event, Line, Mode, Reply, Request};

use crate::{Clock, Error};

/// Runs one transaction at a time over `io`.
#[derive(Debug)]
pub struct Driver<T, C> {
    io: T,
    clock: C,
    client: Client,
}

impl<T: Read + Write, C: Clock> Driver<T, C> {
    /// A driver on `line`, framing replies by `mode` (use
    /// [`Mode::Length`] on USB adapters, TCP gateways and pseudo-terminals,
    /// which hide timing), with a response time-out and the turnaround
    /// after broadcasts.
    pub fn new(
        io: T,
        clock: C,
        line: Line,
        mode: Mode,
        timeout: Duration,
        turnaround: Duration,
    ) -> Self {
        let client = idle_client(line, mode, timeout, turnaround, clock.now());
        Driver { io, clock, client }
    }

    /// Sends `request` to `address` and waits for the reply: `Ok(None)` for
    /// a broadcast (address 0), which nobody answers. Exceptions are replies.
    pub fn transact(
        &mut self,
        address: u8,
        request: &Request<'_>,
    ) -> Result<Option<Reply>, Error<T::Error, modbus_rtu_lite::Error>> {
        self.client
            .send(self.clock.now(), address, request)
            .map_err(Error::Protocol)?;
        let mut buf = [0u8; 64];
        let mut sent = false;
        loop {
            let now = self.clock.now();
            if !sent && let Some(bytes) = self.client.poll_transmit(now) {
                self.io.write_all(bytes).map_err(Error::Io)?;
                self.io.flush().map_err(Error::Io)?;
                sent = true;
            }
            if sent && let Some(ev) = self.client.poll_event() {
                return outcome(ev);
            }
            // Reads time out after a short slice, so this also waits out a
            // turnaround delay.
            let n = match self.io.read(&mut buf) {
                Ok(n) => n,
                Err(e) if e.kind() == ErrorKind::TimedOut => 0,
                Err(e) => return Err(Error::Io(e)),
            };
            let now = self.clock.now();
            feed_all(&mut self.client, now, buf.get(..n).unwrap_or_default());
            self.client.handle_timeout(now);
        }
    }

    /// Replies not accepted (wrong address or function) so far.
    pub fn strays(&self) -> u32 {
        self.client.strays()
    }
}

/// A client ready for its first request: the line has been quiet for t3.5.
pub(crate) fn idle_client(
    line: Line,
    mode: Mode,
    timeout: Duration,
    turnaround: Duration,
    now: Duration,
) -> Client {
    let mut client = Client::new(line, mode, timeout, turnaround, now);
    client.handle_timeout(now.saturating_add(line.t35()));
    client
}

/// What a transaction's event means to a caller: a reply, nothing (after
/// a broadcast), or an error.
pub(crate) fn outcome<E>(ev: Event) -> Result<Option<Reply>, Error<E, modbus_rtu_lite::Error>> {
    match ev {
        Event::Reply(r) => Ok(Some(r)),
        Event::Broadcast => Ok(None),
        Event::Error(e) => Err(Error::Protocol(e)),
        Event::Timeout => Err(Error::Timeout),
    }
}

/// Feeds all of `bytes` (the client takes them in as many calls as it needs).
pub(crate) fn feed_all(client: &mut Client, now: Duration, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        let used = client.feed(now, bytes);
        bytes = bytes.get(used..).unwrap_or_default();
    }
}
