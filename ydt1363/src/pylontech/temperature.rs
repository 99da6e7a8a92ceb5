//! Temperatures on the wire: tenths of a kelvin, offset 2731.

/// A temperature as sent: tenths of a kelvin, with 0 °C at 2731
/// (`docs/protocols/ydt1363.md` §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Temperature(pub u16);

impl Temperature {
    /// 0 °C on the wire.
    pub const ZERO_CELSIUS: u16 = 2731;

    /// Tenths of a degree Celsius, exactly: 3331 is 600 (60.0 °C), 2631
    /// is −100.
    pub const fn celsius(self) -> i32 {
        self.0 as i32 - Self::ZERO_CELSIUS as i32
    }

    /// The temperature of `tenths` of a degree Celsius, or `None` when
    /// the wire's u16 cannot carry it.
    pub const fn from_celsius(tenths: i32) -> Option<Self> {
        let raw = tenths + Self::ZERO_CELSIUS as i32;
        if raw < 0 || raw > u16::MAX as i32 {
            None
        } else {
            Some(Temperature(raw as u16))
        }
    }
}
