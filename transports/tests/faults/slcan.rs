//! SLCAN: a USB-CAN adapter asked for its version (`V`), and told to open
//! the channel (`C`, `S6`, `O`: three acknowledgements) where a second
//! request is needed. An adapter is alone on its serial port and SLCAN
//! has no address: there is no "another address" fault to inject (frames
//! from the CAN bus carry CAN IDs, but they are not replies).

use embedded_io::ErrorKind;
use slcan::Adapter;
use transports::Error;
use transports::slcan::{Command, DEFAULT_TIMEOUT, Driver, Error as Slcan, Reply, client};

use crate::{Fault, Faulty, Side, Time};

/// The adapter.
struct Usb(Adapter);

impl Side for Usb {
    fn answer(&mut self, mut written: &[u8]) -> Vec<u8> {
        use proto_core::DeviceMachine;
        let now = std::time::Duration::ZERO;
        let mut out = Vec::new();
        while !written.is_empty() {
            let (n, _) = self.0.feed(now, written);
            written = &written[n..];
            out.extend(self.0.poll_transmit(now).unwrap_or_default());
        }
        out
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

type D = Driver<Faulty<Usb>, Time>;

const OPEN: Command = Command::Open { bitrate: 500_000 };

fn driver() -> D {
    let time = Time::default();
    let port = Faulty::new(Usb(Adapter::new(*b"1013", *b"SIM1")), time.clone());
    Driver::new(port, time, client(DEFAULT_TIMEOUT))
}

fn version(text: &[u8]) -> Reply {
    let mut t = [0u8; 8];
    t[..text.len()].copy_from_slice(text);
    Reply::Version {
        text: t,
        len: text.len() as u8,
    }
}

fn succeeds(d: &mut D) {
    assert_eq!(d.ask(&Command::Version).unwrap(), version(b"1013"));
}

fn opens(d: &mut D) {
    assert_eq!(d.ask(&OPEN).unwrap(), Reply::Done);
}

fn fails(d: &mut D, fault: Fault) -> Error<ErrorKind, Slcan> {
    d.io_mut().inject(fault);
    match d.ask(&Command::Version) {
        Ok(r) => panic!("{fault:?}: accepted {r:?}"),
        Err(e) => e,
    }
}

#[test]
fn healthy() {
    let mut d = driver();
    succeeds(&mut d);
    opens(&mut d);
    assert_eq!(d.io_mut().requests, [&b"V\r"[..], b"C\rS6\rO\r"]);
    assert_eq!(d.counters(), Default::default());
}

#[test]
fn never_answers() {
    let mut d = driver();
    let start = d.now();
    assert!(matches!(fails(&mut d, Fault::Silent), Error::Timeout));
    assert!(d.now() - start >= DEFAULT_TIMEOUT);
    succeeds(&mut d);
    opens(&mut d);
    assert_eq!(d.counters(), Default::default());
}

#[test]
fn stops_mid_frame() {
    let mut d = driver();
    assert!(matches!(fails(&mut d, Fault::MidFrame), Error::Timeout));
    succeeds(&mut d);
}

#[test]
fn answers_late() {
    let mut d = driver();
    assert!(matches!(fails(&mut d, Fault::Late), Error::Timeout));
    // The late version line is not an acknowledgement: stray, and the
    // three acknowledgements that follow open the channel.
    opens(&mut d);
    assert_eq!(d.counters().stray, 1);
    assert_eq!(
        d.machine_mut().poll_stray(),
        Some(Slcan::Line { offset: 0 })
    );
    succeeds(&mut d);
}

#[test]
fn answers_twice() {
    let mut d = driver();
    d.io_mut().inject(Fault::Twice);
    succeeds(&mut d);
    assert_eq!(d.counters().unsolicited, 1, "the copy");
    opens(&mut d);
    succeeds(&mut d);
    assert_eq!(d.counters().unsolicited, 1);
}

#[test]
fn echoes_the_request() {
    let mut d = driver();
    assert!(matches!(fails(&mut d, Fault::Echo), Error::Timeout));
    assert_eq!(d.counters().stray, 1);
    assert_eq!(d.machine_mut().poll_stray(), Some(Slcan::Echo));
    succeeds(&mut d);
}

#[test]
fn open_acknowledged_once_short() {
    let mut d = driver();
    d.io_mut().inject(Fault::WrongCount);
    assert!(matches!(d.ask(&OPEN), Err(Error::Timeout)));
    opens(&mut d);
    succeeds(&mut d);
    assert_eq!(d.counters(), Default::default());
}

#[test]
fn version_answered_by_an_acknowledgement() {
    // A bare CR is no version: stray (a late acknowledgement), and the
    // client waits on.
    let mut d = driver();
    assert!(matches!(fails(&mut d, Fault::WrongCount), Error::Timeout));
    assert_eq!(d.counters().stray, 1);
    succeeds(&mut d);
}

#[test]
fn unplugged() {
    let mut d = driver();
    assert!(matches!(
        fails(&mut d, Fault::Unplugged),
        Error::Io(ErrorKind::BrokenPipe)
    ));
    assert!(matches!(
        d.ask(&Command::Version),
        Err(Error::Io(ErrorKind::BrokenPipe))
    ));
    d.io_mut().replug();
    succeeds(&mut d);
    opens(&mut d);
}
