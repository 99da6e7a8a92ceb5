//! Arbitrary bytes never panic; whatever decodes re-encodes exactly.

use modbus_rtu_lite::{
    Request, Response, crc16, decode_request, decode_response, encode_request, encode_response,
    length,
};
use proptest::prelude::*;

fn with_crc(mut b: Vec<u8>) -> Vec<u8> {
    let c = crc16(&b);
    b.extend_from_slice(&c.to_le_bytes());
    b
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = decode_request(&bytes);
        let _ = decode_response(&bytes);
        let _ = length::request(&bytes);
        let _ = length::response(&bytes);
        let _ = Request::decode(&bytes);
        let _ = Response::decode(&bytes);
    }

    /// Frames with a valid CRC reach the PDU decoders; what they accept
    /// must encode back to the same bytes.
    #[test]
    fn valid_crc_frames_round_trip(addr in 1u8..=247, pdu in prop::collection::vec(any::<u8>(), 1..60)) {
        let adu = with_crc([vec![addr], pdu].concat());
        let mut out = [0u8; 300];
        if let Ok((a, r)) = decode_request(&adu) {
            let n = encode_request(a, &r, &mut out).unwrap();
            prop_assert_eq!(&out[..n], &adu[..]);
        }
        if let Ok((a, r)) = decode_response(&adu) {
            let n = encode_response(a, &r, &mut out).unwrap();
            prop_assert_eq!(&out[..n], &adu[..]);
        }
    }

    #[test]
    fn reads_and_writes_round_trip(addr in 1u8..=247, start: u16, qty in 1u16..=125, vals in prop::collection::vec(any::<u8>(), 2..=246)) {
        let mut out = [0u8; 300];
        let r = Request::ReadHoldingRegisters { start, quantity: qty };
        let n = encode_request(addr, &r, &mut out).unwrap();
        prop_assert_eq!(decode_request(&out[..n]).unwrap(), (addr, r));
        let even = &vals[..vals.len() / 2 * 2];
        let w = Request::WriteMultipleRegisters { start, values: modbus_rtu_lite::Words::new(even) };
        match encode_request(addr, &w, &mut out) {
            Ok(n) => {
                let (a, back) = decode_request(&out[..n]).unwrap();
                prop_assert_eq!((a, back), (addr, w));
            }
            Err(_) => prop_assert!(even.len() > 246),
        }
    }
}
