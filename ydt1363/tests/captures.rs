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
