//! Pace's 0xC1 (version) and 0xC2 (serial) replies: text in INFO.

use super::{Out, Text, VER_PACE, reply};
use crate::{Error, Frame};

/// The most bytes of text kept.
pub const MAX_PACE_TEXT: usize = 64;

/// The reply to Pace's 0xC1 or 0xC2: ASCII text filling INFO (e.g.
/// `17900112250937D     Jan 10 2022,13:44:13`, a real 0xC2 reply),
/// written with VER 0x25.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PaceText {
    /// The text, as sent.
    pub text: Text<MAX_PACE_TEXT>,
}

impl PaceText {
    /// Decodes the reply (over [`MAX_PACE_TEXT`] bytes is
    /// [`Error::TooMany`]).
    pub fn decode(frame: &Frame<'_>) -> Result<Self, Error> {
        let mut i = reply(frame)?;
        Ok(PaceText {
            text: Text::read_rest(&mut i)?,
        })
    }

    /// Writes the reply frame from the device at `adr`.
    pub fn encode(&self, adr: u8, buf: &mut [u8]) -> Result<usize, Error> {
        let mut o = Out::<{ super::MAX_INFO }>::new();
        o.bytes(self.text.as_bytes())?;
        o.frame(VER_PACE, adr, buf)
    }
}
