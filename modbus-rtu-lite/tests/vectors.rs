//! The test vectors of docs/protocols/modbus.md §4: golden frames seen on
//! the wire or worked in the spec, and adversarial ones.

use modbus_rtu_lite::{
    Error, Exception, Request, Response, decode_request, decode_response, encode_request,
    encode_response,
    length::{self, Length},
};

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

/// The request decodes, re-encodes to the same bytes, and its length is predicted.
fn request(s: &str) -> Vec<u8> {
    let b = hex(s);
    let (addr, r) = decode_request(&b).unwrap_or_else(|e| panic!("{s}: {e}"));
    let mut out = [0u8; 256];
    let n = encode_request(addr, &r, &mut out).unwrap_or_else(|e| panic!("{s}: {e}"));
    assert_eq!(&out[..n], &b[..], "{s}");
    match length::request(&b) {
        Length::Exact(n) => assert_eq!(n, b.len(), "{s}"),
        Length::Unknown => assert_eq!(
            (b[1], b[2], b[3]),
            (8, 0, 0),
            "{s}: only FC08/00 is unknown"
        ),
        other => panic!("{s}: {other:?}"),
    }
    b
}

/// The same for a response.
fn response(s: &str) -> Vec<u8> {
    let b = hex(s);
    let (addr, r) = decode_response(&b).unwrap_or_else(|e| panic!("{s}: {e}"));
    let mut out = [0u8; 256];
    let n = encode_response(addr, &r, &mut out).unwrap_or_else(|e| panic!("{s}: {e}"));
    assert_eq!(&out[..n], &b[..], "{s}");
    if let Length::Exact(n) = length::response(&b) {
        assert_eq!(n, b.len(), "{s}");
    }
    b
}

#[test]
fn golden_frames_seen_on_the_wire() {
    request("01 03 00 00 00 0A C5 CD");
    response("01 03 14 00 00 00 01 00 02 00 03 00 04 00 05 00 06 00 07 00 08 00 09 CD 51");
    request("01 03 00 00 00 03 05 CB");
    response("01 03 06 00 00 00 01 00 02 F1 74");
    request("01 01 00 00 00 10 3D C6");
    response("01 01 02 00 00 B9 FC");
    request("11 02 00 00 00 08 7B 5C");
    response("11 02 01 55 65 77");
    request("01 04 00 00 00 03 B0 0B");
    response("01 04 06 12 34 12 34 12 34 9B E4");
    request("01 05 00 03 FF 00 7C 3A");
    response("01 05 00 03 FF 00 7C 3A");
    request("01 06 00 05 BE EF A9 E7");
    response("01 06 00 05 BE EF A9 E7");
    request("01 0F 00 00 00 0A 02 FF 03 E4 C9");
    response("01 0F 00 00 00 0A D5 CC");
    request("01 10 00 0A 00 03 06 00 01 00 02 00 03 1A A1");
    response("01 10 00 0A 00 03 A0 0A");
    request("01 03 13 88 00 01 00 A4");
    response("01 83 02 C0 F1");
    response("01 83 03 01 31");
    response("01 81 03 00 51");
    request("01 0B 41 E7");
    response("01 8B 01 87 30");
    response("01 85 03 02 91");
    response("01 C1 01 B0 50");
    request("00 06 00 07 00 2A B8 05");
    response("01 11 0A B4 FF 4C 4D 42 33 2E 31 2E 36 48 AE");
}

#[test]
fn golden_frames_of_the_application_protocol() {
    for (req, resp) in [
        ("11 01 00 13 00 13 8E 92", Some("11 01 03 CD 6B 05 40 12")),
        ("11 02 00 C4 00 16 BA A9", Some("11 02 03 AC DB 35 20 18")),
        (
            "11 03 00 6B 00 03 76 87",
            Some("11 03 06 02 2B 00 00 00 64 C8 BA"),
        ),
        ("11 04 00 08 00 01 B2 98", Some("11 04 02 00 0A F8 F4")),
        ("11 05 00 AC FF 00 4E 8B", Some("11 05 00 AC FF 00 4E 8B")),
        ("11 06 00 01 00 03 9A 9B", Some("11 06 00 01 00 03 9A 9B")),
        ("11 07 4C 22", Some("11 07 6D E2 18")),
        ("11 08 00 00 A5 37 D8 1D", Some("11 08 00 00 A5 37 D8 1D")),
        ("11 08 00 01 00 00 B3 5B", None),
        ("11 08 00 04 00 00 A3 5A", None),
        ("11 08 00 0B 00 00 93 59", None),
        ("11 0B 4C 27", Some("11 0B FF FF 01 08 A6 E9")),
        (
            "11 0C 0D E5",
            Some("11 0C 08 00 00 01 08 01 21 20 00 59 01"),
        ),
        (
            "11 0F 00 13 00 0A 02 CD 01 BF 0B",
            Some("11 0F 00 13 00 0A 26 99"),
        ),
        (
            "11 10 00 01 00 02 04 00 0A 01 02 C6 F0",
            Some("11 10 00 01 00 02 12 98"),
        ),
        ("11 11 CD EC", None),
        (
            "11 14 0E 06 00 04 00 01 00 02 06 00 03 00 09 00 02 F9 38",
            Some("11 14 0C 05 06 0D FE 00 20 05 06 33 CD 00 40 69 AD"),
        ),
        (
            "11 15 0D 06 00 04 00 07 00 03 06 AF 04 BE 10 0D DB C7",
            Some("11 15 0D 06 00 04 00 07 00 03 06 AF 04 BE 10 0D DB C7"),
        ),
        (
            "11 16 00 04 00 F2 00 25 66 E2",
            Some("11 16 00 04 00 F2 00 25 66 E2"),
        ),
        (
            "11 17 00 03 00 06 00 0E 00 03 06 00 FF 00 FF 00 FF 4B 54",
            Some("11 17 0C 00 FE 0A CD 00 01 00 03 00 0D 00 FF 0D 75"),
        ),
        (
            "11 18 04 DE 07 87",
            Some("11 18 00 06 00 02 01 B8 12 84 18 8D"),
        ),
        ("11 2B 0E 01 00 B1 B4", None),
    ] {
        request(req);
        if let Some(r) = resp {
            response(r);
        }
    }
}

#[test]
fn decoded_values_are_the_specs() {
    let b = response("11 03 06 02 2B 00 00 00 64 C8 BA");
    let (_, Response::ReadHoldingRegisters(r)) = decode_response(&b).unwrap() else {
        panic!()
    };
    assert_eq!(r.iter().collect::<Vec<_>>(), [0x022B, 0, 0x64]);
    let b = response("11 01 03 CD 6B 05 40 12");
    let (_, Response::ReadCoils(c)) = decode_response(&b).unwrap() else {
        panic!()
    };
    // Coils 20..27 = CD: 20 on, 21 off, 22 on, 23 on, 24 off, 25 off, 26 on, 27 on.
    assert_eq!(
        c.iter().take(8).collect::<Vec<_>>(),
        [true, false, true, true, false, false, true, true]
    );
    let b = response("11 18 00 06 00 02 01 B8 12 84 18 8D");
    let (_, Response::ReadFifoQueue(q)) = decode_response(&b).unwrap() else {
        panic!()
    };
    assert_eq!(q.iter().collect::<Vec<_>>(), [0x01B8, 0x1284]);
    let b = request("11 17 00 03 00 06 00 0E 00 03 06 00 FF 00 FF 00 FF 4B 54");
    let (
        _,
        Request::ReadWriteMultipleRegisters {
            read_quantity,
            values,
            ..
        },
    ) = decode_request(&b).unwrap()
    else {
        panic!()
    };
    assert_eq!((read_quantity, values.len()), (6, 3));
    let b = response("01 85 03 02 91");
    assert_eq!(
        decode_response(&b).unwrap().1,
        Response::Exception {
            function: 5,
            code: Exception::IllegalDataValue
        }
    );
    let b = request("00 06 00 07 00 2A B8 05");
    assert_eq!(decode_request(&b).unwrap().0, 0, "broadcast write");
}

#[test]
fn adversarial_requests_are_refused_with_the_right_error() {
    let bad = |s: &str| decode_request(&hex(s)).unwrap_err();
    // Quantity 0 (FC03) and FC10 with quantity 0 / byte count 0.
    assert_eq!(
        bad("01 03 00 00 00 00 45 CA"),
        Error::Quantity {
            function: 3,
            found: 0,
            max: 125
        }
    );
    assert!(matches!(
        bad("01 10 00 00 00 00 00 09 50"),
        Error::Quantity { function: 0x10, .. }
    ));
    // FC10: quantity 3, byte count 2; FC0F: quantity 10, byte count 1.
    assert_eq!(
        bad("01 10 00 00 00 03 02 00 01 66 28"),
        Error::ByteCount {
            function: 0x10,
            found: 2,
            expected: 6
        }
    );
    assert_eq!(
        bad("01 0F 00 00 00 0A 01 FF 1F 15"),
        Error::ByteCount {
            function: 0x0F,
            found: 1,
            expected: 2
        }
    );
    // FC05 with an illegal value.
    assert_eq!(
        bad("01 05 00 01 12 34 91 7D"),
        Error::Value {
            function: 5,
            found: 0x1234
        }
    );
    // Unknown FC with a bad CRC: a CRC error, not a request.
    assert!(matches!(bad("01 41 00 00 00 01 DE AD"), Error::Crc { .. }));
    // Unknown FC with a good CRC: a custom request.
    assert!(matches!(
        decode_request(&hex("01 41 00 00 00 01 FC 05")).unwrap().1,
        Request::Custom { function: 0x41, .. }
    ));
    // FC2B/0E with an illegal read code.
    assert_eq!(
        bad("01 2B 0E 05 00 72 B7"),
        Error::Value {
            function: 0x2B,
            found: 5
        }
    );
    // FC08/00 with two data words: a 10-byte echo, not 8.
    let diag = hex("11 08 00 00 A5 37 12 34 97 7E");
    let (_, r) = decode_request(&diag).unwrap();
    assert_eq!(
        r,
        Request::Diagnostics {
            sub: 0,
            data: &[0xA5, 0x37, 0x12, 0x34]
        }
    );
}

#[test]
fn truncated_reply_that_passes_a_naive_crc() {
    // crc(01 04 02 03) = 0x7801: the 6-byte prefix ends in a "valid" CRC.
    let full = hex("01 04 02 03 01 78 00");
    let prefix = &full[..6];
    assert_eq!(
        length::response(prefix),
        Length::Exact(7),
        "the byte count says 7"
    );
    assert!(decode_response(prefix).is_err(), "not 5 + bc bytes");
    let (_, Response::ReadInputRegisters(r)) = decode_response(&full).unwrap() else {
        panic!()
    };
    assert_eq!(r.get(0), Some(0x0301));
    // FC06 cut to 6 bytes whose tail is a valid CRC over the first 4.
    assert_eq!(length::request(&hex("01 06 00 07 A0 1B")), Length::Exact(8));
    assert!(decode_request(&hex("01 06 00 07 A0 1B")).is_err());
}

#[test]
fn encoders_refuse_what_the_spec_forbids() {
    let mut buf = [0u8; 300];
    let enc = |a, r: &Request| encode_request(a, r, &mut [0u8; 300]);
    assert!(matches!(
        enc(
            1,
            &Request::ReadCoils {
                start: 0,
                quantity: 2001
            }
        ),
        Err(Error::Quantity { .. })
    ));
    assert!(matches!(
        enc(
            1,
            &Request::ReadInputRegisters {
                start: 0,
                quantity: 0
            }
        ),
        Err(Error::Quantity { .. })
    ));
    // Broadcast reads, reserved addresses.
    assert_eq!(
        enc(
            0,
            &Request::ReadHoldingRegisters {
                start: 0,
                quantity: 1
            }
        ),
        Err(Error::Address { found: 0 })
    );
    assert_eq!(
        enc(
            248,
            &Request::WriteSingleRegister {
                address: 0,
                value: 1
            }
        ),
        Err(Error::Address { found: 248 })
    );
    // FC17 writing 122 registers would be a 257-byte ADU.
    let regs = [0u8; 244];
    let too_many = Request::ReadWriteMultipleRegisters {
        read_start: 0,
        read_quantity: 1,
        write_start: 0,
        values: modbus_rtu_lite::Words::new(&regs),
    };
    assert!(matches!(
        enc(1, &too_many),
        Err(Error::Quantity {
            function: 0x17,
            found: 122,
            max: 121
        })
    ));
    // 121 registers is the largest: 255 bytes.
    let ok = Request::ReadWriteMultipleRegisters {
        read_start: 0,
        read_quantity: 1,
        write_start: 0,
        values: modbus_rtu_lite::Words::new(&regs[..242]),
    };
    assert_eq!(encode_request(1, &ok, &mut buf), Ok(255));
    // FC0F: byte count must match the quantity.
    let coils = Request::WriteMultipleCoils {
        start: 0,
        coils: modbus_rtu_lite::Bits::new(&[0xFF, 0x03, 0x00], 10),
    };
    assert!(matches!(enc(1, &coils), Err(Error::ByteCount { .. })));
}

#[test]
fn device_id_keeps_an_odd_more_follows_byte() {
    // Found by fuzzing: a more-follows byte other than 00/FF must survive
    // decode and re-encode.
    let mut b = hex("01 2B 0E 05 00 72 B7 00");
    let crc = modbus_rtu_lite::crc16(&b);
    b.extend_from_slice(&crc.to_le_bytes());
    let (a, r) = decode_response(&b).unwrap();
    let Response::ReadDeviceId(id) = r else {
        panic!()
    };
    assert_eq!((id.more_follows, id.more()), (0x72, false));
    let mut out = [0u8; 32];
    let n = encode_response(a, &r, &mut out).unwrap();
    assert_eq!(&out[..n], &b[..]);
}

/// A custom request under a standard code would decode as that code's
/// request: it is refused before a byte is written (the structured fuzz
/// target's finding: `Custom { function: 6, data: [] }` went out and came
/// back as a short FC06).
#[test]
fn custom_requests_only_under_custom_codes() {
    let refused = |function: u8, data: &[u8]| {
        let r = Request::Custom { function, data };
        let mut buf = [0xAAu8; 16];
        let got = r.encode(&mut buf);
        assert_eq!(buf, [0xAA; 16], "nothing written for {function:#04x}");
        got
    };
    for fc in [0x01, 0x03, 0x06, 0x08, 0x0B, 0x0C, 0x10, 0x17, 0x18] {
        assert_eq!(refused(fc, &[]), Err(Error::Function { code: fc }));
    }
    // FC2B/0E is device identification; FC2B with another MEI type is custom.
    assert_eq!(
        refused(0x2B, &[0x0E, 1, 0]),
        Err(Error::Function { code: 0x2B })
    );
    for (fc, data) in [(0x41u8, &[0u8, 1][..]), (0x2B, &[0x0D, 0]), (0x09, &[])] {
        let r = Request::Custom { function: fc, data };
        let mut buf = [0u8; 16];
        let n = r.encode(&mut buf).unwrap();
        assert_eq!(Request::decode(&buf[..n]), Ok(r), "{fc:#04x}");
    }
}
