//! Serial ports and pseudo-terminals as `embedded-io` transports.
//!
//! Reads wait at most [`READ_SLICE`] and then report
//! [`std::io::ErrorKind::TimedOut`], so a driver can check its deadline.

use std::io::{self, Read as _, Write as _};
use std::time::Duration;

use serialport::{DataBits, Parity, SerialPort, StopBits, TTYPort};

/// How long one read waits for a byte before it reports a time-out.
pub const READ_SLICE: Duration = Duration::from_millis(20);

/// Line settings. The default is the Axpert's 2400 8N1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Bits per second.
    pub baud: u32,
    /// Data bits.
    pub data_bits: DataBits,
    /// Parity.
    pub parity: Parity,
    /// Stop bits.
    pub stop_bits: StopBits,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            baud: 2400,
            data_bits: DataBits::Eight,
            parity: Parity::None,
            stop_bits: StopBits::One,
        }
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
    /// Opens `path` with `settings`, no flow control.
    pub fn open(path: &str, settings: Settings) -> io::Result<Self> {
        let port = serialport::new(path, settings.baud)
            .data_bits(settings.data_bits)
            .parity(settings.parity)
            .stop_bits(settings.stop_bits)
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

impl embedded_io::Read for Serial {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.port.read(buf) {
            // A pseudo-terminal whose other side is closed reads EIO; treat
            // it like silence so a client can wait for a simulator to return.
            Err(e) if e.raw_os_error() == Some(5) => {
                std::thread::sleep(READ_SLICE);
                Err(io::ErrorKind::TimedOut.into())
            }
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

    #[test]
    fn pty_carries_bytes_both_ways_and_times_out() {
        let mut pty = Pty::new().unwrap();
        let mut client = Serial::open(pty.path(), Settings::default()).unwrap();
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
}
