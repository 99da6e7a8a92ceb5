//! TCP streams as `embedded-io` transports, for serial device servers
//! (RS485-to-Ethernet gateways) that pass the serial bytes through
//! unchanged: "RTU over TCP", the Axpert or ENC protocol over TCP.
//!
//! Reads wait at most [`READ_SLICE`] and then
//! report [`std::io::ErrorKind::TimedOut`], like the serial transport. A
//! stream the peer closed reads as [`std::io::ErrorKind::ConnectionAborted`]
//! rather than as an endless run of empty reads.
//!
//! A gateway hides the serial timing, so frame by predicted length
//! (`modbus_rtu_lite::Mode::Length`).

use std::io::{self, Read as _, Write as _};
use std::net::{TcpListener, TcpStream, ToSocketAddrs};

use crate::serial::READ_SLICE;

/// A connected TCP stream.
#[derive(Debug)]
pub struct Tcp {
    stream: TcpStream,
}

impl Tcp {
    /// Connects to `addr` (`host:port`), Nagle off so that a request goes
    /// out in one segment as soon as it is written.
    pub fn connect(addr: impl ToSocketAddrs) -> io::Result<Self> {
        Self::from_stream(TcpStream::connect(addr)?)
    }

    /// Waits for the next client of `listener` (the device side of a
    /// simulated gateway).
    pub fn accept(listener: &TcpListener) -> io::Result<Self> {
        Self::from_stream(listener.accept()?.0)
    }

    /// Wraps a stream connected elsewhere; sets its read time-out and
    /// turns Nagle off.
    pub fn from_stream(stream: TcpStream) -> io::Result<Self> {
        stream.set_read_timeout(Some(READ_SLICE))?;
        stream.set_nodelay(true)?;
        Ok(Tcp { stream })
    }

    /// The stream.
    pub fn stream(&self) -> &TcpStream {
        &self.stream
    }
}

impl embedded_io::ErrorType for Tcp {
    type Error = io::Error;
}

impl embedded_io::Read for Tcp {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        match self.stream.read(buf) {
            Ok(0) => Err(io::ErrorKind::ConnectionAborted.into()),
            // Unix reports an expired read time-out as WouldBlock.
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Err(io::ErrorKind::TimedOut.into()),
            other => other,
        }
    }
}

impl embedded_io::Write for Tcp {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.stream.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use embedded_io::{Read, Write};
    use std::io::ErrorKind;

    #[test]
    fn silence_times_out_bytes_pass_and_a_closed_peer_is_an_error() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let mut client = Tcp::connect(addr).unwrap();
        let mut server = Tcp::accept(&listener).unwrap();
        let mut buf = [0u8; 8];
        assert_eq!(
            client.read(&mut buf).unwrap_err().kind(),
            ErrorKind::TimedOut
        );
        server.write_all(&[1, 3, 0]).unwrap();
        server.flush().unwrap();
        let mut got = Vec::new();
        while got.len() < 3 {
            match client.read(&mut buf) {
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) => assert_eq!(e.kind(), ErrorKind::TimedOut),
            }
        }
        assert_eq!(got, [1, 3, 0]);
        drop(server);
        let e = loop {
            match client.read(&mut buf) {
                Err(e) if e.kind() == ErrorKind::TimedOut => continue,
                other => break other.unwrap_err(),
            }
        };
        assert_eq!(e.kind(), ErrorKind::ConnectionAborted);
    }
}
