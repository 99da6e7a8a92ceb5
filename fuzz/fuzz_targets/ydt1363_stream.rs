//! The YD/T 1363 frame decoder, framer and client on arbitrary bytes in
//! arbitrary chunks: no panic, always progress, and every frame that
//! decodes re-encodes to the same bytes.
#![no_main]

use core::time::Duration;

use libfuzzer_sys::fuzz_target;
use ydt1363::{Client, Frame, Framer, Link, Request};

fuzz_target!(|data: &[u8]| {
    if let Ok(f) = Frame::decode(data) {
        let mut buf = [0u8; 4200];
        let n = f.encode(&mut buf).expect("a decoded frame re-encodes");
        let body = data.strip_suffix(b"\r").unwrap_or(data);
        assert_eq!(&buf[..n - 1], body);
    }
    let Some((&chunk, data)) = data.split_first() else {
        return;
    };
    let chunk = usize::from(chunk % 24) + 1;
    let mut f = Framer::<64>::new();
    let mut c: Client<64> = Client::new(Link::new(), Duration::from_millis(40));
    let ask = Request {
        ver: 0x20,
        adr: 2,
        cid1: 0x46,
        cid2: 0x42,
        info: &[2],
    };
    let mut now = Duration::ZERO;
    let _ = c.send(now, &ask);
    let _ = c.poll_transmit(now);
    for part in data.chunks(chunk) {
        now += Duration::from_millis(3);
        let mut rest = part;
        while !rest.is_empty() {
            let (n, ev) = f.feed(rest);
            assert!(n > 0 || ev.is_some());
            rest = &rest[n..];
        }
        let mut rest = part;
        while !rest.is_empty() {
            let n = c.feed(now, rest);
            rest = &rest[n..];
            if let Some(proto_core::Event::Reply(a)) = c.poll_event() {
                let _ = c.answer(a).info().u8();
                let _ = c.send(now, &ask);
                let _ = c.poll_transmit(now);
            }
        }
        c.handle_timeout(now);
        if c.poll_event().is_some() {
            let _ = c.send(now, &ask);
            let _ = c.poll_transmit(now);
        }
    }
});
