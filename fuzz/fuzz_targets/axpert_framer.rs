//! Both framers and the client on arbitrary bytes in arbitrary chunks:
//! no panic, always progress, never more than the capacity buffered.
#![no_main]

use core::time::Duration;

use axpert_proto::{Client, Framer, Inquiry, Link, RequestFramer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&chunk, data)) = data.split_first() else {
        return;
    };
    let chunk = usize::from(chunk % 32) + 1;
    let mut f = Framer::<64>::new();
    let mut r = RequestFramer::<64>::new();
    let mut c = Client::<128>::new(Link::new(), Duration::from_millis(100));
    let mut now = Duration::ZERO;
    let _ = c.send(now, &Inquiry::GeneralStatus.into());
    let _ = c.poll_transmit(now);
    for part in data.chunks(chunk) {
        now += Duration::from_millis(7);
        let mut rest = part;
        while !rest.is_empty() {
            let (n, ev) = f.feed(rest);
            assert!(n > 0 || ev.is_some(), "framer made no progress");
            rest = &rest[n..];
        }
        let mut rest = part;
        while !rest.is_empty() {
            let (n, ev) = r.feed(rest);
            assert!(n > 0 || ev.is_some(), "request framer made no progress");
            rest = &rest[n..];
        }
        let mut rest = part;
        while !rest.is_empty() {
            let n = c.feed(now, rest);
            rest = &rest[n..];
            if c.poll_event().is_some() {
                let _ = c.send(now, &Inquiry::Mode.into());
                let _ = c.poll_transmit(now);
            }
        }
    }
});
