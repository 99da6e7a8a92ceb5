//! SLCAN: a USB-CAN adapter asked for its version (`V`), and told to open
//! the channel (`C`, `S6`, `O`: three acknowledgements) as the second
//! request. An adapter is alone on its serial port and SLCAN
//! has no address: there is no "another address" fault to inject (frames
//! from the CAN bus carry CAN IDs, but they are not replies).

use std::time::Duration;

use slcan::Adapter;
use transports::Error;
use transports::slcan::{Client, Command, DEFAULT_TIMEOUT, Error as Slcan, Reply, client};

use crate::scenario::{Asked, Blocking, Column, Failure, Passed, driver};
use crate::{Fault, Side, Time, feed_all};

/// The adapter.
struct Usb(Adapter);

impl Side for Usb {
    fn answer(&mut self, written: &[u8]) -> Vec<u8> {
        use proto_core::DeviceMachine;
        let now = Duration::ZERO;
        feed_all(written, |written| {
            let (n, _) = self.0.feed(now, written);
            (n, self.0.poll_transmit(now).unwrap_or_default().to_vec())
        })
    }

    fn another_address(&mut self, _: &[u8], _: &[u8]) -> Option<Vec<u8>> {
        None
    }

    /// A bare acknowledgement for `V`; one acknowledgement short for the
    /// three commands of `Open`.
    fn wrong_count(&mut self, _: &[u8], reply: &[u8]) -> Vec<u8> {
        match reply {
            b"\r\r\r" => b"\r\r".to_vec(),
            _ => b"\r".to_vec(),
        }
    }
}

const OPEN: Command = Command::Open { bitrate: 500_000 };

/// The adapter's version, "1013".
const VERSION: Reply = Reply::Version {
    text: *b"1013\0\0\0\0",
    len: 4,
};

impl Column for Usb {
    type Side = Usb;
    type Machine = Client;
    type Error = Slcan;

    fn parts(_: &Time) -> (Usb, Client) {
        (
            Usb(Adapter::new(*b"1013", *b"SIM1")),
            client(DEFAULT_TIMEOUT),
        )
    }
    fn timeout() -> Duration {
        DEFAULT_TIMEOUT
    }

    fn request() -> Command {
        Command::Version
    }
    fn check(answer: Reply) {
        assert_eq!(answer, VERSION);
    }
    fn next() -> Command {
        OPEN
    }
    fn check_next(answer: Reply) {
        assert_eq!(answer, Reply::Done);
    }
    const WRITTEN: [&[u8]; 2] = [b"V\r", b"C\rS6\rO\r"];

    /// The half line, dropped by the silence after it (`slcan::LINE_GAP`),
    /// uncounted.
    const MID_FRAME: (u32, u64) = (0, 0);
    /// The late version line is not an acknowledgement: stray, and the
    /// three acknowledgements that follow open the channel.
    fn late(next: Asked<'_, Self>) {
        assert_eq!(next.unwrap(), Reply::Done);
    }
    const LATE: Passed<Slcan> = Passed::Stray(Slcan::Line { offset: 0 });
    const TWICE: u32 = 1;
    const ECHO: Passed<Slcan> = Passed::Stray(Slcan::Echo);
    /// A bare CR is no version: stray (a late acknowledgement), and the
    /// client waits on.
    const WRONG_COUNT: Failure<Self> = Error::Timeout;
    const WRONG_COUNT_STRAY: Option<Slcan> = Some(Slcan::Line { offset: 0 });
}

scenarios!(Usb in Blocking);

/// The other request's wrong count: `Open` acknowledged twice, not three
/// times, ends in the time-out; the next `Open` succeeds.
#[test]
fn open_acknowledged_once_short() {
    let mut d: Blocking<Usb> = driver::<Usb, _>();
    d.io_mut().inject(Fault::WrongCount);
    assert!(matches!(d.ask(&OPEN), Err(Error::Timeout)));
    assert_eq!(d.ask(&OPEN).unwrap(), Reply::Done);
    assert_eq!(d.ask(&Command::Version).unwrap(), VERSION);
    assert_eq!(d.counters(), Default::default());
}
