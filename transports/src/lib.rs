#![doc = include_str!("../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod asynch;
pub mod axpert;
pub mod blocking;
pub mod enc;
#[cfg(feature = "std")]
pub mod hidraw;
pub mod modbus;
pub mod rs485;
#[cfg(feature = "std")]
pub mod serial;
pub mod serve;
pub mod slcan;
#[cfg(all(feature = "socketcan", target_os = "linux"))]
pub mod socketcan;
#[cfg(feature = "std")]
pub mod tcp;
#[cfg(feature = "tokio")]
pub mod tokio;
pub mod ydt1363;

#[cfg(test)]
mod testing;

use core::time::Duration;

/// A monotonic clock: the time since an epoch of its own.
pub trait Clock {
    /// The time now.
    fn now(&self) -> Duration;
}

/// The std monotonic clock, counting from its creation.
#[cfg(feature = "std")]
#[derive(Debug, Clone, Copy)]
pub struct StdClock(std::time::Instant);

#[cfg(feature = "std")]
impl StdClock {
    /// A clock starting now.
    pub fn new() -> Self {
        StdClock(std::time::Instant::now())
    }
}

#[cfg(feature = "std")]
impl Default for StdClock {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(feature = "std")]
impl Clock for StdClock {
    fn now(&self) -> Duration {
        self.0.elapsed()
    }
}

/// What a transaction gives its caller: the reply (`None` after a
/// broadcast, which no device answers), or why there is none.
pub type Outcome<R, E, P> = Result<Option<R>, Error<E, P>>;

/// What a driver's transaction can fail with: `E` from the transport,
/// `P` from the protocol crate.
#[derive(Debug)]
pub enum Error<E, P> {
    /// The transport failed.
    Io(E),
    /// The request was refused before sending, or the reply was malformed.
    Protocol(P),
    /// No reply before the deadline.
    Timeout,
    /// [`ask`](blocking::Driver::ask) was given a broadcast, which no
    /// device answers (it was sent).
    Broadcast,
    /// The machine had no transaction open: nothing to wait for.
    Idle,
}

impl<E: core::fmt::Debug, P: core::fmt::Display> core::fmt::Display for Error<E, P> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Error::Io(e) => write!(f, "i/o error: {e:?}"),
            Error::Protocol(e) => write!(f, "{e}"),
            Error::Timeout => f.write_str("no reply before the timeout"),
            Error::Broadcast => f.write_str("a broadcast was sent; no device answers it"),
            Error::Idle => f.write_str("no transaction was started"),
        }
    }
}

impl<E: core::fmt::Debug, P: core::fmt::Debug + core::fmt::Display> core::error::Error
    for Error<E, P>
{
}
