//! Any bytes as a Modbus RTU request and response ADU, and through the
//! length predictor: no panic; what decodes re-encodes to the same bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use modbus_rtu_lite::{decode_request, decode_response, encode_request, encode_response, length};

fuzz_target!(|data: &[u8]| {
    let _ = length::request(data);
    let _ = length::response(data);
    let mut out = [0u8; 300];
    if let Ok((a, r)) = decode_request(data)
        && let Ok(n) = encode_request(a, &r, &mut out)
    {
        assert_eq!(&out[..n], data);
    }
    if let Ok((a, r)) = decode_response(data)
        && let Ok(n) = encode_response(a, &r, &mut out)
    {
        assert_eq!(&out[..n], data);
    }
});
