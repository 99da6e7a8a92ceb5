//! Typed values the other way round: an arbitrary YD/T 1363 frame, every
//! Pylontech command and every typed reply (one pack and all packs) with
//! arbitrary fields are encoded, decoded and compared. A value that
//! encodes but decodes to something else is a crash.
#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use ydt1363::pylontech::{
    Alarm, Alarms, AlarmsAll, Analog, AnalogAll, Block, CID1, Capacity24, Command, List,
    Management, ManagementStatus, ManufacturerInfo, PaceText, ProtocolVersion, SerialNumber,
    SystemParameters, Temperature, Text,
};
use ydt1363::{Error, Frame, encode_request};

fn list<T: Copy + Default, const N: usize>(
    u: &mut Unstructured<'_>,
    item: impl Fn(&mut Unstructured<'_>) -> Result<T>,
) -> Result<List<T, N>> {
    let n = u.int_in_range(0..=N)?;
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        v.push(item(u)?);
    }
    Ok(List::from_slice(&v).expect("at most N"))
}

fn text<const N: usize>(u: &mut Unstructured<'_>) -> Result<Text<N>> {
    Ok(Text(list(u, |u| u.arbitrary())?))
}

fn alarm(u: &mut Unstructured<'_>) -> Result<Alarm> {
    Ok(Alarm::from_raw(u.arbitrary()?))
}

/// A block; `capacity24` is there exactly when `user_defined` is 4, as
/// `Block`'s docs ask ("keep the two in step"): the wire says which by
/// that count alone.
fn block(u: &mut Unstructured<'_>) -> Result<Block> {
    let user_defined = if u.arbitrary()? { 4 } else { u.arbitrary()? };
    Ok(Block {
        cells_mv: list(u, |u| u.arbitrary())?,
        temperatures: list(u, |u| Ok(Temperature(u.arbitrary()?)))?,
        current_da: u.arbitrary()?,
        voltage_mv: u.arbitrary()?,
        remaining_mah16: u.arbitrary()?,
        user_defined,
        total_mah16: u.arbitrary()?,
        cycles: u.arbitrary()?,
        capacity24: if user_defined == 4 {
            Some(Capacity24 {
                remaining_mah: u.int_in_range(0..=0xFF_FFFF)?,
                total_mah: u.int_in_range(0..=0xFF_FFFF)?,
            })
        } else {
            None
        },
    })
}

fn alarms(u: &mut Unstructured<'_>) -> Result<Alarms> {
    Ok(Alarms {
        infoflag: u.arbitrary()?,
        pack: u.arbitrary()?,
        cells: list(u, alarm)?,
        temperatures: list(u, alarm)?,
        charge_current: alarm(u)?,
        module_voltage: alarm(u)?,
        discharge_current: alarm(u)?,
        status: text(u)?,
    })
}

/// `value` encodes (or is refused for its size), and decodes back to itself.
fn round_trip<T: PartialEq + core::fmt::Debug>(
    value: &T,
    adr: u8,
    encode: impl Fn(&T, u8, &mut [u8]) -> core::result::Result<usize, Error>,
    decode: impl Fn(&Frame<'_>) -> core::result::Result<T, Error>,
) {
    let mut buf = [0u8; 4200];
    let n = match encode(value, adr, &mut buf) {
        Ok(n) => n,
        Err(Error::TooLong { .. } | Error::TooMany { .. }) => return,
        Err(e) => panic!("{value:?} does not encode: {e:?}"),
    };
    let frame = Frame::decode(&buf[..n]).unwrap_or_else(|e| panic!("{value:?}: {e:?}"));
    assert_eq!(frame.adr, adr);
    assert_eq!(frame.cid1, CID1);
    assert_eq!(decode(&frame).as_ref(), Ok(value));
}

fn command(u: &mut Unstructured<'_>, adr: u8) -> Result<()> {
    let pack = u.arbitrary()?;
    let c = match u.int_in_range(0..=9u8)? {
        0 => Command::ProtocolVersion,
        1 => Command::ManufacturerInfo,
        2 => Command::Analog { pack },
        3 => Command::Alarms { pack },
        4 => Command::SystemParameters {
            pack: if u.arbitrary()? { Some(pack) } else { None },
        },
        5 => Command::Management { pack },
        6 => Command::SerialNumber { pack },
        7 => Command::PaceVersion,
        8 => Command::PaceSerial,
        _ => Command::Other {
            cid2: u.arbitrary()?,
            info: list(u, |u| u.arbitrary())?,
        },
    };
    let mut buf = [0u8; 300];
    let n = c
        .encode(adr, &mut buf)
        .expect("every command fits 300 bytes");
    let frame = Frame::decode(&buf[..n]).unwrap_or_else(|e| panic!("{c:?}: {e:?}"));
    assert_eq!((frame.ver, frame.adr, frame.cid1), (c.ver(), adr, CID1));
    // `Other` with a known CID2 is not canonical: its INFO is read by
    // that command's layout, so it is equal on the wire, or refused for
    // not fitting it (as documented). Anything else comes back as itself.
    let known = [0x4F, 0x51, 0x42, 0x44, 0x47, 0x92, 0x93, 0xC1, 0xC2];
    match (c, Command::decode(&frame)) {
        (Command::Other { cid2, .. }, Ok(back)) if known.contains(&cid2) => {
            assert_eq!((back.cid2(), back.info()), (c.cid2(), c.info()), "{c:?}");
        }
        (Command::Other { cid2, .. }, Err(Error::Cut { .. } | Error::Trailing { .. }))
            if known.contains(&cid2) => {}
        (_, back) => assert_eq!(back, Ok(c)),
    }
    Ok(())
}

fn reply(u: &mut Unstructured<'_>, adr: u8) -> Result<()> {
    match u.int_in_range(0..=9u8)? {
        0 => {
            let a = Analog {
                infoflag: u.arbitrary()?,
                pack: u.arbitrary()?,
                block: block(u)?,
            };
            round_trip(&a, adr, Analog::encode, Analog::decode);
        }
        1 => {
            let infoflag = u.arbitrary()?;
            let n = u.int_in_range(0..=4)?;
            let mut blocks = Vec::new();
            for _ in 0..n {
                blocks.push(block(u)?);
            }
            let mut buf = [0u8; 4200];
            let Ok(len) = AnalogAll::encode(infoflag, &blocks, adr, &mut buf) else {
                return Ok(());
            };
            let frame = Frame::decode(&buf[..len]).expect("our own frame");
            let all = AnalogAll::decode(&frame).expect("our own reply");
            assert_eq!((all.infoflag, usize::from(all.count)), (infoflag, n));
            let back: Vec<Block> = all.map(|b| b.expect("our own block")).collect();
            assert_eq!(back, blocks);
        }
        2 => round_trip(&alarms(u)?, adr, Alarms::encode, Alarms::decode),
        3 => {
            // All packs, each with status bytes of the same length: the
            // wire does not say where one pack's status ends, the reader
            // is told (the document's five, or what the first pack had).
            let infoflag = u.arbitrary()?;
            let first = alarms(u)?;
            let mut packs = vec![first];
            for _ in 0..u.int_in_range(0..=3)? {
                let mut p = alarms(u)?;
                p.status = first.status;
                packs.push(p);
            }
            // A block carries neither its pack's address nor an INFOFLAG:
            // the reader numbers the packs from the replying address up,
            // and gives each the reply's one INFOFLAG.
            for (k, p) in packs.iter_mut().enumerate() {
                p.pack = adr.wrapping_add(k as u8);
                p.infoflag = infoflag;
            }
            let mut buf = [0u8; 4200];
            let Ok(len) = AlarmsAll::encode(infoflag, &packs, adr, &mut buf) else {
                return Ok(());
            };
            let frame = Frame::decode(&buf[..len]).expect("our own frame");
            let all = AlarmsAll::decode_with_status(&frame, first.status.as_bytes().len())
                .expect("our own reply");
            assert_eq!(
                (all.infoflag, usize::from(all.count)),
                (infoflag, packs.len())
            );
            let back: Vec<Alarms> = all.map(|a| a.expect("our own pack")).collect();
            assert_eq!(back, packs);
        }
        4 => {
            let p = SystemParameters {
                infoflag: u.arbitrary()?,
                cell_high_mv: u.arbitrary()?,
                cell_low_mv: u.arbitrary()?,
                cell_under_mv: u.arbitrary()?,
                charge_high_temperature: Temperature(u.arbitrary()?),
                charge_low_temperature: Temperature(u.arbitrary()?),
                charge_current_raw: u.arbitrary()?,
                module_high_mv: u.arbitrary()?,
                module_low_mv: u.arbitrary()?,
                module_under_mv: u.arbitrary()?,
                discharge_high_temperature: Temperature(u.arbitrary()?),
                discharge_low_temperature: Temperature(u.arbitrary()?),
                discharge_current_raw: u.arbitrary()?,
            };
            round_trip(&p, adr, SystemParameters::encode, SystemParameters::decode);
        }
        5 => {
            let m = Management {
                pack: u.arbitrary()?,
                charge_voltage_mv: u.arbitrary()?,
                discharge_voltage_mv: u.arbitrary()?,
                charge_current_da: u.arbitrary()?,
                discharge_current_da: u.arbitrary()?,
                status: ManagementStatus::from_bits_retain(u.arbitrary()?),
            };
            round_trip(&m, adr, Management::encode, Management::decode);
        }
        6 => {
            let m = ManufacturerInfo {
                device_name: u.arbitrary()?,
                software_version: u.arbitrary()?,
                manufacturer: text(u)?,
            };
            round_trip(&m, adr, ManufacturerInfo::encode, ManufacturerInfo::decode);
        }
        7 => {
            let s = SerialNumber {
                pack: u.arbitrary()?,
                serial: u.arbitrary()?,
            };
            round_trip(&s, adr, SerialNumber::encode, SerialNumber::decode);
        }
        8 => round_trip(
            &PaceText { text: text(u)? },
            adr,
            PaceText::encode,
            PaceText::decode,
        ),
        _ => round_trip(
            &ProtocolVersion {
                ver: u.arbitrary()?,
            },
            adr,
            ProtocolVersion::encode,
            ProtocolVersion::decode,
        ),
    }
    Ok(())
}

/// Any header and INFO: the frame codec alone.
fn frame(u: &mut Unstructured<'_>) -> Result<()> {
    let (ver, adr, cid1, cid2): (u8, u8, u8, u8) = u.arbitrary()?;
    let len = u.int_in_range(0..=300)?;
    let info = u.bytes(len)?;
    let mut buf = [0u8; 700];
    let n = encode_request(ver, adr, cid1, cid2, info, &mut buf).expect("300 bytes of INFO fit");
    let f = Frame::decode(&buf[..n]).unwrap_or_else(|e| panic!("{:?}: {e:?}", &buf[..n]));
    assert_eq!((f.ver, f.adr, f.cid1, f.cid2), (ver, adr, cid1, cid2));
    let mut back = vec![0u8; f.info_len()];
    let mut i = f.info();
    i.bytes(&mut back).expect("INFO reads back");
    assert_eq!(back, info);
    let mut again = [0u8; 700];
    let m = f.encode(&mut again).expect("a decoded frame encodes");
    assert_eq!(&again[..m], &buf[..n]);
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(adr) = u.arbitrary::<u8>() else {
        return;
    };
    let _ = match u.int_in_range(0..=2u8).unwrap_or(0) {
        0 => frame(&mut u),
        1 => command(&mut u, adr),
        _ => reply(&mut u, adr),
    };
});
