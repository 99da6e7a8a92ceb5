//! The short replies: QSID, QVFW/QVFW2, QFLAG, QPIWS, QMCHGCR/QMUCHGCR.

use crate::{Decimal, Error, FieldError, FlagSet, Text, Warnings, frame::Writer};

fn format_error() -> Error {
    Error::Field {
        index: 1,
        kind: FieldError::Format,
    }
}

/// QSID reply: `NN` (the valid length) then 20 characters, the part past
/// the valid length filled with `0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SerialId {
    /// Number of valid characters.
    pub valid_length: Decimal,
    /// The characters after `NN`, padding included.
    pub digits: Text<32>,
}

impl SerialId {
    /// The serial number: the valid part of `digits`.
    pub fn serial(&self) -> &str {
        let n = self.valid_length.to_u32().unwrap_or(0) as usize;
        self.digits
            .as_str()
            .get(..n)
            .unwrap_or(self.digits.as_str())
    }

    pub(crate) fn decode(payload: &[u8]) -> Result<Self, Error> {
        let (nn, digits) = payload.split_at_checked(2).ok_or(format_error())?;
        Ok(SerialId {
            valid_length: Decimal::parse(nn).map_err(|kind| Error::Field { index: 1, kind })?,
            digits: Text::from_bytes(digits).map_err(|_| Error::Field {
                index: 1,
                kind: FieldError::TooLong,
            })?,
        })
    }

    pub(crate) fn write(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        w.display(self.valid_length)?;
        w.put(self.digits.as_bytes())
    }
}

/// QVFW / QVFW2 reply: `VERFW:NNNNN.NN` (`VERFW2:` for the second CPU).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Firmware {
    /// The version after the prefix, e.g. `00072.70` (hex digits allowed).
    pub version: Text<16>,
}

impl Firmware {
    /// The series, before the `.` (`00072`).
    pub fn series(&self) -> &str {
        self.version.as_str().split('.').next().unwrap_or_default()
    }

    /// The version within the series, after the `.` (`70`).
    pub fn revision(&self) -> &str {
        self.version.as_str().split('.').nth(1).unwrap_or_default()
    }

    pub(crate) fn decode(payload: &[u8], prefix: &[u8]) -> Result<Self, Error> {
        let v = payload.strip_prefix(prefix).ok_or(format_error())?;
        Ok(Firmware {
            version: Text::from_bytes(v).map_err(|_| format_error())?,
        })
    }

    pub(crate) fn write(&self, w: &mut Writer<'_>, prefix: &[u8]) -> Result<(), Error> {
        w.put(prefix)?;
        w.put(self.version.as_bytes())
    }
}

/// QFLAG reply: `E<enabled letters>D<disabled letters>`.
///
/// The letters keep the order the unit sent them in (real units do not
/// sort them), so the reply re-encodes exactly; unknown letters are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
pub struct FlagStatus {
    /// Enabled letters, as sent.
    pub enabled: Text<26>,
    /// Disabled letters, as sent.
    pub disabled: Text<26>,
}

impl FlagStatus {
    /// A reply listing `enabled` and `disabled` in alphabetical order.
    pub fn new(enabled: FlagSet, disabled: FlagSet) -> Self {
        let mut out = FlagStatus {
            enabled: Text::new(),
            disabled: Text::new(),
        };
        for l in enabled.letters() {
            let _ = out.enabled.push_bytes(&[l]);
        }
        for l in disabled.letters() {
            let _ = out.disabled.push_bytes(&[l]);
        }
        out
    }

    /// The enabled settings.
    pub fn enabled_set(&self) -> FlagSet {
        letters(&self.enabled)
    }

    /// The disabled settings.
    pub fn disabled_set(&self) -> FlagSet {
        letters(&self.disabled)
    }

    /// Whether `flag` is enabled (`None` when the unit lists it neither way).
    pub fn get(&self, flag: FlagSet) -> Option<bool> {
        if self.enabled_set().contains(flag) {
            Some(true)
        } else if self.disabled_set().contains(flag) {
            Some(false)
        } else {
            None
        }
    }

    pub(crate) fn decode(payload: &[u8]) -> Result<Self, Error> {
        let rest = payload.strip_prefix(b"E").ok_or(format_error())?;
        let d = rest.iter().position(|&c| c == b'D').ok_or(format_error())?;
        let (en, dis) = rest.split_at(d);
        let dis = dis.get(1..).unwrap_or_default();
        let check = |t: &[u8]| -> Result<Text<26>, Error> {
            if t.iter().any(|c| !c.is_ascii_lowercase()) {
                return Err(format_error());
            }
            Text::from_bytes(t).map_err(|_| format_error())
        };
        Ok(FlagStatus {
            enabled: check(en)?,
            disabled: check(dis)?,
        })
    }

    pub(crate) fn write(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        w.put(b"E")?;
        w.put(self.enabled.as_bytes())?;
        w.put(b"D")?;
        w.put(self.disabled.as_bytes())
    }
}

fn letters(t: &Text<26>) -> FlagSet {
    t.as_bytes()
        .iter()
        .filter_map(|&l| FlagSet::from_letter(l))
        .fold(FlagSet::empty(), |a, b| a | b)
}

#[cfg(feature = "serde")]
impl serde::Serialize for FlagStatus {
    /// `{"enabled": "akxy", "disabled": "bjuvz", "flags": {"buzzer": true, ...}}`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("FlagStatus", 3)?;
        st.serialize_field("enabled", &self.enabled)?;
        st.serialize_field("disabled", &self.disabled)?;
        st.serialize_field("flags", &(self.enabled_set() & FlagSet::all_documented()))?;
        st.end()
    }
}

/// QPIWS reply: warning and fault bits, one character per position, a0 first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct WarningStatus {
    /// The bits; positions past a31 are bits 32 and up.
    pub bits: Warnings,
    /// Number of positions sent (32 or 36 on real units; at most 64).
    pub positions: u8,
}

impl WarningStatus {
    /// Bits the document classes as faults (docs/protocols/axpert.md §4.3).
    pub fn faults(&self) -> Warnings {
        self.bits.faults()
    }

    /// Positions past a31, raw (ESPHome reads 31–32 of 36 as a fault code;
    /// undocumented).
    pub fn extra_positions(&self) -> u64 {
        self.bits.bits() >> 32
    }

    pub(crate) fn decode(payload: &[u8]) -> Result<Self, Error> {
        // Eight positions at a time, when every one is right.
        match crate::word::bits_lsb_first(payload) {
            Some(bits) => Ok(WarningStatus {
                bits: Warnings::from_bits_retain(bits),
                positions: payload.len() as u8,
            }),
            None => Self::decode_checked(payload),
        }
    }

    /// [`decode`](Self::decode) a byte at a time, naming the fault.
    pub(crate) fn decode_checked(payload: &[u8]) -> Result<Self, Error> {
        if payload.is_empty() || payload.len() > 64 {
            return Err(Error::Field {
                index: 1,
                kind: FieldError::Width {
                    expected: 32,
                    found: payload.len().min(255) as u8,
                },
            });
        }
        let mut bits = 0u64;
        for (i, &c) in payload.iter().enumerate() {
            match c {
                b'0' => {}
                b'1' => bits |= 1 << i,
                _ => {
                    return Err(Error::Field {
                        index: 1,
                        kind: FieldError::NotBit,
                    });
                }
            }
        }
        Ok(WarningStatus {
            bits: Warnings::from_bits_retain(bits),
            positions: payload.len() as u8,
        })
    }

    pub(crate) fn write(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        for i in 0..self.positions.min(64) {
            w.put(if self.bits.bits() >> i & 1 == 1 {
                b"1"
            } else {
                b"0"
            })?;
        }
        Ok(())
    }
}

/// Capacity of a [`CurrentList`].
pub const CURRENT_LIST_CAPACITY: usize = 32;

/// QMCHGCR / QMUCHGCR reply: the selectable currents, A.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct CurrentList {
    values: [Decimal; CURRENT_LIST_CAPACITY],
    len: u8,
}

impl CurrentList {
    /// A list of whole amperes, written 3 digits wide as units do.
    pub fn new(amps: &[u16]) -> Result<Self, Error> {
        let mut out = CurrentList {
            values: [Decimal::new(0, 0); CURRENT_LIST_CAPACITY],
            len: 0,
        };
        for &a in amps {
            out.push(Decimal::new(i32::from(a), 0).with_width(3))?;
        }
        Ok(out)
    }

    fn push(&mut self, d: Decimal) -> Result<(), Error> {
        let slot = self
            .values
            .get_mut(usize::from(self.len))
            .ok_or(Error::Capacity {
                max: CURRENT_LIST_CAPACITY,
            })?;
        *slot = d;
        self.len += 1;
        Ok(())
    }

    /// The currents.
    pub fn values(&self) -> &[Decimal] {
        self.values.get(..usize::from(self.len)).unwrap_or_default()
    }

    /// Whether `amps` is one of the selectable currents.
    pub fn contains(&self, amps: u16) -> bool {
        self.values()
            .iter()
            .any(|d| d.to_u32() == Some(u32::from(amps)))
    }

    pub(crate) fn decode(payload: &[u8]) -> Result<Self, Error> {
        let mut out = CurrentList::new(&[])?;
        for (i, f) in payload
            .split(|&c| c == b' ')
            .filter(|f| !f.is_empty())
            .enumerate()
        {
            let index = u8::try_from(i + 1).unwrap_or(u8::MAX);
            let d = Decimal::parse(f).map_err(|kind| Error::Field { index, kind })?;
            out.push(d).map_err(|_| Error::Field {
                index,
                kind: FieldError::TooLong,
            })?;
        }
        Ok(out)
    }

    pub(crate) fn write(&self, w: &mut Writer<'_>) -> Result<(), Error> {
        for (i, d) in self.values().iter().enumerate() {
            if i > 0 {
                w.put(b" ")?;
            }
            w.display(d)?;
        }
        Ok(())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for CurrentList {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.values())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for CurrentList {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = CurrentList;
            fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str("a list of currents")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<CurrentList, A::Error> {
                let mut out = CurrentList::new(&[]).map_err(serde::de::Error::custom)?;
                while let Some(d) = seq.next_element::<Decimal>()? {
                    out.push(d).map_err(serde::de::Error::custom)?;
                }
                Ok(out)
            }
        }
        d.deserialize_seq(V)
    }
}
