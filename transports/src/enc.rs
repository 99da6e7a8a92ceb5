//! Blocking ENC drive driver: a thin loop around [`enc_ascii::Client`].

use core::time::Duration;

use embedded_io::{Read, Write};
use enc_ascii::{Client, Event, Radix, Request, Response};

use crate::{Clock, Error};

/// The drives' default line speed, 9600 8N1.
pub const DEFAULT_BAUD: u32 = 9600;

/// The drives' default response delay (F2.17).
pub const DEFAULT_RESPONSE_DELAY: Duration = Duration::from_millis(5);

/// Runs one transaction at a time over `io`.
#[derive(Debug)]
pub struct Driver<T, C> {
    io: T,
    clock: C,
    client: Client,
}

impl<T: Read + Write, C: Clock> Driver<T, C> {
    /// A driver for a link at `baud` to drives with `response_delay` (F2.17).
    pub fn new(io: T, clock: C, baud: u32, response_delay: Duration) -> Self {
        Driver {
            io,
            clock,
            client: Client::for_link(baud, response_delay),
        }
    }

    /// A driver with an explicit timeout and response-code radix.
    pub fn with_client(io: T, clock: C, timeout: Duration, radix: Radix) -> Self {
        Driver {
            io,
            clock,
            client: Client::with_radix(timeout, radix),
        }
    }

    /// Sends `request` and waits for the reply: `Ok(Some(reply))`, refusals
    /// (codes 20 and 30) included; `Ok(None)` for a broadcast, which is not
    /// answered and not waited for.
    pub fn transact(
        &mut self,
        request: &Request,
    ) -> Result<Option<Response>, Error<T::Error, enc_ascii::Error>> {
        self.client
            .send(self.clock.now(), request)
            .map_err(Error::Protocol)?;
        match crate::blocking::run(&mut self.io, &self.clock, &mut self.client)
            .map_err(Error::Io)?
        {
            Event::Response(r) => Ok(Some(r)),
            Event::Broadcast => Ok(None),
            Event::Error(e) => Err(Error::Protocol(e)),
            Event::Timeout => Err(Error::Timeout),
        }
    }

    /// Reads response codes under `radix` from now on.
    pub fn set_radix(&mut self, radix: Radix) {
        self.client.set_radix(radix);
    }

    /// The reply timeout in use.
    pub fn timeout(&self) -> Duration {
        self.client.timeout()
    }

    /// The transport.
    pub fn io_mut(&mut self) -> &mut T {
        &mut self.io
    }
}
