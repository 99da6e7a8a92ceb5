//! The device side: what a battery emulator in firmware needs to answer a
//! host (an inverter) as one or more Pylontech packs.
//!
//! [`Device`] frames received bytes itself, answers frames that fail
//! their checks on its own, and hands every good request for one of its
//! addresses to the application as a [`Request`]: the typed
//! [`pylontech::Command`], decoded once here,
//! so the firmware matches on commands rather than re-reading INFO. An
//! unknown CID2 (or a CID1 other than 0x46) still arrives, as
//! [`Command::Other`] with its INFO bytes (a bounded copy): the raw
//! fallback. The application answers with a [`Response`]: a typed reply,
//! or an RTN alone (04 for a CID2 it does not support).
//!
//! Frames that fail a check and name one of the device's addresses get
//! the standard answer, an empty reply with the RTN ([`rtn_for`]):
//!
//! | [`Error`]                                   | RTN |
//! |---------------------------------------------|-----|
//! | [`Error::Checksum`]                          | 02  |
//! | [`Error::LengthChecksum`]                    | 03  |
//! | [`Error::OddLength`], [`Error::Length`], [`Error::NotHex`], [`Error::Short`], [`Error::TooLong`], and a known CID2 whose INFO does not fit its layout ([`Error::Cut`], [`Error::Trailing`]) | 05 |
//! | [`Error::Unterminated`], [`Error::Start`]   | none: the frame is not whole |
//!
//! The address is read from the frame's header as sent; a frame whose
//! header is not readable hex gets no answer, nor does one for another
//! address.

use core::time::Duration;

use crate::pylontech::{
    self, Alarms, AlarmsAll, Analog, AnalogAll, Block, Command, Management, ManufacturerInfo,
    ProtocolVersion, SerialNumber, SystemParameters,
};
use crate::{CAPACITY, Error, Frame, Framer, Rtn, encode_request};

/// The most packs a [`Response::AnalogAll`] or [`Response::AlarmsAll`]
/// carries.
pub const MAX_PACKS: usize = 16;

/// A request for one of the device's addresses, as the application sees
/// it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Request {
    /// VER as sent.
    pub ver: u8,
    /// ADR: which of the device's addresses is asked.
    pub adr: u8,
    /// CID1 as sent (0x46 for a battery).
    pub cid1: u8,
    /// The command. For a CID1 other than 0x46, always
    /// [`Command::Other`] with the raw CID2 and INFO.
    pub command: Command,
}

/// The application's answer to a [`Request`].
///
/// Without allocation the all-packs variant holds its blocks inline
/// (about 2 KiB): build it where the stack allows, or keep one in a
/// static and update it in place.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // No Box in no_std without alloc.
pub enum Response {
    /// 0x4F.
    ProtocolVersion(ProtocolVersion),
    /// 0x51.
    ManufacturerInfo(ManufacturerInfo),
    /// 0x42 for one pack.
    Analog(Analog),
    /// 0x42 for all packs (command value 0xFF): the first `count` blocks.
    AnalogAll {
        /// INFOFLAG.
        infoflag: u8,
        /// How many of `blocks` are sent.
        count: u8,
        /// The packs' values, in address order.
        blocks: [Block; MAX_PACKS],
    },
    /// 0x44 for one pack.
    Alarms(Alarms),
    /// 0x44 for all packs (command value 0xFF): the first `count` packs'
    /// alarms (their `infoflag` and `pack` are not sent; give each the
    /// same number of status bytes).
    AlarmsAll {
        /// INFOFLAG.
        infoflag: u8,
        /// How many of `packs` are sent.
        count: u8,
        /// The packs' alarms, in address order.
        packs: [Alarms; MAX_PACKS],
    },
    /// 0x47.
    SystemParameters(SystemParameters),
    /// 0x92.
    Management(Management),
    /// 0x93.
    SerialNumber(SerialNumber),
    /// A reply with no INFO and this RTN (04: CID2 not supported; 06:
    /// invalid data), sent with the request's VER and CID1.
    Rtn(Rtn),
}

impl Response {
    /// Writes the reply from the device at `adr`, to a request with `ver`
    /// and `cid1` (used by [`Response::Rtn`] only); returns its length.
    pub fn encode(&self, ver: u8, adr: u8, cid1: u8, buf: &mut [u8]) -> Result<usize, Error> {
        match self {
            Response::ProtocolVersion(r) => r.encode(adr, buf),
            Response::ManufacturerInfo(r) => r.encode(adr, buf),
            Response::Analog(r) => r.encode(adr, buf),
            Response::AnalogAll {
                infoflag,
                count,
                blocks,
            } => {
                let blocks = blocks.get(..usize::from(*count)).ok_or(Error::TooMany {
                    offset: 15,
                    count: usize::from(*count),
                    max: MAX_PACKS,
                })?;
                AnalogAll::encode(*infoflag, blocks, adr, buf)
            }
            Response::Alarms(r) => r.encode(adr, buf),
            Response::AlarmsAll {
                infoflag,
                count,
                packs,
            } => {
                let packs = packs.get(..usize::from(*count)).ok_or(Error::TooMany {
                    offset: 15,
                    count: usize::from(*count),
                    max: MAX_PACKS,
                })?;
                AlarmsAll::encode(*infoflag, packs, adr, buf)
            }
            Response::SystemParameters(r) => r.encode(adr, buf),
            Response::Management(r) => r.encode(adr, buf),
            Response::SerialNumber(r) => r.encode(adr, buf),
            Response::Rtn(rtn) => encode_request(ver, adr, cid1, rtn.raw(), &[], buf),
        }
    }
}

/// As derived, except that the all-packs variants show only the `count`
/// blocks that are sent, not all [`MAX_PACKS`].
#[cfg(feature = "defmt")]
impl defmt::Format for Response {
    fn format(&self, f: defmt::Formatter<'_>) {
        match self {
            Response::ProtocolVersion(r) => defmt::write!(f, "ProtocolVersion({})", r),
            Response::ManufacturerInfo(r) => defmt::write!(f, "ManufacturerInfo({})", r),
            Response::Analog(r) => defmt::write!(f, "Analog({})", r),
            Response::AnalogAll {
                infoflag,
                count,
                blocks,
            } => defmt::write!(
                f,
                "AnalogAll {{ infoflag: {=u8}, count: {=u8}, blocks: {} }}",
                infoflag,
                count,
                blocks.get(..usize::from(*count)).unwrap_or(blocks)
            ),
            Response::Alarms(r) => defmt::write!(f, "Alarms({})", r),
            Response::AlarmsAll {
                infoflag,
                count,
                packs,
            } => defmt::write!(
                f,
                "AlarmsAll {{ infoflag: {=u8}, count: {=u8}, packs: {} }}",
                infoflag,
                count,
                packs.get(..usize::from(*count)).unwrap_or(packs)
            ),
            Response::SystemParameters(r) => defmt::write!(f, "SystemParameters({})", r),
            Response::Management(r) => defmt::write!(f, "Management({})", r),
            Response::SerialNumber(r) => defmt::write!(f, "SerialNumber({})", r),
            Response::Rtn(r) => defmt::write!(f, "Rtn({})", r),
        }
    }
}

/// The RTN a device answers a frame that failed `error` with, or `None`
/// when it does not answer (see the module's table).
pub const fn rtn_for(error: &Error) -> Option<Rtn> {
    match error {
        Error::Checksum { .. } => Some(Rtn::Checksum),
        Error::LengthChecksum { .. } => Some(Rtn::LengthChecksum),
        Error::OddLength { .. }
        | Error::Length { .. }
        | Error::NotHex { .. }
        | Error::Short { .. }
        | Error::TooLong { .. }
        | Error::Cut { .. }
        | Error::Trailing { .. }
        | Error::TooMany { .. } => Some(Rtn::Format),
        _ => None,
    }
}

/// A device answering at `count` consecutive addresses from `first` (one
/// pack: `count` 1; a stack: its packs at 2, 3, …), with a framer and a
/// reply buffer of `N` characters each.
#[derive(Debug, Clone)]
pub struct Device<const N: usize = CAPACITY> {
    framer: Framer<N>,
    first: u8,
    count: u8,
    /// VER, ADR, CID1 of the request being answered.
    asked: (u8, u8, u8),
    tx: [u8; N],
    tx_len: usize,
}

impl<const N: usize> Device<N> {
    /// A device at addresses `first` to `first + count - 1`.
    pub const fn new(first: u8, count: u8) -> Self {
        Device {
            framer: Framer::new(),
            first,
            count,
            asked: (pylontech::VER, first, pylontech::CID1),
            tx: [0; N],
            tx_len: 0,
        }
    }

    /// Whether `adr` is one of the device's addresses.
    pub fn answers(&self, adr: u8) -> bool {
        adr.wrapping_sub(self.first) < self.count
    }

    /// Feeds received bytes; returns how many were taken and, when a good
    /// request for one of the device's addresses ended, the request. A
    /// bad frame for one of its addresses is answered here (see
    /// [`poll_transmit`](Self::poll_transmit)).
    pub fn feed(&mut self, bytes: &[u8]) -> (usize, Option<Request>) {
        let (n, request) = self.feed_frame(bytes);
        // A `~` that cuts a partial frame off is not taken with it: take
        // it now, so that every call makes progress (the serve loop stops
        // at a call that takes nothing and asks nothing). The cut-off
        // frame gets no answer, so nothing written is overwritten.
        if n == 0 && request.is_none() && !bytes.is_empty() {
            return self.feed_frame(bytes);
        }
        (n, request)
    }

    /// Feeds bytes up to the end of at most one frame.
    fn feed_frame(&mut self, bytes: &[u8]) -> (usize, Option<Request>) {
        let (first, count) = (self.first, self.count);
        let (n, ev) = self.framer.feed(bytes);
        let outcome = match ev {
            None => None,
            Some(Ok(frame)) => Self::request(first, count, &frame),
            Some(Err(e)) => Some(Err((None, e))),
        };
        let request = match outcome {
            None => None,
            Some(Ok(request)) => {
                self.asked = (request.ver, request.adr, request.cid1);
                Some(request)
            }
            Some(Err((header, e))) => {
                let header = header.or_else(|| self::header(self.framer.last_raw()));
                self.refuse(header, &e);
                None
            }
        };
        (n, request)
    }

    /// A good frame: the request, why its command is refused, or nothing
    /// (another address).
    #[allow(clippy::type_complexity)]
    fn request(
        first: u8,
        count: u8,
        frame: &Frame<'_>,
    ) -> Option<Result<Request, (Option<(u8, u8, u8)>, Error)>> {
        if frame.adr.wrapping_sub(first) >= count {
            return None;
        }
        let command = if frame.cid1 == pylontech::CID1 {
            Command::decode(frame)
        } else {
            // Another device type: the raw fallback.
            let mut info = frame.info();
            let (at, count) = (info.offset(), info.remaining());
            pylontech::List::read(&mut info, at, count, |i| i.u8()).map(|info| Command::Other {
                cid2: frame.cid2,
                info,
            })
        };
        Some(match command {
            Ok(command) => Ok(Request {
                ver: frame.ver,
                adr: frame.adr,
                cid1: frame.cid1,
                command,
            }),
            Err(e) => Err((Some((frame.ver, frame.adr, frame.cid1)), e)),
        })
    }

    /// Answers a frame that failed `error`, when it names one of our
    /// addresses and the error has an RTN.
    fn refuse(&mut self, header: Option<(u8, u8, u8)>, error: &Error) {
        let (Some((ver, adr, cid1)), Some(rtn)) = (header, rtn_for(error)) else {
            return;
        };
        if self.answers(adr) {
            self.tx_len = encode_request(ver, adr, cid1, rtn.raw(), &[], &mut self.tx).unwrap_or(0);
        }
    }

    /// Encodes the application's answer to the last request.
    pub fn respond(&mut self, response: &Response) {
        let (ver, adr, cid1) = self.asked;
        // A reply too long for the buffer is not sent; the host times out.
        self.tx_len = response.encode(ver, adr, cid1, &mut self.tx).unwrap_or(0);
    }

    /// The reply bytes to write, once per reply.
    pub fn poll_transmit(&mut self) -> Option<&[u8]> {
        let n = core::mem::take(&mut self.tx_len);
        self.tx.get(..n).filter(|b| !b.is_empty())
    }
}

/// VER, ADR and CID1 from a frame's first characters (`~` included), when
/// they are upper-case hex.
fn header(raw: &[u8]) -> Option<(u8, u8, u8)> {
    let byte = |at: usize| {
        let pair = raw.get(at..at + 2)?;
        let mut v = 0u8;
        for &c in pair {
            let d = match c {
                b'0'..=b'9' => c - b'0',
                b'A'..=b'F' => c - b'A' + 10,
                _ => return None,
            };
            v = v << 4 | d;
        }
        Some(v)
    };
    Some((byte(1)?, byte(3)?, byte(5)?))
}

/// The device machine the serve loop in `transports` runs.
impl<const N: usize> proto_core::DeviceMachine for Device<N> {
    type Request = Request;
    type Response = Response;

    fn feed(&mut self, _now: Duration, bytes: &[u8]) -> (usize, Option<Request>) {
        Device::feed(self, bytes)
    }

    fn respond(&mut self, response: &Response) {
        Device::respond(self, response);
    }

    fn poll_transmit(&mut self, _now: Duration) -> Option<&[u8]> {
        Device::poll_transmit(self)
    }
}

/// The framer, the addresses, the request being answered and how many
/// reply characters wait to be sent, not the reply buffer.
#[cfg(feature = "defmt")]
impl<const N: usize> defmt::Format for Device<N> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "Device {{ framer: {}, first: {=u8}, count: {=u8}, asked: {}, pending: {=usize} }}",
            self.framer,
            self.first,
            self.count,
            self.asked,
            self.tx_len
        );
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::pylontech::{Scale, Temperature};
    use std::vec::Vec;

    /// Feeds `wire` in one go; the requests and the bytes sent back.
    fn run(d: &mut Device<1024>, wire: &[u8]) -> (Vec<Request>, Vec<u8>) {
        let (mut rest, mut got, mut sent) = (wire, Vec::new(), Vec::new());
        while !rest.is_empty() {
            let (n, r) = d.feed(rest);
            rest = &rest[n..];
            got.extend(r);
            if let Some(b) = d.poll_transmit() {
                sent.extend_from_slice(b);
            }
            if n == 0 {
                break;
            }
        }
        (got, sent)
    }

    #[test]
    fn a_chunk_that_starts_by_cutting_a_frame_off_is_not_lost() {
        // Found by fuzz/fuzz_targets/ydt1363_device.rs: a chunk that
        // starts with the next frame's `~` cut the partial one off without
        // taking the `~`, so feed returned (0, None), and the serve loop,
        // which stops there, dropped the chunk and the request in it.
        let mut d = Device::<1024>::new(2, 1);
        assert_eq!(d.feed(b"~2002"), (5, None));
        let (n, r) = d.feed(b"~20024642E00202FD33\r");
        assert!(n > 0 || r.is_some(), "no progress");
        let mut d = Device::<1024>::new(2, 1);
        d.feed(b"~2002");
        let (got, sent) = run(&mut d, b"~20024642E00202FD33\r");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].command, Command::Analog { pack: 2 });
        assert!(sent.is_empty());
    }

    #[test]
    fn the_worked_example_request_comes_out_typed() {
        let mut d = Device::<1024>::new(2, 1);
        let (got, sent) = run(&mut d, b"~20024642E00202FD33\r");
        assert_eq!(
            got,
            [Request {
                ver: 0x20,
                adr: 2,
                cid1: 0x46,
                command: Command::Analog { pack: 2 }
            }]
        );
        assert!(sent.is_empty());
    }

    #[test]
    fn the_worked_example_reply_goes_out_byte_for_byte() {
        // docs/protocols/ydt1363.md §2 example 2: the 0x47 reply.
        let mut d = Device::<1024>::new(2, 1);
        let (got, _) = run(&mut d, b"~20024647E00202FD2E\r");
        assert_eq!(got[0].command, Command::SystemParameters { pack: Some(2) });
        let p = SystemParameters {
            infoflag: 0x11,
            cell_high_mv: 3650,
            cell_low_mv: 3050,
            cell_under_mv: 2800,
            charge_high_temperature: Temperature(0x0D03),
            charge_low_temperature: Temperature(0x0A47),
            charge_current_raw: 1000,
            module_high_mv: 0xD2F0,
            module_low_mv: 0xB3B0,
            module_under_mv: 0xA7F8,
            discharge_high_temperature: Temperature(0x0D03),
            discharge_low_temperature: Temperature(0x0A47),
            discharge_current_raw: -1000,
        };
        assert_eq!(p.charge_current_limit(Scale::CentiAmps), 10_000);
        d.respond(&Response::SystemParameters(p));
        assert_eq!(
            d.poll_transmit().unwrap(),
            b"~20024600B032110E420BEA0AF00D030A4703E8D2F0B3B0A7F80D030A47FC18F27E\r"
        );
        assert_eq!(d.poll_transmit(), None, "once per reply");
    }

    #[test]
    fn a_logged_bad_checksum_gets_rtn_02_as_the_pack_answered() {
        // The capture row: request with a wrong CHKSUM, the pack's answer.
        let mut d = Device::<1024>::new(2, 1);
        let (got, sent) = run(&mut d, b"~20024642E00201CB13\r");
        assert!(got.is_empty());
        assert_eq!(sent, b"~200246020000FDB0\r");
    }

    #[test]
    fn each_check_has_its_rtn() {
        let mut d = Device::<1024>::new(2, 1);
        let (_, sent) = run(&mut d, b"~20024642F00202FD33\r");
        let f = Frame::decode(&sent).unwrap();
        assert_eq!((f.adr, f.rtn()), (2, Rtn::LengthChecksum));
        let (_, sent) = run(&mut d, b"~20024642C00402FD33\r");
        assert_eq!(Frame::decode(&sent).unwrap().rtn(), Rtn::Format);
        // 0x42 without its pack byte: a known CID2 whose INFO is cut.
        let mut buf = [0u8; 32];
        let n = encode_request(0x20, 2, 0x46, 0x42, &[], &mut buf).unwrap();
        let (got, sent) = run(&mut d, &buf[..n]);
        assert!(got.is_empty());
        assert_eq!(Frame::decode(&sent).unwrap().rtn(), Rtn::Format);
        // Cut off by the next '~': no answer, the next frame is read.
        let (got, sent) = run(&mut d, b"~2002~20024642E00202FD33\r");
        assert_eq!(got.len(), 1);
        assert!(sent.is_empty());
    }

    #[test]
    fn other_addresses_are_passed_over_even_when_bad() {
        let mut d = Device::<1024>::new(2, 2);
        assert!(d.answers(2) && d.answers(3) && !d.answers(4) && !d.answers(1));
        let mut buf = [0u8; 32];
        let n = Command::Analog { pack: 4 }.encode(4, &mut buf).unwrap();
        let (got, sent) = run(&mut d, &buf[..n]);
        assert!(got.is_empty() && sent.is_empty());
        // A bad checksum for address 4: silence.
        let (got, sent) = run(&mut d, b"~20044642E00204FD31\r");
        assert!(got.is_empty() && sent.is_empty(), "{sent:?}");
        let n = Command::Analog { pack: 3 }.encode(3, &mut buf).unwrap();
        let (got, _) = run(&mut d, &buf[..n]);
        assert_eq!(got[0].adr, 3);
    }

    #[test]
    fn an_unknown_command_is_handed_over_raw_and_refused_with_rtn_04() {
        let mut d = Device::<1024>::new(2, 1);
        let mut buf = [0u8; 32];
        let n = encode_request(0x20, 2, 0x46, 0x99, &[1, 2], &mut buf).unwrap();
        let (got, _) = run(&mut d, &buf[..n]);
        match &got[0].command {
            Command::Other { cid2, info } => {
                assert_eq!((*cid2, info.as_slice()), (0x99, &[1, 2][..]))
            }
            c => panic!("{c:?}"),
        }
        d.respond(&Response::Rtn(Rtn::Command));
        assert_eq!(d.poll_transmit().unwrap(), b"~200246040000FDAE\r");
        // Another device type keeps its CID1 both ways, even for a CID2
        // Pylontech knows.
        let n = encode_request(0x21, 2, 0x2A, 0x42, &[7], &mut buf).unwrap();
        let (got, _) = run(&mut d, &buf[..n]);
        assert_eq!(got[0].cid1, 0x2A);
        assert!(matches!(got[0].command, Command::Other { cid2: 0x42, .. }));
        d.respond(&Response::Rtn(Rtn::Command));
        let f = Frame::decode(d.poll_transmit().unwrap()).unwrap();
        assert_eq!((f.ver, f.cid1, f.rtn()), (0x21, 0x2A, Rtn::Command));
    }

    #[test]
    fn the_version_reply() {
        // The framer test's capture row: address 1.
        let mut d = Device::<1024>::new(1, 1);
        let (got, _) = run(&mut d, b"~2001464F0000FD99\r");
        assert_eq!(got[0].command, Command::ProtocolVersion);
        d.respond(&Response::ProtocolVersion(ProtocolVersion { ver: 0x20 }));
        let f = Frame::decode(d.poll_transmit().unwrap()).unwrap();
        assert_eq!(
            (f.ver, f.adr, f.cid1, f.rtn()),
            (0x20, 1, 0x46, Rtn::Normal)
        );
    }
}
