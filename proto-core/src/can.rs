//! One classic CAN frame type for every crate of the workspace: the
//! battery protocol (`bms-can`), the SLCAN codec and the SocketCAN
//! transport all carry this one, and it converts to and from any
//! `embedded-can` driver's frame.

use embedded_can::{ExtendedId, Id, StandardId};

/// A classic CAN frame: identifier, kind and up to 8 data bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CanFrame {
    /// The identifier: 11 bits, or 29 when `extended`.
    pub id: u32,
    /// Whether the identifier is a 29-bit one.
    pub extended: bool,
    /// A remote (request) frame: `len` is its DLC, and it carries no data.
    #[cfg_attr(feature = "serde", serde(default))]
    pub remote: bool,
    /// Data bytes (the first `len` count).
    pub data: [u8; 8],
    /// Data length (the DLC), 0..=8.
    pub len: u8,
}

impl CanFrame {
    /// A standard-ID data frame of `data` (at most 8 bytes; more are cut).
    pub fn new(id: u16, data: &[u8]) -> Self {
        Self::with(u32::from(id), false, data)
    }

    /// An extended-ID data frame of `data` (at most 8 bytes; more are cut).
    pub fn new_extended(id: u32, data: &[u8]) -> Self {
        Self::with(id, true, data)
    }

    fn with(id: u32, extended: bool, data: &[u8]) -> Self {
        let len = data.len().min(8);
        let mut f = CanFrame {
            id,
            extended,
            remote: false,
            data: [0; 8],
            len: len as u8,
        };
        if let (Some(d), Some(s)) = (f.data.get_mut(..len), data.get(..len)) {
            d.copy_from_slice(s);
        }
        f
    }

    /// The data bytes (none for a remote frame).
    pub fn bytes(&self) -> &[u8] {
        if self.remote {
            return &[];
        }
        self.data.get(..usize::from(self.len)).unwrap_or_default()
    }

    /// The identifier as `embedded-can` has it; `None` if it does not fit
    /// its kind (over 0x7FF standard, over 0x1FFF_FFFF extended).
    pub fn can_id(&self) -> Option<Id> {
        Some(if self.extended {
            ExtendedId::new(self.id)?.into()
        } else {
            StandardId::new(u16::try_from(self.id).ok()?)?.into()
        })
    }

    /// Any `embedded-can` frame as this type.
    pub fn from_can<F: embedded_can::Frame>(f: &F) -> Self {
        let (id, extended) = match f.id() {
            Id::Standard(s) => (u32::from(s.as_raw()), false),
            Id::Extended(e) => (e.as_raw(), true),
        };
        let mut frame = Self::with(id, extended, f.data());
        if f.is_remote_frame() {
            frame.remote = true;
            frame.len = f.dlc().min(8) as u8;
        }
        frame
    }

    /// This frame as any `embedded-can` frame type; `None` if the
    /// identifier does not fit its kind or the driver refuses the frame.
    pub fn to_can<F: embedded_can::Frame>(&self) -> Option<F> {
        let id = self.can_id()?;
        if self.remote {
            F::new_remote(id, usize::from(self.len))
        } else {
            F::new(id, self.bytes())
        }
    }
}

impl embedded_can::Frame for CanFrame {
    fn new(id: impl Into<Id>, data: &[u8]) -> Option<Self> {
        if data.len() > 8 {
            return None;
        }
        Some(match id.into() {
            Id::Standard(s) => CanFrame::new(s.as_raw(), data),
            Id::Extended(e) => CanFrame::new_extended(e.as_raw(), data),
        })
    }

    fn new_remote(id: impl Into<Id>, dlc: usize) -> Option<Self> {
        if dlc > 8 {
            return None;
        }
        let mut f = <CanFrame as embedded_can::Frame>::new(id, &[])?;
        f.remote = true;
        f.len = dlc as u8;
        Some(f)
    }

    fn is_extended(&self) -> bool {
        self.extended
    }

    fn is_remote_frame(&self) -> bool {
        self.remote
    }

    fn id(&self) -> Id {
        // Constructed through checked ids or public fields: an id that does
        // not fit its kind is masked into range rather than panicking.
        self.can_id().unwrap_or_else(|| {
            if self.extended {
                ExtendedId::new(self.id & 0x1FFF_FFFF)
                    .unwrap_or(ExtendedId::ZERO)
                    .into()
            } else {
                StandardId::new((self.id & 0x7FF) as u16)
                    .unwrap_or(StandardId::ZERO)
                    .into()
            }
        })
    }

    fn dlc(&self) -> usize {
        usize::from(self.len)
    }

    fn data(&self) -> &[u8] {
        self.bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use embedded_can::Frame as _;

    #[test]
    fn round_trips_through_embedded_can() {
        let f = CanFrame::new(0x356, &[0x7A, 0x13]);
        assert_eq!(f.can_id(), Some(StandardId::new(0x356).unwrap().into()));
        let g: CanFrame = f.to_can().unwrap();
        assert_eq!(CanFrame::from_can(&g), f);
        let r = CanFrame::new_remote(ExtendedId::new(0x18FF_50E5).unwrap(), 8).unwrap();
        assert!(r.is_remote_frame() && r.is_extended());
        assert_eq!((r.dlc(), r.data()), (8, &[][..]));
        assert_eq!(CanFrame::from_can(&r), r);
        assert_eq!(CanFrame::new(1, &[0; 12]).len, 8, "cut at 8");
        let bad = CanFrame {
            id: 0x800,
            ..CanFrame::default()
        };
        assert_eq!(bad.can_id(), None);
        assert_eq!(bad.to_can::<CanFrame>(), None);
    }
}
