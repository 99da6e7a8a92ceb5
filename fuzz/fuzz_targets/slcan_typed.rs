//! Typed values the other way round: an arbitrary CAN frame (standard or
//! extended, data or remote, any identifier and length) is written as an
//! SLCAN line, read back by `decode_line` and by an open adapter, and
//! compared. A frame that encodes but reads back as another is a crash;
//! one that is refused must not fit its kind.
#![no_main]

use core::time::Duration;

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use proto_core::DeviceMachine;
use slcan::{Adapter, CanFrame, Host, Message, decode_line, encode_frame};

/// What the line carries: identifier, kind, length, and the data bytes
/// (none for a remote frame, whose bytes past its length mean nothing).
fn on_the_wire(f: &CanFrame) -> (u32, bool, bool, u8, &[u8]) {
    (f.id, f.extended, f.remote, f.len, f.bytes())
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let extended: bool = u.arbitrary()?;
    let id = if u.arbitrary()? {
        u.arbitrary()?
    } else if extended {
        u.int_in_range(0..=0x1FFF_FFFF)?
    } else {
        u.int_in_range(0..=0x7FF)?
    };
    let f = CanFrame {
        id,
        extended,
        remote: u.arbitrary()?,
        data: u.arbitrary()?,
        len: if u.ratio(1, 8)? {
            u.arbitrary()?
        } else {
            u.int_in_range(0..=8)?
        },
    };
    let mut line = [0u8; 32];
    let n = match encode_frame(&f, &mut line) {
        Ok(n) => n,
        Err(e) => {
            let fits = f.id <= if f.extended { 0x1FFF_FFFF } else { 0x7FF };
            assert!(!fits || f.len > 8, "{f:?} refused: {e:?}");
            return Ok(());
        }
    };
    assert_eq!(line[n - 1], b'\r');
    match decode_line(&line[..n - 1]) {
        Ok(Message::Frame(g)) => assert_eq!(on_the_wire(&g), on_the_wire(&f)),
        other => panic!("{f:?} written as {:?} read as {other:?}", &line[..n]),
    }
    // The adapter side: the same line is a frame for the bus, and once
    // open, the frame from the bus goes to the host as the same line.
    let mut a: Adapter<64> = Adapter::new(*b"1013", *b"FUZZ");
    let mut rest: &[u8] = b"O\r";
    while !rest.is_empty() {
        let (k, _) = a.feed(Duration::ZERO, rest);
        rest = &rest[k..];
    }
    assert!(a.is_open());
    let _ = a.poll_transmit(Duration::ZERO);
    a.respond(&f);
    assert_eq!(a.poll_transmit(Duration::ZERO), Some(&line[..n]));
    let mut rest = &line[..n];
    let mut got = None;
    while !rest.is_empty() {
        let (k, host) = a.feed(Duration::ZERO, rest);
        if let Some(Host::Frame(g)) = host {
            got = Some(g);
        }
        rest = &rest[k..];
    }
    let g = got.unwrap_or_else(|| panic!("the adapter took no frame from {:?}", &line[..n]));
    assert_eq!(on_the_wire(&g), on_the_wire(&f));
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
