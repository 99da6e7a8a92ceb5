//! Responses: response code, fault index, echoed index and data
//! (docs/protocols/enc.md §5–§8).
//!
//! The manuals print response codes as decimal labels (`20`, `30`) but send
//! command codes as hex (10 as `0A`), so whether a code travels as `20` or
//! as `14` is not settled. Decoding keeps the raw byte and reads it under a
//! [`Radix`]: [`Radix::Literal`] (the digits as written, `20` → 20, the
//! default) or [`Radix::Hex`] (`14` → 20).

use bitflags::bitflags;

use crate::{Address, Body, Command, Error, Frame, Reading, Unit};

/// How response codes are read from their two hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Radix {
    /// The digits are the decimal label: `20` is code 20.
    #[default]
    Literal,
    /// The digits are hex: `14` is code 20.
    Hex,
}

/// What a response code says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ResponseCode {
    /// 00: normal; the command took effect.
    Normal,
    /// 10: the drive is not ready.
    NotReady,
    /// 11 or 12: ready; master control and frequency setting allowed. The
    /// manuals do not say what tells 11 from 12 (perhaps stopped/running).
    Ready(u8),
    /// 13 or 14: ready; master control and frequency setting not allowed.
    ReadyLocked(u8),
    /// 20: frame error (checksum, command or index out of range, length, non-ASCII).
    FrameError,
    /// 30: refused (not in communication control, data out of range, wrong password).
    Refused,
    /// A code no manual defines (the parameter tables print `06`), as the
    /// byte sent.
    Unknown(u8),
}

impl ResponseCode {
    /// The code of a decimal label the manuals define; `None` for any
    /// other label: an unknown code is known only as the byte sent, which
    /// depends on the radix ([`from_raw`](Self::from_raw)).
    pub const fn from_label(label: u8) -> Option<Self> {
        Some(match label {
            0 => ResponseCode::Normal,
            10 => ResponseCode::NotReady,
            11 | 12 => ResponseCode::Ready(label),
            13 | 14 => ResponseCode::ReadyLocked(label),
            20 => ResponseCode::FrameError,
            30 => ResponseCode::Refused,
            _ => return None,
        })
    }

    /// The decimal label; `None` for [`Unknown`](Self::Unknown), which
    /// holds the byte as sent.
    pub const fn label(self) -> Option<u8> {
        Some(match self {
            ResponseCode::Normal => 0,
            ResponseCode::NotReady => 10,
            ResponseCode::Ready(l) | ResponseCode::ReadyLocked(l) => l,
            ResponseCode::FrameError => 20,
            ResponseCode::Refused => 30,
            ResponseCode::Unknown(_) => return None,
        })
    }

    /// The code of the raw byte (the two hex digits read as hex), under
    /// `radix`. A code no manual defines keeps the byte as sent, in both
    /// radixes.
    pub const fn from_raw(raw: u8, radix: Radix) -> Self {
        let label = match radix {
            Radix::Hex => Some(raw),
            Radix::Literal => {
                let (hi, lo) = (raw >> 4, raw & 0xF);
                if hi > 9 || lo > 9 {
                    None
                } else {
                    Some(hi * 10 + lo)
                }
            }
        };
        match label {
            Some(l) => match ResponseCode::from_label(l) {
                Some(code) => code,
                None => ResponseCode::Unknown(raw),
            },
            None => ResponseCode::Unknown(raw),
        }
    }

    /// The raw byte of this code under `radix`.
    pub const fn to_raw(self, radix: Radix) -> u8 {
        if let ResponseCode::Unknown(raw) = self {
            return raw;
        }
        // Every other code has a label.
        let label = match self.label() {
            Some(l) => l,
            None => 0,
        };
        match radix {
            Radix::Literal => ((label / 10) << 4) | (label % 10),
            Radix::Hex => label,
        }
    }

    /// Whether the drive is ready (codes 11–14).
    pub const fn is_ready(self) -> bool {
        matches!(self, ResponseCode::Ready(_) | ResponseCode::ReadyLocked(_))
    }

    /// Whether the master may control the drive and set its frequency (11, 12).
    pub const fn control_allowed(self) -> bool {
        matches!(self, ResponseCode::Ready(_))
    }
}

/// The drive's current fault (response byte positions 6–7, hex).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Fault {
    /// 0: no fault (inference).
    None,
    /// 1: accelerating over-current.
    AccelOverCurrent,
    /// 2: decelerating over-current.
    DecelOverCurrent,
    /// 3: constant-speed over-current.
    ConstantSpeedOverCurrent,
    /// 4: accelerating over-voltage.
    AccelOverVoltage,
    /// 5: decelerating over-voltage.
    DecelOverVoltage,
    /// 6: constant-speed over-voltage.
    ConstantSpeedOverVoltage,
    /// 7: controller supply over-voltage.
    SupplyOverVoltage,
    /// 8: drive overload.
    DriveOverload,
    /// 9: motor overload.
    MotorOverload,
    /// 10: drive over-heat.
    OverHeat,
    /// 13: power module protection.
    PowerModule,
    /// 14: external device fault.
    External,
    /// 15: current-detection circuit fault.
    CurrentDetection,
    /// 16: RS485 communication fault.
    Communication,
    /// 19: under-voltage.
    UnderVoltage,
    /// 20: system disturbance.
    SystemDisturbance,
    /// 23: E²PROM read/write error.
    Eeprom,
    /// A code the manuals do not define (11, 12, 17, 18, 21, 22 and above 23).
    Unknown(u8),
}

impl Fault {
    /// The fault of a code.
    pub const fn from_code(c: u8) -> Self {
        match c {
            0 => Fault::None,
            1 => Fault::AccelOverCurrent,
            2 => Fault::DecelOverCurrent,
            3 => Fault::ConstantSpeedOverCurrent,
            4 => Fault::AccelOverVoltage,
            5 => Fault::DecelOverVoltage,
            6 => Fault::ConstantSpeedOverVoltage,
            7 => Fault::SupplyOverVoltage,
            8 => Fault::DriveOverload,
            9 => Fault::MotorOverload,
            10 => Fault::OverHeat,
            13 => Fault::PowerModule,
            14 => Fault::External,
            15 => Fault::CurrentDetection,
            16 => Fault::Communication,
            19 => Fault::UnderVoltage,
            20 => Fault::SystemDisturbance,
            23 => Fault::Eeprom,
            other => Fault::Unknown(other),
        }
    }

    /// The code.
    pub const fn code(self) -> u8 {
        match self {
            Fault::None => 0,
            Fault::AccelOverCurrent => 1,
            Fault::DecelOverCurrent => 2,
            Fault::ConstantSpeedOverCurrent => 3,
            Fault::AccelOverVoltage => 4,
            Fault::DecelOverVoltage => 5,
            Fault::ConstantSpeedOverVoltage => 6,
            Fault::SupplyOverVoltage => 7,
            Fault::DriveOverload => 8,
            Fault::MotorOverload => 9,
            Fault::OverHeat => 10,
            Fault::PowerModule => 13,
            Fault::External => 14,
            Fault::CurrentDetection => 15,
            Fault::Communication => 16,
            Fault::UnderVoltage => 19,
            Fault::SystemDisturbance => 20,
            Fault::Eeprom => 23,
            Fault::Unknown(c) => c,
        }
    }
}

bitflags! {
    /// The inverter state word (command 11, index 0F; docs/protocols/enc.md §7).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub struct StateWord: u16 {
        /// Bit 0: running (clear: stopped).
        const RUNNING = 1 << 0;
        /// Bit 1: under-voltage.
        const UNDER_VOLTAGE = 1 << 1;
        /// Bit 2: reverse (clear: forward).
        const REVERSE = 1 << 2;
        /// Bit 3: swing-frequency mode.
        const SWING_FREQUENCY = 1 << 3;
        /// Bit 4: common run mode.
        const COMMON_RUN = 1 << 4;
        /// Bit 5: jog.
        const JOG = 1 << 5;
        /// Bit 6: PLC mode.
        const PLC = 1 << 6;
        /// Bit 7: multi-step speed.
        const MULTI_STEP = 1 << 7;
        /// Bit 8: PI closed loop.
        const PI_CLOSED_LOOP = 1 << 8;
        /// Bit 9: set count reached.
        const SET_COUNT_REACHED = 1 << 9;
        /// Bit 10: specified count reached.
        const SPECIFIED_COUNT_REACHED = 1 << 10;
        /// Bits 11–15 are reserved; kept.
        const _ = !0;
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for StateWord {
    fn format(&self, f: defmt::Formatter) {
        defmt::write!(f, "StateWord({=u16:#x})", self.bits())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for StateWord {
    /// An object of flag names to booleans, plus the raw word.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        for (name, flag) in [
            ("running", StateWord::RUNNING),
            ("under_voltage", StateWord::UNDER_VOLTAGE),
            ("reverse", StateWord::REVERSE),
            ("swing_frequency", StateWord::SWING_FREQUENCY),
            ("common_run", StateWord::COMMON_RUN),
            ("jog", StateWord::JOG),
            ("plc", StateWord::PLC),
            ("multi_step", StateWord::MULTI_STEP),
            ("pi_closed_loop", StateWord::PI_CLOSED_LOOP),
            ("set_count_reached", StateWord::SET_COUNT_REACHED),
            (
                "specified_count_reached",
                StateWord::SPECIFIED_COUNT_REACHED,
            ),
        ] {
            m.serialize_entry(name, &self.contains(flag))?;
        }
        m.serialize_entry("raw", &self.bits())?;
        m.end()
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for StateWord {
    /// From the object's `raw` word.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Raw {
            raw: u16,
        }
        Raw::deserialize(d).map(|r| StateWord::from_bits_retain(r.raw))
    }
}

/// A 16-bit value with its resolution: `raw / 10^scale` in `unit`.
///
/// The scale is a field, not a type parameter, because it depends on the
/// reading the request asked for and is known only at run time; fields with
/// one fixed unit use `bms_can::Fixed`'s shape, decimal text
/// `axpert_proto::Decimal` (docs/STYLE.md, "Fixed-point values").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Quantity {
    /// The data word.
    pub raw: u16,
    /// Number of decimals.
    pub scale: u8,
    /// Unit.
    pub unit: Unit,
}

impl Quantity {
    /// The value as `f64` (exact for every 16-bit value at these scales).
    pub fn to_f64(self) -> f64 {
        f64::from(self.raw)
            / [1.0, 10.0, 100.0, 1000.0]
                .get(usize::from(self.scale))
                .copied()
                .unwrap_or(1.0)
    }

    /// The value as `f32`.
    pub fn to_f32(self) -> f32 {
        f32::from(self.raw)
            / [1.0, 10.0, 100.0, 1000.0]
                .get(usize::from(self.scale))
                .copied()
                .unwrap_or(1.0)
    }
}

impl core::fmt::Display for Quantity {
    /// Exact: `40.00 Hz`, `12.5 A`, `380 V`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let div = [1u16, 10, 100, 1000]
            .get(usize::from(self.scale))
            .copied()
            .unwrap_or(1);
        if self.scale == 0 {
            write!(f, "{}", self.raw)?;
        } else {
            let width = usize::from(self.scale);
            write!(f, "{}.{:0width$}", self.raw / div, self.raw % div)?;
        }
        match self.unit {
            Unit::None => Ok(()),
            u => write!(f, " {}", u.symbol()),
        }
    }
}

/// The data of a response, read as what the request asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Value {
    /// A measured or set value with its resolution.
    Quantity(Quantity),
    /// The inverter state word, as bits.
    StateWord(StateWord),
    /// An input or output terminal bit map.
    Terminals(u16),
    /// A parameter's raw "virtual data", or the software version.
    Word(u16),
}

/// A decoded response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Response {
    /// The answering drive's address.
    pub address: u8,
    /// The response code, as read under the decoder's radix.
    pub code: ResponseCode,
    /// The response code's byte as sent, whatever it means.
    pub raw_code: u8,
    /// The drive's current fault (`None` in a 10-byte error reply).
    pub fault: Option<Fault>,
    /// The echoed command index (absent in short error replies).
    pub index: Option<u8>,
    /// The run data (absent in 14-byte and short replies).
    pub data: Option<u16>,
}

impl Response {
    /// A full response: code, fault, echoed index, optional data. The code's
    /// byte is written under `radix`.
    pub fn new(
        address: Address,
        code: ResponseCode,
        radix: Radix,
        fault: Fault,
        index: u8,
        data: Option<u16>,
    ) -> Self {
        Response {
            address: address.get(),
            code,
            raw_code: code.to_raw(radix),
            fault: Some(fault),
            index: Some(index),
            data,
        }
    }

    /// A short error reply (code 20, no index or data), with the fault index
    /// when `fault` is given (12 bytes) or without (10 bytes).
    pub fn frame_error(address: Address, radix: Radix, fault: Option<Fault>) -> Self {
        Response {
            address: address.get(),
            code: ResponseCode::FrameError,
            raw_code: ResponseCode::FrameError.to_raw(radix),
            fault,
            index: None,
            data: None,
        }
    }

    /// Reads a response from a frame, its code under `radix`.
    pub fn decode(frame: &Frame, radix: Radix) -> Self {
        let (fault, index, data) = match frame.body {
            Body::Bare => (None, None, None),
            Body::Fault(f) => (Some(f), None, None),
            Body::Indexed { aux, index, data } => (Some(aux), Some(index), data),
        };
        Response {
            address: frame.address,
            code: ResponseCode::from_raw(frame.code, radix),
            raw_code: frame.code,
            fault: fault.map(Fault::from_code),
            index,
            data,
        }
    }

    /// Decodes a whole response frame's bytes, `~` through CR, its code
    /// under `radix`: [`Frame::decode`] and [`Response::decode`] in one step.
    pub fn decode_bytes(bytes: &[u8], radix: Radix) -> Result<Self, Error> {
        Ok(Response::decode(&Frame::decode(bytes)?, radix))
    }

    /// The frame of this response.
    pub fn frame(&self) -> Frame {
        let fault = self.fault.map(Fault::code);
        let body = match (fault, self.index) {
            (None, _) => Body::Bare,
            (Some(f), None) => Body::Fault(f),
            (Some(aux), Some(index)) => Body::Indexed {
                aux,
                index,
                data: self.data,
            },
        };
        Frame {
            address: self.address,
            code: self.raw_code,
            body,
        }
    }

    /// Writes the response frame into `buf`; returns its length.
    pub fn encode(&self, buf: &mut [u8]) -> Result<usize, Error> {
        self.frame().encode(buf)
    }

    /// The data read as the value `command` asked for, when there is data.
    pub fn value(&self, command: &Command) -> Option<Value> {
        let data = self.data?;
        Some(match command {
            Command::Read(Reading::StateWord) => {
                Value::StateWord(StateWord::from_bits_retain(data))
            }
            Command::Read(Reading::InputTerminals | Reading::OutputTerminals) => {
                Value::Terminals(data)
            }
            Command::Read(Reading::Unknown(_)) => Value::Word(data),
            Command::Read(r) => {
                let (scale, unit) = r.resolution();
                Value::Quantity(Quantity {
                    raw: data,
                    scale,
                    unit,
                })
            }
            Command::Control(_) => Value::Quantity(Quantity {
                raw: data,
                scale: 2,
                unit: Unit::Hertz,
            }),
            _ => Value::Word(data),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::string::ToString;

    fn a1() -> Address {
        Address::new(1).unwrap()
    }

    /// `r` encodes to `wire` (CR appended) and decodes back under `radix`.
    fn check(r: Response, radix: Radix, wire: &str) {
        let mut buf = [0u8; 18];
        let n = r.encode(&mut buf).unwrap();
        let mut want = wire.as_bytes().to_vec();
        want.push(b'\r');
        assert_eq!(&buf[..n], &want[..], "{r:?}");
        assert_eq!(Response::decode_bytes(&want, radix).unwrap(), r);
    }

    #[test]
    fn synthetic_replies() {
        // Synthetic, built from the rules (no reply is printed in any manual).
        let run = Response::new(
            a1(),
            ResponseCode::Normal,
            Radix::Literal,
            Fault::None,
            1,
            Some(5000),
        );
        check(run, Radix::Literal, "~0100000113880256");
        let q = run.value(&Command::Read(Reading::RunFrequency)).unwrap();
        assert_eq!(
            q,
            Value::Quantity(Quantity {
                raw: 5000,
                scale: 2,
                unit: Unit::Hertz
            })
        );
        let Value::Quantity(q) = q else { panic!() };
        assert_eq!(q.to_string(), "50.00 Hz");
        assert_eq!(q.to_f32(), 50.0);

        let ready = Response::new(
            a1(),
            ResponseCode::Ready(11),
            Radix::Literal,
            Fault::None,
            0,
            None,
        );
        check(ready, Radix::Literal, "~011100000183");
        assert!(ready.code.is_ready() && ready.code.control_allowed());

        let refused = Response::new(
            a1(),
            ResponseCode::Refused,
            Radix::Literal,
            Fault::Communication,
            1,
            Some(0xFFFF),
        );
        check(refused, Radix::Literal, "~01301001FFFF029E");
    }

    #[test]
    fn short_error_replies() {
        let bare = Response::frame_error(a1(), Radix::Literal, None);
        check(bare, Radix::Literal, "~012000C3");
        let with_fault = Response::frame_error(a1(), Radix::Literal, Some(Fault::OverHeat));
        check(with_fault, Radix::Literal, "~01200A0134");
        assert_eq!(with_fault.code, ResponseCode::FrameError);
        assert_eq!(with_fault.fault, Some(Fault::OverHeat));
    }

    #[test]
    fn radix_changes_the_reading_not_the_bytes() {
        let r = Response::new(
            a1(),
            ResponseCode::FrameError,
            Radix::Hex,
            Fault::None,
            0,
            None,
        );
        assert_eq!(r.raw_code, 0x14);
        let mut buf = [0u8; 18];
        let n = r.encode(&mut buf).unwrap();
        assert_eq!(&buf[..9], b"~01140000");
        let lit = Response::decode_bytes(&buf[..n], Radix::Literal).unwrap();
        assert_eq!(lit.code, ResponseCode::ReadyLocked(14));
        let hex = Response::decode_bytes(&buf[..n], Radix::Hex).unwrap();
        assert_eq!(hex.code, ResponseCode::FrameError);
        assert_eq!((lit.raw_code, hex.raw_code), (0x14, 0x14));
    }

    #[test]
    fn unknown_code_06_is_kept_with_its_data() {
        let mut buf = [0u8; 18];
        let f = Frame {
            address: 1,
            code: 0x06,
            body: Body::Indexed {
                aux: 0,
                index: 5,
                data: Some(0x0123),
            },
        };
        let n = f.encode(&mut buf).unwrap();
        let r = Response::decode_bytes(&buf[..n], Radix::Literal).unwrap();
        assert_eq!(r.code, ResponseCode::Unknown(6));
        assert_eq!(r.data, Some(0x0123));
        let mut again = [0u8; 18];
        let m = r.encode(&mut again).unwrap();
        assert_eq!(&again[..m], &buf[..n]);
    }

    #[test]
    fn state_word_and_faults() {
        let r = Response::new(
            a1(),
            ResponseCode::Normal,
            Radix::Literal,
            Fault::Unknown(0x11),
            0x0F,
            Some(0b101),
        );
        let Some(Value::StateWord(w)) = r.value(&Command::Read(Reading::StateWord)) else {
            panic!()
        };
        assert_eq!(w, StateWord::RUNNING | StateWord::REVERSE);
        assert_eq!(Fault::from_code(16), Fault::Communication);
        assert_eq!(Fault::from_code(12), Fault::Unknown(12));
        // A label no manual defines has no code: the byte sent for it
        // depends on the radix (label 16 is 0x16 in one, 0x10 in the other).
        assert_eq!(ResponseCode::from_label(16), None);
        assert_eq!(ResponseCode::from_label(30), Some(ResponseCode::Refused));
        assert_eq!(ResponseCode::Unknown(0x16).label(), None);
        assert_eq!(
            ResponseCode::from_raw(0x16, Radix::Literal),
            ResponseCode::Unknown(0x16)
        );
        for c in 0..=255u8 {
            assert_eq!(Fault::from_code(c).code(), c);
            for radix in [Radix::Literal, Radix::Hex] {
                assert_eq!(
                    ResponseCode::from_raw(c, radix).to_raw(radix),
                    c,
                    "{c:#x} {radix:?}"
                );
            }
        }
    }
}
