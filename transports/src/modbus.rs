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
        let now = clock.now();
        let mut client = Client::new(line, mode, timeout, turnaround, now);
        client.handle_timeout(now.saturating_add(line.t35()));
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
                return match ev {
                    Event::Reply(r) => Ok(Some(r)),
                    Event::Broadcast => Ok(None),
                    Event::Error(e) => Err(Error::Protocol(e)),
                    Event::Timeout => Err(Error::Timeout),
                };
            }
            // Reads time out after a short slice, so this also waits out a
            // turnaround delay.
            let n = match self.io.read(&mut buf) {
                Ok(n) => n,
                Err(e) if e.kind() == ErrorKind::TimedOut => 0,
                Err(e) => return Err(Error::Io(e)),
            };
            let now = self.clock.now();
            let mut rest = buf.get(..n).unwrap_or_default();
            while !rest.is_empty() {
                let used = self.client.feed(now, rest);
                rest = rest.get(used..).unwrap_or_default();
            }
            self.client.handle_timeout(now);
        }
    }

    /// Replies not accepted (wrong address or function) so far.
    pub fn strays(&self) -> u32 {
        self.client.strays()
    }
}
