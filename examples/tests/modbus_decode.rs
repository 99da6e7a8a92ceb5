//! `decode modbus`: frames to JSON, typed by the request when one is given;
//! a bad frame exits 1 with the reason.

use std::process::Command;

use serde_json::{Value, json};

fn adu(hex: &str) -> String {
    let mut b: Vec<u8> = hex
        .split_whitespace()
        .map(|x| u8::from_str_radix(x, 16).unwrap())
        .collect();
    let crc = modbus_rtu_lite::crc16(&b);
    b.extend_from_slice(&crc.to_le_bytes());
    b.iter().map(|x| format!("{x:02X} ")).collect()
}

fn decode(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_decode"))
        .arg("modbus")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json_of(args: &[&str]) -> Value {
    let (code, out, err) = decode(args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn requests_and_responses() {
    // The ENC EDS manuals' Modbus "read running state" request and a reply to it.
    let v = json_of(&["01 03 21 00 00 01 8E 36"]);
    assert_eq!(
        v,
        json!({"address": 1, "broadcast": false, "function": 3,
               "request": {"read_holding_registers": {"start": 0x2100, "quantity": 1}}})
    );
    let request = adu("01 03 20 00 00 04");
    let v = json_of(&[
        "--request",
        &request,
        &adu("01 03 08 00 06 13 88 00 03 00 00"),
    ]);
    assert_eq!(
        v["response"]["read_holding_registers"],
        json!([6, 5000, 3, 0])
    );
    // With the request, each register read is listed with its address.
    assert_eq!(
        v["registers"][1],
        json!({"address": 0x2001, "value": 5000}),
        "{v}"
    );
    let v = json_of(&[&adu("01 86 03")]);
    assert_eq!(
        v["response"]["exception"],
        json!({"function": 6, "code": "illegal_data_value"}),
        "{v}"
    );
    assert_eq!(v["exception_code"], 3, "{v}");
}

#[test]
fn file_records_are_typed() {
    // AP §6.14 and §6.15.
    let request = adu("01 14 0E 06 00 04 00 01 00 02 06 00 03 00 09 00 02");
    let v = json_of(&[&request]);
    assert_eq!(
        v["request"]["read_file_record"]["groups"],
        json!([{"file": 4, "record": 1, "length": 2}, {"file": 3, "record": 9, "length": 2}])
    );
    let v = json_of(&[
        "--request",
        &request,
        &adu("01 14 0C 05 06 0D FE 00 20 05 06 33 CD 00 40"),
    ]);
    assert_eq!(
        v["response"]["read_file_record"],
        json!([[0x0DFE, 0x0020], [0x33CD, 0x0040]])
    );
    let v = json_of(&[&adu("01 15 0D 06 00 04 00 07 00 03 06 AF 04 BE 10 0D")]);
    assert_eq!(
        v["request"]["write_file_record"]["groups"],
        json!([{"file": 4, "record": 7, "values": [0x06AF, 0x04BE, 0x100D]}])
    );
}

#[test]
fn bad_frames_say_what_is_wrong() {
    let (code, _, err) = decode(&["01 03 21 00 00 01 8E 37"]);
    assert_eq!(code, 1);
    assert!(err.contains("bad crc"), "{err}");
    let (code, _, err) = decode(&["01 03 00"]);
    assert_eq!(code, 1);
    assert!(err.contains("needs 4"), "{err}");
    // FC05 takes only 0x0000 and 0xFF00.
    let (code, _, err) = decode(&[&adu("01 05 00 01 12 34")]);
    assert_eq!(code, 1, "{err}");
}
