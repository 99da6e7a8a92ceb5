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
    use crate::Error;
    use crate::testing::{Port, Ticks};
    use axpert_proto::{Inquiry, Mode, Response, Setting};

    fn driver(chunks: &[&[u8]], timeout: Duration) -> Driver<Port, Ticks> {
        let clock = Ticks::every(Duration::from_millis(100));
        Driver::new(Port::new(chunks), clock, client(timeout))
    }

    #[test]
    fn split_reply_with_echo() {
        let chunks: &[&[u8]] = &[b"QMOD\x49\xc1\r(", b"B\xe7", b"\xc9\r"];
        let mut d = driver(chunks, DEFAULT_TIMEOUT);
        let r = d.ask(&Inquiry::Mode.into()).unwrap();
        assert_eq!(r, &Response::Mode(Mode::Battery));
        assert_eq!(d.io_mut().written, b"QMOD\x49\xc1\r");
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
        assert!(d.io_mut().written.is_empty());
    }
}
