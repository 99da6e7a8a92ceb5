//! A frame decoded as the reply to every inquiry: no panic, and whatever
//! decodes re-encodes to a frame that decodes to the same value.
#![no_main]

use axpert_proto::{Frame, Inquiry, Response};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(frame) = Frame::decode(data) else {
        // Decode the payload anyway, as if the CRC had passed.
        let f = Frame {
            start: axpert_proto::Start::Paren,
            payload: data,
            crc: None,
        };
        for i in Inquiry::ALL {
            let _ = Response::decode(Some(i), &f);
        }
        return;
    };
    for i in Inquiry::ALL.into_iter().map(Some).chain([None]) {
        if let Ok(r) = Response::decode(i, &frame) {
            let mut buf = [0u8; 600];
            let n = r.encode(&mut buf).expect("a decoded reply encodes");
            assert_eq!(Response::decode_bytes(i, &buf[..n]), Ok(r));
        }
    }
});
