//! Tokio adapters (feature `tokio`): serial ports and TCP streams as
//! `embedded-io-async` transports for the [`asynch`](crate::asynch)
//! drivers, and a [`Timer`] on tokio's clock.
//!
//! ```no_run
//! # async fn f() -> Result<(), Box<dyn std::error::Error>> {
//! use transports::{axpert, serial::Settings, tokio::{TokioTimer, open_serial}};
//! use axpert_proto::Inquiry;
//!
//! let io = open_serial("/dev/ttyUSB0", &Settings::default())?;
//! let mut inverter = axpert::AsyncDriver::new(io, TokioTimer::new(), axpert::client(axpert::DEFAULT_TIMEOUT));
//! let status = inverter.ask(&Inquiry::GeneralStatus.into()).await?;
//! # Ok(()) }
//! ```

use core::time::Duration;
use std::io;

use ::tokio::time::Instant;
pub use embedded_io_adapters::tokio_1::FromTokio;
use tokio_serial::{SerialPortBuilderExt, SerialStream};

use crate::{asynch::Timer, serial::Settings};

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

/// Opens the serial port (or pseudo-terminal) at `path` with `settings`,
/// no flow control, for the async drivers.
pub fn open_serial(path: &str, settings: &Settings) -> io::Result<FromTokio<SerialStream>> {
    let port = tokio_serial::new(path, settings.baud)
        .data_bits(settings.data_bits)
        .parity(settings.parity)
        .stop_bits(settings.stop_bits)
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
