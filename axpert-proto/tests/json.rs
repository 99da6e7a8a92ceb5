//! The JSON form (feature `serde`): snake_case keys after the document's
//! descriptions, numbers in the document's units, `null` for dashes.
#![cfg(feature = "serde")]

use axpert_proto::{Error, Inquiry, Response, frame};
use serde_json::json;

fn reply(payload: &str) -> Vec<u8> {
    let mut buf = [0u8; 300];
    let n = frame::encode_response(payload.as_bytes(), &mut buf).unwrap();
    buf[..n].to_vec()
}

#[test]
fn qpiri_as_json() {
    let r = Response::decode_bytes(
        Some(Inquiry::RatedInfo),
        &reply("230.0 13.0 230.0 50.0 13.0 3000 2400 24.0 23.0 21.0 28.2 27.0 0 30 50 0 2 1 - 01 1 0 26.0 0 0"),
    )
    .unwrap();
    let v = serde_json::to_value(r).unwrap();
    let r = &v["rated_info"];
    assert_eq!(r["grid_rating_voltage"], json!(230.0));
    assert_eq!(r["ac_output_rating_apparent_power"], json!(3000));
    assert_eq!(r["battery_type"], json!("agm"));
    assert_eq!(r["output_source_priority"], json!("sbu"));
    assert_eq!(r["machine_type"], json!("off_grid"));
    assert_eq!(
        r["parallel_max_number"],
        json!(null),
        "'-' is not available"
    );
    assert_eq!(r["max_cv_charging_time"], json!(null), "25-field reply");
    assert_eq!(r["extra"], json!(""));
}

#[test]
fn flags_and_warnings_as_objects() {
    let r = Response::decode_bytes(Some(Inquiry::Flags), b"(EakxyDbjuvz/)\r").unwrap();
    let v = serde_json::to_value(r).unwrap();
    assert_eq!(v["flags"]["enabled"], json!("akxy"));
    assert_eq!(v["flags"]["flags"]["buzzer"], json!(true));
    assert_eq!(v["flags"]["flags"]["power_saving"], json!(false));
    let r = Response::decode_bytes(
        Some(Inquiry::Warnings),
        &reply("100000000000000000000000000000010000"),
    )
    .unwrap();
    let v = serde_json::to_value(r).unwrap();
    assert_eq!(v["warnings"]["positions"], json!(36));
    assert_eq!(v["warnings"]["bits"]["line_fail"], json!(false));
    assert_eq!(v["warnings"]["bits"]["other_bits"], json!(1u64 | 1 << 31));
}

#[test]
fn values_come_back_from_json() {
    // Deserialising keeps the value; a number loses its width, a string keeps it.
    let r = Response::decode_bytes(Some(Inquiry::Mode), b"(B\xe7\xc9\r").unwrap();
    let back: Response = serde_json::from_value(serde_json::to_value(r).unwrap()).unwrap();
    assert_eq!(back, r);
    let d: axpert_proto::Decimal = serde_json::from_str("\"057.50\"").unwrap();
    assert_eq!(d.to_string(), "057.50");
    let d: axpert_proto::Decimal = serde_json::from_str("57.5").unwrap();
    assert_eq!(d.to_f32(), Some(57.5));
}

#[test]
fn errors_serialise() {
    let e = Error::Crc {
        expected: 0xE7C9,
        actual: 0x9CAF,
    };
    assert_eq!(
        serde_json::to_value(e).unwrap(),
        json!({"crc": {"expected": 0xE7C9, "actual": 0x9CAF}})
    );
}
