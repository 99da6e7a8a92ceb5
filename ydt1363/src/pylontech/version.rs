//! 0x4F: the protocol version, which the reply gives in its VER.

use super::{Out, reply};
use crate::{Error, Frame};

/// The 0x4F reply: INFO is empty, the version is the frame's VER (0x20
/// for Pylontech's protocol).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ProtocolVersion {
    /// The reply's VER.
    pub ver: u8,
}

impl ProtocolVersion {
    /// Decodes the reply.
    pub fn decode(frame: &Frame<'_>) -> Result<Self, Error> {
        reply(frame)?.finish()?;
        Ok(ProtocolVersion { ver: frame.ver })
    }

    /// Writes the reply frame from the device at `adr`, VER the version.
    pub fn encode(&self, adr: u8, buf: &mut [u8]) -> Result<usize, Error> {
        Out::<{ super::MAX_INFO }>::new().frame(self.ver, adr, buf)
    }
}
