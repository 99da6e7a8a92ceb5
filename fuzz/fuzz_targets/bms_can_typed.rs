//! Typed values the other way round: an arbitrary BMS CAN `Message`
//! (every message, short frames and trailing bytes included) is encoded
//! to its CAN frame, decoded and compared. A value that encodes but
//! decodes to something else is a crash. Values outside the layout (an
//! optional field after a missing one, more than 8 bytes, a part number
//! that is another message's ID) must at least decode to a message that
//! encodes to the same frame.
#![no_main]

use bms_can::{
    Alarms, Ascii, Capacity, CellRole, Cells, Energy, Extra, Fixed, Flags, Info, Limits,
    Measurements, Message, Modules, Protection, Pytes, RawFrame, Request, Requests, Soc,
};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

/// IDs the decoder knows: a raw frame with one of these is not canonical.
const KNOWN: [u16; 34] = [
    0x305, 0x307, 0x351, 0x354, 0x355, 0x356, 0x359, 0x35A, 0x35C, 0x35E, 0x35F, 0x360, 0x370,
    0x371, 0x372, 0x373, 0x374, 0x375, 0x376, 0x377, 0x378, 0x379, 0x380, 0x381, 0x382, 0x400,
    0x401, 0x404, 0x409, 0x40A, 0x41E, 0x305, 0x305, 0x305,
];

/// The generator: `strict` keeps to the layout (a field is there only when
/// every byte before it is, trailing bytes only up to 8 in all).
struct G<'a, 'b> {
    u: &'a mut Unstructured<'b>,
    strict: bool,
}

impl G<'_, '_> {
    fn any<T: for<'x> libfuzzer_sys::arbitrary::Arbitrary<'x>>(&mut self) -> Result<T> {
        self.u.arbitrary()
    }

    /// Up to `room` trailing bytes (8 when not strict).
    fn extra(&mut self, room: usize) -> Result<Extra> {
        let room = if self.strict { room } else { 8 };
        let n = self.u.int_in_range(0..=room)?;
        Ok(Extra::new(self.u.bytes(n)?))
    }

    fn ascii(&mut self, n: usize) -> Result<Ascii> {
        let n = self.u.int_in_range(0..=n)?;
        Ok(Ascii::new(self.u.bytes(n)?))
    }

    fn opt<T: for<'x> libfuzzer_sys::arbitrary::Arbitrary<'x>>(
        &mut self,
        before: bool,
    ) -> Result<Option<T>> {
        Ok(if (before || !self.strict) && self.u.arbitrary()? {
            Some(self.u.arbitrary()?)
        } else {
            None
        })
    }

    fn part(&mut self) -> Result<u8> {
        if self.strict {
            self.u.int_in_range(1..=2)
        } else {
            self.u.arbitrary()
        }
    }

    fn limits(&mut self) -> Result<Limits> {
        let discharge_voltage = self.opt::<u16>(true)?.map(Fixed);
        Ok(Limits {
            charge_voltage: Fixed(self.any()?),
            charge_current: Fixed(self.any()?),
            discharge_current: Fixed(self.any()?),
            discharge_voltage,
            // A 7-byte frame keeps its seventh byte here.
            extra: self.extra(if discharge_voltage.is_some() { 0 } else { 1 })?,
        })
    }
}

fn message(g: &mut G<'_, '_>) -> Result<Message> {
    use Message as M;
    Ok(match g.u.int_in_range(0..=27u8)? {
        0 => M::KeepAlive(g.extra(8)?),
        1 => M::GxIdentification(g.extra(8)?),
        2 => M::Limits(g.limits()?),
        3 => M::Capacity(Capacity {
            nominal_ah: g.any()?,
            remaining_ah: g.any()?,
            extra: g.extra(4)?,
        }),
        4 => {
            let soc_high_res = g.opt::<u16>(true)?.map(Fixed);
            M::Soc(Soc {
                soc: g.any()?,
                soh: g.any()?,
                soc_high_res,
                extra: g.extra(if soc_high_res.is_some() { 2 } else { 1 })?,
            })
        }
        5 => M::Measurements(Measurements {
            voltage: Fixed(g.any()?),
            current: Fixed(g.any()?),
            temperature: Fixed(g.any()?),
            extra: g.extra(2)?,
        }),
        6 => {
            let module_count = g.opt::<u8>(true)?;
            let tag = g.opt::<[u8; 2]>(module_count.is_some())?;
            M::Flags(Flags {
                flags: Protection::from_bits_retain(g.any()?),
                module_count,
                tag,
                extra: g.extra(if module_count.is_some() { 1 } else { 0 })?,
            })
        }
        7 => {
            let len: u8 = if g.strict {
                g.u.int_in_range(0..=8)?
            } else {
                g.any()?
            };
            let mut raw: u64 = g.any()?;
            if g.strict && len < 8 {
                raw &= (1u64 << (8 * len)) - 1;
            }
            M::Alarms(Alarms { raw, len })
        }
        8 => M::Request(Request {
            requests: Requests::from_bits_retain(g.any()?),
            extra: g.extra(7)?,
        }),
        9 => M::Manufacturer(g.ascii(8)?),
        10 => {
            let capacity_ah = g.opt::<u16>(true)?;
            let software = g.opt::<u16>(capacity_ah.is_some())?;
            M::Info(Info {
                // Always two bytes on the wire.
                chemistry: if g.strict {
                    Ascii::new(g.u.bytes(2)?)
                } else {
                    g.ascii(8)?
                },
                version: g.any()?,
                capacity_ah,
                software,
                extra: g.extra(if software.is_some() { 0 } else { 1 })?,
            })
        }
        11 => M::ChargeRequest(g.extra(8)?),
        12 => M::BmsName(g.part()?, g.ascii(8)?),
        13 => M::Modules(Modules {
            ok: g.any()?,
            blocking_charge: g.any()?,
            blocking_discharge: g.any()?,
            offline: g.any()?,
        }),
        14 => M::Cells(Cells {
            min_voltage: Fixed(g.any()?),
            max_voltage: Fixed(g.any()?),
            min_temperature_k: g.any()?,
            max_temperature_k: g.any()?,
        }),
        15 => {
            let role = *g.u.choose(&[
                CellRole::MinVoltage,
                CellRole::MaxVoltage,
                CellRole::MinTemperature,
                CellRole::MaxTemperature,
            ])?;
            M::CellId(role, g.ascii(8)?)
        }
        16 => M::Energy(Energy {
            charged_kwh: Fixed(g.any()?),
            discharged_kwh: Fixed(g.any()?),
        }),
        17 => M::InstalledCapacity(g.any()?, g.extra(6)?),
        18 => M::Serial(g.part()?, g.ascii(8)?),
        19 => M::Family(g.ascii(8)?),
        20 => M::Pytes(Pytes::Limits(g.limits()?)),
        21 => M::Pytes(Pytes::Cells {
            max_mv: g.any()?,
            min_mv: g.any()?,
            max_cell: g.any()?,
            min_cell: g.any()?,
        }),
        22 => M::Pytes(Pytes::State {
            soc: g.any()?,
            soh: g.any()?,
            unknown: g.any()?,
            cycles: g.any()?,
        }),
        23 => M::Pytes(Pytes::Capacity {
            total_ah: Fixed(g.any()?),
            available_ah: Fixed(g.any()?),
        }),
        24 => M::Pytes(Pytes::Name(g.ascii(8)?)),
        25 => M::Pytes(Pytes::Energy {
            charged_kwh: Fixed(g.any()?),
            discharged_kwh: Fixed(g.any()?),
        }),
        26 => {
            let id = g.u.int_in_range(0..=0x7FF)?;
            if g.strict && KNOWN.contains(&id) {
                return Err(libfuzzer_sys::arbitrary::Error::IncorrectFormat);
            }
            let n = g.u.int_in_range(0..=8)?;
            M::Raw(RawFrame::new(id, g.u.bytes(n)?))
        }
        _ => {
            let id = g.u.int_in_range(0..=0x1FFF_FFFF)?;
            let n = g.u.int_in_range(0..=8)?;
            M::Raw(RawFrame::new_extended(id, g.u.bytes(n)?))
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let strict = u.arbitrary().unwrap_or(true);
    let Ok(m) = message(&mut G { u: &mut u, strict }) else {
        return;
    };
    let f = m.encode();
    assert!(f.bytes().len() <= 8);
    match Message::decode_raw(&f) {
        Ok(back) => {
            assert_eq!(back.encode(), f, "{m:?} came back as {back:?}");
            if strict {
                assert_eq!(back, m, "{f:?}");
            }
        }
        Err(e) => assert!(!strict, "{m:?} encoded as {f:?}: {e:?}"),
    }
});
