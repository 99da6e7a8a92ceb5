//! Axpert drivers: the one driver loop around [`axpert_proto::Client`].

use core::time::Duration;

use axpert_proto::{Client, Link};

pub use axpert_proto::LINE;

/// Default reply timeout: a 120-byte reply takes about 0.5 s at 2400 baud,
/// and units take a while to start answering.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);

/// A blocking Axpert driver.
pub type Driver<T, C> = crate::blocking::Driver<T, C, Client>;

/// An async Axpert driver.
pub type AsyncDriver<T, Tm> = crate::asynch::Driver<T, Tm, Client>;

/// A client with `timeout` for each reply.
pub const fn client(timeout: Duration) -> Client {
    Client::new(Link::new(), timeout)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Clock, Error};
    use axpert_proto::{Inquiry, Mode, Response, Setting};
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
    impl embedded_io::Read for Script<'_> {
        fn read(&mut self, buf: &mut [u8]) -> Result<usize, TimedOut> {
            let c = self.chunks.get(self.next).ok_or(TimedOut)?;
            self.next += 1;
            buf[..c.len()].copy_from_slice(c);
            Ok(c.len())
        }
    }
    impl embedded_io::Write for Script<'_> {
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

    fn driver<'a>(chunks: &'a [&'a [u8]], timeout: Duration) -> Driver<Script<'a>, Ticks> {
        Driver::new(script(chunks), Ticks(Cell::new(0)), client(timeout))
    }

    #[test]
    fn split_reply_with_echo() {
        let chunks: &[&[u8]] = &[b"QMOD\x49\xc1\r(", b"B\xe7", b"\xc9\r"];
        let mut d = driver(chunks, DEFAULT_TIMEOUT);
        let r = d.ask(&Inquiry::Mode.into()).unwrap();
        assert_eq!(r, &Response::Mode(Mode::Battery));
        let io = d.io_mut();
        assert_eq!(&io.written[..io.written_len], b"QMOD\x49\xc1\r");
    }

    #[test]
    fn silence_times_out() {
        let mut d = driver(&[], Duration::from_secs(1));
        assert!(matches!(d.ask(&Inquiry::Mode.into()), Err(Error::Timeout)));
    }

    #[test]
    fn refused_setting_writes_nothing() {
        let mut d = driver(&[], DEFAULT_TIMEOUT);
        let r = d.ask(&Setting::MaxCvTime(901).into());
        assert!(matches!(
            r,
            Err(Error::Protocol(axpert_proto::Error::OutOfRange { .. }))
        ));
        assert_eq!(d.io_mut().written_len, 0);
    }
}
