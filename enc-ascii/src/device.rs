//! The device side: what firmware needs to act as an ENC drive.
//!
//! [`Device::feed`] turns received bytes into the requests addressed to
//! this drive (or broadcast); the firmware builds a [`Response`] and
//! encodes it, unless the request was a broadcast. A frame addressed to
//! this drive that fails its checks comes back as [`Incoming::Bad`]: the
//! manual's answer is a short code-20 reply, [`Response::frame_error`].

use core::time::Duration;

use proto_core::hex::{Case, Reader};

use crate::{Address, Error, Framer, Request, Response, frame};

/// What a drive received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Incoming {
    /// A request for this drive, or a broadcast (do not answer those).
    Request(Request),
    /// A frame for this drive that failed its checks; answer with code 20.
    Bad(Error),
}

/// Request receiver of the drive at `address`.
#[derive(Debug, Clone)]
pub struct Device {
    framer: Framer,
    address: Address,
    tx: [u8; frame::MAX_LEN],
    tx_len: usize,
}

impl Device {
    /// A receiver for the drive at `address`.
    pub const fn new(address: Address) -> Self {
        Device {
            framer: Framer::new(),
            address,
            tx: [0; frame::MAX_LEN],
            tx_len: 0,
        }
    }

    /// This drive's address.
    pub fn address(&self) -> Address {
        self.address
    }

    /// Feeds received bytes; returns how many were consumed and, when a
    /// frame for this drive (or a broadcast) ended, what it was. Frames for
    /// other drives are passed over.
    pub fn feed(&mut self, bytes: &[u8]) -> (usize, Option<Incoming>) {
        let mut used = 0;
        while let Some(rest) = bytes.get(used..).filter(|r| !r.is_empty()) {
            let (n, frame) = self.framer.feed(rest);
            used += n;
            let incoming = match frame {
                None => continue,
                Some(Ok(f))
                    if f.address != self.address.get() && f.address != Address::BROADCAST.get() =>
                {
                    continue;
                }
                Some(Ok(f)) => match Request::decode(&f) {
                    Ok(r) => Incoming::Request(r),
                    Err(e) => Incoming::Bad(e),
                },
                // A damaged frame is answered only when its address field,
                // as sent, names this drive (never for a broadcast).
                Some(Err(e)) if address_of(self.framer.last_raw()) == Some(self.address.get()) => {
                    Incoming::Bad(e)
                }
                Some(Err(_)) => continue,
            };
            return (used, Some(incoming));
        }
        (used, None)
    }
}

impl Incoming {
    /// Whether the drive answers it: everything but a broadcast request.
    pub fn needs_reply(&self) -> bool {
        !matches!(self, Incoming::Request(r) if r.address.is_broadcast())
    }
}

/// The device machine the serve loop in `transports` runs: what arrived
/// for this drive out, the application's reply in (`None` for a
/// broadcast, which is never answered).
impl proto_core::DeviceMachine for Device {
    type Request = Incoming;
    type Response = Option<Response>;

    fn feed(&mut self, _now: Duration, bytes: &[u8]) -> (usize, Option<Incoming>) {
        Device::feed(self, bytes)
    }

    fn respond(&mut self, response: &Option<Response>) {
        self.tx_len = response
            .as_ref()
            .and_then(|r| r.encode(&mut self.tx).ok())
            .unwrap_or(0);
    }

    fn poll_transmit(&mut self, _now: Duration) -> Option<&[u8]> {
        let n = core::mem::take(&mut self.tx_len);
        self.tx.get(..n).filter(|b| !b.is_empty())
    }
}

/// The framer, the address and how many reply bytes wait to be sent, not
/// the reply buffer.
#[cfg(feature = "defmt")]
impl defmt::Format for Device {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "Device {{ framer: {}, address: {}, pending: {=usize} }}",
            self.framer,
            self.address,
            self.tx_len
        );
    }
}

/// The address in the first two characters after `~`, if they are hex.
fn address_of(raw: &[u8]) -> Option<u8> {
    match raw {
        [frame::START, rest @ ..] => Reader::new(rest, Case::Upper).u8().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Command, Control, Fault, Frequency, Radix, Reading, Response, ResponseCode};

    fn feed_all(d: &mut Device, bytes: &[u8]) -> std::vec::Vec<Incoming> {
        let mut out = std::vec::Vec::new();
        for mut c in bytes.chunks(3) {
            while !c.is_empty() {
                let (n, ev) = d.feed(c);
                out.extend(ev);
                c = &c[n..];
            }
        }
        out
    }
    extern crate std;

    #[test]
    fn takes_its_own_and_broadcast_frames() {
        let mut d = Device::new(Address::new(1).unwrap());
        let got = feed_all(
            &mut d,
            b"~020A00000193\r~010B00010194\r~7F0C00010FA00298\r~010B00010195\r~020B00010196\r",
        );
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(
            got[0],
            Incoming::Request(Request::new(
                Address::new(1).unwrap(),
                Command::Read(Reading::RunFrequency)
            ))
        );
        let Incoming::Request(b) = got[1] else {
            panic!()
        };
        assert_eq!(
            b.command,
            Command::Control(Control::SetFrequency(Frequency(4000)))
        );
        assert!(!got[1].needs_reply());
        assert!(matches!(got[2], Incoming::Bad(Error::Checksum { .. })));
        assert!(got[2].needs_reply());
        let mut buf = [0u8; 18];
        let n = Response::frame_error(d.address(), Radix::Literal, Some(Fault::None))
            .encode(&mut buf)
            .unwrap();
        assert_eq!(&buf[..n], b"~0120000123\r");
        let _ = ResponseCode::FrameError;
    }
}
