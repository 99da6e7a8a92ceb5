//! Every row of the real Pylontech RS485 captures
//! (`testdata/captures/pylontech-rs485.jsonl`, each row naming its public
//! source) as a regression test: a row whose checksums verify decodes to
//! the header the row states, re-encodes byte-exact, and comes out of the
//! framer whole, byte by byte and in uneven chunks; a row whose CHKSUM is
//! wrong is refused with the checksum the row computed.

use std::path::PathBuf;

use serde_json::Value;
use ydt1363::{Error, Frame, Framer};

fn rows() -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata/captures/pylontech-rs485.jsonl");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn bytes(row: &Value) -> Vec<u8> {
    row["frame_hex"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

fn hex_field(row: &Value, name: &str) -> u8 {
    u8::from_str_radix(row["fields"][name].as_str().unwrap(), 16).unwrap()
}

#[test]
fn every_capture_row() {
    let rows = rows();
    assert_eq!(
        rows.len(),
        6,
        "the captures file changed: look at the new rows"
    );
    for (line, row) in rows.iter().enumerate() {
        let wire = bytes(row);
        let ok = row["chksum_ok"].as_bool().unwrap() && row["lchksum_ok"].as_bool().unwrap();
        let computed = u16::from_str_radix(row["chksum_calc"].as_str().unwrap(), 16).unwrap();
        match Frame::decode(&wire) {
            Ok(f) => {
                assert!(ok, "row {line} decoded but its checksums are marked bad");
                assert_eq!(
                    (f.ver, f.adr, f.cid1, f.cid2),
                    (
                        hex_field(row, "ver"),
                        hex_field(row, "adr"),
                        hex_field(row, "cid1"),
                        hex_field(row, "cid2_or_rtn")
                    ),
                    "row {line}"
                );
                assert_eq!(
                    f.info.len() as u64,
                    row["fields"]["lenid"].as_u64().unwrap()
                );
                let mut buf = vec![0u8; wire.len()];
                let n = f.encode(&mut buf).unwrap();
                assert_eq!(buf[..n], wire[..], "row {line} re-encodes");
                for size in [1, 3, 7, wire.len()] {
                    let mut framer = Framer::<512>::new();
                    let mut got = Vec::new();
                    for mut chunk in wire.chunks(size) {
                        while !chunk.is_empty() {
                            let (n, ev) = framer.feed(chunk);
                            if let Some(ev) = ev {
                                got.push(ev.map(|f| f.cid2));
                            }
                            chunk = &chunk[n..];
                        }
                    }
                    assert_eq!(got, [Ok(f.cid2)], "row {line}, chunks of {size}");
                }
            }
            Err(Error::Checksum { expected, .. }) => {
                assert!(!ok, "row {line} refused but marked good");
                assert_eq!(
                    expected, computed,
                    "row {line}: the checksum the row computed"
                );
            }
            Err(e) => panic!("row {line}: {e}"),
        }
    }
}

#[test]
fn the_0x92_reply_reads_as_the_row_says() {
    // charge/discharge management: pack 2, 53.25 V, 45.00 V, 20.0 A, -50.0 A, 0xC0.
    let rows = rows();
    let row = rows
        .iter()
        .find(|r| r["notes"].as_str().unwrap_or("").contains("0x92"))
        .unwrap();
    let wire = bytes(row);
    let f = Frame::decode(&wire).unwrap();
    let mut info = f.info();
    assert_eq!(info.u8().unwrap(), 2);
    assert_eq!(info.u16().unwrap(), 53250, "charge voltage limit, mV");
    assert_eq!(info.u16().unwrap(), 45000, "discharge voltage limit, mV");
    assert_eq!(info.i16().unwrap(), 200, "charge current limit, 0.1 A");
    assert_eq!(
        info.i16().unwrap(),
        -500,
        "discharge current limit, 0.1 A: negative here"
    );
    assert_eq!(info.u8().unwrap(), 0xC0);
    assert_eq!(info.remaining(), 0);
    assert!(info.u8().is_err(), "past the end: an error, not a panic");
}

/// The typed decoders against the values the rows' sources give
/// (`report_decode`), in the rows' units, and re-encoded byte-exact.
#[test]
fn the_typed_replies_read_as_the_rows_say() {
    use ydt1363::pylontech::{
        Command, Management, ManagementStatus, PaceText, Scale, SystemParameters,
    };
    let rows = rows();
    let by_notes = |needle: &str| {
        rows.iter()
            .find(|r| r["notes"].as_str().unwrap_or("").contains(needle))
            .unwrap()
    };
    let reencodes = |wire: &[u8], n: usize, buf: &[u8]| assert_eq!(&buf[..n], wire);
    // Values in the row's units, compared in the wire's integers.
    let milli = |v: &Value| (v.as_f64().unwrap() * 1000.0).round() as i64;
    let tenths = |v: &Value| (v.as_f64().unwrap() * 10.0).round() as i32;

    let row = by_notes("0x47");
    let d = &row["report_decode"];
    let wire = bytes(row);
    let p = SystemParameters::decode(&Frame::decode(&wire).unwrap()).unwrap();
    assert_eq!(
        format!("{:#04x}", p.infoflag),
        d["infoflag"].as_str().unwrap()
    );
    for (got, key) in [
        (p.cell_high_mv, "cell_high_V"),
        (p.cell_low_mv, "cell_low_V"),
        (p.cell_under_mv, "cell_under_V"),
        (p.module_high_mv, "module_high_V"),
        (p.module_low_mv, "module_low_V"),
        (p.module_under_mv, "module_under_V"),
    ] {
        assert_eq!(i64::from(got), milli(&d[key]), "{key}");
    }
    for (got, key) in [
        (p.charge_high_temperature, "charge_high_temp_C"),
        (p.charge_low_temperature, "charge_low_temp_C"),
        (p.discharge_high_temperature, "discharge_high_temp_C"),
        (p.discharge_low_temperature, "discharge_low_temp_C"),
    ] {
        assert_eq!(got.celsius(), tenths(&d[key]), "{key}");
    }
    assert_eq!(
        i64::from(p.charge_current_raw),
        d["charge_current_limit_raw"].as_i64().unwrap()
    );
    assert_eq!(
        i64::from(p.discharge_current_raw),
        d["discharge_current_limit_raw"].as_i64().unwrap()
    );
    // The row's author: /10 is right on the US5000 (±100 A).
    assert_eq!(p.charge_current_limit(Scale::DeciAmps), 100_000);
    let mut buf = vec![0u8; 256];
    let n = p.encode(row_adr(row), &mut buf).unwrap();
    reencodes(&wire, n, &buf);

    let row = by_notes("0x92");
    let d = &row["report_decode"];
    let wire = bytes(row);
    let m = Management::decode(&Frame::decode(&wire).unwrap()).unwrap();
    assert_eq!(i64::from(m.pack), d["command_value"].as_i64().unwrap());
    assert_eq!(
        i64::from(m.charge_voltage_mv),
        milli(&d["charge_voltage_limit_V"])
    );
    assert_eq!(
        i64::from(m.discharge_voltage_mv),
        milli(&d["discharge_voltage_limit_V"])
    );
    assert_eq!(
        i32::from(m.charge_current_da),
        tenths(&d["charge_current_limit_A"])
    );
    assert_eq!(
        i32::from(m.discharge_current_da),
        tenths(&d["discharge_current_limit_A"]),
        "negative, as sent"
    );
    assert_eq!(
        m.status,
        ManagementStatus::CHARGE_ENABLE | ManagementStatus::DISCHARGE_ENABLE
    );
    let n = m.encode(row_adr(row), &mut buf).unwrap();
    reencodes(&wire, n, &buf);

    // Pace (VER 0x25): the 0xC2 request and its reply's text.
    let request = rows
        .iter()
        .find(|r| r["fields"]["cid2_or_rtn"] == "C2")
        .unwrap();
    let wire = bytes(request);
    assert_eq!(Command::decode_bytes(&wire), Ok(Command::PaceSerial));
    let n = Command::PaceSerial.encode(1, &mut buf).unwrap();
    reencodes(&wire, n, &buf);
    let row = rows
        .iter()
        .find(|r| r["fields"]["ver"] == "25" && r["direction"] == "response")
        .unwrap();
    let wire = bytes(row);
    let t = PaceText::decode(&Frame::decode(&wire).unwrap()).unwrap();
    let text = t.text.as_str().unwrap();
    assert!(
        text.starts_with(row["decoded"]["bms_serial"].as_str().unwrap()),
        "{text}"
    );
    let n = t.encode(1, &mut buf).unwrap();
    reencodes(&wire, n, &buf);

    // The 0x42 request.
    let row = rows
        .iter()
        .find(|r| r["fields"]["cid2_or_rtn"] == "42" && r["chksum_ok"] == true)
        .unwrap();
    let wire = bytes(row);
    let pack = row["decoded"]["command_value"].as_u64().unwrap() as u8;
    assert_eq!(Command::decode_bytes(&wire), Ok(Command::Analog { pack }));
    let n = Command::Analog { pack }.encode(2, &mut buf).unwrap();
    reencodes(&wire, n, &buf);
}

fn row_adr(row: &Value) -> u8 {
    hex_field(row, "adr")
}
