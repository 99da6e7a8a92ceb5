//! Real captures (`testdata/captures/pylontech-rs485.jsonl`), the notes'
//! decoded examples, both ways; errors; properties.

extern crate std;

use proptest::prelude::*;
use std::vec::Vec;

use super::*;
use crate::Frame;

/// `value` decodes from `bytes`, and encodes (from `adr`) back to them.
fn check<T: PartialEq + core::fmt::Debug>(
    value: T,
    bytes: &[u8],
    decode: impl Fn(&Frame<'_>) -> Result<T, Error>,
    encode: impl Fn(&T, u8, &mut [u8]) -> Result<usize, Error>,
) {
    let frame = Frame::decode(bytes).unwrap();
    assert_eq!(decode(&frame).unwrap(), value, "decode");
    let mut buf = [0u8; 512];
    let n = encode(&value, frame.adr, &mut buf).unwrap();
    assert_eq!(
        core::str::from_utf8(&buf[..n]).unwrap(),
        core::str::from_utf8(bytes).unwrap(),
        "encode"
    );
}

fn check_command(command: Command, adr: u8, bytes: &[u8]) {
    assert_eq!(Command::decode_bytes(bytes), Ok(command), "decode");
    let mut buf = [0u8; 160];
    let n = command.encode(adr, &mut buf).unwrap();
    assert_eq!(&buf[..n], bytes, "encode");
    let r = command.request(adr);
    let n = crate::encode_request(r.ver, r.adr, r.cid1, r.cid2, r.info, &mut buf).unwrap();
    assert_eq!(&buf[..n], bytes, "request");
}

const REPLY_47: &[u8] = b"~20024600B032110E420BEA0AF00D030A4703E8D2F0B3B0A7F80D030A47FC18F27E\r";
const REPLY_92: &[u8] = b"~20024600B01402D002AFC800C8FE0CC0F915\r";
const REPLY_C2: &[u8] = b"~25014600B05031373930303131323235303933374420202020204A616E20313020323032322C31333A34343A3133ED79\r";

#[test]
fn the_0x47_capture() {
    let p = SystemParameters {
        infoflag: 0x11,
        cell_high_mv: 3650,
        cell_low_mv: 3050,
        cell_under_mv: 2800,
        charge_high_temperature: Temperature(3331),
        charge_low_temperature: Temperature(2631),
        charge_current_raw: 1000,
        module_high_mv: 54000,
        module_low_mv: 46000,
        module_under_mv: 43000,
        discharge_high_temperature: Temperature(3331),
        discharge_low_temperature: Temperature(2631),
        discharge_current_raw: -1000,
    };
    check(
        p,
        REPLY_47,
        SystemParameters::decode,
        SystemParameters::encode,
    );
    assert_eq!(p.charge_high_temperature.celsius(), 600);
    assert_eq!(p.charge_low_temperature.celsius(), -100);
    assert_eq!(Temperature::from_celsius(-100), Some(Temperature(2631)));
    // The scale trap: 10 A by the document, 100 A on a US5000.
    assert_eq!(p.charge_current_limit(Scale::CentiAmps), 10_000);
    assert_eq!(p.charge_current_limit(Scale::DeciAmps), 100_000);
    assert_eq!(p.discharge_current_limit(Scale::DeciAmps), -100_000);
}

#[test]
fn the_0x92_capture() {
    let m = Management {
        pack: 2,
        charge_voltage_mv: 53250,
        discharge_voltage_mv: 45000,
        charge_current_da: 200,
        discharge_current_da: -500,
        status: ManagementStatus::CHARGE_ENABLE | ManagementStatus::DISCHARGE_ENABLE,
    };
    check(m, REPLY_92, Management::decode, Management::encode);
    assert_eq!(m.status.bits(), 0xC0);
    // Bits beyond the two documented ones are kept.
    let odd = ManagementStatus::from_bits_retain(0x28);
    assert_eq!(odd.bits(), 0x28);
    assert!(!odd.contains(ManagementStatus::CHARGE_ENABLE));
}

#[test]
fn the_pace_capture() {
    check_command(Command::PaceSerial, 1, b"~250146C20000FD99\r");
    let t = PaceText {
        text: Text::from_bytes(b"17900112250937D     Jan 10 2022,13:44:13").unwrap(),
    };
    check(t, REPLY_C2, PaceText::decode, PaceText::encode);
    assert_eq!(
        t.text.as_str(),
        Some("17900112250937D     Jan 10 2022,13:44:13")
    );
}

#[test]
fn every_command_both_ways() {
    check_command(Command::Analog { pack: 2 }, 2, b"~20024642E00202FD33\r");
    // docs/protocols/ydt1363.md §2's vectors.
    check_command(Command::ProtocolVersion, 1, b"~2001464F0000FD99\r");
    check_command(Command::Analog { pack: 1 }, 1, b"~20014642E00201FD35\r");
    let mut buf = [0u8; 160];
    for command in [
        Command::ManufacturerInfo,
        Command::Analog { pack: 0xFF },
        Command::Alarms { pack: 3 },
        Command::SystemParameters { pack: None },
        Command::SystemParameters { pack: Some(2) },
        Command::Management { pack: 2 },
        Command::SerialNumber { pack: 4 },
        Command::PaceVersion,
        Command::Other {
            cid2: 0x61,
            info: List::from_slice(&[1, 2, 3]).unwrap(),
        },
        Command::Other {
            cid2: 0x4D,
            info: List::new(),
        },
    ] {
        let n = command.encode(2, &mut buf).unwrap();
        assert_eq!(Command::decode_bytes(&buf[..n]), Ok(command));
    }
    // A known command with INFO of the wrong length: an error at its place.
    let n = crate::encode_request(VER, 2, CID1, 0x92, &[2, 3], &mut buf).unwrap();
    assert_eq!(
        Command::decode_bytes(&buf[..n]),
        Err(Error::Trailing {
            offset: 15,
            extra: 1
        })
    );
    let n = crate::encode_request(VER, 2, CID1, 0x44, &[], &mut buf).unwrap();
    assert_eq!(
        Command::decode_bytes(&buf[..n]),
        Err(Error::Cut {
            offset: 13,
            needed: 2
        })
    );
    let n = crate::encode_request(0x21, 1, 0x2A, 0x50, &[], &mut buf).unwrap();
    assert_eq!(
        Command::decode_bytes(&buf[..n]),
        Err(Error::DeviceType {
            expected: 0x46,
            found: 0x2A
        })
    );
}

/// The decoded 0x42 example of the notes (US5000, python-pylontech
/// #30/#31): 15 cells, 6 temperatures, 51.849 V, user-defined 4 with both
/// capacities 100000 mAh as u24. The notes give the cells and
/// temperatures as ranges (3.43–3.46 V, 28.9–34.0 °C) and no cycle count:
/// the values inside the ranges, and the cycle count, are ours.
fn analog_example() -> Analog {
    Analog {
        infoflag: 0x11,
        pack: 2,
        block: Block {
            cells_mv: List::from_slice(&[
                3456, 3457, 3455, 3458, 3456, 3457, 3459, 3456, 3455, 3457, 3456, 3458, 3430, 3460,
                3456,
            ])
            .unwrap(),
            temperatures: List::from_slice(&[
                Temperature(3071),
                Temperature(3020),
                Temperature(3021),
                Temperature(3022),
                Temperature(3023),
                Temperature(3024),
            ])
            .unwrap(),
            current_da: 0,
            voltage_mv: 51849,
            remaining_mah16: 0xFFFF,
            user_defined: 4,
            total_mah16: 0xFFFF,
            cycles: 12,
            capacity24: Some(Capacity24 {
                remaining_mah: 100_000,
                total_mah: 100_000,
            }),
        },
    }
}

#[test]
fn the_notes_0x42_example() {
    let a = analog_example();
    let mut buf = [0u8; 512];
    let n = a.encode(2, &mut buf).unwrap();
    let frame = Frame::decode(&buf[..n]).unwrap();
    assert_eq!(
        (frame.ver, frame.adr, frame.cid1, frame.cid2),
        (0x20, 2, 0x46, 0)
    );
    // INFO, field by field (0x186A0 = 100000).
    let info = core::str::from_utf8(frame.info).unwrap();
    assert!(info.starts_with("11020F0D80"), "{info}");
    assert!(
        info.ends_with("0000CA89FFFF04FFFF000C0186A00186A0"),
        "{info}"
    );
    let back = Analog::decode(&frame).unwrap();
    assert_eq!(back, a);
    assert_eq!(
        (back.block.remaining_mah(), back.block.total_mah()),
        (100_000, 100_000)
    );
    assert_eq!(back.block.temperatures.as_slice()[0].celsius(), 340);
    // Without the 24-bit fields, the 16-bit ones are the capacities.
    let small = Analog {
        block: Block {
            user_defined: 2,
            remaining_mah16: 37_000,
            total_mah16: 50_000,
            capacity24: None,
            ..a.block
        },
        ..a
    };
    let n = small.encode(2, &mut buf).unwrap();
    let back = Analog::decode(&Frame::decode(&buf[..n]).unwrap()).unwrap();
    assert_eq!(back, small);
    assert_eq!(
        (back.block.remaining_mah(), back.block.total_mah()),
        (37_000, 50_000)
    );
}

// Real 0x42 replies from python-pylontech's tests (Frankkkkk/python-pylontech
// tests/test_basic.py), with the values its assertions give.

/// UP2500, one pack asked (address 2): 8 cells, capacities as u24.
const UP2500_42: &[u8] = b"~20024600D05E1002080D020D020D020D030D000D010D010D03050B7D0B690B690B690B73FFFA680EFFFF04FFFF00000174E401B198E906\r";
/// US2000 × 3, all packs asked: 16-bit capacities (user-defined 2).
const US2000X3_42: &[u8] = b"~20024600914211030F0CE70CE80CE60CE70CE80CE80CE80CE60CE50CE60CE80CE70CEA0CE50CE6050B910B870B870B870B87FFE6C18982DC02C350001F0F0CE20CE60CE60CE10CE50CE70CE60CE30CE20CE50CE30CE90CE70CE90CE9050B910B870B870B870B87FFE7C17082DC02C350001F0F0CE20CE50CE50CE20CE30CE30CE40CE50CE60CE60CE30CE40CE40CE60CE6050B910B7D0B7D0B7D0B7DFFE5C16082DC02C350001FB476\r";
/// A US3000 and a US2000, all packs asked: capacities as u24.
const MIXED_42: &[u8] = b"~2002460010F011020F0CCD0CCE0CCC0CCE0CCB0CCC0CCD0CCC0CCD0CCB0CCC0CCD0CCD0CCE0CCC050BE10BCD0BCD0BD70BCDFFC3BFFDFFFF04FFFF0234007F300121100F0CCA0CCA0CCB0CCC0CCA0CCC0CCB0CCB0CCB0CCB0CCB0CCA0CCC0CCC0CCB050BEB0BCD0BCD0BCD0BC3FFD1BFE5FFFF04FFFF0292005FB400C350C4A7\r";

#[test]
fn a_real_one_pack_0x42_reply() {
    let f = Frame::decode(UP2500_42).unwrap();
    let a = Analog::decode(&f).unwrap();
    assert_eq!((a.infoflag, a.pack), (0x10, 2));
    let b = a.block;
    assert_eq!(
        b.cells_mv.as_slice(),
        [3330, 3330, 3330, 3331, 3328, 3329, 3329, 3331]
    );
    let celsius: Vec<i32> = b
        .temperatures
        .as_slice()
        .iter()
        .map(|t| t.celsius())
        .collect();
    assert_eq!(celsius, [210, 190, 190, 190, 200]);
    assert_eq!((b.current_da, b.voltage_mv, b.cycles), (-6, 26638, 0));
    assert_eq!(
        (b.remaining_mah16, b.total_mah16, b.user_defined),
        (0xFFFF, 0xFFFF, 4)
    );
    assert_eq!((b.remaining_mah(), b.total_mah()), (95_460, 111_000));
    let mut buf = [0u8; 512];
    let n = a.encode(2, &mut buf).unwrap();
    assert_eq!(&buf[..n], UP2500_42);
}

#[test]
fn real_all_packs_0x42_replies() {
    let f = Frame::decode(US2000X3_42).unwrap();
    let all = AnalogAll::decode(&f).unwrap();
    assert_eq!((all.infoflag, all.count), (0x11, 3));
    let blocks: Vec<Block> = all.map(Result::unwrap).collect();
    assert_eq!(blocks.len(), 3);
    let summary: Vec<_> = blocks
        .iter()
        .map(|b| {
            (
                b.cells_mv.len(),
                b.current_da,
                b.voltage_mv,
                b.cycles,
                b.remaining_mah(),
                b.total_mah(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (15, -26, 49545, 31, 33_500, 50_000),
            (15, -25, 49520, 31, 33_500, 50_000),
            (15, -27, 49504, 31, 33_500, 50_000),
        ]
    );
    assert_eq!(blocks[0].cells_mv.as_slice()[12], 3306);
    assert_eq!(blocks[2].temperatures.as_slice()[1].celsius(), 210);
    let mut buf = [0u8; 1024];
    let n = AnalogAll::encode(0x11, &blocks, 2, &mut buf).unwrap();
    assert_eq!(&buf[..n], US2000X3_42);

    let f = Frame::decode(MIXED_42).unwrap();
    let blocks: Vec<Block> = AnalogAll::decode(&f).unwrap().map(Result::unwrap).collect();
    let summary: Vec<_> = blocks
        .iter()
        .map(|b| {
            (
                b.current_da,
                b.voltage_mv,
                b.cycles,
                b.remaining_mah(),
                b.total_mah(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (-61, 49149, 564, 32_560, 74_000),
            (-47, 49125, 658, 24_500, 50_000)
        ]
    );
    let n = AnalogAll::encode(0x11, &blocks, 2, &mut buf).unwrap();
    assert_eq!(&buf[..n], MIXED_42);

    // The one-pack decoder refuses an all-packs reply instead of misreading it.
    assert!(Analog::decode(&Frame::decode(US2000X3_42).unwrap()).is_err());
}

#[test]
fn all_packs_errors_end_the_iteration() {
    let mut buf = [0u8; 1024];
    let blocks = [analog_example().block; 2];
    // A count of 3 with two blocks: the third is cut short, then nothing.
    let mut info = [0u8; 256];
    let n = AnalogAll::encode(0x11, &blocks, 2, &mut buf).unwrap();
    let f = Frame::decode(&buf[..n]).unwrap();
    let len = f.info_len();
    let mut r = f.info();
    r.bytes(&mut info[..len]).unwrap();
    info[1] = 3;
    let n = crate::encode_request(VER, 2, CID1, 0, &info[..len], &mut buf).unwrap();
    let f = Frame::decode(&buf[..n]).unwrap();
    let items: Vec<_> = AnalogAll::decode(&f).unwrap().collect();
    assert_eq!(items.len(), 3);
    assert!(matches!(items[2], Err(Error::Cut { .. })));
    // A count of 1 with two blocks: the rest is Trailing.
    info[1] = 1;
    let n = crate::encode_request(VER, 2, CID1, 0, &info[..len], &mut buf).unwrap();
    let f = Frame::decode(&buf[..n]).unwrap();
    let items: Vec<_> = AnalogAll::decode(&f).unwrap().collect();
    assert_eq!(items.len(), 2);
    assert!(matches!(items[1], Err(Error::Trailing { .. })));
}

#[test]
fn alarms_and_text_replies_both_ways() {
    let a = Alarms {
        infoflag: 0x10,
        pack: 2,
        cells: List::from_slice(&[Alarm::Normal, Alarm::AboveUpper, Alarm::BelowLower]).unwrap(),
        temperatures: List::from_slice(&[Alarm::Other, Alarm::Unknown(0x7E)]).unwrap(),
        charge_current: Alarm::Normal,
        module_voltage: Alarm::AboveUpper,
        discharge_current: Alarm::Normal,
        status: Text::from_bytes(&[0, 0, 0x0E, 0x40, 0, 0]).unwrap(),
    };
    let mut buf = [0u8; 512];
    let n = a.encode(2, &mut buf).unwrap();
    let frame = Frame::decode(&buf[..n]).unwrap();
    // INFOFLAG, pack, 3 cells, 2 temperatures, the three, the status tail.
    assert_eq!(frame.info, b"10020300020102F07E00020000000E400000");
    assert_eq!(Alarms::decode(&frame), Ok(a));
    for raw in 0..=255u8 {
        assert_eq!(Alarm::from_raw(raw).raw(), raw);
    }
    let m = ManufacturerInfo {
        device_name: *b"US5000    ",
        software_version: [1, 2],
        manufacturer: Text::from_bytes(b"PYLON").unwrap(),
    };
    let n = m.encode(2, &mut buf).unwrap();
    let frame = Frame::decode(&buf[..n]).unwrap();
    assert_eq!(ManufacturerInfo::decode(&frame), Ok(m));
    assert_eq!(m.device_name(), Some("US5000    "));
    let s = SerialNumber {
        pack: 2,
        serial: *b"PPTAP01234567890",
    };
    let n = s.encode(2, &mut buf).unwrap();
    assert_eq!(
        SerialNumber::decode(&Frame::decode(&buf[..n]).unwrap()),
        Ok(s)
    );
    let v = ProtocolVersion { ver: 0x20 };
    check(
        v,
        b"~200246000000FDB2\r",
        ProtocolVersion::decode,
        ProtocolVersion::encode,
    );
}

/// An all-packs 0x44 reply laid out as `docs/protocols/ydt1363.md` §3
/// gives it, field by field: INFOFLAG 11, two packs; pack one has three
/// cells (the second over its upper limit), two temperatures (the second
/// "other error", F0), a module-voltage alarm under its lower limit, and
/// five status bytes; pack two two cells, one temperature, five zeros.
const ALARMS_ALL_INFO: &str = concat!(
    "11",
    "02", // INFOFLAG, number of packs
    "03",
    "000200",
    "02",
    "00F0",
    "00",
    "01",
    "00",
    "00000E4000", // pack one
    "02",
    "0100",
    "01",
    "02",
    "000000",
    "0000000000", // pack two
);

/// INFO as hex text to bytes.
fn info_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

/// A reply frame (RTN 00) from `adr` carrying `info`.
fn reply_frame(adr: u8, info: &[u8]) -> Vec<u8> {
    let mut buf = [0u8; 1024];
    let n = crate::encode_request(VER, adr, CID1, 0, info, &mut buf).unwrap();
    buf[..n].to_vec()
}

#[test]
fn the_all_packs_0x44_reply_both_ways() {
    let wire = reply_frame(2, &info_bytes(ALARMS_ALL_INFO));
    let frame = Frame::decode(&wire).unwrap();
    let all = AlarmsAll::decode(&frame).unwrap();
    assert_eq!((all.infoflag, all.count, all.status_len), (0x11, 2, 5));
    let packs: Vec<Alarms> = all.map(Result::unwrap).collect();
    let one = Alarms {
        infoflag: 0x11,
        pack: 2,
        cells: List::from_slice(&[Alarm::Normal, Alarm::AboveUpper, Alarm::Normal]).unwrap(),
        temperatures: List::from_slice(&[Alarm::Normal, Alarm::Other]).unwrap(),
        charge_current: Alarm::Normal,
        module_voltage: Alarm::BelowLower,
        discharge_current: Alarm::Normal,
        status: Text::from_bytes(&[0, 0, 0x0E, 0x40, 0]).unwrap(),
    };
    let two = Alarms {
        pack: 3,
        cells: List::from_slice(&[Alarm::BelowLower, Alarm::Normal]).unwrap(),
        temperatures: List::from_slice(&[Alarm::AboveUpper]).unwrap(),
        module_voltage: Alarm::Normal,
        status: Text::from_bytes(&[0; 5]).unwrap(),
        ..one
    };
    // The master (ADR 2) first, then the next address.
    assert_eq!(packs, [one, two]);
    let mut buf = [0u8; 1024];
    let n = AlarmsAll::encode(0x11, &packs, 2, &mut buf).unwrap();
    assert_eq!(
        core::str::from_utf8(&buf[..n]).unwrap(),
        core::str::from_utf8(&wire).unwrap()
    );
    // The same stack asked of a master at ADR 5: addresses 5 and 6.
    let wire = reply_frame(5, &info_bytes(ALARMS_ALL_INFO));
    let f = Frame::decode(&wire).unwrap();
    let addresses: Vec<u8> = AlarmsAll::decode(&f)
        .unwrap()
        .map(|a| a.unwrap().pack)
        .collect();
    assert_eq!(addresses, [5, 6]);
    // Read as one pack, the later pack lands in the status tail: too long.
    assert!(matches!(
        Alarms::decode(&frame),
        Err(Error::TooMany {
            max: MAX_STATUS,
            ..
        })
    ));
}

#[test]
fn all_packs_0x44_status_length_and_short_replies() {
    // Six status bytes a pack, as one US-series capture sends them: found.
    let six = concat!(
        "10",
        "02", //
        "02",
        "0000",
        "01",
        "00",
        "000000",
        "000000000000", //
        "02",
        "0000",
        "01",
        "00",
        "000000",
        "000000000001",
    );
    let wire = reply_frame(2, &info_bytes(six));
    let f = Frame::decode(&wire).unwrap();
    let all = AlarmsAll::decode(&f).unwrap();
    assert_eq!(all.status_len, 6);
    let packs: Vec<Alarms> = all.map(Result::unwrap).collect();
    assert_eq!(packs.len(), 2);
    assert_eq!(packs[1].status.as_bytes(), [0, 0, 0, 0, 0, 1]);
    // Told five, the blocks do not line up: an error, then nothing.
    let items: Vec<_> = AlarmsAll::decode_with_status(&f, 5).unwrap().collect();
    assert!(items.iter().any(Result::is_err), "{items:?}");
    assert!(items.last().unwrap().is_err());

    // Three packs announced, two sent (a pack missing from the stack):
    // the two, then the third cut short, then nothing.
    let mut info = info_bytes(ALARMS_ALL_INFO);
    info[1] = 3;
    let wire = reply_frame(2, &info);
    let f = Frame::decode(&wire).unwrap();
    let all = AlarmsAll::decode(&f).unwrap();
    assert_eq!((all.count, all.status_len), (3, 5));
    let items: Vec<_> = all.collect();
    assert_eq!(items.len(), 3);
    assert!(items[0].is_ok() && items[1].is_ok());
    assert!(matches!(items[2], Err(Error::Cut { .. })), "{items:?}");
    // One announced, two sent: the second is Trailing.
    info[1] = 1;
    let wire = reply_frame(2, &info);
    let f = Frame::decode(&wire).unwrap();
    let items: Vec<_> = AlarmsAll::decode(&f).unwrap().collect();
    assert_eq!(items.len(), 2);
    assert!(matches!(items[1], Err(Error::Trailing { .. })), "{items:?}");
    // No packs at all.
    let wire = reply_frame(2, &[0x11, 0]);
    let f = Frame::decode(&wire).unwrap();
    assert_eq!(AlarmsAll::decode(&f).unwrap().count(), 0);
    // A refusal carries no content.
    let f = Frame::decode(b"~200246040000FDAE\r").unwrap();
    assert_eq!(
        AlarmsAll::decode(&f).err(),
        Some(Error::Refused {
            rtn: crate::Rtn::Command
        })
    );
}

#[test]
fn errors_name_what_and_where() {
    let mut buf = [0u8; 512];
    // 0x92 cut inside the discharge current limit (INFO offset 7, frame 27).
    let n = crate::encode_request(
        VER,
        2,
        CID1,
        0,
        &[2, 0xD0, 2, 0xAF, 0xC8, 0, 0xC8, 0xFE],
        &mut buf,
    )
    .unwrap();
    assert_eq!(
        Management::decode(&Frame::decode(&buf[..n]).unwrap()),
        Err(Error::Cut {
            offset: 27,
            needed: 2
        })
    );
    // 25 cells: over the bound, at the count's offset.
    let mut info = [0u8; 60];
    info[2] = 25;
    let n = crate::encode_request(VER, 2, CID1, 0, &info, &mut buf).unwrap();
    assert_eq!(
        Analog::decode(&Frame::decode(&buf[..n]).unwrap()),
        Err(Error::TooMany {
            offset: 17,
            count: 25,
            max: 24
        })
    );
    // A refusal carries no content.
    let f = Frame::decode(b"~200246020000FDB0\r").unwrap();
    assert_eq!(
        Management::decode(&f),
        Err(Error::Refused {
            rtn: crate::Rtn::Checksum
        })
    );
    // One byte too many after the last field.
    let mut with_extra = [0u8; 11];
    with_extra[..10].copy_from_slice(&[2, 0xD0, 2, 0xAF, 0xC8, 0, 0xC8, 0xFE, 0x0C, 0xC0]);
    let n = crate::encode_request(VER, 2, CID1, 0, &with_extra, &mut buf).unwrap();
    assert_eq!(
        Management::decode(&Frame::decode(&buf[..n]).unwrap()),
        Err(Error::Trailing {
            offset: 33,
            extra: 1
        })
    );
}

fn text<const N: usize>() -> impl Strategy<Value = Text<N>> {
    proptest::collection::vec(any::<u8>(), 0..=N).prop_map(|v| Text::from_bytes(&v).unwrap())
}

fn list<T: Copy + Default + core::fmt::Debug, const N: usize>(
    item: impl Strategy<Value = T>,
) -> impl Strategy<Value = List<T, N>> {
    proptest::collection::vec(item, 0..=N).prop_map(|v| List::from_slice(&v).unwrap())
}

fn alarm() -> impl Strategy<Value = Alarm> {
    any::<u8>().prop_map(Alarm::from_raw)
}

fn block() -> impl Strategy<Value = Block> {
    (
        (list(any::<u16>()), list(any::<u16>().prop_map(Temperature))),
        (
            any::<i16>(),
            any::<u16>(),
            any::<u16>(),
            any::<u8>(),
            any::<u16>(),
            any::<u16>(),
        ),
        (0..=0xFF_FFFFu32, 0..=0xFF_FFFFu32),
    )
        .prop_map(
            |((cells_mv, temperatures), (current_da, voltage_mv, r, ud, t, cycles), (r24, t24))| {
                Block {
                    cells_mv,
                    temperatures,
                    current_da,
                    voltage_mv,
                    remaining_mah16: r,
                    user_defined: ud,
                    total_mah16: t,
                    cycles,
                    capacity24: (ud == 4).then_some(Capacity24 {
                        remaining_mah: r24,
                        total_mah: t24,
                    }),
                }
            },
        )
}

fn analog() -> impl Strategy<Value = Analog> {
    (any::<u8>(), any::<u8>(), block()).prop_map(|(infoflag, pack, block)| Analog {
        infoflag,
        pack,
        block,
    })
}

/// `value` encodes, frames and decodes back to itself.
fn round_trips<T: PartialEq + core::fmt::Debug>(
    value: T,
    adr: u8,
    decode: impl Fn(&Frame<'_>) -> Result<T, Error>,
    encode: impl Fn(&T, u8, &mut [u8]) -> Result<usize, Error>,
) -> Result<(), TestCaseError> {
    let mut buf = [0u8; 512];
    let n = encode(&value, adr, &mut buf).unwrap();
    let frame = Frame::decode(&buf[..n]).unwrap();
    prop_assert_eq!(frame.adr, adr);
    prop_assert_eq!(decode(&frame).unwrap(), value);
    Ok(())
}

proptest! {
    #[test]
    fn every_reply_round_trips(
        a in analog(),
        adr in any::<u8>(),
        words in proptest::array::uniform13(any::<u16>()),
        m in (any::<u8>(), any::<u16>(), any::<u16>(), any::<i16>(), any::<i16>(), any::<u8>()),
        al in ((any::<u8>(), any::<u8>(), list(alarm()), list(alarm())), (alarm(), alarm(), alarm(), text())),
        names in (any::<[u8; 10]>(), any::<[u8; 2]>(), text(), any::<u8>(), any::<[u8; 16]>(), text(), any::<u8>()),
    ) {
        round_trips(a, adr, Analog::decode, Analog::encode)?;
        let mut buf = [0u8; 4200];
        let blocks = [a.block, a.block, a.block];
        let n = AnalogAll::encode(a.infoflag, &blocks, adr, &mut buf).unwrap();
        let frame = Frame::decode(&buf[..n]).unwrap();
        let all = AnalogAll::decode(&frame).unwrap();
        prop_assert_eq!((all.infoflag, all.count), (a.infoflag, 3));
        let back: Vec<Block> = all.map(Result::unwrap).collect();
        prop_assert_eq!(&back[..], &blocks[..]);
        let w = words;
        let p = SystemParameters {
            infoflag: w[0] as u8,
            cell_high_mv: w[1],
            cell_low_mv: w[2],
            cell_under_mv: w[3],
            charge_high_temperature: Temperature(w[4]),
            charge_low_temperature: Temperature(w[5]),
            charge_current_raw: w[6] as i16,
            module_high_mv: w[7],
            module_low_mv: w[8],
            module_under_mv: w[9],
            discharge_high_temperature: Temperature(w[10]),
            discharge_low_temperature: Temperature(w[11]),
            discharge_current_raw: w[12] as i16,
        };
        round_trips(p, adr, SystemParameters::decode, SystemParameters::encode)?;
        let m = Management {
            pack: m.0,
            charge_voltage_mv: m.1,
            discharge_voltage_mv: m.2,
            charge_current_da: m.3,
            discharge_current_da: m.4,
            status: ManagementStatus::from_bits_retain(m.5),
        };
        round_trips(m, adr, Management::decode, Management::encode)?;
        let ((infoflag, pack, cells, temperatures), (charge_current, module_voltage, discharge_current, status)) = al;
        let al = Alarms { infoflag, pack, cells, temperatures, charge_current, module_voltage, discharge_current, status };
        round_trips(al, adr, Alarms::decode, Alarms::encode)?;
        // A stack of three, each pack with the same status bytes: read
        // back with the length given, and with the document's five found.
        let mut packs = [al; 3];
        for (k, p) in packs.iter_mut().enumerate() {
            p.pack = adr.wrapping_add(k as u8);
        }
        let n = AlarmsAll::encode(infoflag, &packs, adr, &mut buf).unwrap();
        let frame = Frame::decode(&buf[..n]).unwrap();
        let all = AlarmsAll::decode_with_status(&frame, al.status.as_bytes().len()).unwrap();
        prop_assert_eq!((all.infoflag, all.count), (infoflag, 3));
        let back: Vec<Alarms> = all.map(Result::unwrap).collect();
        prop_assert_eq!(&back[..], &packs[..]);
        let mut five = [0u8; STATUS_BYTES];
        for (d, s) in five.iter_mut().zip(al.status.as_bytes()) {
            *d = *s;
        }
        for p in packs.iter_mut() {
            p.status = Text::from_bytes(&five).unwrap();
        }
        let n = AlarmsAll::encode(infoflag, &packs, adr, &mut buf).unwrap();
        let frame = Frame::decode(&buf[..n]).unwrap();
        let all = AlarmsAll::decode(&frame).unwrap();
        prop_assert_eq!(all.status_len, STATUS_BYTES);
        let back: Vec<Alarms> = all.map(Result::unwrap).collect();
        prop_assert_eq!(&back[..], &packs[..]);
        let (device_name, software_version, manufacturer, pack, serial, pace, ver) = names;
        let mi = ManufacturerInfo { device_name, software_version, manufacturer };
        round_trips(mi, adr, ManufacturerInfo::decode, ManufacturerInfo::encode)?;
        round_trips(SerialNumber { pack, serial }, adr, SerialNumber::decode, SerialNumber::encode)?;
        round_trips(PaceText { text: pace }, adr, PaceText::decode, PaceText::encode)?;
        round_trips(ProtocolVersion { ver }, adr, ProtocolVersion::decode, ProtocolVersion::encode)?;
    }

    #[test]
    fn any_info_decodes_without_panic(
        info in proptest::collection::vec(any::<u8>(), 0..140),
        cid2 in any::<u8>(),
        rtn in prop_oneof![Just(0u8), any::<u8>()],
    ) {
        let mut buf = [0u8; 512];
        let n = crate::encode_request(VER, 2, CID1, rtn, &info, &mut buf).unwrap();
        let f = Frame::decode(&buf[..n]).unwrap();
        let _ = Analog::decode(&f);
        if let Ok(all) = AnalogAll::decode(&f) {
            let announced = usize::from(all.count);
            // At most one item a block, and one more for an error.
            prop_assert!(all.take(300).count() <= announced + 1);
        }
        let _ = Alarms::decode(&f);
        if let Ok(all) = AlarmsAll::decode(&f) {
            let announced = usize::from(all.count);
            prop_assert!(all.status_len <= MAX_STATUS);
            prop_assert!(all.take(300).count() <= announced + 1);
        }
        let _ = Management::decode(&f);
        let _ = SystemParameters::decode(&f);
        let _ = ManufacturerInfo::decode(&f);
        let _ = SerialNumber::decode(&f);
        let _ = PaceText::decode(&f);
        let _ = ProtocolVersion::decode(&f);
        let n = crate::encode_request(VER, 2, CID1, cid2, &info, &mut buf).unwrap();
        if let Ok(command) = Command::decode_bytes(&buf[..n]) {
            // A command decoded is a command re-encoded as it came (VER
            // aside: Pace's commands are written with theirs).
            let mut out = [0u8; 512];
            if command.ver() == VER && info.len() <= MAX_OTHER_INFO {
                let m = command.encode(2, &mut out).unwrap();
                prop_assert_eq!(&out[..m], &buf[..n]);
            }
        }
    }
}

#[test]
fn text_over_its_bound_is_refused_where_it_starts() {
    let mut buf = [0u8; 512];
    let n = crate::encode_request(VER_PACE, 1, CID1, 0, &[b'A'; 65], &mut buf).unwrap();
    assert_eq!(
        PaceText::decode(&Frame::decode(&buf[..n]).unwrap()),
        Err(Error::TooMany {
            offset: 13,
            count: 65,
            max: 64
        })
    );
    let n = crate::encode_request(VER, 2, CID1, 0x61, &[0; 56], &mut buf).unwrap();
    assert_eq!(
        Command::decode_bytes(&buf[..n]),
        Err(Error::TooMany {
            offset: 13,
            count: 56,
            max: MAX_OTHER_INFO
        })
    );
}

#[cfg(feature = "serde")]
#[test]
fn serde_reads_as_plain_values() {
    let m = Management::decode(&Frame::decode(REPLY_92).unwrap()).unwrap();
    assert_eq!(
        serde_json::to_value(m).unwrap(),
        serde_json::json!({
            "pack": 2,
            "charge_voltage_mv": 53250,
            "discharge_voltage_mv": 45000,
            "charge_current_da": 200,
            "discharge_current_da": -500,
            "status": {"charge_enable": true, "discharge_enable": true, "raw": 0xC0},
        })
    );
    let t = PaceText::decode(&Frame::decode(REPLY_C2).unwrap()).unwrap();
    assert_eq!(
        serde_json::to_value(t).unwrap(),
        serde_json::json!({"text": "17900112250937D     Jan 10 2022,13:44:13"})
    );
    let a = Analog::decode(&Frame::decode(UP2500_42).unwrap()).unwrap();
    let v = serde_json::to_value(a).unwrap();
    assert_eq!(
        v["block"]["cells_mv"],
        serde_json::json!([3330, 3330, 3330, 3331, 3328, 3329, 3329, 3331])
    );
    assert_eq!(v["block"]["temperatures"][0], 2941);
    assert_eq!(
        serde_json::to_value(Command::Analog { pack: 2 }).unwrap(),
        serde_json::json!({"analog": {"pack": 2}})
    );
}
