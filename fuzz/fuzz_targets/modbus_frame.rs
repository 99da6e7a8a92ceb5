//! Any bytes as a Modbus RTU request and response ADU, and through the
//! length predictor: no panic; what decodes re-encodes to the same bytes.
#![no_main]

use core::time::Duration;

use libfuzzer_sys::fuzz_target;
use modbus_rtu_lite::{
    Framer, Line, Mode, Parity, Side, decode_request, decode_response, encode_request,
    encode_response, length,
};

fuzz_target!(|data: &[u8]| {
    // Both framers, both sides, with the first byte as the time step.
    let line = Line::new(19200, Parity::Even, 1);
    let step = Duration::from_micros(u64::from(data.first().copied().unwrap_or(0)) * 40);
    for mode in [
        Mode::Timing,
        Mode::Length {
            silence: Duration::from_millis(5),
        },
    ] {
        for side in [Side::Requests, Side::Responses] {
            let mut f = Framer::new(line, mode, side, Duration::ZERO);
            let mut now = Duration::ZERO;
            for chunk in data.chunks(7) {
                now += step;
                let mut rest = chunk;
                while !rest.is_empty() {
                    let n = f.feed(now, rest);
                    rest = &rest[n..];
                    if let Some(Ok(frame)) = f.poll_frame() {
                        assert!(frame.len() <= 256);
                    }
                }
                f.handle_timeout(now);
                let _ = f.poll_frame();
            }
        }
    }
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
