//! The device side: what firmware needs to act as an inverter.
//!
//! [`Device::feed`] turns received bytes into commands; the firmware builds
//! a [`Response`](crate::Response) and [`encode`](crate::Response::encode)s
//! it. A command that fails its CRC or whose argument is out of range comes
//! back as an error; answer it with [`Response::Nak`](crate::Response::Nak).

use crate::{BatterySystem, CAPACITY, Command, Error, RequestFramer};

/// Command receiver for a unit with battery system `system`.
#[derive(Debug, Clone)]
pub struct Device<const N: usize = CAPACITY> {
    framer: RequestFramer<N>,
    system: BatterySystem,
}

impl<const N: usize> Device<N> {
    /// A receiver for a unit whose battery voltage settings follow `system`.
    pub const fn new(system: BatterySystem) -> Self {
        Device {
            framer: RequestFramer::new(),
            system,
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
