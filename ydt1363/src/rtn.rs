//! Return codes: what a reply carries where a request has its CID2
//! (`docs/protocols/ydt1363.md` §4).

/// A reply's return code. A code other than [`Rtn::Normal`] is the
/// device's answer, not a transport error: it arrives as a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Rtn {
    /// 00: normal.
    Normal,
    /// 01: the device does not speak this VER.
    Version,
    /// 02: the request's CHKSUM was wrong.
    Checksum,
    /// 03: the request's LCHKSUM was wrong.
    LengthChecksum,
    /// 04: CID2 not supported.
    Command,
    /// 05: the request's format was wrong.
    Format,
    /// 06: the request's data were invalid.
    Data,
    /// 0x90: address error (Pylontech, as secondary sources quote it).
    Address,
    /// 0x91: internal communication error (Pylontech, likewise).
    Internal,
    /// Any other code, kept as sent.
    Other(u8),
}

impl Rtn {
    /// The code for `raw`.
    pub const fn from_raw(raw: u8) -> Self {
        match raw {
            0x00 => Rtn::Normal,
            0x01 => Rtn::Version,
            0x02 => Rtn::Checksum,
            0x03 => Rtn::LengthChecksum,
            0x04 => Rtn::Command,
            0x05 => Rtn::Format,
            0x06 => Rtn::Data,
            0x90 => Rtn::Address,
            0x91 => Rtn::Internal,
            other => Rtn::Other(other),
        }
    }

    /// The code as sent.
    pub const fn raw(self) -> u8 {
        match self {
            Rtn::Normal => 0x00,
            Rtn::Version => 0x01,
            Rtn::Checksum => 0x02,
            Rtn::LengthChecksum => 0x03,
            Rtn::Command => 0x04,
            Rtn::Format => 0x05,
            Rtn::Data => 0x06,
            Rtn::Address => 0x90,
            Rtn::Internal => 0x91,
            Rtn::Other(raw) => raw,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips() {
        for raw in 0..=255u8 {
            assert_eq!(Rtn::from_raw(raw).raw(), raw);
        }
        assert_eq!(Rtn::from_raw(2), Rtn::Checksum);
        assert_eq!(Rtn::from_raw(0x07), Rtn::Other(7));
    }
}
