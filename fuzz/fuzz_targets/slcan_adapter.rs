//! The SLCAN adapter side as the serve loop drives it: the host's lines
//! (frames of any kind, every command, refusals, garbage; whole or in
//! chunks), the application's frames from the bus, and the output taken
//! now or later, from adapters with 32 or 256 bytes of output room.
//!
//! What must hold: no panic; `feed` always takes a byte; the output at
//! most its room, whole lines only (each poll ends in CR or BEL), every
//! line of it decoded by the host's own decoder as an acknowledgement, a
//! refusal, a `z`/`Z`, the version or serial reply, or a frame; the frames
//! in it exactly the application's, in order, while the channel was open
//! (unless output was dropped); a frame line the host sent (after a CR
//! that ends whatever came before) handed out once, equal to the frame
//! sent, and acknowledged.
#![no_main]

use core::time::Duration;

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use proto_core::{CanFrame, DeviceMachine};
use slcan::{Adapter, Decoder, Host, Message, encode_frame};

const COMMANDS: &[&[u8]] = &[
    b"O\r",
    b"C\r",
    b"V\r",
    b"N\r",
    b"S6\r",
    b"s031C\r",
    b"Z1\r",
    b"F\r",
    b"X1\r",
    b"W2\r",
    b"M00000000\r",
    b"mFFFFFFFF\r",
    b"Q\r",
    b"\r",
    b"\x07",
    b"z\r",
    b"t12\r",
    b"t1232\r",
];

fn frame(u: &mut Unstructured<'_>) -> Result<CanFrame> {
    let extended: bool = u.arbitrary()?;
    let id = if extended {
        u.int_in_range(0..=0x1FFF_FFFF)?
    } else {
        u.int_in_range(0..=0x7FF)?
    };
    let remote = u.ratio(1, 8)?;
    let len = u.int_in_range(0..=8u8)?;
    let mut data = [0u8; 8];
    if !remote {
        u.fill_buffer(&mut data[..usize::from(len)])?;
    }
    Ok(CanFrame {
        id,
        extended,
        remote,
        data,
        len,
    })
}

struct Run<const TX: usize> {
    a: Adapter<TX>,
    now: Duration,
    /// The host's decoder of the adapter's output.
    host: Decoder,
    /// The application's frames sent while open, not yet seen in the output.
    bus: std::collections::VecDeque<CanFrame>,
    /// Whether the channel is open, as the adapter reported it.
    open: bool,
    /// What the adapter handed out during the last `feed_all`.
    got: Vec<Host>,
}

impl<const TX: usize> Run<TX> {
    fn feed_all(&mut self, bytes: &[u8], u: &mut Unstructured<'_>) -> Result<()> {
        self.got.clear();
        let mut rest = bytes;
        while !rest.is_empty() {
            let k = u.int_in_range(1..=rest.len())?;
            let mut part = &rest[..k];
            rest = &rest[k..];
            while !part.is_empty() {
                let (n, h) = self.a.feed(self.now, part);
                assert!(n > 0 && n <= part.len(), "{n} of {part:02X?}");
                part = &part[n..];
                match h {
                    Some(Host::Open) => self.open = true,
                    Some(Host::Close) => self.open = false,
                    _ => {}
                }
                self.got.extend(h);
                assert_eq!(self.open, self.a.is_open());
                if u.ratio(1, 8)? {
                    self.transmit();
                }
            }
            if u.ratio(1, 4)? {
                self.now += Duration::from_micros(u.int_in_range(0..=5000)?);
            }
        }
        Ok(())
    }

    fn transmit(&mut self) {
        let dropped = self.a.overflow();
        let Some(out) = self.a.poll_transmit(self.now) else {
            return;
        };
        let out = out.to_vec();
        assert!(!out.is_empty() && out.len() <= TX, "{} bytes", out.len());
        assert!(
            matches!(out.last(), Some(b'\r' | 0x07)),
            "output cut inside a line: {:?}",
            String::from_utf8_lossy(&out)
        );
        assert!(self.a.poll_transmit(self.now).is_none(), "the output twice");
        let mut rest = &out[..];
        while !rest.is_empty() {
            let (n, m) = self.host.feed(rest);
            assert!(n > 0);
            rest = &rest[n..];
            match m {
                None | Some(Ok(Message::Ack | Message::Refused | Message::Sent)) => {}
                Some(Ok(Message::Other(line))) => assert!(
                    matches!(line, [b'V', _, _, _, _] | [b'N', _, _, _, _]),
                    "an unknown line {:?} in {:?}",
                    String::from_utf8_lossy(line),
                    String::from_utf8_lossy(&out)
                ),
                Some(Ok(Message::Frame(f))) => {
                    if dropped == 0 {
                        assert_eq!(self.bus.pop_front(), Some(f), "not the bus's next frame");
                    }
                }
                Some(Err(e)) => panic!("{e:?} in {:?}", String::from_utf8_lossy(&out)),
            }
        }
        assert!(!self.host.in_line(), "a line left open");
        if dropped == 0 {
            assert!(self.bus.is_empty(), "frames lost: {:?}", self.bus);
        }
        self.bus.clear();
    }

    fn step(&mut self, u: &mut Unstructured<'_>) -> Result<()> {
        match u.int_in_range(0..=7u8)? {
            0 => {
                let len = u.int_in_range(0..=64)?;
                let bytes = u.bytes(len)?.to_vec();
                self.feed_all(&bytes, u)?;
            }
            1 | 2 => {
                let c = COMMANDS[u.choose_index(COMMANDS.len())?];
                self.feed_all(c, u)?;
            }
            3 | 4 => {
                let f = frame(u)?;
                let mut line = [0u8; 32];
                let n = encode_frame(&f, &mut line).expect("a valid frame encodes");
                // A CR first ends whatever came before.
                self.feed_all(b"\r", u)?;
                self.feed_all(&line[..n], u)?;
                assert_eq!(self.got, [Host::Frame(f)], "{:?}", &line[..n]);
            }
            5 => {
                let f = frame(u)?;
                self.a.respond(&f);
                if self.open && self.a.overflow() == 0 {
                    self.bus.push_back(f);
                }
            }
            6 => self.now += Duration::from_millis(u.int_in_range(0..=5000)?),
            _ => self.transmit(),
        }
        Ok(())
    }
}

fn run<const TX: usize>(u: &mut Unstructured<'_>) {
    let mut r = Run::<TX> {
        a: Adapter::new(*b"1013", *b"FUZZ"),
        now: Duration::ZERO,
        host: Decoder::new(),
        bus: Default::default(),
        open: false,
        got: Vec::new(),
    };
    for _ in 0..256 {
        if u.is_empty() || r.step(u).is_err() {
            break;
        }
    }
    r.transmit();
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    match u.arbitrary::<bool>() {
        Ok(true) => run::<32>(&mut u),
        Ok(false) => run::<256>(&mut u),
        Err(_) => {}
    }
});
