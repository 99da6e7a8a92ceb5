//! Any identifier and data through the BMS decoder, the aggregator and the
//! SLCAN codec: no panic, and whatever decodes re-encodes to the same bytes.
#![no_main]

use core::time::Duration;

use bms_can::{Battery, Message};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut battery = Battery::new();
    let mut now = Duration::ZERO;
    for chunk in data.chunks(10) {
        let Some((head, body)) = chunk.split_first_chunk::<2>() else {
            continue;
        };
        let id = u16::from_le_bytes(*head) & 0x7FF;
        if let Ok(m) = Message::decode(id, body) {
            let f = m.encode();
            assert_eq!(f.bytes(), body, "re-encodes to the same bytes");
            battery.feed(now, &m);
        }
        now += Duration::from_millis(u64::from(head[0]));
        let _ = battery.snapshot(now);
    }
    let _ = transports::slcan::decode_line(data);
    let mut d = transports::slcan::Decoder::new();
    let mut rest = data;
    while !rest.is_empty() {
        let (n, ev) = d.feed(rest);
        assert!(n > 0 || ev.is_some());
        rest = &rest[n..];
    }
});
