//! The adapter's side: what a USB-CAN adapter's firmware, or a simulated
//! adapter, does with the host's lines.
//!
//! [`Adapter`] is a [`DeviceMachine`] for the serve loop in `transports`:
//! the host's commands are answered here (`O`/`C` open and close the
//! channel, `Sn`, `sn`, `Z`, `F`, `X`, `W`, `M`, `m` are acknowledged with
//! CR, `V` and `N` answer the version and serial number, anything else is
//! refused with BEL); a frame the host sends is acknowledged (`z`/`Z`) and
//! handed to the application, as are the channel's opening and closing
//! ([`Host`]); the application's frames (from the bus) go to the host as
//! lines while the channel is open.

use core::time::Duration;

use proto_core::{CanFrame, DeviceMachine};

use crate::{Decoder, Message, encode_frame};

/// What the host did that the application hears of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Host {
    /// It put a frame on the bus.
    Frame(CanFrame),
    /// It opened the channel (`O`): frames from the bus reach it from now on.
    Open,
    /// It closed the channel (`C`).
    Close,
}

/// An SLCAN adapter with room for `TX` bytes of output to the host.
#[derive(Debug, Clone)]
pub struct Adapter<const TX: usize = 256> {
    decoder: Decoder,
    open: bool,
    version: [u8; 4],
    serial: [u8; 4],
    tx: [u8; TX],
    tx_len: usize,
    overflow: u32,
}

impl<const TX: usize> Adapter<TX> {
    /// A closed adapter that answers `V` with `version` and `N` with
    /// `serial` (four characters each, as Lawicel's adapters do).
    pub const fn new(version: [u8; 4], serial: [u8; 4]) -> Self {
        Adapter {
            decoder: Decoder::new(),
            open: false,
            version,
            serial,
            tx: [0; TX],
            tx_len: 0,
            overflow: 0,
        }
    }

    /// Whether the host has opened the channel.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Output dropped because the host did not read it in time.
    pub fn overflow(&self) -> u32 {
        self.overflow
    }

    fn put(&mut self, bytes: &[u8]) {
        match self.tx.get_mut(self.tx_len..self.tx_len + bytes.len()) {
            Some(dst) => {
                dst.copy_from_slice(bytes);
                self.tx_len += bytes.len();
            }
            None => self.overflow = self.overflow.saturating_add(1),
        }
    }

    /// `kind`, the four characters and CR, as one line.
    fn put_reply(&mut self, kind: u8, chars: [u8; 4]) {
        let [a, b, c, d] = chars;
        self.put(&[kind, a, b, c, d, b'\r']);
    }

    fn command(&mut self, line: &[u8]) -> Option<Host> {
        match line.first() {
            Some(b'O') => {
                self.open = true;
                self.put(b"\r");
                return Some(Host::Open);
            }
            Some(b'C') => {
                self.open = false;
                self.put(b"\r");
                return Some(Host::Close);
            }
            // Each reply in one piece: what does not fit is dropped whole,
            // never cut to a "V\r" (or a "V" the next line runs on from).
            Some(b'V') => self.put_reply(b'V', self.version),
            Some(b'N') => self.put_reply(b'N', self.serial),
            Some(b'S' | b's' | b'Z' | b'F' | b'X' | b'W' | b'M' | b'm') => self.put(b"\r"),
            _ => self.put(&[0x07]),
        }
        None
    }
}

impl<const TX: usize> DeviceMachine for Adapter<TX> {
    /// A frame the host put on the bus, or the channel opened or closed.
    type Request = Host;
    /// A frame from the bus for the host (dropped while the channel is closed).
    type Response = CanFrame;

    fn feed(&mut self, _now: Duration, bytes: &[u8]) -> (usize, Option<Host>) {
        let (n, line) = self.decoder.feed(bytes);
        let request = match line {
            Some(Ok(Message::Other(cmd))) => {
                let mut copy = [0u8; 8];
                let len = cmd.len().min(8);
                if let (Some(d), Some(s)) = (copy.get_mut(..len), cmd.get(..len)) {
                    d.copy_from_slice(s);
                }
                self.command(copy.get(..len).unwrap_or_default())
            }
            Some(Ok(Message::Frame(f))) => {
                self.put(if f.extended { b"Z\r" } else { b"z\r" });
                Some(Host::Frame(f))
            }
            Some(Ok(Message::Sent | Message::Refused | Message::Ack)) | None => None,
            Some(Err(_)) => {
                self.put(&[0x07]);
                None
            }
        };
        (n, request)
    }

    fn respond(&mut self, frame: &CanFrame) {
        if !self.open {
            return;
        }
        let mut line = [0u8; 32];
        match encode_frame(frame, &mut line) {
            Ok(n) => self.put(line.get(..n).unwrap_or_default()),
            Err(_) => self.overflow = self.overflow.saturating_add(1),
        }
    }

    fn poll_transmit(&mut self, _now: Duration) -> Option<&[u8]> {
        let n = core::mem::take(&mut self.tx_len);
        self.tx.get(..n).filter(|b| !b.is_empty())
    }
}

/// The decoder, the channel's state, the identity and how many output
/// bytes wait to be sent, not the output buffer.
#[cfg(feature = "defmt")]
impl<const TX: usize> defmt::Format for Adapter<TX> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "Adapter {{ decoder: {}, open: {=bool}, version: {=[u8]:a}, serial: {=[u8]:a}, pending: {=usize}, capacity: {=usize}, overflow: {=u32} }}",
            self.decoder,
            self.open,
            self.version,
            self.serial,
            self.tx_len,
            TX,
            self.overflow
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed_all(a: &mut Adapter, mut bytes: &[u8]) -> ([u8; 64], usize, Option<Host>) {
        let mut got = None;
        while !bytes.is_empty() {
            let (n, r) = a.feed(Duration::ZERO, bytes);
            got = r.or(got);
            bytes = &bytes[n..];
        }
        let mut out = [0u8; 64];
        let sent = a.poll_transmit(Duration::ZERO).unwrap_or_default();
        out[..sent.len()].copy_from_slice(sent);
        (out, sent.len(), got)
    }

    #[test]
    fn answers_commands_forwards_frames_while_open() {
        let mut a: Adapter = Adapter::new(*b"1013", *b"SIM1");
        let f = CanFrame::new(0x351, &[1, 2]);
        a.respond(&f);
        assert_eq!(a.poll_transmit(Duration::ZERO), None, "closed: nothing");
        let (out, n, last) = feed_all(&mut a, b"C\rS6\rO\rV\rN\rQ\r");
        assert_eq!(&out[..n], b"\r\r\rV1013\rNSIM1\r\x07");
        assert_eq!(last, Some(Host::Open));
        assert!(a.is_open());
        a.respond(&f);
        assert_eq!(a.poll_transmit(Duration::ZERO), Some(&b"t35120102\r"[..]));
        let (out, n, got) = feed_all(&mut a, b"t30580000000000000000\r");
        assert_eq!(&out[..n], b"z\r");
        assert_eq!(got, Some(Host::Frame(CanFrame::new(0x305, &[0; 8]))));
        let (out, n, _) = feed_all(&mut a, b"tZZZ\r");
        assert_eq!(&out[..n], b"\x07", "a bad line is refused");
    }

    #[test]
    fn output_is_bounded() {
        let mut a: Adapter<16> = Adapter::new(*b"1013", *b"SIM1");
        a.feed(Duration::ZERO, b"O\r");
        for _ in 0..4 {
            a.respond(&CanFrame::new(0x351, &[1, 2]));
        }
        assert_eq!(a.poll_transmit(Duration::ZERO).map(<[u8]>::len), Some(11));
        assert_eq!(a.overflow(), 3);
    }

    /// Found by the `slcan_adapter` fuzz target: with room for only part
    /// of a version reply, the adapter wrote "V" and CR without the
    /// version (or "V" alone, the next line running on from it).
    #[test]
    fn a_reply_that_does_not_fit_is_dropped_whole() {
        let mut a: Adapter<8> = Adapter::new(*b"1013", *b"SIM1");
        let (out, n, _) = feed_all_small(&mut a, b"V\rV\r");
        assert_eq!(
            &out[..n],
            b"V1013\r",
            "the second reply is dropped, not cut"
        );
        assert_eq!(a.overflow(), 1);
        let (out, n, _) = feed_all_small(&mut a, b"S6\rN\r");
        assert_eq!(&out[..n], b"\rNSIM1\r");
    }

    fn feed_all_small(a: &mut Adapter<8>, mut bytes: &[u8]) -> ([u8; 8], usize, Option<Host>) {
        let mut got = None;
        while !bytes.is_empty() {
            let (n, r) = a.feed(Duration::ZERO, bytes);
            got = r.or(got);
            bytes = &bytes[n..];
        }
        let mut out = [0u8; 8];
        let sent = a.poll_transmit(Duration::ZERO).unwrap_or_default();
        out[..sent.len()].copy_from_slice(sent);
        (out, sent.len(), got)
    }
}
