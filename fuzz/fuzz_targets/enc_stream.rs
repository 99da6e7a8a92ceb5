//! The ENC framer, device side and client on arbitrary bytes in arbitrary
//! chunks: no panic, always progress.
#![no_main]

use core::time::Duration;

use enc_ascii::{Address, Client, Command, Device, Framer, Link, Request};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&chunk, data)) = data.split_first() else {
        return;
    };
    let chunk = usize::from(chunk % 24) + 1;
    let one = Address::new(1).expect("1 is an address");
    let mut f = Framer::<32>::new();
    let mut d = Device::new(one);
    let mut c = Client::<32>::new(Link::default(), Duration::from_millis(40));
    let mut now = Duration::ZERO;
    let _ = c.send(now, &Request::new(one, Command::State));
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
            let (n, ev) = d.feed(rest);
            assert!(n > 0 || ev.is_some());
            rest = &rest[n..];
        }
        let mut rest = part;
        while !rest.is_empty() {
            let n = c.feed(now, rest);
            rest = &rest[n..];
            if c.poll_event().is_some() {
                let _ = c.send(now, &Request::new(one, Command::Version));
                let _ = c.poll_transmit(now);
            }
        }
    }
});
