//! `embedded-can` integration: decode from and encode to any MCU CAN
//! driver's frame type.

use embedded_can::Frame;

use crate::{Error, Message, RawFrame};

impl Message {
    /// Decodes any `embedded-can` frame; extended and remote frames are raw.
    pub fn from_can<F: Frame>(f: &F) -> Result<Self, Error> {
        if f.is_remote_frame() {
            return Ok(Message::Raw(RawFrame::from_can(f)));
        }
        Message::decode_raw(&RawFrame::from_can(f))
    }

    /// Encodes into any `embedded-can` frame type.
    pub fn to_can<F: Frame>(&self) -> Option<F> {
        self.encode().to_can()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use embedded_can::{ExtendedId, Id, StandardId};

    /// A minimal frame type, as an MCU driver would have.
    #[derive(Debug, PartialEq)]
    struct Mcu {
        id: Id,
        data: [u8; 8],
        len: usize,
        remote: bool,
    }

    impl Frame for Mcu {
        fn new(id: impl Into<Id>, data: &[u8]) -> Option<Self> {
            if data.len() > 8 {
                return None;
            }
            let mut d = [0; 8];
            d[..data.len()].copy_from_slice(data);
            Some(Mcu {
                id: id.into(),
                data: d,
                len: data.len(),
                remote: false,
            })
        }
        fn new_remote(id: impl Into<Id>, dlc: usize) -> Option<Self> {
            Some(Mcu {
                id: id.into(),
                data: [0; 8],
                len: dlc,
                remote: true,
            })
        }
        fn is_extended(&self) -> bool {
            matches!(self.id, Id::Extended(_))
        }
        fn is_remote_frame(&self) -> bool {
            self.remote
        }
        fn id(&self) -> Id {
            self.id
        }
        fn dlc(&self) -> usize {
            self.len
        }
        fn data(&self) -> &[u8] {
            &self.data[..self.len]
        }
    }

    #[test]
    fn through_an_mcu_frame_type() {
        let f = Mcu::new(
            StandardId::new(0x356).unwrap(),
            &[0x7A, 0x13, 0xF2, 0xFE, 0x6B, 0x01],
        )
        .unwrap();
        let m = Message::from_can(&f).unwrap();
        assert!(matches!(m, Message::Measurements(_)));
        assert_eq!(m.to_can::<Mcu>().unwrap(), f);
        let ext = Mcu::new(ExtendedId::new(0x351).unwrap(), &[1]).unwrap();
        assert!(matches!(
            Message::from_can(&ext).unwrap(),
            Message::Raw(RawFrame { extended: true, .. })
        ));
        let remote = Mcu::new_remote(StandardId::new(0x351).unwrap(), 8).unwrap();
        assert!(matches!(
            Message::from_can(&remote).unwrap(),
            Message::Raw(_)
        ));
    }
}
