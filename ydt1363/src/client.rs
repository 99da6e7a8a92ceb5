//! The client: the workspace's generic [`proto_core::Client`] around
//! [`Link`], one request at a time.
//!
//! A reply from another address or another device type is stray (the
//! client keeps waiting), and so is our own request read back (an
//! adapter's echo: the same VER, ADR, CID1, CID2 and INFO); a frame that fails its checks ends the
//! transaction with the error; a reply with an RTN other than 00 is the
//! device's answer, a reply. The accepted reply stays in the link and is
//! read, borrowed, with [`Client::answer`](proto_core::Client::answer)
//! (the drivers hand it out as a [`Frame`]).

use core::time::Duration;

use proto_core::{Protocol, Verdict};

use crate::{CAPACITY, Error, Frame, Framer, encode_request};

/// Longest request: INFO of up to 55 bytes.
pub const TX_CAPACITY: usize = 128;

/// The client, with a framer (and reply buffer) of `N` characters.
pub type Client<const N: usize = CAPACITY> = proto_core::Client<Link<N>, TX_CAPACITY>;

// The client formats with defmt only if its parts do: checked here, in
// every build with the feature, not only where firmware logs one.
#[cfg(feature = "defmt")]
const _: fn() = || {
    fn format<T: defmt::Format>() {}
    format::<Client>();
};

/// A request: the header fields and INFO as bytes (hex-encoded on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Request<'a> {
    /// VER (0x20 for Pylontech, 0x25 for Pace).
    pub ver: u8,
    /// ADR of the device asked.
    pub adr: u8,
    /// CID1, the device type (0x46 a lithium battery).
    pub cid1: u8,
    /// CID2, the command.
    pub cid2: u8,
    /// INFO, as bytes.
    pub info: &'a [u8],
}

/// What the reply must carry: the address and device type asked; and
/// what the request itself looked like, to know it when it is read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Expect {
    /// ADR.
    pub adr: u8,
    /// CID1.
    pub cid1: u8,
    /// The request's VER, CID2 and INFO (its length in characters and
    /// their sum): a frame equal in all of them is the request echoed.
    pub request: Sent,
}

/// The fields of a request that tell its echo from an answer (an answer
/// carries RTN where the request has CID2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Sent {
    /// VER.
    pub ver: u8,
    /// CID2.
    pub cid2: u8,
    /// INFO's length in characters.
    pub info_len: usize,
    /// The sum of INFO's characters, mod 65536.
    pub info_sum: u16,
}

impl Sent {
    fn of(ver: u8, cid2: u8, info_chars: &[u8]) -> Self {
        Sent {
            ver,
            cid2,
            info_len: info_chars.len(),
            info_sum: info_chars
                .iter()
                .fold(0u16, |s, &c| s.wrapping_add(u16::from(c))),
        }
    }
}

/// The token a transaction's event carries when a reply was accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Accepted;

/// The protocol part of the [`Client`].
#[derive(Debug, Clone)]
pub struct Link<const N: usize = CAPACITY> {
    framer: Framer<N>,
    /// The accepted reply's header and INFO characters, kept in place.
    header: [u8; 4],
    info: [u8; N],
    info_len: usize,
}

impl<const N: usize> Default for Link<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Link<N> {
    /// An empty link.
    pub const fn new() -> Self {
        Link {
            framer: Framer::new(),
            header: [0; 4],
            info: [0; N],
            info_len: 0,
        }
    }
}

impl<const N: usize> Protocol for Link<N> {
    type Request<'a> = Request<'a>;
    type Expect = Expect;
    type Reply = Accepted;
    type Answer<'a> = Frame<'a>;
    type Error = Error;
    type Inbound = core::convert::Infallible;

    fn encode(&self, r: &Request<'_>, buf: &mut [u8]) -> Result<(usize, Option<Expect>), Error> {
        let n = encode_request(r.ver, r.adr, r.cid1, r.cid2, r.info, buf)?;
        // INFO's characters follow the 13-character header.
        let chars = buf.get(13..13 + 2 * r.info.len()).unwrap_or_default();
        Ok((
            n,
            Some(Expect {
                adr: r.adr,
                cid1: r.cid1,
                request: Sent::of(r.ver, r.cid2, chars),
            }),
        ))
    }

    fn feed(
        &mut self,
        _now: Duration,
        bytes: &[u8],
        expect: Option<&Expect>,
    ) -> (usize, Option<Verdict<Accepted, Error>>) {
        let (n, frame) = self.framer.feed(bytes);
        let frame = match frame {
            None => return (n, None),
            Some(Err(Error::TooLong { .. } | Error::Unterminated)) => {
                return (n, Some(Verdict::Cut));
            }
            Some(frame) => frame,
        };
        let verdict = match (frame, expect) {
            // Nothing awaited: only counted.
            (_, None) => Verdict::Reply(Accepted),
            (Err(e), Some(_)) => Verdict::Error(e),
            (Ok(f), Some(x))
                if f.adr == x.adr
                    && f.cid1 == x.cid1
                    && Sent::of(f.ver, f.cid2, f.info) == x.request =>
            {
                Verdict::Stray(Error::Echo)
            }
            (Ok(f), Some(x)) if f.adr != x.adr || f.cid1 != x.cid1 => {
                Verdict::Stray(Error::Mismatch {
                    adr: x.adr,
                    cid1: x.cid1,
                    found_adr: f.adr,
                    found_cid1: f.cid1,
                })
            }
            // Kept out of the framer, which the next bytes overwrite.
            (Ok(f), Some(_)) => match self.info.get_mut(..f.info.len()) {
                Some(dst) => {
                    dst.copy_from_slice(f.info);
                    self.info_len = f.info.len();
                    self.header = [f.ver, f.adr, f.cid1, f.cid2];
                    Verdict::Reply(Accepted)
                }
                None => Verdict::Error(Error::TooLong { max: N }),
            },
        };
        (n, Some(verdict))
    }

    fn reset(&mut self) {
        self.framer.reset();
    }

    fn discarded(&self) -> u64 {
        self.framer.discarded()
    }

    fn answer(&self, _: Accepted) -> Frame<'_> {
        let [ver, adr, cid1, cid2] = self.header;
        Frame {
            ver,
            adr,
            cid1,
            cid2,
            info: self.info.get(..self.info_len).unwrap_or_default(),
        }
    }
}

/// The framer, and the accepted reply's header (VER, ADR, CID1, RTN) and
/// INFO length, not the reply buffer (the reply itself formats from
/// [`Frame`]).
#[cfg(feature = "defmt")]
impl<const N: usize> defmt::Format for Link<N> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "Link {{ framer: {}, header: {=[u8]:02x}, info_len: {=usize} }}",
            self.framer,
            self.header,
            self.info_len
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Rtn;
    use proto_core::Event;

    fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    fn sent(adr: u8) -> Client<128> {
        let mut c = Client::new(Link::new(), ms(500));
        let r = Request {
            ver: 0x20,
            adr,
            cid1: 0x46,
            cid2: 0x92,
            info: &[adr],
        };
        c.send(ms(0), &r).unwrap();
        assert!(c.poll_transmit(ms(0)).is_some());
        c
    }

    const REPLY_92: &[u8] = b"~20024600B01402D002AFC800C8FE0CC0F915\r";

    #[test]
    fn the_reply_is_kept_and_other_packs_are_stray() {
        let mut c = sent(2);
        // Pack 3's reply first (a frame with ADR 03): stray.
        let mut other = [0u8; 64];
        let n = crate::encode_request(0x20, 3, 0x46, 0x00, &[3], &mut other).unwrap();
        c.feed(ms(5), &other[..n]);
        assert_eq!(c.poll_event(), None);
        assert!(matches!(
            c.poll_stray(),
            Some(Error::Mismatch { found_adr: 3, .. })
        ));
        c.feed(ms(6), REPLY_92);
        let Some(Event::Reply(a)) = c.poll_event() else {
            panic!()
        };
        // A late frame after the reply does not overwrite it.
        c.feed(ms(7), &other[..n]);
        let f = c.answer(a);
        assert_eq!((f.adr, f.rtn(), f.info_len()), (2, Rtn::Normal, 10));
        assert_eq!(f.info().u16(), Ok(0x02D0));
        assert_eq!(c.counters().unsolicited, 1);
    }

    #[test]
    fn our_request_read_back_is_an_echo_and_the_answer_still_counts() {
        let mut c = sent(2);
        let mut echo = [0u8; 64];
        let n = crate::encode_request(0x20, 2, 0x46, 0x92, &[2], &mut echo).unwrap();
        c.feed(ms(3), &echo[..n]);
        assert_eq!(c.poll_event(), None);
        assert_eq!(c.poll_stray(), Some(Error::Echo));
        // The same command asked of the same pack with other INFO is not
        // our request: it is taken as the answer (RTN 0x92, refused).
        let mut c = sent(2);
        let n = crate::encode_request(0x20, 2, 0x46, 0x92, &[3], &mut echo).unwrap();
        c.feed(ms(3), &echo[..n]);
        assert!(matches!(c.poll_event(), Some(Event::Reply(_))));
        let mut c = sent(2);
        let n = crate::encode_request(0x20, 2, 0x46, 0x92, &[2], &mut echo).unwrap();
        c.feed(ms(3), &echo[..n]);
        c.feed(ms(6), REPLY_92);
        let Some(Event::Reply(a)) = c.poll_event() else {
            panic!()
        };
        assert_eq!(c.answer(a).rtn(), Rtn::Normal);
        assert_eq!(c.counters().stray, 1);
    }

    #[test]
    fn refusals_are_replies_and_corruption_is_an_error() {
        let mut c = sent(2);
        c.feed(ms(5), b"~200246020000FDB0\r");
        let Some(Event::Reply(a)) = c.poll_event() else {
            panic!()
        };
        assert_eq!(c.answer(a).rtn(), Rtn::Checksum);
        let mut c = sent(2);
        c.feed(ms(5), b"~20024600B01402D002AFC800C8FE0CC0F916\r");
        assert_eq!(
            c.poll_event(),
            Some(Event::Error(Error::Checksum {
                expected: 0xF915,
                actual: 0xF916
            }))
        );
        let mut c = sent(2);
        c.handle_timeout(ms(500));
        assert_eq!(c.poll_event(), Some(Event::Timeout));
    }

    #[test]
    fn a_reply_longer_than_the_link_holds_is_cut() {
        let mut c: Client<16> = Client::new(Link::new(), ms(500));
        let r = Request {
            ver: 0x20,
            adr: 2,
            cid1: 0x46,
            cid2: 0x92,
            info: &[2],
        };
        c.send(ms(0), &r).unwrap();
        c.poll_transmit(ms(0));
        c.feed(ms(5), REPLY_92);
        assert_eq!(c.poll_event(), None);
        assert_eq!(c.counters().cut, 1);
    }
}
