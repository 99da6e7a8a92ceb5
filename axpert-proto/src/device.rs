//! The device side: what firmware needs to act as an inverter.
//!
//! [`Device::feed`] turns received bytes into commands; the firmware builds
//! a [`Response`] and [`encode`](crate::Response::encode)s
//! it. A command that fails its CRC or whose argument is out of range comes
//! back as an error; answer it with [`Response::Nak`].

use core::time::Duration;

use crate::{BatterySystem, CAPACITY, Command, Error, RequestFramer, Response};

/// Command receiver for a unit with battery system `system`, with a
/// framer of `N` bytes and room for one reply of up to [`CAPACITY`] bytes.
#[derive(Debug, Clone)]
pub struct Device<const N: usize = CAPACITY> {
    framer: RequestFramer<N>,
    system: BatterySystem,
    tx: [u8; CAPACITY],
    tx_len: usize,
}

impl<const N: usize> Device<N> {
    /// A receiver for a unit whose battery voltage settings follow `system`.
    pub const fn new(system: BatterySystem) -> Self {
        Device {
            framer: RequestFramer::new(),
            system,
            tx: [0; CAPACITY],
            tx_len: 0,
        }
    }

    /// The battery system settings are checked against.
    pub fn system(&self) -> BatterySystem {
        self.system
    }

    /// Feeds received bytes; returns how many were consumed and, when a
    /// command line ended, the command or why it was refused.
    pub fn feed(&mut self, bytes: &[u8]) -> (usize, Option<Result<Command, Error>>) {
        let system = self.system;
        let (n, line) = self.framer.feed(bytes);
        (n, line.map(|l| l.and_then(|c| Command::decode(c, system))))
    }
}

/// The device machine the serve loop in `transports` runs: commands (or
/// why they were refused) out, the application's [`Response`] in; answer a
/// refused command with [`Response::Nak`].
impl<const N: usize> proto_core::DeviceMachine for Device<N> {
    type Request = Result<Command, Error>;
    type Response = Response;

    fn feed(&mut self, _now: Duration, bytes: &[u8]) -> (usize, Option<Self::Request>) {
        Device::feed(self, bytes)
    }

    fn respond(&mut self, response: &Response) {
        // A reply too long for the buffer is not sent; the host times out.
        self.tx_len = response.encode(&mut self.tx).unwrap_or(0);
    }

    fn poll_transmit(&mut self, _now: Duration) -> Option<&[u8]> {
        let n = core::mem::take(&mut self.tx_len);
        self.tx.get(..n).filter(|b| !b.is_empty())
    }
}

/// The framer, the battery system and how many reply bytes wait to be
/// sent, not the reply buffer.
#[cfg(feature = "defmt")]
impl<const N: usize> defmt::Format for Device<N> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "Device {{ framer: {}, system: {}, pending: {=usize} }}",
            self.framer,
            self.system,
            self.tx_len
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Inquiry, Response};

    #[test]
    fn commands_in_and_replies_out() {
        let mut d = Device::<64>::new(BatterySystem::V48);
        let (n, cmd) = d.feed(b"QPIGS\xb7\xa9\rQMOD");
        assert_eq!(n, 8);
        assert_eq!(cmd, Some(Ok(Command::Inquiry(Inquiry::GeneralStatus))));
        let mut buf = [0u8; 16];
        let (n, cmd) = d.feed(b"QMOD");
        assert_eq!((n, cmd), (4, None));
        let (_, cmd) = d.feed(b"\x49\xc1\r");
        assert_eq!(cmd, Some(Ok(Command::Inquiry(Inquiry::Mode))));
        let n = crate::frame::encode_request(b"PBEQT903", &mut buf).unwrap();
        let (_, cmd) = d.feed(&buf[..n]);
        assert!(matches!(cmd, Some(Err(Error::OutOfRange { .. }))));
        let n = Response::Nak.encode(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"(NAKss\r");
    }
}
