//! The request side: what a host asks, what a device is asked.

use core::slice;

use super::{CID1, List, VER, VER_PACE};
use crate::{Error, Frame, Request, TX_CAPACITY, encode_request};

/// The most INFO bytes an [`Command::Other`] holds: what a
/// [`Client`](crate::Client) request carries.
pub const MAX_OTHER_INFO: usize = (TX_CAPACITY - 18) / 2;

/// A Pylontech (CID1 0x46) request: each command with its CID2 and INFO.
///
/// `pack` is the "command value": the pack's address, or 0xFF for every
/// pack (the master answers for all). Requests are written with VER 0x20
/// ([`VER`]), Pace's 0xC1/0xC2 with 0x25 ([`VER_PACE`]); decoding does not
/// look at VER (a device may check [`Frame::ver`](crate::Frame) itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Command {
    /// 0x4F: the protocol version (no INFO; the reply's VER answers).
    ProtocolVersion,
    /// 0x51: manufacturer information (no INFO).
    ManufacturerInfo,
    /// 0x42: analog values, fixed point.
    Analog {
        /// Pack address, or 0xFF for all.
        pack: u8,
    },
    /// 0x44: alarm information.
    Alarms {
        /// Pack address.
        pack: u8,
    },
    /// 0x47: system parameters, fixed point; INFO empty or the pack.
    SystemParameters {
        /// Pack address, when INFO carries one.
        pack: Option<u8>,
    },
    /// 0x92: charge/discharge management information.
    Management {
        /// Pack address.
        pack: u8,
    },
    /// 0x93: the module's serial number.
    SerialNumber {
        /// Pack address.
        pack: u8,
    },
    /// 0xC1, Pace (VER 0x25): version text (no INFO).
    PaceVersion,
    /// 0xC2, Pace (VER 0x25): serial text (no INFO).
    PaceSerial,
    /// Any other CID2, INFO kept as sent (bytes).
    Other {
        /// CID2.
        cid2: u8,
        /// INFO, as bytes.
        info: List<u8, MAX_OTHER_INFO>,
    },
}

impl Command {
    /// The command's CID2.
    pub const fn cid2(&self) -> u8 {
        match self {
            Command::ProtocolVersion => 0x4F,
            Command::ManufacturerInfo => 0x51,
            Command::Analog { .. } => 0x42,
            Command::Alarms { .. } => 0x44,
            Command::SystemParameters { .. } => 0x47,
            Command::Management { .. } => 0x92,
            Command::SerialNumber { .. } => 0x93,
            Command::PaceVersion => 0xC1,
            Command::PaceSerial => 0xC2,
            Command::Other { cid2, .. } => *cid2,
        }
    }

    /// The VER the command is sent with.
    pub const fn ver(&self) -> u8 {
        match self {
            Command::PaceVersion | Command::PaceSerial => VER_PACE,
            _ => VER,
        }
    }

    /// INFO, as bytes.
    pub fn info(&self) -> &[u8] {
        match self {
            Command::ProtocolVersion
            | Command::ManufacturerInfo
            | Command::PaceVersion
            | Command::PaceSerial
            | Command::SystemParameters { pack: None } => &[],
            Command::Analog { pack }
            | Command::Alarms { pack }
            | Command::SystemParameters { pack: Some(pack) }
            | Command::Management { pack }
            | Command::SerialNumber { pack } => slice::from_ref(pack),
            Command::Other { info, .. } => info.as_slice(),
        }
    }

    /// The request to the device at `adr`, for the [`Client`](crate::Client).
    pub fn request(&self, adr: u8) -> Request<'_> {
        Request {
            ver: self.ver(),
            adr,
            cid1: CID1,
            cid2: self.cid2(),
            info: self.info(),
        }
    }

    /// Writes the request frame to the device at `adr`; returns its length.
    pub fn encode(&self, adr: u8, buf: &mut [u8]) -> Result<usize, Error> {
        encode_request(self.ver(), adr, CID1, self.cid2(), self.info(), buf)
    }

    /// The command a request frame carries (the device side). A known
    /// CID2 with INFO of another length than its layout is an error
    /// ([`Error::Cut`], [`Error::Trailing`]); an unknown CID2 is
    /// [`Command::Other`].
    pub fn decode(frame: &Frame<'_>) -> Result<Self, Error> {
        if frame.cid1 != CID1 {
            return Err(Error::DeviceType {
                expected: CID1,
                found: frame.cid1,
            });
        }
        let mut info = frame.info();
        let command = match frame.cid2 {
            0x4F => Command::ProtocolVersion,
            0x51 => Command::ManufacturerInfo,
            0xC1 => Command::PaceVersion,
            0xC2 => Command::PaceSerial,
            0x42 => Command::Analog { pack: info.u8()? },
            0x44 => Command::Alarms { pack: info.u8()? },
            0x47 if info.remaining() == 0 => Command::SystemParameters { pack: None },
            0x47 => Command::SystemParameters {
                pack: Some(info.u8()?),
            },
            0x92 => Command::Management { pack: info.u8()? },
            0x93 => Command::SerialNumber { pack: info.u8()? },
            cid2 => {
                let (at, count) = (info.offset(), info.remaining());
                let info = List::read(&mut info, at, count, |i| i.u8())?;
                return Ok(Command::Other { cid2, info });
            }
        };
        info.finish()?;
        Ok(command)
    }

    /// Frames and decodes a whole request in one step.
    pub fn decode_bytes(bytes: &[u8]) -> Result<Self, Error> {
        Self::decode(&Frame::decode(bytes)?)
    }
}
