//! Real captures (`testdata/captures/pylontech-rs485.jsonl`), the notes'
//! decoded examples, both ways; errors; properties.

use proptest::prelude::*;

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
    assert_eq!((back.remaining_mah(), back.total_mah()), (100_000, 100_000));
    assert_eq!(back.temperatures.as_slice()[0].celsius(), 340);
    // Without the 24-bit fields, the 16-bit ones are the capacities.
    let small = Analog {
        user_defined: 2,
        remaining_mah16: 37_000,
        total_mah16: 50_000,
        capacity24: None,
        ..a
    };
    let n = small.encode(2, &mut buf).unwrap();
    let back = Analog::decode(&Frame::decode(&buf[..n]).unwrap()).unwrap();
    assert_eq!(back, small);
    assert_eq!((back.remaining_mah(), back.total_mah()), (37_000, 50_000));
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

fn analog() -> impl Strategy<Value = Analog> {
    (
        (
            any::<u8>(),
            any::<u8>(),
            list(any::<u16>()),
            list(any::<u16>().prop_map(Temperature)),
        ),
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
            |(
                (infoflag, pack, cells_mv, temperatures),
                (current_da, voltage_mv, r, ud, t, cycles),
                (r24, t24),
            )| {
                Analog {
                    infoflag,
                    pack,
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
        let _ = Alarms::decode(&f);
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
