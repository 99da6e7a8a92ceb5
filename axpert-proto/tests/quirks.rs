//! Real-world quirks from docs/protocols/axpert.md §6 that the captures show only
//! in corrupted frames, rebuilt here with valid CRCs.

use axpert_proto::{Error, Framer, Inquiry, Response, crc_bytes, frame};

/// A reply frame for `payload`, its CRC computed (and adjusted) by the crate.
fn reply(payload: &str) -> Vec<u8> {
    let mut buf = [0u8; 300];
    let n = frame::encode_response(payload.as_bytes(), &mut buf).unwrap();
    buf[..n].to_vec()
}

fn qpigs(bytes: &[u8]) -> axpert_proto::response::GeneralStatus {
    let mut f = Framer::<256>::new();
    let mut out = None;
    for b in bytes {
        if let (_, Some(fr)) = f.feed(std::slice::from_ref(b)) {
            let fr = fr.unwrap();
            out = Some(Response::decode(Some(Inquiry::GeneralStatus), &fr).unwrap());
        }
    }
    match out {
        Some(Response::GeneralStatus(s)) => s,
        other => panic!("{other:?}"),
    }
}

#[test]
fn five_digit_powers_and_24_fields() {
    // The 11 kW MAX TWIN line (captures, corrupted there in field 14), repaired.
    let text = "247.1 49.9 229.6 49.9 01012 00969 009 420 53.40 011 052 0052 03.2 268.1 00.00 00000 00010110 00 00 00879 010 0 00 0000";
    let bytes = reply(text);
    assert_eq!(bytes.len(), 122, "the 122-byte frame of axpert.md §6");
    let s = qpigs(&bytes);
    assert_eq!(s.ac_output_apparent_power.to_u32(), Some(1012));
    assert_eq!(s.ac_output_active_power.to_u32(), Some(969));
    assert_eq!(s.extra.iter().collect::<Vec<_>>(), ["0", "00", "0000"]);
    let mut again = [0u8; 300];
    let n = Response::GeneralStatus(s).encode(&mut again).unwrap();
    assert_eq!(&again[..n], &bytes[..]);
}

#[test]
fn zero_crc_byte_is_accepted_raw_only() {
    // Vary the PV power field until the CRC has a 0x00 byte, as the VM IV
    // Twin's `00 E7` reply does.
    let (text, wire) = (0..100_000)
        .map(|p| {
            format!(
                "227.2 50.0 230.3 50.0 0829 0751 010 447 54.50 020 083 0054 02.7 323.6 00.00 00000 00010110 00 00 {p:05} 010"
            )
        })
        .find_map(|t| {
            let mut covered = b"(".to_vec();
            covered.extend_from_slice(t.as_bytes());
            let c = crc_bytes(&covered);
            c.contains(&0).then_some((t, c))
        })
        .unwrap();
    let bytes = reply(&text);
    assert!(bytes[bytes.len() - 3..bytes.len() - 1].contains(&0));
    assert_eq!(&bytes[bytes.len() - 3..bytes.len() - 1], &wire);
    qpigs(&bytes);
    // Anything else in that place is a CRC error, 0x01 too: no unit bumps
    // 0x00, and taking 0x01 let a 0x01 inserted before the CR pass.
    let mut bumped = bytes.clone();
    let k = bytes.len() - 3 + wire.iter().position(|&b| b == 0).unwrap();
    for b in [0x01, 0x02] {
        bumped[k] = b;
        assert!(matches!(
            Response::decode_bytes(Some(Inquiry::GeneralStatus), &bumped),
            Err(Error::Crc { .. })
        ));
    }
}

#[test]
fn qpigs2_trailing_space_is_not_an_empty_field() {
    // A PI30MAX reply (captures): three values and a trailing space.
    let bytes = b"(01.0 202.0 00205 'J\r";
    let Response::Raw(t) = Response::decode_bytes(None, bytes).unwrap() else {
        panic!()
    };
    assert_eq!(t.as_str(), "01.0 202.0 00205 ");
}

#[test]
fn errors_say_what_and_where() {
    // Field 9 of QPIGS is not a number.
    let bytes = reply(
        "239.3 50.0 230.2 50.0 0299 0196 005 423 5x.20 000 050 0056 01.9 209.8 00.00 00000 00010110 00 00 00408 010",
    );
    let e = Response::decode_bytes(Some(Inquiry::GeneralStatus), &bytes).unwrap_err();
    assert_eq!(e.to_string(), "field 9: not a number");
    // Too few fields.
    let e = Response::decode_bytes(Some(Inquiry::GeneralStatus), &reply("239.3 50.0")).unwrap_err();
    assert_eq!(
        e,
        Error::FieldCount {
            expected: 17,
            found: 2
        }
    );
    // Status bits with a stray character.
    let bytes = reply(
        "239.3 50.0 230.2 50.0 0299 0196 005 423 53.20 000 050 0056 01.9 209.8 00.00 00000 0001011x",
    );
    let e = Response::decode_bytes(Some(Inquiry::GeneralStatus), &bytes).unwrap_err();
    assert_eq!(
        e.to_string(),
        "field 17: bit field holds a character other than 0 or 1"
    );
    // A frame that does not start with `(`.
    assert_eq!(
        Response::decode_bytes(None, b"NAKss\r")
            .unwrap_err()
            .to_string(),
        "unexpected start byte 0x4e"
    );
}
