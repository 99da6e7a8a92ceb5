//! The serve loop: a device's side of a link, for every protocol.
//!
//! [`serve`] runs any protocol's [`DeviceMachine`] over blocking I/O: it
//! reads what arrives, feeds it, hands each request to the application
//! and writes its answer, until told to stop. Simulators, emulators and
//! bridges all use this one loop.

use core::time::Duration;

use embedded_io::{Error as _, ErrorKind, Read, Write};
use proto_core::DeviceMachine;

use crate::Clock;

/// How many answers to one [`Call::Tick`] are sent before the loop reads again.
const MAX_TICK_ANSWERS: usize = 64;

/// What the serve loop hands the application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call<R> {
    /// Time passed (every pass of the loop, whether or not bytes came):
    /// a simulation moves on, and a device that speaks on its own (a
    /// battery's periodic CAN frames) answers with what is due, one at a
    /// time; the loop asks again until the answer is `None`.
    Tick,
    /// A request for the device: the application's answer is encoded
    /// and sent.
    Request(R),
}

/// Serves `device` on `io` until `stop` returns true or the link fails.
/// `app` is called with the time and a [`Call`]; what it returns is sent
/// (`None`: nothing).
///
/// Reads must return within a bounded time ([`ErrorKind::TimedOut`] when
/// nothing came) so the loop comes round to `stop` and to the device's
/// timers; the std transports of this crate do.
pub fn serve<T, C, D>(
    io: &mut T,
    clock: &C,
    device: &mut D,
    mut stop: impl FnMut() -> bool,
    mut app: impl FnMut(Duration, Call<D::Request>) -> Option<D::Response>,
) -> Result<(), T::Error>
where
    T: Read + Write,
    C: Clock,
    D: DeviceMachine,
{
    let mut buf = [0u8; 64];
    while !stop() {
        let n = match io.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::TimedOut => 0,
            Err(e) => return Err(e),
        };
        let now = clock.now();
        // What the device says on its own; bounded so a chatty application
        // cannot starve the reads.
        for _ in 0..MAX_TICK_ANSWERS {
            let Some(response) = app(now, Call::Tick) else {
                break;
            };
            device.respond(&response);
            transmit(io, device, now)?;
        }
        let mut rest = buf.get(..n).unwrap_or_default();
        while !rest.is_empty() {
            let (used, request) = device.feed(now, rest);
            rest = rest.get(used..).unwrap_or_default();
            let asked = request.is_some();
            answer(io, device, now, request, &mut app)?;
            if used == 0 && !asked {
                break;
            }
        }
        let request = device.handle_timeout(now);
        answer(io, device, now, request, &mut app)?;
    }
    Ok(())
}

/// Asks the application about `request`, if any, and writes what the
/// device has to send.
fn answer<T: Write, D: DeviceMachine>(
    io: &mut T,
    device: &mut D,
    now: Duration,
    request: Option<D::Request>,
    app: &mut impl FnMut(Duration, Call<D::Request>) -> Option<D::Response>,
) -> Result<(), T::Error> {
    if let Some(response) = request.and_then(|r| app(now, Call::Request(r))) {
        device.respond(&response);
    }
    transmit(io, device, now)
}

/// Writes what the device has to send.
fn transmit<T: Write, D: DeviceMachine>(
    io: &mut T,
    device: &mut D,
    now: Duration,
) -> Result<(), T::Error> {
    if let Some(bytes) = device.poll_transmit(now) {
        io.write_all(bytes)?;
        io.flush()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::testing::{Port, Ticks};
    use axpert_proto::{BatterySystem, Command, Device, Inquiry, Mode, Response};
    use std::vec::Vec;

    #[test]
    fn requests_in_any_chunking_are_answered_and_ticks_may_speak() {
        // QMOD split across reads, then QPIGS with a bad CRC, then silence.
        let mut port = Port::new(&[b"QM", b"OD\x49", b"\xc1\rQPIGS\x00\x00\r"]);
        let mut device = Device::<64>::new(BatterySystem::V48);
        let mut passes = 0;
        let mut asked = Vec::new();
        let mut ticks = 0;
        serve(
            &mut port,
            &Ticks::every(Duration::from_millis(10)),
            &mut device,
            || {
                passes += 1;
                passes > 5
            },
            |_now, call| match call {
                // Speaks on its own once, on the first pass.
                Call::Tick => {
                    ticks += 1;
                    (ticks == 1).then_some(Response::Ack)
                }
                Call::Request(Ok(c)) => {
                    asked.push(c);
                    Some(Response::Mode(Mode::Battery))
                }
                Call::Request(Err(_)) => Some(Response::Nak),
            },
        )
        .unwrap();
        assert_eq!(asked, [Command::Inquiry(Inquiry::Mode)]);
        assert_eq!(port.written, b"(ACK\x39\x20\r(B\xe7\xc9\r(NAKss\r");
        assert_eq!(ticks, 6, "one tick a pass, and one more for the answer");
    }

    #[test]
    fn a_failing_port_ends_the_loop_with_its_error() {
        struct Broken;
        impl embedded_io::ErrorType for Broken {
            type Error = embedded_io::ErrorKind;
        }
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> Result<usize, Self::Error> {
                Err(ErrorKind::BrokenPipe)
            }
        }
        impl Write for Broken {
            fn write(&mut self, b: &[u8]) -> Result<usize, Self::Error> {
                Ok(b.len())
            }
            fn flush(&mut self) -> Result<(), Self::Error> {
                Ok(())
            }
        }
        let mut device = Device::<64>::new(BatterySystem::V48);
        let r = serve(
            &mut Broken,
            &Ticks::every(Duration::from_millis(10)),
            &mut device,
            || false,
            |_, _| None,
        );
        assert_eq!(r, Err(ErrorKind::BrokenPipe));
    }
}
