//! Serial ports and pseudo-terminals as `embedded-io` transports.
//!
//! Reads wait at most [`READ_SLICE`] and then report
//! [`std::io::ErrorKind::TimedOut`], so a driver can check its deadline.
//! Only "nothing arrived yet" reads as a time-out; a port that is gone (an
//! unplugged USB adapter, a pseudo-terminal whose other side closed) reads
//! as an error of kind [`std::io::ErrorKind::BrokenPipe`], so a driver
//! reports it instead of waiting for a reply that cannot come.
//!
//! A port opens with the workspace's one line description, [`Line`]
//! (re-exported from `proto-core`); each protocol crate names its default
//! (`axpert_proto::LINE`, `enc_ascii::LINE`, `modbus_rtu_lite::LINE`,
//! `slcan::LINE`, also as `transports::{axpert, enc, modbus, slcan}::LINE`):
//!
//! ```no_run
//! use transports::serial::{Line, Parity, Serial};
//!
//! let inverter = Serial::open("/dev/ttyUSB0", &axpert_proto::LINE)?;
//! let meter = Serial::open("/dev/ttyUSB1", &Line::new(9600, Parity::Even, 1))?;
//! # Ok::<(), std::io::Error>(())
//! ```

use std::io::{self, Read as _, Write as _};
use std::time::Duration;

use serialport::{SerialPort, TTYPort};

pub use proto_core::{Line, Parity};

/// How long one read waits for a byte before it reports a time-out.
pub const READ_SLICE: Duration = Duration::from_millis(20);

/// `line`'s parity in the `serialport` crate's terms.
pub(crate) const fn parity(line: &Line) -> serialport::Parity {
    match line.parity {
        Parity::Even => serialport::Parity::Even,
        Parity::Odd => serialport::Parity::Odd,
        Parity::None => serialport::Parity::None,
    }
}

/// `line`'s stop bits in the `serialport` crate's terms; a UART has 1 or 2.
pub(crate) fn stop_bits(line: &Line) -> io::Result<serialport::StopBits> {
    match line.stop_bits {
        1 => Ok(serialport::StopBits::One),
        2 => Ok(serialport::StopBits::Two),
        n => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{n} stop bits: a serial port has 1 or 2"),
        )),
    }
}

/// An open serial port.
pub struct Serial {
    port: Box<dyn SerialPort>,
}

impl core::fmt::Debug for Serial {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Serial")
            .field("name", &self.port.name())
            .finish()
    }
}

impl Serial {
    /// Opens `path` with `line` (8 data bits), no flow control. A line
    /// with neither 1 nor 2 stop bits is an [`io::ErrorKind::InvalidInput`].
    pub fn open(path: &str, line: &Line) -> io::Result<Self> {
        let port = serialport::new(path, line.baud)
            .data_bits(serialport::DataBits::Eight)
            .parity(parity(line))
            .stop_bits(stop_bits(line)?)
            .flow_control(serialport::FlowControl::None)
            .timeout(READ_SLICE)
            .open()?;
        Ok(Serial { port })
    }

    /// Wraps a port opened elsewhere; its read timeout is set to [`READ_SLICE`].
    pub fn from_port(mut port: Box<dyn SerialPort>) -> io::Result<Self> {
        port.set_timeout(READ_SLICE)?;
        Ok(Serial { port })
    }

    /// Drops whatever has been received and not read yet.
    pub fn clear_input(&mut self) -> io::Result<()> {
        Ok(self.port.clear(serialport::ClearBuffer::Input)?)
    }

    /// The underlying port.
    pub fn port_mut(&mut self) -> &mut dyn SerialPort {
        &mut *self.port
    }
}

impl embedded_io::ErrorType for Serial {
    type Error = io::Error;
}

/// EIO, what Linux reads from a tty whose device is gone (an unplugged USB
/// adapter, a hung-up line, a pseudo-terminal without its other side).
const EIO: i32 = 5;

impl embedded_io::Read for Serial {
    /// Bytes received; [`io::ErrorKind::TimedOut`] when none arrived within
    /// [`READ_SLICE`]; [`io::ErrorKind::BrokenPipe`] when the port is gone.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.port.read(buf) {
            // The port polls for [`READ_SLICE`] first and reports TimedOut
            // itself. A non-blocking or interrupted read also means that
            // nothing has arrived yet.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::TimedOut
                        | io::ErrorKind::WouldBlock
                        | io::ErrorKind::Interrupted
                ) =>
            {
                Err(io::ErrorKind::TimedOut.into())
            }
            // The device is gone: an error, never silence (a driver would
            // otherwise wait out every timeout on a dead port).
            Err(e) if e.raw_os_error() == Some(EIO) => Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                format!("serial port disconnected ({e})"),
            )),
            // The read follows a poll that found the port readable, and a
            // raw tty read blocks for at least one byte: nothing at all is
            // the end of the file, a hung-up line.
            Ok(0) if !buf.is_empty() => Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "serial port hung up (end of file)",
            )),
            other => other,
        }
    }
}

impl embedded_io::Write for Serial {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.port.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.port.flush()
    }
}

/// A pseudo-terminal: the device side of a simulator keeps the master, and
/// clients open [`path`](Pty::path) as if it were a serial port.
pub struct Pty {
    master: Serial,
    // Held open so the master does not read EIO while no client is connected.
    _slave: TTYPort,
    path: String,
}

impl Pty {
    /// Creates a new pseudo-terminal pair.
    pub fn new() -> io::Result<Self> {
        // The slave end holds no lock (no flock, no TIOCEXCL), so a client
        // can open its path with the usual exclusive lock.
        let (master, slave) = TTYPort::pair()?;
        let path = slave
            .name()
            .ok_or_else(|| io::Error::other("pseudo-terminal has no path"))?;
        Ok(Pty {
            master: Serial::from_port(Box::new(master))?,
            _slave: slave,
            path,
        })
    }

    /// The path clients open (`/dev/pts/N`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The master side, as a transport.
    pub fn master(&mut self) -> &mut Serial {
        &mut self.master
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use embedded_io::{Read, Write};
    use serialport::{DataBits, StopBits};

    #[test]
    fn our_parity_and_stop_bits_map_to_the_port_settings() {
        let at = |p, s| Line::new(9600, p, s);
        assert_eq!(parity(&at(Parity::Even, 1)), serialport::Parity::Even);
        assert_eq!(parity(&at(Parity::Odd, 1)), serialport::Parity::Odd);
        assert_eq!(parity(&at(Parity::None, 1)), serialport::Parity::None);
        assert_eq!(stop_bits(&at(Parity::None, 1)).unwrap(), StopBits::One);
        assert_eq!(stop_bits(&at(Parity::None, 2)).unwrap(), StopBits::Two);
        for n in [0, 3, u8::MAX] {
            let e = stop_bits(&at(Parity::None, n)).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{n}: {e}");
        }
    }

    #[test]
    fn open_sets_the_lines_format() {
        // A Linux pseudo-terminal keeps the speed, the character size and
        // the stop bits it is given, but clears PARENB (it has no parity):
        // parity is checked through the mapping above, which `open` uses.
        let pty = Pty::new().unwrap();
        for line in [
            modbus_rtu_lite::LINE,
            Line::new(9600, Parity::Odd, 1),
            Line::new(9600, Parity::None, 2),
            axpert_proto::LINE,
            slcan::LINE,
        ] {
            let mut client = Serial::open(pty.path(), &line).unwrap();
            let port = client.port_mut();
            assert_eq!(port.baud_rate().unwrap(), line.baud, "{line}");
            assert_eq!(port.data_bits().unwrap(), DataBits::Eight, "{line}");
            assert_eq!(
                port.stop_bits().unwrap(),
                stop_bits(&line).unwrap(),
                "{line}"
            );
        }
        let e = Serial::open(pty.path(), &Line::new(9600, Parity::Even, 3)).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{e}");
    }

    #[test]
    fn pty_carries_bytes_both_ways_and_times_out() {
        let mut pty = Pty::new().unwrap();
        let mut client = Serial::open(pty.path(), &axpert_proto::LINE).unwrap();
        client.write_all(b"QPIGS\xb7\xa9\r").unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 32];
        while got.len() < 8 {
            match pty.master().read(&mut buf) {
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) => assert_eq!(e.kind(), io::ErrorKind::TimedOut),
            }
        }
        assert_eq!(
            got, b"QPIGS\xb7\xa9\r",
            "raw mode: no echo, no CR translation"
        );
        pty.master().write_all(b"(NAKss\r").unwrap();
        let mut got = Vec::new();
        while got.len() < 7 {
            if let Ok(n) = client.read(&mut buf) {
                got.extend_from_slice(&buf[..n]);
            }
        }
        assert_eq!(got, b"(NAKss\r");
        let e = client.read(&mut buf).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::TimedOut);
    }

    #[test]
    fn a_pty_whose_other_side_closed_is_an_error_not_silence() {
        // The client's side: the simulator (master) went away.
        let pty = Pty::new().unwrap();
        let mut client = Serial::open(pty.path(), &axpert_proto::LINE).unwrap();
        drop(pty);
        let mut buf = [0u8; 8];
        for _ in 0..3 {
            let e = client.read(&mut buf).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::BrokenPipe, "{e}");
        }
        // The master's side: every client (slave) closed.
        let (master, slave) = TTYPort::pair().unwrap();
        let mut master = Serial::from_port(Box::new(master)).unwrap();
        assert_eq!(
            master.read(&mut buf).unwrap_err().kind(),
            io::ErrorKind::TimedOut,
            "open but quiet"
        );
        drop(slave);
        let e = master.read(&mut buf).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::BrokenPipe, "{e}");
    }

    /// A port whose reads return what a test scripted.
    struct Scripted(Vec<io::Result<usize>>);

    impl io::Read for Scripted {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            self.0.remove(0)
        }
    }

    impl io::Write for Scripted {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl SerialPort for Scripted {
        fn name(&self) -> Option<String> {
            None
        }
        fn baud_rate(&self) -> serialport::Result<u32> {
            Ok(9600)
        }
        fn data_bits(&self) -> serialport::Result<DataBits> {
            Ok(DataBits::Eight)
        }
        fn flow_control(&self) -> serialport::Result<serialport::FlowControl> {
            Ok(serialport::FlowControl::None)
        }
        fn parity(&self) -> serialport::Result<serialport::Parity> {
            Ok(serialport::Parity::None)
        }
        fn stop_bits(&self) -> serialport::Result<StopBits> {
            Ok(StopBits::One)
        }
        fn timeout(&self) -> Duration {
            READ_SLICE
        }
        fn set_baud_rate(&mut self, _: u32) -> serialport::Result<()> {
            Ok(())
        }
        fn set_data_bits(&mut self, _: DataBits) -> serialport::Result<()> {
            Ok(())
        }
        fn set_flow_control(&mut self, _: serialport::FlowControl) -> serialport::Result<()> {
            Ok(())
        }
        fn set_parity(&mut self, _: serialport::Parity) -> serialport::Result<()> {
            Ok(())
        }
        fn set_stop_bits(&mut self, _: StopBits) -> serialport::Result<()> {
            Ok(())
        }
        fn set_timeout(&mut self, _: Duration) -> serialport::Result<()> {
            Ok(())
        }
        fn write_request_to_send(&mut self, _: bool) -> serialport::Result<()> {
            Ok(())
        }
        fn write_data_terminal_ready(&mut self, _: bool) -> serialport::Result<()> {
            Ok(())
        }
        fn read_clear_to_send(&mut self) -> serialport::Result<bool> {
            Ok(false)
        }
        fn read_data_set_ready(&mut self) -> serialport::Result<bool> {
            Ok(false)
        }
        fn read_ring_indicator(&mut self) -> serialport::Result<bool> {
            Ok(false)
        }
        fn read_carrier_detect(&mut self) -> serialport::Result<bool> {
            Ok(false)
        }
        fn bytes_to_read(&self) -> serialport::Result<u32> {
            Ok(0)
        }
        fn bytes_to_write(&self) -> serialport::Result<u32> {
            Ok(0)
        }
        fn clear(&self, _: serialport::ClearBuffer) -> serialport::Result<()> {
            Ok(())
        }
        fn try_clone(&self) -> serialport::Result<Box<dyn SerialPort>> {
            Err(serialport::Error::new(
                serialport::ErrorKind::Unknown,
                "not cloneable",
            ))
        }
        fn set_break(&self) -> serialport::Result<()> {
            Ok(())
        }
        fn clear_break(&self) -> serialport::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn eio_from_a_vanished_adapter_is_an_error_and_only_no_data_is_a_timeout() {
        let mut port = Serial::from_port(Box::new(Scripted(vec![
            Err(io::ErrorKind::TimedOut.into()),
            Err(io::ErrorKind::WouldBlock.into()),
            Err(io::ErrorKind::Interrupted.into()),
            Ok(3),
            // An unplugged USB adapter: read(2) gives EIO.
            Err(io::Error::from_raw_os_error(5)),
            // A hung-up line: end of file.
            Ok(0),
            Err(io::Error::from_raw_os_error(13)),
        ])))
        .unwrap();
        let mut buf = [0u8; 8];
        for _ in 0..3 {
            let e = port.read(&mut buf).unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::TimedOut);
        }
        assert_eq!(port.read(&mut buf).unwrap(), 3);
        let e = port.read(&mut buf).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::BrokenPipe, "EIO: {e}");
        assert!(e.to_string().contains("disconnected"), "{e}");
        let e = port.read(&mut buf).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::BrokenPipe, "EOF: {e}");
        let e = port.read(&mut buf).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(13), "other errors pass unchanged");
    }
}
