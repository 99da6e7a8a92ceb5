//! The SLCAN host's client and the adapter side on arbitrary bytes in
//! arbitrary chunks: no panic, always progress, bounded output, and every
//! frame that comes out re-encodes to a line that decodes to it again.
#![no_main]

use core::time::Duration;

use libfuzzer_sys::fuzz_target;
use proto_core::DeviceMachine;
use slcan::{Adapter, Client, Command, Link, encode_frame};

fuzz_target!(|data: &[u8]| {
    let Some((&chunk, data)) = data.split_first() else {
        return;
    };
    let chunk = usize::from(chunk % 24) + 1;
    let mut c: Client<4> = Client::new(Link::new(), Duration::from_millis(40));
    let mut a: Adapter<64> = Adapter::new(*b"1013", *b"FUZZ");
    let mut now = Duration::ZERO;
    let _ = c.send(now, &Command::Open { bitrate: 500_000 });
    let _ = c.poll_transmit(now);
    for part in data.chunks(chunk) {
        now += Duration::from_millis(3);
        let mut rest = part;
        while !rest.is_empty() {
            let n = c.feed(now, rest);
            rest = &rest[n..];
            if c.poll_event().is_some() {
                let _ = c.send(now, &Command::Version);
                let _ = c.poll_transmit(now);
            }
        }
        c.handle_timeout(now);
        while let Some(f) = c.poll_inbound() {
            let mut line = [0u8; 32];
            let n = encode_frame(&f, &mut line).expect("a received frame re-encodes");
            let back = slcan::decode_line(&line[..n - 1]).expect("and decodes");
            assert!(matches!(back, slcan::Message::Frame(g) if g == f));
        }
        let mut rest = part;
        while !rest.is_empty() {
            let (n, _) = a.feed(now, rest);
            assert!(n > 0);
            rest = &rest[n..];
        }
        if let Some(out) = a.poll_transmit(now) {
            assert!(out.len() <= 64);
        }
    }
});
