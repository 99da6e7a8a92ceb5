//! Tokio adapters (feature `tokio`): serial ports and TCP streams as
//! `embedded-io-async` transports for the [`asynch`](crate::asynch)
//! drivers, and a [`Timer`] on tokio's clock.
//!
//! ```no_run
//! # async fn f() -> Result<(), Box<dyn std::error::Error>> {
//! use transports::{axpert, tokio::{TokioTimer, open_serial}};
//! use axpert_proto::Inquiry;
//!
//! let io = open_serial("/dev/ttyUSB0", &axpert::LINE)?;
//! let mut inverter = axpert::AsyncDriver::new(io, TokioTimer::new(), axpert::client(axpert::DEFAULT_TIMEOUT));
//! let status = inverter.ask(&Inquiry::GeneralStatus.into()).await?;
//! # Ok(()) }
//! ```

use core::time::Duration;
use std::io;

use ::tokio::time::Instant;
pub use embedded_io_adapters::tokio_1::FromTokio;
use tokio_serial::{SerialPortBuilderExt, SerialStream};

use crate::asynch::Timer;
use crate::serial::{Line, parity, stop_bits};

/// Tokio's clock, counting from the timer's creation.
#[derive(Debug, Clone, Copy)]
pub struct TokioTimer {
    start: Instant,
}

impl TokioTimer {
    /// A timer starting now.
    pub fn new() -> Self {
        TokioTimer {
            start: Instant::now(),
        }
    }
}

impl Default for TokioTimer {
    fn default() -> Self {
        Self::new()
    }
}

impl Timer for TokioTimer {
    fn now(&self) -> Duration {
        self.start.elapsed()
    }

    async fn at(&mut self, deadline: Duration) {
        ::tokio::time::sleep_until(self.start + deadline).await;
    }
}

/// Opens the serial port (or pseudo-terminal) at `path` with `line` (8
/// data bits), no flow control, for the async drivers. A line with neither
/// 1 nor 2 stop bits is an [`io::ErrorKind::InvalidInput`].
pub fn open_serial(path: &str, line: &Line) -> io::Result<FromTokio<SerialStream>> {
    let port = tokio_serial::new(path, line.baud)
        .data_bits(tokio_serial::DataBits::Eight)
        .parity(parity(line))
        .stop_bits(stop_bits(line)?)
        .flow_control(tokio_serial::FlowControl::None)
        .open_native_async()?;
    Ok(FromTokio::new(port))
}

/// Connects to a serial device server at `addr` (RTU over TCP), for the
/// async drivers.
pub async fn connect_tcp(
    addr: impl ::tokio::net::ToSocketAddrs,
) -> io::Result<FromTokio<::tokio::net::TcpStream>> {
    let stream = ::tokio::net::TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    Ok(FromTokio::new(stream))
}
