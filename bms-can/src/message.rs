//! Every message of docs/protocols/bms-can.md §2, decoded from (id, data) and
//! encoded back to the same bytes.
//!
//! All multi-byte fields are little-endian. A field is present when all
//! its bytes are: short frames real batteries send (0x351 with 6 bytes,
//! 0x355 with 4, 0x356 with 6) decode with the trailing fields `None`.
//! Bytes past the known layout are kept in `extra`, so a frame re-encodes
//! exactly. An ID this crate does not know is [`Message::Raw`], not an error.

use crate::{Alarms, Ascii, Error, Fixed, Protection, Requests};

/// A classic CAN frame's identifier and data: the workspace's one CAN
/// frame type, [`proto_core::CanFrame`].
pub use proto_core::CanFrame as RawFrame;

/// Data bytes past the known fields, kept for exact re-encoding. With
/// `serde` it is a list of those bytes (`[]` when there are none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Extra {
    bytes: [u8; 8],
    len: u8,
}

impl Extra {
    /// The given bytes (at most 8; more are cut).
    pub fn new(bytes: &[u8]) -> Self {
        let (word, len) = pad(bytes);
        Extra::from_word(word, len, 0)
    }

    /// The bytes of `word` (data padded by [`pad`]) from byte `from` on.
    #[inline]
    fn from_word(word: u64, len: usize, from: usize) -> Self {
        Extra {
            bytes: word.checked_shr(8 * from as u32).unwrap_or(0).to_le_bytes(),
            len: len.saturating_sub(from) as u8,
        }
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or_default()
    }
}

/// Up to eight data bytes as one little-endian word (byte 0 in the low
/// bits, zero past the data), and how many there are; more than 8 are cut.
///
/// Every field and every kept byte of a frame is then a shift of this one
/// word. Copying a slice of a length the compiler does not know, into an
/// `Extra` or an `Ascii`, is a `memcpy` call; it made a decode cost 4.5
/// times the data's copy alone. Two overlapping loads read 4 to 8 bytes,
/// three single ones 1 to 3.
#[inline]
pub(crate) fn pad(data: &[u8]) -> (u64, usize) {
    let n = data.len().min(8);
    let data = data.get(..n).unwrap_or_default();
    let word = |at: usize| {
        data.get(at..at + 4)
            .and_then(|s| <[u8; 4]>::try_from(s).ok())
            .map_or(0, u32::from_le_bytes)
    };
    let byte = |at: usize| u64::from(data.get(at).copied().unwrap_or(0)) << (8 * at);
    let v = if n >= 4 {
        u64::from(word(0)) | u64::from(word(n - 4)) << (8 * (n - 4))
    } else if n > 0 {
        byte(0) | byte(n / 2) | byte(n - 1)
    } else {
        0
    };
    (v, n)
}

#[cfg(feature = "serde")]
impl serde::Serialize for Extra {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.as_bytes())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Extra {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Extra;
            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str("at most 8 bytes")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Extra, A::Error> {
                let mut e = Extra::default();
                while let Some(b) = seq.next_element::<u8>()? {
                    let slot = e
                        .bytes
                        .get_mut(usize::from(e.len))
                        .ok_or_else(|| serde::de::Error::custom("more than 8 bytes"))?;
                    *slot = b;
                    e.len += 1;
                }
                Ok(e)
            }
        }
        d.deserialize_seq(V)
    }
}

/// Little-endian reads that are `None` past the data, from the data as
/// one word ([`pad`]).
#[derive(Clone, Copy)]
struct Reader {
    word: u64,
    len: usize,
}

impl Reader {
    #[inline]
    fn u8(&self, at: usize) -> Option<u8> {
        (at < self.len).then_some((self.word >> (8 * at)) as u8)
    }
    #[inline]
    fn u16(&self, at: usize) -> Option<u16> {
        (at + 2 <= self.len).then_some((self.word >> (8 * at)) as u16)
    }
    #[inline]
    fn i16(&self, at: usize) -> Option<i16> {
        self.u16(at).map(|v| v as i16)
    }
    #[inline]
    fn u32(&self, at: usize) -> Option<u32> {
        (at + 4 <= self.len).then_some((self.word >> (8 * at)) as u32)
    }
    /// The bytes from `from` on.
    #[inline]
    fn extra(&self, from: usize) -> Extra {
        Extra::from_word(self.word, self.len, from)
    }
    /// The first `n` bytes as text.
    #[inline]
    fn ascii(&self, n: usize) -> Ascii {
        let n = n.min(self.len);
        let mask = u64::MAX.checked_shr(64 - 8 * n as u32).unwrap_or(0);
        Ascii::from_word(self.word & mask, n)
    }
    /// Fails with [`Error::TooShort`] below `min` bytes.
    #[inline]
    fn need(&self, id: u16, min: u8) -> Result<(), Error> {
        if self.len < usize::from(min) {
            Err(Error::TooShort {
                id,
                len: self.len as u8,
                min,
            })
        } else {
            Ok(())
        }
    }
    /// 0x351 and 0x400.
    #[inline]
    fn limits(&self, id: u16) -> Result<Limits, Error> {
        self.need(id, 6)?;
        let dvl = self.u16(6).map(Fixed);
        Ok(Limits {
            charge_voltage: Fixed(self.u16(0).unwrap_or(0)),
            charge_current: Fixed(self.i16(2).unwrap_or(0)),
            discharge_current: Fixed(self.i16(4).unwrap_or(0)),
            discharge_voltage: dvl,
            // A 7-byte frame keeps its seventh byte here.
            extra: self.extra(if dvl.is_some() { 8 } else { 6 }),
        })
    }
    /// Four 16-bit fields, all required.
    #[inline]
    fn u16s4(&self, id: u16) -> Result<[u16; 4], Error> {
        self.need(id, 8)?;
        let w = self.word;
        Ok([
            w as u16,
            (w >> 16) as u16,
            (w >> 32) as u16,
            (w >> 48) as u16,
        ])
    }
}

/// Builds a frame's data from fields.
struct Builder {
    data: [u8; 8],
    len: usize,
}

impl Builder {
    fn new() -> Self {
        Builder {
            data: [0; 8],
            len: 0,
        }
    }
    fn bytes(mut self, b: &[u8]) -> Self {
        for &x in b {
            if let Some(slot) = self.data.get_mut(self.len) {
                *slot = x;
                self.len += 1;
            }
        }
        self
    }
    fn u16(self, v: u16) -> Self {
        self.bytes(&v.to_le_bytes())
    }
    fn i16(self, v: i16) -> Self {
        self.bytes(&v.to_le_bytes())
    }
    fn u32(self, v: u32) -> Self {
        self.bytes(&v.to_le_bytes())
    }
    fn opt_u16(self, v: Option<u16>) -> Self {
        match v {
            Some(v) => self.u16(v),
            None => self,
        }
    }
    fn frame(self, id: u16, extra: &Extra) -> RawFrame {
        let b = self.bytes(extra.as_bytes());
        RawFrame::new(id, b.data.get(..b.len).unwrap_or_default())
    }
}

/// 0x351 (and Pytes 0x400): charge and discharge limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Limits {
    /// Charge voltage limit (CVL), V.
    pub charge_voltage: Fixed<u16, 1>,
    /// Charge current limit (CCL), A.
    pub charge_current: Fixed<i16, 1>,
    /// Discharge current limit (DCL), A, positive on the wire.
    pub discharge_current: Fixed<i16, 1>,
    /// Discharge voltage limit (DVL), V; absent in 6-byte frames.
    pub discharge_voltage: Option<Fixed<u16, 1>>,
    /// Bytes past the layout.
    pub extra: Extra,
}

/// 0x354 (Discover): capacities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Capacity {
    /// Nominal capacity, Ah.
    pub nominal_ah: u16,
    /// Remaining capacity, Ah.
    pub remaining_ah: u16,
    /// Bytes past the layout.
    pub extra: Extra,
}

/// 0x355: state of charge and health.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Soc {
    /// State of charge, %.
    pub soc: u16,
    /// State of health, %.
    pub soh: u16,
    /// High-resolution state of charge, % (0.01); absent in 4-byte frames.
    pub soc_high_res: Option<Fixed<u16, 2>>,
    /// Bytes past the layout (8-byte frames).
    pub extra: Extra,
}

/// 0x356: battery voltage, current and temperature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Measurements {
    /// Battery voltage, V.
    pub voltage: Fixed<i16, 2>,
    /// Current, A; positive when charging.
    pub current: Fixed<i16, 1>,
    /// Temperature, °C.
    pub temperature: Fixed<i16, 1>,
    /// Bytes past the layout (8-byte frames).
    pub extra: Extra,
}

/// 0x359 (Pylon V1.2): protections, warnings, module count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Flags {
    /// Bytes 0–3.
    pub flags: Protection,
    /// Byte 4: module count.
    pub module_count: Option<u8>,
    /// Bytes 5–6: `PN` (Pytes: `PY`).
    pub tag: Option<[u8; 2]>,
    /// Bytes past the layout (one emitter sends an online-address byte).
    pub extra: Extra,
}

/// 0x35C: requests to the inverter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Request {
    /// Byte 0.
    pub requests: Requests,
    /// Bytes past the layout (byte 1 is 0x00).
    pub extra: Extra,
}

/// 0x35F (SMA / Victron / Pylon V1.3): battery information (community
/// readings of the bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Info {
    /// Bytes 0–1: chemistry (`LI`).
    pub chemistry: Ascii,
    /// Bytes 2–3: hardware/firmware version, major and minor.
    pub version: [u8; 2],
    /// Bytes 4–5: online capacity, Ah.
    pub capacity_ah: Option<u16>,
    /// Bytes 6–7: software version, raw.
    pub software: Option<u16>,
    /// Bytes past the layout.
    pub extra: Extra,
}

/// 0x372: module counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Modules {
    /// Modules OK.
    pub ok: u16,
    /// Modules blocking charge.
    pub blocking_charge: u16,
    /// Modules blocking discharge.
    pub blocking_discharge: u16,
    /// Modules offline.
    pub offline: u16,
}

/// 0x373: cell extremes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Cells {
    /// Lowest cell voltage, V (1 mV resolution).
    pub min_voltage: Fixed<u16, 3>,
    /// Highest cell voltage, V.
    pub max_voltage: Fixed<u16, 3>,
    /// Lowest cell temperature, K.
    pub min_temperature_k: u16,
    /// Highest cell temperature, K.
    pub max_temperature_k: u16,
}

/// 0x378: energy throughput.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Energy {
    /// Charged energy, kWh (100 Wh resolution).
    pub charged_kwh: Fixed<u32, 1>,
    /// Discharged energy, kWh.
    pub discharged_kwh: Fixed<u32, 1>,
}

/// Which cell 0x374–0x377 name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum CellRole {
    /// 0x374: the lowest-voltage cell.
    MinVoltage,
    /// 0x375: the highest-voltage cell.
    MaxVoltage,
    /// 0x376: the coldest cell.
    MinTemperature,
    /// 0x377: the warmest cell.
    MaxTemperature,
}

/// Pytes native messages (0x400–0x41E, selected with `setprt PYTES`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Pytes {
    /// 0x400: the 0x351 layout.
    Limits(Limits),
    /// 0x401: highest and lowest cell voltage and the cells' numbers.
    Cells {
        /// Highest cell voltage, mV.
        max_mv: u16,
        /// Lowest cell voltage, mV.
        min_mv: u16,
        /// Number of the highest cell.
        max_cell: u16,
        /// Number of the lowest cell.
        min_cell: u16,
    },
    /// 0x404: SOC, SOH and cycles.
    State {
        /// State of charge, %.
        soc: u16,
        /// State of health, %.
        soh: u16,
        /// Bytes 4–5, meaning unknown.
        unknown: u16,
        /// Cycle count (the source says "maybe").
        cycles: u16,
    },
    /// 0x409: capacities.
    Capacity {
        /// Total capacity, Ah (mAh on the wire).
        total_ah: Fixed<u32, 3>,
        /// Available capacity, Ah.
        available_ah: Fixed<u32, 3>,
    },
    /// 0x40A: manufacturer name.
    Name(Ascii),
    /// 0x41E: energy, kWh at 0.1 (the later decoder reading; one log
    /// prints the raw value as kWh).
    Energy {
        /// Charged energy, kWh.
        charged_kwh: Fixed<u32, 1>,
        /// Discharged energy, kWh.
        discharged_kwh: Fixed<u32, 1>,
    },
}

/// A decoded frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Message {
    /// 0x305, inverter → BMS: keep-alive when all zero; SMA Sunny Island
    /// carries data here instead (kept raw).
    KeepAlive(Extra),
    /// 0x307, Victron GX → BMS: identification (`VIC` in bytes 4–6).
    GxIdentification(Extra),
    /// 0x351: limits.
    Limits(Limits),
    /// 0x354: capacities (Discover).
    Capacity(Capacity),
    /// 0x355: SOC and SOH.
    Soc(Soc),
    /// 0x356: voltage, current, temperature.
    Measurements(Measurements),
    /// 0x359: protection and warning flags (Pylon V1.2).
    Flags(Flags),
    /// 0x35A: 2-bit alarm and warning states (SMA / Victron / Pylon V1.3).
    Alarms(Alarms),
    /// 0x35C: requests.
    Request(Request),
    /// 0x35E: manufacturer name.
    Manufacturer(Ascii),
    /// 0x35F: battery information.
    Info(Info),
    /// 0x360: 0xFF asks for charging (below about 10 % SOC).
    ChargeRequest(Extra),
    /// 0x370 (part 1) and 0x371 (part 2): BMS name.
    BmsName(u8, Ascii),
    /// 0x372: module counts.
    Modules(Modules),
    /// 0x373: cell extremes.
    Cells(Cells),
    /// 0x374–0x377: ids of the extreme cells.
    CellId(CellRole, Ascii),
    /// 0x378: energy throughput.
    Energy(Energy),
    /// 0x379: installed capacity, Ah, and any bytes after it.
    InstalledCapacity(u16, Extra),
    /// 0x380 (part 1) and 0x381 (part 2): serial number.
    Serial(u8, Ascii),
    /// 0x382: battery family name.
    Family(Ascii),
    /// Pytes native protocol.
    Pytes(Pytes),
    /// Any other frame.
    Raw(RawFrame),
}

impl Message {
    /// Decodes a standard-ID frame.
    pub fn decode(id: u16, data: &[u8]) -> Result<Self, Error> {
        if data.len() > 8 {
            return Err(Error::TooLong { len: data.len() });
        }
        let (word, len) = pad(data);
        let r = Reader { word, len };
        Ok(match id {
            0x305 => Message::KeepAlive(r.extra(0)),
            0x307 => Message::GxIdentification(r.extra(0)),
            0x351 => Message::Limits(r.limits(id)?),
            0x354 => {
                r.need(id, 4)?;
                Message::Capacity(Capacity {
                    nominal_ah: r.u16(0).unwrap_or(0),
                    remaining_ah: r.u16(2).unwrap_or(0),
                    extra: r.extra(4),
                })
            }
            0x355 => {
                r.need(id, 4)?;
                let high_res = r.u16(4);
                Message::Soc(Soc {
                    soc: r.u16(0).unwrap_or(0),
                    soh: r.u16(2).unwrap_or(0),
                    soc_high_res: high_res.map(Fixed),
                    extra: r.extra(if high_res.is_some() { 6 } else { 4 }),
                })
            }
            0x356 => {
                r.need(id, 6)?;
                Message::Measurements(Measurements {
                    voltage: Fixed(r.i16(0).unwrap_or(0)),
                    current: Fixed(r.i16(2).unwrap_or(0)),
                    temperature: Fixed(r.i16(4).unwrap_or(0)),
                    extra: r.extra(6),
                })
            }
            0x359 => {
                r.need(id, 4)?;
                let tag = match (r.u8(5), r.u8(6)) {
                    (Some(a), Some(b)) => Some([a, b]),
                    _ => None,
                };
                Message::Flags(Flags {
                    flags: Protection::from_bits_retain(r.u32(0).unwrap_or(0)),
                    module_count: r.u8(4),
                    tag,
                    extra: r.extra(if tag.is_some() { 7 } else { 5 }),
                })
            }
            0x35A => Message::Alarms(Alarms {
                raw: word,
                len: len as u8,
            }),
            0x35C => {
                r.need(id, 1)?;
                Message::Request(Request {
                    requests: Requests::from_bits_retain(r.u8(0).unwrap_or(0)),
                    extra: r.extra(1),
                })
            }
            0x35E => Message::Manufacturer(r.ascii(8)),
            0x35F => {
                r.need(id, 4)?;
                let cap = r.u16(4);
                let sw = r.u16(6);
                Message::Info(Info {
                    chemistry: r.ascii(2),
                    version: [r.u8(2).unwrap_or(0), r.u8(3).unwrap_or(0)],
                    capacity_ah: cap,
                    software: sw,
                    extra: r
                        .extra(4 + 2 * usize::from(cap.is_some()) + 2 * usize::from(sw.is_some())),
                })
            }
            0x360 => Message::ChargeRequest(r.extra(0)),
            0x370 | 0x371 => Message::BmsName((id - 0x36F) as u8, r.ascii(8)),
            0x372 => {
                let [ok, blocking_charge, blocking_discharge, offline] = r.u16s4(id)?;
                Message::Modules(Modules {
                    ok,
                    blocking_charge,
                    blocking_discharge,
                    offline,
                })
            }
            0x373 => {
                let [a, b, c, d] = r.u16s4(id)?;
                Message::Cells(Cells {
                    min_voltage: Fixed(a),
                    max_voltage: Fixed(b),
                    min_temperature_k: c,
                    max_temperature_k: d,
                })
            }
            0x374..=0x377 => {
                let role = match id {
                    0x374 => CellRole::MinVoltage,
                    0x375 => CellRole::MaxVoltage,
                    0x376 => CellRole::MinTemperature,
                    _ => CellRole::MaxTemperature,
                };
                Message::CellId(role, r.ascii(8))
            }
            0x378 => {
                r.need(id, 8)?;
                Message::Energy(Energy {
                    charged_kwh: Fixed(r.u32(0).unwrap_or(0)),
                    discharged_kwh: Fixed(r.u32(4).unwrap_or(0)),
                })
            }
            0x379 => {
                r.need(id, 2)?;
                Message::InstalledCapacity(r.u16(0).unwrap_or(0), r.extra(2))
            }
            0x380 | 0x381 => Message::Serial((id - 0x37F) as u8, r.ascii(8)),
            0x382 => Message::Family(r.ascii(8)),
            0x400 => Message::Pytes(Pytes::Limits(r.limits(id)?)),
            0x401 => {
                let [max_mv, min_mv, max_cell, min_cell] = r.u16s4(id)?;
                Message::Pytes(Pytes::Cells {
                    max_mv,
                    min_mv,
                    max_cell,
                    min_cell,
                })
            }
            0x404 => {
                let [soc, soh, unknown, cycles] = r.u16s4(id)?;
                Message::Pytes(Pytes::State {
                    soc,
                    soh,
                    unknown,
                    cycles,
                })
            }
            0x409 => {
                r.need(id, 8)?;
                Message::Pytes(Pytes::Capacity {
                    total_ah: Fixed(r.u32(0).unwrap_or(0)),
                    available_ah: Fixed(r.u32(4).unwrap_or(0)),
                })
            }
            0x40A => Message::Pytes(Pytes::Name(r.ascii(8))),
            0x41E => {
                r.need(id, 8)?;
                Message::Pytes(Pytes::Energy {
                    charged_kwh: Fixed(r.u32(0).unwrap_or(0)),
                    discharged_kwh: Fixed(r.u32(4).unwrap_or(0)),
                })
            }
            _ => Message::Raw(RawFrame {
                id: u32::from(id),
                extended: false,
                remote: false,
                data: word.to_le_bytes(),
                len: len as u8,
            }),
        })
    }

    /// Decodes a frame with any identifier: extended IDs are [`Message::Raw`].
    pub fn decode_raw(frame: &RawFrame) -> Result<Self, Error> {
        match u16::try_from(frame.id) {
            Ok(id) if !frame.extended && id < 0x800 => Message::decode(id, frame.bytes()),
            _ => Ok(Message::Raw(*frame)),
        }
    }

    /// The frame: identifier and exact data bytes.
    pub fn encode(&self) -> RawFrame {
        let b = Builder::new;
        let limits = |id, l: &Limits| {
            b().u16(l.charge_voltage.0)
                .i16(l.charge_current.0)
                .i16(l.discharge_current.0)
                .opt_u16(l.discharge_voltage.map(|v| v.0))
                .frame(id, &l.extra)
        };
        let none = Extra::default();
        match self {
            Message::KeepAlive(e) => b().frame(0x305, e),
            Message::GxIdentification(e) => b().frame(0x307, e),
            Message::Limits(l) => limits(0x351, l),
            Message::Capacity(c) => b()
                .u16(c.nominal_ah)
                .u16(c.remaining_ah)
                .frame(0x354, &c.extra),
            Message::Soc(s) => b()
                .u16(s.soc)
                .u16(s.soh)
                .opt_u16(s.soc_high_res.map(|v| v.0))
                .frame(0x355, &s.extra),
            Message::Measurements(m) => b()
                .i16(m.voltage.0)
                .i16(m.current.0)
                .i16(m.temperature.0)
                .frame(0x356, &m.extra),
            Message::Flags(f) => {
                let mut x = b().u32(f.flags.bits());
                if let Some(n) = f.module_count {
                    x = x.bytes(&[n]);
                }
                if let Some(t) = f.tag {
                    x = x.bytes(&t);
                }
                x.frame(0x359, &f.extra)
            }
            Message::Alarms(a) => {
                let bytes = a.raw.to_le_bytes();
                RawFrame::new(
                    0x35A,
                    bytes.get(..usize::from(a.len.min(8))).unwrap_or_default(),
                )
            }
            Message::Request(r) => b().bytes(&[r.requests.bits()]).frame(0x35C, &r.extra),
            Message::Manufacturer(t) => b().bytes(t.as_bytes()).frame(0x35E, &none),
            Message::Info(i) => {
                let mut chem = [0u8; 2];
                for (d, s) in chem.iter_mut().zip(i.chemistry.as_bytes()) {
                    *d = *s;
                }
                b().bytes(&chem)
                    .bytes(&i.version)
                    .opt_u16(i.capacity_ah)
                    .opt_u16(i.software)
                    .frame(0x35F, &i.extra)
            }
            Message::ChargeRequest(e) => b().frame(0x360, e),
            Message::BmsName(part, t) => b()
                .bytes(t.as_bytes())
                .frame(0x36F + u16::from(*part), &none),
            Message::Modules(m) => b()
                .u16(m.ok)
                .u16(m.blocking_charge)
                .u16(m.blocking_discharge)
                .u16(m.offline)
                .frame(0x372, &none),
            Message::Cells(c) => b()
                .u16(c.min_voltage.0)
                .u16(c.max_voltage.0)
                .u16(c.min_temperature_k)
                .u16(c.max_temperature_k)
                .frame(0x373, &none),
            Message::CellId(role, t) => {
                let id = match role {
                    CellRole::MinVoltage => 0x374,
                    CellRole::MaxVoltage => 0x375,
                    CellRole::MinTemperature => 0x376,
                    CellRole::MaxTemperature => 0x377,
                };
                b().bytes(t.as_bytes()).frame(id, &none)
            }
            Message::Energy(e) => b()
                .u32(e.charged_kwh.0)
                .u32(e.discharged_kwh.0)
                .frame(0x378, &none),
            Message::InstalledCapacity(ah, e) => b().u16(*ah).frame(0x379, e),
            Message::Serial(part, t) => b()
                .bytes(t.as_bytes())
                .frame(0x37F + u16::from(*part), &none),
            Message::Family(t) => b().bytes(t.as_bytes()).frame(0x382, &none),
            Message::Pytes(p) => match p {
                Pytes::Limits(l) => limits(0x400, l),
                Pytes::Cells {
                    max_mv,
                    min_mv,
                    max_cell,
                    min_cell,
                } => b()
                    .u16(*max_mv)
                    .u16(*min_mv)
                    .u16(*max_cell)
                    .u16(*min_cell)
                    .frame(0x401, &none),
                Pytes::State {
                    soc,
                    soh,
                    unknown,
                    cycles,
                } => b()
                    .u16(*soc)
                    .u16(*soh)
                    .u16(*unknown)
                    .u16(*cycles)
                    .frame(0x404, &none),
                Pytes::Capacity {
                    total_ah,
                    available_ah,
                } => b().u32(total_ah.0).u32(available_ah.0).frame(0x409, &none),
                Pytes::Name(t) => b().bytes(t.as_bytes()).frame(0x40A, &none),
                Pytes::Energy {
                    charged_kwh,
                    discharged_kwh,
                } => b()
                    .u32(charged_kwh.0)
                    .u32(discharged_kwh.0)
                    .frame(0x41E, &none),
            },
            Message::Raw(f) => *f,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `data` decodes to `m` and `m` encodes back to `data`.
    fn check(id: u16, data: &[u8], m: Message) {
        assert_eq!(Message::decode(id, data).unwrap(), m);
        let f = m.encode();
        assert_eq!((f.id, f.bytes()), (u32::from(id), data));
    }

    /// The real Pylontech frames quoted in docs/protocols/bms-can.md §2.
    #[test]
    fn pylon_frames_from_the_reference() {
        let d = hex("1402C012C012C201");
        check(
            0x351,
            &d,
            Message::Limits(Limits {
                charge_voltage: Fixed(532),
                charge_current: Fixed(4800),
                discharge_current: Fixed(4800),
                discharge_voltage: Some(Fixed(450)),
                extra: Extra::default(),
            }),
        );
        check(
            0x355,
            &hex("58005E00"),
            Message::Soc(Soc {
                soc: 88,
                soh: 94,
                soc_high_res: None,
                extra: Extra::default(),
            }),
        );
        check(
            0x356,
            &hex("7A13F2FE6B01"),
            Message::Measurements(Measurements {
                voltage: Fixed(4986),
                current: Fixed(-270),
                temperature: Fixed(363),
                extra: Extra::default(),
            }),
        );
        check(
            0x35C,
            &hex("C000"),
            Message::Request(Request {
                requests: Requests::CHARGE_ENABLE | Requests::DISCHARGE_ENABLE,
                extra: Extra::new(&[0]),
            }),
        );
        check(
            0x35E,
            b"PYLON   ",
            Message::Manufacturer(Ascii::new(b"PYLON   ")),
        );
    }

    #[test]
    fn short_frames_have_optional_fields() {
        let Message::Limits(l) = Message::decode(0x351, &hex("1402C012C012")).unwrap() else {
            panic!()
        };
        assert_eq!(l.discharge_voltage, None);
        assert_eq!(Message::Limits(l).encode().len, 6);
        // Seven bytes: no DVL, and the seventh byte survives re-encoding.
        let seven = hex("1402C012C012C2");
        assert_eq!(
            Message::decode(0x351, &seven).unwrap().encode().bytes(),
            &seven[..]
        );
        assert_eq!(
            Message::decode(0x356, &hex("7A13F2FE")),
            Err(Error::TooShort {
                id: 0x356,
                len: 4,
                min: 6
            })
        );
        assert_eq!(
            Message::decode(0x351, &[0; 9]),
            Err(Error::TooLong { len: 9 })
        );
    }

    #[test]
    fn unknown_ids_are_raw_frames() {
        let m = Message::decode(0x123, &[1, 2, 3]).unwrap();
        assert_eq!(m, Message::Raw(RawFrame::new(0x123, &[1, 2, 3])));
        assert_eq!(m.encode().bytes(), [1, 2, 3]);
        let ext = RawFrame {
            id: 0x351,
            extended: true,
            ..RawFrame::new(0, &[0; 8])
        };
        assert_eq!(Message::decode_raw(&ext).unwrap(), Message::Raw(ext));
    }

    #[test]
    fn pad_reads_every_length() {
        let bytes = [1u8, 2, 3, 4, 5, 6, 7, 8, 9];
        for n in 0..=9 {
            let k = n.min(8);
            let mut want = [0u8; 8];
            want[..k].copy_from_slice(&bytes[..k]);
            assert_eq!(pad(&bytes[..n]), (u64::from_le_bytes(want), k), "{n} bytes");
        }
    }

    fn hex(s: &str) -> std::vec::Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }
    extern crate std;
}
