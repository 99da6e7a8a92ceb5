//! Requests: the command table of the manual (docs/protocols/enc.md §4).
//!
//! Values are checked when they are made: an address above 127, a
//! frequency above 655.35 Hz or a group that does not exist is an error,
//! never a frame.

use core::fmt;

use crate::{Body, Error, Frame};

/// A drive address, 0..=127; 127 is broadcast (no drive answers it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "u8", into = "u8"))]
pub struct Address(u8);

impl Address {
    /// The broadcast address, 127.
    pub const BROADCAST: Address = Address(127);

    /// An address, 0..=127.
    pub const fn new(a: u8) -> Result<Self, Error> {
        if a > 127 {
            return Err(Error::OutOfRange {
                what: "address",
                value: a as u32,
                max: 127,
                scale: 0,
            });
        }
        Ok(Address(a))
    }

    /// The number.
    pub const fn get(self) -> u8 {
        self.0
    }

    /// Whether this is the broadcast address.
    pub const fn is_broadcast(self) -> bool {
        self.0 == 127
    }
}

impl TryFrom<u8> for Address {
    type Error = Error;
    fn try_from(a: u8) -> Result<Self, Error> {
        Address::new(a)
    }
}

impl From<Address> for u8 {
    fn from(a: Address) -> u8 {
        a.0
    }
}

/// A frequency in units of 0.01 Hz, 0.00..=655.35 Hz.
///
/// An integer count of a fixed wire unit, like `bms_can::Fixed<u16, 2>`,
/// kept as its own type because it is ENC's command argument: checked
/// against the range and parsed exactly from text (docs/STYLE.md,
/// "Fixed-point values").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Frequency(pub u16);

impl Frequency {
    /// From hundredths of a hertz.
    pub const fn from_centihertz(v: u32) -> Result<Self, Error> {
        if v > u16::MAX as u32 {
            return Err(Error::OutOfRange {
                what: "frequency, Hz",
                value: v,
                max: u16::MAX as u32,
                scale: 2,
            });
        }
        Ok(Frequency(v as u16))
    }

    /// Parses `40`, `40.5` or `40.00` (at most two decimals) exactly.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let (int, frac) = text.split_once('.').unwrap_or((text, ""));
        let bad = |offset| Error::Text { offset };
        if int.is_empty() || frac.len() > 2 {
            return Err(bad(0));
        }
        let mut v: u32 = 0;
        for (i, c) in int.bytes().chain(frac.bytes()).enumerate() {
            if !c.is_ascii_digit() {
                return Err(bad(if i < int.len() { i } else { i + 1 }));
            }
            v = v.saturating_mul(10).saturating_add(u32::from(c - b'0'));
        }
        for _ in frac.len()..2 {
            v = v.saturating_mul(10);
        }
        Frequency::from_centihertz(v)
    }

    /// The frequency in hertz.
    pub fn hz(self) -> f32 {
        f32::from(self.0) / 100.0
    }
}

impl fmt::Display for Frequency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// The unit of a running value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Unit {
    /// Hertz.
    Hertz,
    /// Volt.
    Volt,
    /// Ampere.
    Ampere,
    /// Revolutions per minute.
    Rpm,
    /// Degree Celsius.
    Celsius,
    /// Hour.
    Hour,
    /// A bit map or word, no unit.
    None,
}

impl Unit {
    /// The symbol.
    pub const fn symbol(self) -> &'static str {
        match self {
            Unit::Hertz => "Hz",
            Unit::Volt => "V",
            Unit::Ampere => "A",
            Unit::Rpm => "rpm",
            Unit::Celsius => "°C",
            Unit::Hour => "h",
            Unit::None => "",
        }
    }
}

/// A running value of command 11 (`0B`), by its command index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Reading {
    /// 00: current set frequency, 0.01 Hz.
    SetFrequency,
    /// 01: current run frequency, 0.01 Hz.
    RunFrequency,
    /// 02: output voltage, 1 V.
    OutputVoltage,
    /// 03: output current, 0.1 A.
    OutputCurrent,
    /// 04: DC bus voltage, 1 V.
    BusVoltage,
    /// 05: load motor speed, 1 rpm.
    MotorSpeed,
    /// 06: module temperature, 1 °C.
    ModuleTemperature,
    /// 07: run time, 1 h.
    RunTime,
    /// 08: accumulated time, 1 h.
    AccumulatedTime,
    /// 09: input terminals, bit map.
    InputTerminals,
    /// 0A: output terminals, bit map.
    OutputTerminals,
    /// 0B: analog input VCI, 0.01 V.
    AnalogVci,
    /// 0C: analog input YCI, 0.01 V.
    AnalogYci,
    /// 0D: analog input CCI, 0.01 V.
    AnalogCci,
    /// 0E: external pulse input, 0.01 Hz.
    PulseInput,
    /// 0F: inverter state word.
    StateWord,
    /// An index the manual does not list.
    Unknown(u8),
}

impl Reading {
    /// Every documented reading, in index order.
    pub const ALL: [Reading; 16] = [
        Reading::SetFrequency,
        Reading::RunFrequency,
        Reading::OutputVoltage,
        Reading::OutputCurrent,
        Reading::BusVoltage,
        Reading::MotorSpeed,
        Reading::ModuleTemperature,
        Reading::RunTime,
        Reading::AccumulatedTime,
        Reading::InputTerminals,
        Reading::OutputTerminals,
        Reading::AnalogVci,
        Reading::AnalogYci,
        Reading::AnalogCci,
        Reading::PulseInput,
        Reading::StateWord,
    ];

    /// The command index.
    pub const fn index(self) -> u8 {
        match self {
            Reading::SetFrequency => 0x00,
            Reading::RunFrequency => 0x01,
            Reading::OutputVoltage => 0x02,
            Reading::OutputCurrent => 0x03,
            Reading::BusVoltage => 0x04,
            Reading::MotorSpeed => 0x05,
            Reading::ModuleTemperature => 0x06,
            Reading::RunTime => 0x07,
            Reading::AccumulatedTime => 0x08,
            Reading::InputTerminals => 0x09,
            Reading::OutputTerminals => 0x0A,
            Reading::AnalogVci => 0x0B,
            Reading::AnalogYci => 0x0C,
            Reading::AnalogCci => 0x0D,
            Reading::PulseInput => 0x0E,
            Reading::StateWord => 0x0F,
            Reading::Unknown(i) => i,
        }
    }

    /// The reading of a command index.
    pub fn from_index(i: u8) -> Self {
        Reading::ALL
            .get(usize::from(i))
            .copied()
            .unwrap_or(Reading::Unknown(i))
    }

    /// Decimals and unit of the value.
    pub const fn resolution(self) -> (u8, Unit) {
        match self {
            Reading::SetFrequency | Reading::RunFrequency | Reading::PulseInput => (2, Unit::Hertz),
            Reading::OutputVoltage | Reading::BusVoltage => (0, Unit::Volt),
            Reading::OutputCurrent => (1, Unit::Ampere),
            Reading::MotorSpeed => (0, Unit::Rpm),
            Reading::ModuleTemperature => (0, Unit::Celsius),
            Reading::RunTime | Reading::AccumulatedTime => (0, Unit::Hour),
            Reading::AnalogVci | Reading::AnalogYci | Reading::AnalogCci => (2, Unit::Volt),
            Reading::InputTerminals
            | Reading::OutputTerminals
            | Reading::StateWord
            | Reading::Unknown(_) => (0, Unit::None),
        }
    }

    /// A plain name (`run-frequency`), as the command line uses.
    pub const fn name(self) -> &'static str {
        match self {
            Reading::SetFrequency => "set-frequency",
            Reading::RunFrequency => "run-frequency",
            Reading::OutputVoltage => "output-voltage",
            Reading::OutputCurrent => "output-current",
            Reading::BusVoltage => "bus-voltage",
            Reading::MotorSpeed => "motor-speed",
            Reading::ModuleTemperature => "module-temperature",
            Reading::RunTime => "run-time",
            Reading::AccumulatedTime => "accumulated-time",
            Reading::InputTerminals => "input-terminals",
            Reading::OutputTerminals => "output-terminals",
            Reading::AnalogVci => "vci",
            Reading::AnalogYci => "yci",
            Reading::AnalogCci => "cci",
            Reading::PulseInput => "pulse-input",
            Reading::StateWord => "state-word",
            Reading::Unknown(_) => "unknown",
        }
    }

    /// The reading of a plain name.
    pub fn from_name(name: &str) -> Option<Self> {
        Reading::ALL
            .iter()
            .copied()
            .find(|r| r.name().eq_ignore_ascii_case(name))
    }
}

/// Run control, command 12 (`0C`).
///
/// Only indices 00–03 are in any copy of the manual; the page with reverse,
/// stop, jog and fault reset is missing, so those are sent with
/// [`Control::Other`] and an index from the drive's own manual.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Control {
    /// 00: run.
    Run,
    /// 01: set the current run frequency.
    SetFrequency(Frequency),
    /// 02: run at the given frequency.
    RunAt(Frequency),
    /// 03: forward run.
    Forward,
    /// Another index, with its data if it takes any.
    Other {
        /// Command index.
        index: u8,
        /// Data word.
        data: Option<u16>,
    },
}

impl Control {
    fn wire(self) -> (u8, Option<u16>) {
        match self {
            Control::Run => (0, None),
            Control::SetFrequency(f) => (1, Some(f.0)),
            Control::RunAt(f) => (2, Some(f.0)),
            Control::Forward => (3, None),
            Control::Other { index, data } => (index, data),
        }
    }

    fn from_wire(index: u8, data: Option<u16>) -> Self {
        match (index, data) {
            (0, None) => Control::Run,
            (1, Some(d)) => Control::SetFrequency(Frequency(d)),
            (2, Some(d)) => Control::RunAt(Frequency(d)),
            (3, None) => Control::Forward,
            (index, data) => Control::Other { index, data },
        }
    }
}

/// A function-code group: F0–F9, FD, FF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "u8", into = "u8"))]
pub struct Group(u8);

impl Group {
    /// The group with auxiliary index `code` (0x0–0x9, 0xD, 0xF).
    pub const fn new(code: u8) -> Result<Self, Error> {
        match code {
            0..=9 | 0x0D | 0x0F => Ok(Group(code)),
            found => Err(Error::Group { found }),
        }
    }

    /// The auxiliary index.
    pub const fn code(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Group {
    type Error = Error;
    fn try_from(code: u8) -> Result<Self, Error> {
        Group::new(code)
    }
}

impl From<Group> for u8 {
    fn from(g: Group) -> u8 {
        g.0
    }
}

/// A function-code parameter, `F<group>.<number>` (F2.15: group 2, number 15).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Param {
    /// The group.
    pub group: Group,
    /// The number within the group (sent in hex: 15 is `0F`).
    pub number: u8,
}

impl Param {
    /// Parses `F0.05`, `f2.15`, `FD.01`.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let b = text.as_bytes();
        let bad = |offset| Error::Text { offset };
        match b {
            [f, g, b'.', num @ ..]
                if f.eq_ignore_ascii_case(&b'F') && !num.is_empty() && num.len() <= 3 =>
            {
                let code = match g.to_ascii_uppercase() {
                    d @ b'0'..=b'9' => d - b'0',
                    b'D' => 0x0D,
                    b'F' => 0x0F,
                    _ => return Err(bad(1)),
                };
                let mut n: u32 = 0;
                for (i, &c) in num.iter().enumerate() {
                    if !c.is_ascii_digit() {
                        return Err(bad(3 + i));
                    }
                    n = n * 10 + u32::from(c - b'0');
                }
                let number = u8::try_from(n).map_err(|_| Error::OutOfRange {
                    what: "parameter number",
                    value: n,
                    max: 255,
                    scale: 0,
                })?;
                Ok(Param {
                    group: Group::new(code)?,
                    number,
                })
            }
            _ => Err(bad(0)),
        }
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let g = match self.group.0 {
            d @ 0..=9 => char::from(b'0' + d),
            0x0D => 'D',
            _ => 'F',
        };
        write!(f, "F{g}.{:02}", self.number)
    }
}

/// What a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Command {
    /// 10 (`0A`): query the drive's state (readiness).
    State,
    /// 11 (`0B`): read a running value.
    Read(Reading),
    /// 12 (`0C`): run control.
    Control(Control),
    /// 13 (`0D`): read a function-code parameter.
    ReadParam(Param),
    /// 14 (`0E`): write a function-code parameter.
    WriteParam(Param, u16),
    /// 15 (`0F`): query the software version.
    Version,
    /// Any other frame, as numbers.
    Raw {
        /// Command code.
        code: u8,
        /// Auxiliary index.
        aux: u8,
        /// Command index.
        index: u8,
        /// Data word.
        data: Option<u16>,
    },
}

impl Command {
    /// Code, auxiliary index, command index and data on the wire.
    pub fn wire(self) -> (u8, u8, u8, Option<u16>) {
        match self {
            Command::State => (0x0A, 0, 0, None),
            Command::Read(r) => (0x0B, 0, r.index(), None),
            Command::Control(c) => {
                let (i, d) = c.wire();
                (0x0C, 0, i, d)
            }
            Command::ReadParam(p) => (0x0D, p.group.0, p.number, None),
            Command::WriteParam(p, v) => (0x0E, p.group.0, p.number, Some(v)),
            Command::Version => (0x0F, 0, 0, None),
            Command::Raw {
                code,
                aux,
                index,
                data,
            } => (code, aux, index, data),
        }
    }

    /// The command of a frame's code and fields; anything outside the
    /// table is [`Command::Raw`].
    pub fn from_wire(code: u8, aux: u8, index: u8, data: Option<u16>) -> Self {
        let raw = Command::Raw {
            code,
            aux,
            index,
            data,
        };
        match (code, aux, index, data) {
            (0x0A, 0, 0, None) => Command::State,
            (0x0B, 0, i, None) => Command::Read(Reading::from_index(i)),
            (0x0C, 0, i, d) => Command::Control(Control::from_wire(i, d)),
            (0x0D, g, n, None) => {
                Group::new(g).map_or(raw, |group| Command::ReadParam(Param { group, number: n }))
            }
            (0x0E, g, n, Some(v)) => Group::new(g).map_or(raw, |group| {
                Command::WriteParam(Param { group, number: n }, v)
            }),
            (0x0F, 0, 0, None) => Command::Version,
            _ => raw,
        }
    }
}

/// A request: a command for a drive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Request {
    /// The drive, or [`Address::BROADCAST`].
    pub address: Address,
    /// What is asked.
    pub command: Command,
}

impl Request {
    /// A request for `command` to the drive at `address`.
    pub const fn new(address: Address, command: Command) -> Self {
        Request { address, command }
    }

    /// The frame of this request.
    pub fn frame(&self) -> Frame {
        let (code, aux, index, data) = self.command.wire();
        Frame {
            address: self.address.get(),
            code,
            body: Body::Indexed { aux, index, data },
        }
    }

    /// Writes the request frame into `buf`; returns its length (14 or 18).
    pub fn encode(&self, buf: &mut [u8]) -> Result<usize, Error> {
        self.frame().encode(buf)
    }

    /// Reads a request from a frame (the device side).
    pub fn decode(frame: &Frame) -> Result<Self, Error> {
        let Body::Indexed { aux, index, data } = frame.body else {
            return Err(Error::Length {
                len: if frame.body == Body::Bare { 10 } else { 12 },
            });
        };
        Ok(Request {
            address: Address::new(frame.address)?,
            command: Command::from_wire(frame.code, aux, index, data),
        })
    }

    /// Decodes a whole request frame's bytes, `~` through CR:
    /// [`Frame::decode`] and [`Request::decode`] in one step.
    pub fn decode_bytes(bytes: &[u8]) -> Result<Self, Error> {
        Request::decode(&Frame::decode(bytes)?)
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

    /// Encodes `command` for address 1 and compares with the manual's frame.
    fn check(command: Command, manual: &str) {
        let r = Request::new(a1(), command);
        let mut buf = [0u8; 18];
        let n = r.encode(&mut buf).unwrap();
        let mut want = manual.as_bytes().to_vec();
        want.push(b'\r');
        assert_eq!(&buf[..n], &want[..], "{command:?}");
        assert_eq!(Request::decode_bytes(&want).unwrap(), r);
    }

    #[test]
    fn every_request_of_the_manuals_command_table() {
        check(Command::State, "~010A00000192");
        let frames = [
            "~010B00000193",
            "~010B00010194",
            "~010B00020195",
            "~010B00030196",
            "~010B00040197",
            "~010B00050198",
            "~010B00060199",
            "~010B0007019A",
            "~010B0008019B",
            "~010B0009019C",
            "~010B000A01A4",
            "~010B000B01A5",
            "~010B000C01A6",
            "~010B000D01A7",
            "~010B000E01A8",
            "~010B000F01A9",
        ];
        for (r, f) in Reading::ALL.iter().zip(frames) {
            check(Command::Read(*r), f);
        }
        check(Command::Control(Control::Run), "~010C00000194");
        let f40 = Frequency::parse("40.00").unwrap();
        check(
            Command::Control(Control::SetFrequency(f40)),
            "~010C00010FA0027C",
        );
        check(Command::Control(Control::RunAt(f40)), "~010C00020FA0027D");
        check(Command::Control(Control::Forward), "~010C00030197");
        check(Command::Version, "~010F00000197");
        // Derived from the parameter addressing rule (docs/protocols/enc.md §4.1).
        check(
            Command::ReadParam(Param::parse("F2.05").unwrap()),
            "~010D0205019C",
        );
    }

    #[test]
    fn broadcast_frame() {
        // Synthetic: the broadcast vector of docs/protocols/enc.md §3, assuming hex addresses.
        let r = Request::new(
            Address::BROADCAST,
            Command::Control(Control::SetFrequency(Frequency(4000))),
        );
        let mut buf = [0u8; 18];
        let n = r.encode(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"~7F0C00010FA00298\r");
    }

    #[test]
    fn parameters_are_addressed_by_group_and_hex_number() {
        let p = |t| Param::parse(t).unwrap();
        assert_eq!(
            Command::ReadParam(p("F0.05")).wire(),
            (0x0D, 0x00, 0x05, None)
        );
        assert_eq!(
            Command::ReadParam(p("F2.11")).wire(),
            (0x0D, 0x02, 0x0B, None)
        );
        assert_eq!(
            Command::ReadParam(p("f2.15")).wire(),
            (0x0D, 0x02, 0x0F, None)
        );
        assert_eq!(
            Command::WriteParam(p("FD.01"), 7).wire(),
            (0x0E, 0x0D, 0x01, Some(7))
        );
        assert_eq!(p("FF.3").to_string(), "FF.03");
        assert_eq!(Param::parse("FA.01"), Err(Error::Text { offset: 1 }));
        assert_eq!(Param::parse("F2-01"), Err(Error::Text { offset: 0 }));
        assert_eq!(Param::parse("F2.1x"), Err(Error::Text { offset: 4 }));
        assert_eq!(Group::new(0x0A), Err(Error::Group { found: 0x0A }));
    }

    #[test]
    fn out_of_range_values_are_errors() {
        assert_eq!(
            Address::new(128),
            Err(Error::OutOfRange {
                what: "address",
                value: 128,
                max: 127,
                scale: 0
            })
        );
        let e = Frequency::parse("655.36").unwrap_err();
        assert!(matches!(e, Error::OutOfRange { value: 65536, .. }));
        assert_eq!(e.to_string(), "frequency, Hz: 655.36 is above 655.35");
        assert_eq!(Frequency::parse("655.35").unwrap(), Frequency(65535));
        assert_eq!(Frequency::parse("40.5").unwrap(), Frequency(4050));
        assert_eq!(Frequency::parse("40").unwrap().to_string(), "40.00");
        assert_eq!(Frequency::parse("40.123"), Err(Error::Text { offset: 0 }));
        assert_eq!(Frequency::parse("4x"), Err(Error::Text { offset: 1 }));
    }

    #[test]
    fn reading_indices_follow_the_table() {
        for (i, r) in Reading::ALL.iter().enumerate() {
            assert_eq!(usize::from(r.index()), i);
            assert_eq!(Reading::from_index(r.index()), *r);
        }
    }

    #[test]
    fn anything_else_is_raw() {
        assert_eq!(
            Command::from_wire(0x0D, 0x0A, 1, None),
            Command::Raw {
                code: 0x0D,
                aux: 0x0A,
                index: 1,
                data: None
            }
        );
        assert_eq!(
            Command::from_wire(0x0C, 0, 5, None),
            Command::Control(Control::Other {
                index: 5,
                data: None
            })
        );
        assert_eq!(
            Command::from_wire(0x0B, 0, 0x20, None),
            Command::Read(Reading::Unknown(0x20))
        );
        assert_eq!(Reading::Unknown(0x20).index(), 0x20);
        assert_eq!(Reading::StateWord.index(), 0x0F);
    }
}
