//! Responses: the typed reply to every inquiry, and ACK/NAK.
//!
//! A reply does not say which command it answers, so decoding takes the
//! [`Inquiry`] that was sent. `(ACK` and `(NAK` decode as [`Response::Ack`]
//! and [`Response::Nak`] whatever was sent: a NAK is an answer, not an error.

mod defaults;
mod equalization;
pub(crate) mod fields;
mod parallel;
mod rated;
mod simple;
mod status;

pub use defaults::Defaults;
pub use equalization::Equalization;
pub use fields::{EXTRA_CAPACITY, Extra};
pub use parallel::ParallelStatus;
pub use rated::RatedInfo;
pub use simple::{
    CURRENT_LIST_CAPACITY, CurrentList, Firmware, FlagStatus, SerialId, WarningStatus,
};
pub use status::GeneralStatus;

use crate::{
    Error, FieldError, Frame, Inquiry, Mode, ModelNumber, OutputMode, Start, Text,
    codes::CodeTable,
    frame::Writer,
    response::fields::{Code, Codec, Letter},
};

/// Capacity of a raw payload: the framer's capacity less `(`, CRC and CR.
pub const RAW_PAYLOAD_CAPACITY: usize = crate::framer::CAPACITY - 4;

/// A decoded reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Response {
    /// `(ACK`: the setting was accepted.
    Ack,
    /// `(NAK`: the command was refused or is not supported.
    Nak,
    /// QPI: protocol id, e.g. `PI30`.
    ProtocolId(Text<16>),
    /// QID: serial number.
    SerialNumber(Text<32>),
    /// QSID: serial number with its valid length.
    SerialId(SerialId),
    /// QVFW: main CPU firmware.
    Firmware(Firmware),
    /// QVFW2: second CPU firmware.
    Firmware2(Firmware),
    /// QPIRI: rated information.
    RatedInfo(RatedInfo),
    /// QFLAG: enabled and disabled settings.
    Flags(FlagStatus),
    /// QPIGS: general status.
    GeneralStatus(GeneralStatus),
    /// QPGSn: parallel unit status.
    ParallelStatus(ParallelStatus),
    /// QMOD: device mode.
    Mode(Mode),
    /// QPIWS: warnings.
    Warnings(WarningStatus),
    /// QDI: default settings.
    Defaults(Defaults),
    /// QMCHGCR: selectable max charging currents.
    ChargingCurrents(CurrentList),
    /// QMUCHGCR: selectable max utility charging currents.
    UtilityChargingCurrents(CurrentList),
    /// QOPM: output mode.
    OutputMode(OutputMode),
    /// QMN: model name, `MMMM-NNNN-BB-VV-SSSS`.
    ModelName(Text<32>),
    /// QGMN: model number.
    ModelNumber(ModelNumber),
    /// QBEQI: equalization status.
    Equalization(Equalization),
    /// The payload of a reply to a raw command.
    Raw(Text<RAW_PAYLOAD_CAPACITY>),
    /// The payload of a PI18 `^D` frame (after `^D`), kept raw.
    Pi18(Text<RAW_PAYLOAD_CAPACITY>),
}

fn whole<C: Codec>(payload: &[u8]) -> Result<C::Value, Error> {
    C::parse(payload).map_err(|kind| Error::Field { index: 1, kind })
}

fn text<const N: usize>(payload: &[u8]) -> Result<Text<N>, Error> {
    Text::from_bytes(payload).map_err(|_| Error::Field {
        index: 1,
        kind: FieldError::TooLong,
    })
}

impl Response {
    /// Decodes the payload of a checked frame as the reply to `inquiry`
    /// (`None` for settings and raw commands).
    pub fn decode(inquiry: Option<Inquiry>, frame: &Frame<'_>) -> Result<Self, Error> {
        let p = frame.payload;
        if frame.start == Start::Caret {
            return text(p).map(Response::Pi18);
        }
        match p {
            b"ACK" => return Ok(Response::Ack),
            b"NAK" => return Ok(Response::Nak),
            _ => {}
        }
        let Some(inquiry) = inquiry else {
            return text(p).map(Response::Raw);
        };
        Ok(match inquiry {
            Inquiry::ProtocolId => Response::ProtocolId(text(p)?),
            Inquiry::SerialNumber => Response::SerialNumber(text(p)?),
            Inquiry::SerialId => Response::SerialId(SerialId::decode(p)?),
            Inquiry::Firmware => Response::Firmware(Firmware::decode(p, b"VERFW:")?),
            Inquiry::Firmware2 => Response::Firmware2(Firmware::decode(p, b"VERFW2:")?),
            Inquiry::RatedInfo => Response::RatedInfo(RatedInfo::decode(p)?),
            Inquiry::Flags => Response::Flags(FlagStatus::decode(p)?),
            Inquiry::GeneralStatus => Response::GeneralStatus(GeneralStatus::decode(p)?),
            Inquiry::ParallelStatus(_) => Response::ParallelStatus(ParallelStatus::decode(p)?),
            Inquiry::Mode => Response::Mode(whole::<Letter<Mode>>(p)?),
            Inquiry::Warnings => Response::Warnings(WarningStatus::decode(p)?),
            Inquiry::Defaults => Response::Defaults(Defaults::decode(p)?),
            Inquiry::ChargingCurrents => Response::ChargingCurrents(CurrentList::decode(p)?),
            Inquiry::UtilityChargingCurrents => {
                Response::UtilityChargingCurrents(CurrentList::decode(p)?)
            }
            Inquiry::OutputMode => Response::OutputMode(whole::<Code<OutputMode, 2>>(p)?),
            Inquiry::ModelName => Response::ModelName(text(p)?),
            Inquiry::ModelNumber => Response::ModelNumber(whole::<Code<ModelNumber, 3>>(p)?),
            Inquiry::Equalization => Response::Equalization(Equalization::decode(p)?),
        })
    }

    /// Decodes a whole frame (start byte to CR) as the reply to `inquiry`.
    pub fn decode_frame(inquiry: Option<Inquiry>, bytes: &[u8]) -> Result<Self, Error> {
        Self::decode(inquiry, &Frame::decode(bytes)?)
    }

    /// Writes the reply frame (`(`, or `^D` for PI18, then payload, CRC, CR)
    /// into `buf`; returns its length.
    pub fn encode(&self, buf: &mut [u8]) -> Result<usize, Error> {
        let mut w = Writer::new(buf);
        let start = match self {
            Response::Pi18(_) => Start::Caret,
            _ => Start::Paren,
        };
        w.put(start.bytes())?;
        self.write_payload(&mut w)?;
        w.finish()
    }

    fn write_payload(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        match self {
            Response::Ack => w.put(b"ACK"),
            Response::Nak => w.put(b"NAK"),
            Response::ProtocolId(t) => w.put(t.as_bytes()),
            Response::SerialNumber(t) | Response::ModelName(t) => w.put(t.as_bytes()),
            Response::SerialId(s) => s.write(w),
            Response::Firmware(f) => f.write(w, b"VERFW:"),
            Response::Firmware2(f) => f.write(w, b"VERFW2:"),
            Response::RatedInfo(r) => r.write(w),
            Response::Flags(f) => f.write(w),
            Response::GeneralStatus(s) => s.write(w),
            Response::ParallelStatus(s) => s.write(w),
            Response::Mode(m) => Letter::<Mode>::write(m, w),
            Response::Warnings(s) => s.write(w),
            Response::Defaults(d) => d.write(w),
            Response::ChargingCurrents(l) | Response::UtilityChargingCurrents(l) => l.write(w),
            Response::OutputMode(m) => Code::<OutputMode, 2>::write(m, w),
            Response::ModelNumber(m) => Code::<ModelNumber, 3>::write(m, w),
            Response::Equalization(e) => e.write(w),
            Response::Raw(t) | Response::Pi18(t) => w.put(t.as_bytes()),
        }
    }

    /// The inquiry this reply answers, or `None` for ACK, NAK and raw payloads.
    pub fn inquiry(&self) -> Option<Inquiry> {
        Some(match self {
            Response::Ack | Response::Nak | Response::Raw(_) | Response::Pi18(_) => return None,
            Response::ProtocolId(_) => Inquiry::ProtocolId,
            Response::SerialNumber(_) => Inquiry::SerialNumber,
            Response::SerialId(_) => Inquiry::SerialId,
            Response::Firmware(_) => Inquiry::Firmware,
            Response::Firmware2(_) => Inquiry::Firmware2,
            Response::RatedInfo(_) => Inquiry::RatedInfo,
            Response::Flags(_) => Inquiry::Flags,
            Response::GeneralStatus(_) => Inquiry::GeneralStatus,
            Response::ParallelStatus(_) => Inquiry::ParallelStatus(0),
            Response::Mode(_) => Inquiry::Mode,
            Response::Warnings(_) => Inquiry::Warnings,
            Response::Defaults(_) => Inquiry::Defaults,
            Response::ChargingCurrents(_) => Inquiry::ChargingCurrents,
            Response::UtilityChargingCurrents(_) => Inquiry::UtilityChargingCurrents,
            Response::OutputMode(_) => Inquiry::OutputMode,
            Response::ModelName(_) => Inquiry::ModelName,
            Response::ModelNumber(_) => Inquiry::ModelNumber,
            Response::Equalization(_) => Inquiry::Equalization,
        })
    }

    /// A reply made of a raw payload.
    pub fn raw(payload: &str) -> Result<Self, Error> {
        Text::from_bytes(payload.as_bytes()).map(Response::Raw)
    }
}

// Keep the trait in scope for the generic codecs used above.
#[allow(unused_imports)]
use CodeTable as _;
