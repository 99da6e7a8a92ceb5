//! The JSON form (feature `serde`): variants by name in snake_case,
//! registers and coils as arrays of values, file record groups typed,
//! exceptions by name, errors with their fields.
#![cfg(feature = "serde")]

use core::time::Duration;

use modbus_rtu_lite::{
    Bits, Config, Error, Event, Exception, Expected, Field, Request, Response, Words,
    decode_request, decode_response, encode_response,
};
use serde_json::{Value, json};

fn to_json<T: serde::Serialize>(v: T) -> Value {
    serde_json::to_value(v).unwrap()
}

/// `hex` with its CRC appended.
fn adu(hex: &[u8]) -> Vec<u8> {
    let mut b = hex.to_vec();
    b.extend_from_slice(&modbus_rtu_lite::crc16(hex).to_le_bytes());
    b
}

/// The request in `hex` (CRC appended), decoded, as JSON.
fn request_json(hex: &[u8]) -> Value {
    let b = adu(hex);
    to_json(decode_request(&b).unwrap().1)
}

/// The response in `hex` (CRC appended), decoded, as JSON.
fn response_json(hex: &[u8]) -> Value {
    let b = adu(hex);
    to_json(decode_response(&b).unwrap().1)
}

#[test]
fn requests() {
    assert_eq!(
        to_json(Request::ReadHoldingRegisters {
            start: 0x2100,
            quantity: 1
        }),
        json!({"read_holding_registers": {"start": 0x2100, "quantity": 1}})
    );
    assert_eq!(
        to_json(Request::WriteMultipleCoils {
            start: 19,
            coils: Bits::new(&[0b0000_1101, 0b0000_0001], 10),
        }),
        json!({"write_multiple_coils": {"start": 19,
            "coils": [true, false, true, true, false, false, false, false, true, false]}})
    );
    assert_eq!(
        to_json(Request::WriteMultipleRegisters {
            start: 1,
            values: Words::new(&[0x00, 0x0A, 0x01, 0x02]),
        }),
        json!({"write_multiple_registers": {"start": 1, "values": [10, 258]}})
    );
    assert_eq!(
        to_json(Request::ReadExceptionStatus),
        json!("read_exception_status")
    );
    assert_eq!(
        to_json(Request::Diagnostics {
            sub: 0,
            data: &[0xA5, 0x37]
        }),
        json!({"diagnostics": {"sub": 0, "data": [0xA5, 0x37]}})
    );
}

#[test]
fn file_record_groups_are_typed() {
    // AP §6.14 and §6.15.
    assert_eq!(
        request_json(&[1, 0x14, 0x0E, 6, 0, 4, 0, 1, 0, 2, 6, 0, 3, 0, 9, 0, 2]),
        json!({"read_file_record": {"groups": [
            {"file": 4, "record": 1, "length": 2},
            {"file": 3, "record": 9, "length": 2}]}})
    );
    assert_eq!(
        response_json(&[
            1, 0x14, 0x0C, 5, 6, 0x0D, 0xFE, 0, 0x20, 5, 6, 0x33, 0xCD, 0, 0x40,
        ]),
        json!({"read_file_record": [[0x0DFE, 0x0020], [0x33CD, 0x0040]]})
    );
    let write = [
        1, 0x15, 0x0D, 6, 0, 4, 0, 7, 0, 3, 0x06, 0xAF, 0x04, 0xBE, 0x10, 0x0D,
    ];
    let groups = json!([{"file": 4, "record": 7, "values": [0x06AF, 0x04BE, 0x100D]}]);
    assert_eq!(
        request_json(&write),
        json!({"write_file_record": {"groups": groups}})
    );
    assert_eq!(response_json(&write), json!({"write_file_record": groups}));
}

#[test]
fn responses_and_exceptions() {
    let regs = [0x00, 0x06, 0x13, 0x88];
    assert_eq!(
        to_json(Response::ReadHoldingRegisters(Words::new(&regs))),
        json!({"read_holding_registers": [6, 5000]})
    );
    // Coils as decoded: whole bytes, 8 bits each.
    assert_eq!(
        response_json(&[1, 0x01, 1, 0b101]),
        json!({"read_coils": [true, false, true, false, false, false, false, false]})
    );
    assert_eq!(
        to_json(Response::WriteSingleCoil {
            address: 0xAC,
            value: true
        }),
        json!({"write_single_coil": {"address": 0xAC, "value": true}})
    );
    assert_eq!(
        response_json(&[1, 0x86, 3]),
        json!({"exception": {"function": 6, "code": "illegal_data_value"}})
    );
    assert_eq!(
        to_json(Exception::from_code(0x0B)),
        json!("gateway_target_failed")
    );
    assert_eq!(
        to_json(Exception::from_code(0x42)),
        json!({"unknown": 0x42})
    );
}

#[test]
fn device_id_objects_by_id() {
    // Basic identification: vendor, product code, revision; one more
    // object that is not text.
    assert_eq!(
        response_json(&[
            1, 0x2B, 0x0E, 1, 0x81, 0, 0, 4, 0, 3, b'A', b'C', b'M', 1, 2, b'P', b'1', 2, 3, b'1',
            b'.', b'0', 0x80, 2, 0xFF, 0xFE,
        ]),
        json!({"read_device_id": {"read_code": 1, "conformity": 0x81, "more_follows": 0,
            "next_object": 0,
            "objects": {"0": "ACM", "1": "P1", "2": "1.0", "128": [0xFF, 0xFE]}}})
    );
}

#[test]
fn errors() {
    assert_eq!(
        to_json(decode_response(&[1, 3, 2, 0, 6, 0, 0]).unwrap_err()),
        json!({"crc": {"expected": modbus_rtu_lite::crc16(&[1, 3, 2, 0, 6]), "actual": 0}})
    );
    assert_eq!(
        to_json(Error::NotAnswer {
            field: Field::ByteCount,
            expected: 4,
            found: 2
        }),
        json!({"not_answer": {"field": "byte_count", "expected": 4, "found": 2}})
    );
    assert_eq!(to_json(Error::Gap), json!("gap"));
    assert_eq!(
        to_json(Expected::new(
            1,
            &Request::ReadInputRegisters {
                start: 0,
                quantity: 2
            }
        )),
        json!({"address": 1, "function": 4, "echo": {"byte_count": 4}})
    );
}

#[test]
fn a_reply_and_the_client_settings() {
    let config = Config::default();
    assert_eq!(
        to_json(config),
        json!({"line": {"baud": 19200, "parity": "even", "stop_bits": 1},
            "mode": {"length": {"silence": {"secs": 0, "nanos": 50_000_000}}},
            "timeout": {"secs": 1, "nanos": 0},
            "turnaround": {"secs": 0, "nanos": 100_000_000}})
    );
    let ms = Duration::from_millis;
    let mut client = config.client(ms(0));
    let read = Request::ReadHoldingRegisters {
        start: 0x2000,
        quantity: 2,
    };
    client.send(ms(0), &(7, read)).unwrap();
    assert!(client.poll_transmit(ms(0)).is_some());
    let mut buf = [0u8; 16];
    let regs = [0x00, 0x06, 0x13, 0x88];
    let n = encode_response(
        7,
        &Response::ReadHoldingRegisters(Words::new(&regs)),
        &mut buf,
    )
    .unwrap();
    client.feed(ms(5), &buf[..n]);
    let event = client.poll_event().unwrap();
    let Event::Reply(accepted) = event else {
        panic!("{event:?}")
    };
    // The event carries a token; the reply is read from the client.
    assert_eq!(to_json(event), json!({"reply": null}));
    assert_eq!(
        to_json(client.answer(accepted)),
        json!({"address": 7, "response": {"read_holding_registers": [6, 5000]},
            "adu": buf[..n]})
    );
}
