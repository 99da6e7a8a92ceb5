//! YD/T 1363 drivers (battery BMSes on RS485, modular UPSes): the one
//! driver loop around the `ydt1363` crate's client. `ask` returns the
//! reply as a [`Frame`] borrowed from the driver; an RTN other than 00 is
//! a reply too.

use core::time::Duration;

pub use ::ydt1363::{Client, Error, Frame, Link, Request, Rtn};

/// Default reply timeout: a 1 KB reply takes about 1.1 s at 9600 baud.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

/// A blocking YD/T 1363 driver.
pub type Driver<T, C> = crate::blocking::Driver<T, C, Client>;

/// An async YD/T 1363 driver.
pub type AsyncDriver<T, Tm> = crate::asynch::Driver<T, Tm, Client>;

/// A client that waits `timeout` for each reply.
pub const fn client(timeout: Duration) -> Client {
    Client::new(Link::new(), timeout)
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;
    use crate::Error as DriverError;
    use crate::testing::{Port, Ticks};

    #[test]
    fn a_pylontech_reply_through_the_driver() {
        let port = Port::new(&[b"~20024600B01402D0", b"02AFC800C8FE0CC0F915\r"]);
        let clock = Ticks::every(Duration::from_millis(100));
        let mut d = Driver::new(port, clock, client(DEFAULT_TIMEOUT));
        let ask = Request {
            ver: 0x20,
            adr: 2,
            cid1: 0x46,
            cid2: 0x92,
            info: &[2],
        };
        let f = d.ask(&ask).unwrap();
        assert_eq!((f.rtn(), f.info_len()), (Rtn::Normal, 10));
        let mut info = f.info();
        assert_eq!((info.u8(), info.u16()), (Ok(2), Ok(53250)));
        // 0x2D2 is the ASCII sum of 20024692E00202: CHKSUM FD2E.
        assert_eq!(d.io_mut().written, b"~20024692E00202FD2E\r");
        // Nobody there: the time-out.
        assert!(matches!(d.ask(&ask), Err(DriverError::Timeout)));
    }
}
