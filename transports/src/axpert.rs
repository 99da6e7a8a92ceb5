//! Blocking Axpert driver: a thin loop around [`axpert_proto::Client`].

use core::time::Duration;

use axpert_proto::{Client, Command, Event, Response};
use embedded_io::{Read, Write};

use crate::{Clock, Error};

/// Default reply timeout: a 120-byte reply takes about 0.5 s at 2400 baud,
/// and units take a while to start answering.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);

/// Runs one transaction at a time over `io`.
#[derive(Debug)]
pub struct Driver<T, C> {
    io: T,
    clock: C,
    client: Client,
}

impl<T: Read + Write, C: Clock> Driver<T, C> {
    /// A driver with the [`DEFAULT_TIMEOUT`].
    pub fn new(io: T, clock: C) -> Self {
        Self::with_timeout(io, clock, DEFAULT_TIMEOUT)
    }

    /// A driver that waits `timeout` for each reply.
    pub fn with_timeout(io: T, clock: C, timeout: Duration) -> Self {
        Driver {
            io,
            clock,
            client: Client::new(timeout),
        }
    }

    /// Sends `command` and waits for its reply. A `(NAK` is
    /// `Ok(Response::Nak)`; an out-of-range setting is refused before any
    /// byte is written.
    pub fn transact(
        &mut self,
        command: &Command,
    ) -> Result<Response, Error<T::Error, axpert_proto::Error>> {
        self.client
            .send(self.clock.now(), command)
            .map_err(Error::Protocol)?;
        match crate::blocking::run(&mut self.io, &self.clock, &mut self.client)
            .map_err(Error::Io)?
        {
            Event::Response(r) => Ok(r),
            Event::Error(e) => Err(Error::Protocol(e)),
            Event::Timeout => Err(Error::Timeout),
        }
    }

    /// The transport, to reconfigure or close it.
    pub fn io_mut(&mut self) -> &mut T {
        &mut self.io
    }

    /// Frames that arrived while no request was outstanding.
    pub fn unsolicited(&self) -> u32 {
        self.client.unsolicited()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axpert_proto::{Inquiry, Mode, Setting};
    use core::cell::Cell;
    use embedded_io::ErrorKind;

    /// A scripted link: every read hands out the next chunk, or times out.
    struct Script<'a> {
        chunks: &'a [&'a [u8]],
        next: usize,
        written: [u8; 64],
        written_len: usize,
    }

    #[derive(Debug)]
    struct TimedOut;
    impl core::fmt::Display for TimedOut {
        fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            f.write_str("timed out")
        }
    }
    impl core::error::Error for TimedOut {}
    impl embedded_io::Error for TimedOut {
        fn kind(&self) -> ErrorKind {
            ErrorKind::TimedOut
        }
    }
    impl embedded_io::ErrorType for Script<'_> {
        type Error = TimedOut;
    }
    impl Read for Script<'_> {
        fn read(&mut self, buf: &mut [u8]) -> Result<usize, TimedOut> {
            let c = self.chunks.get(self.next).ok_or(TimedOut)?;
            self.next += 1;
            buf[..c.len()].copy_from_slice(c);
            Ok(c.len())
        }
    }
    impl Write for Script<'_> {
        fn write(&mut self, buf: &[u8]) -> Result<usize, TimedOut> {
            self.written[self.written_len..self.written_len + buf.len()].copy_from_slice(buf);
            self.written_len += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> Result<(), TimedOut> {
            Ok(())
        }
    }

    /// A clock that advances 100 ms per reading.
    struct Ticks(Cell<u64>);
    impl Clock for Ticks {
        fn now(&self) -> Duration {
            self.0.set(self.0.get() + 100);
            Duration::from_millis(self.0.get())
        }
    }

    fn script<'a>(chunks: &'a [&'a [u8]]) -> Script<'a> {
        Script {
            chunks,
            next: 0,
            written: [0; 64],
            written_len: 0,
        }
    }

    #[test]
    fn split_reply_with_echo() {
        let chunks: &[&[u8]] = &[b"QMOD\x49\xc1\r(", b"B\xe7", b"\xc9\r"];
        let mut d = Driver::new(script(chunks), Ticks(Cell::new(0)));
        let r = d.transact(&Inquiry::Mode.into()).unwrap();
        assert_eq!(r, Response::Mode(Mode::Battery));
        assert_eq!(&d.io.written[..d.io.written_len], b"QMOD\x49\xc1\r");
    }

    #[test]
    fn silence_times_out() {
        let mut d = Driver::with_timeout(script(&[]), Ticks(Cell::new(0)), Duration::from_secs(1));
        assert!(matches!(
            d.transact(&Inquiry::Mode.into()),
            Err(Error::Timeout)
        ));
    }

    #[test]
    fn refused_setting_writes_nothing() {
        let mut d = Driver::new(script(&[]), Ticks(Cell::new(0)));
        let r = d.transact(&Setting::MaxCvTime(901).into());
        assert!(matches!(
            r,
            Err(Error::Protocol(axpert_proto::Error::OutOfRange { .. }))
        ));
        assert_eq!(d.io.written_len, 0);
    }
}
