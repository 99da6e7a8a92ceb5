//! SLCAN adapters (USB-CAN): the one driver loop around the `slcan`
//! crate's client. Commands (`Open`, `Close`, `Version`) are transactions
//! the adapter acknowledges; frames go out with `Command::Send` and come in
//! through [`receive`](crate::blocking::Driver::receive).
//!
//! ```no_run
//! # fn f() -> Result<(), Box<dyn std::error::Error>> {
//! use core::time::Duration;
//! use transports::{StdClock, serial::Serial, slcan};
//!
//! let port = Serial::open("/dev/ttyACM0", &slcan::LINE)?;
//! let mut can = slcan::Driver::new(port, StdClock::new(), slcan::client(slcan::DEFAULT_TIMEOUT));
//! can.transact(&slcan::Command::Open { bitrate: 500_000 })?;
//! can.transact(&slcan::Command::Send(slcan::CanFrame::new(0x305, &[0; 8])))?;
//! let until = can.now() + Duration::from_secs(1);
//! while let Some(frame) = can.receive(until)? {
//!     println!("{:03X} {:02X?}", frame.id, frame.bytes());
//! }
//! # Ok(()) }
//! ```

use core::time::Duration;

pub use ::slcan::{
    CanFrame, Client, Command, Decoder, Error, LINE, Link, Message, Reply, bitrate_code,
    decode_line, encode_frame,
};

/// How long an adapter may take to acknowledge a command.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(500);

/// A blocking SLCAN driver.
pub type Driver<T, C> = crate::blocking::Driver<T, C, Client>;

/// An async SLCAN driver.
pub type AsyncDriver<T, Tm> = crate::asynch::Driver<T, Tm, Client>;

/// A client that waits `timeout` for each acknowledgement.
pub const fn client(timeout: Duration) -> Client {
    Client::new(Link::new(), timeout)
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;
    use crate::Error as DriverError;
    use crate::testing::{Port, Ticks};

    fn driver(reads: Vec<Result<Vec<u8>, embedded_io::ErrorKind>>) -> Driver<Port, Ticks> {
        let clock = Ticks::every(Duration::from_millis(10));
        Driver::new(Port::with(reads), clock, client(DEFAULT_TIMEOUT))
    }

    #[test]
    fn open_refuses_an_unknown_bitrate_before_sending() {
        let mut d = driver(vec![Ok(b"\r\r\r".to_vec())]);
        let r = d.transact(&Command::Open { bitrate: 123_456 });
        assert!(matches!(
            r,
            Err(DriverError::Protocol(Error::Bitrate { bitrate: 123_456 }))
        ));
        assert_eq!(d.io_mut().written, b"", "nothing sent");
        assert_eq!(
            d.transact(&Command::Open { bitrate: 250_000 }).unwrap(),
            Some(Reply::Done)
        );
        assert_eq!(d.io_mut().written, b"C\rS5\rO\r");
    }

    #[test]
    fn open_times_out_without_an_adapter_and_refusals_are_errors() {
        let mut d = driver(vec![]);
        assert!(matches!(
            d.transact(&Command::Open { bitrate: 500_000 }),
            Err(DriverError::Timeout)
        ));
        let mut d = driver(vec![Ok(b"\x07".to_vec())]);
        assert!(matches!(
            d.transact(&Command::Close),
            Err(DriverError::Protocol(Error::Refused))
        ));
    }

    #[test]
    fn sends_receives_and_reports_port_errors() {
        let mut d = driver(vec![
            Ok(b"z\rt3510\r".to_vec()),
            Err(embedded_io::ErrorKind::BrokenPipe),
        ]);
        let sent = d.transact(&Command::Send(CanFrame::new(0x305, &[0x21])));
        assert_eq!(sent.unwrap(), None, "nothing awaited");
        assert_eq!(d.io_mut().written, b"t305121\r");
        let until = d.now() + Duration::from_millis(100);
        assert_eq!(d.receive(until).unwrap(), Some(CanFrame::new(0x351, &[])));
        assert!(matches!(
            d.receive(until),
            Err(DriverError::Io(embedded_io::ErrorKind::BrokenPipe))
        ));
        let until = d.now() + Duration::from_millis(100);
        assert_eq!(d.receive(until).unwrap(), None, "silence is no error");
    }
}
