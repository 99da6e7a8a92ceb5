//! One ENC frame decoded as request and as response: no panic, and what
//! decodes re-encodes to the same bytes.
#![no_main]

use enc_ascii::{Frame, Radix, Request, Response};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(frame) = Frame::decode(data) else {
        return;
    };
    let mut buf = [0u8; 18];
    let n = frame.encode(&mut buf).expect("a decoded frame encodes");
    assert_eq!(&buf[..n], data, "frame re-encodes to the same bytes");
    if let Ok(r) = Request::decode(&frame) {
        let n = r.encode(&mut buf).expect("a decoded request encodes");
        assert_eq!(&buf[..n], data, "request re-encodes to the same bytes");
    }
    for radix in [Radix::Literal, Radix::Hex] {
        let r = Response::decode(&frame, radix);
        let n = r.encode(&mut buf).expect("a decoded response encodes");
        assert_eq!(&buf[..n], data, "response re-encodes to the same bytes");
    }
});
