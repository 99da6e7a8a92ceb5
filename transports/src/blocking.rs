//! The blocking driver loop every protocol's driver is built on.

use embedded_io::{Error as _, ErrorKind, Read, Write};
use proto_core::ClientMachine;

use crate::Clock;

/// Runs one transaction of `machine` over `io`: writes its request, then
/// reads and feeds until the machine reports an event (its reply, an error
/// or a timeout). The request must already have been started on `machine`.
///
/// Reads that time out ([`ErrorKind::TimedOut`]) count as silence; any
/// other I/O error ends the transaction.
pub fn run<T, C, M>(io: &mut T, clock: &C, machine: &mut M) -> Result<M::Event, T::Error>
where
    T: Read + Write,
    C: Clock,
    M: ClientMachine,
{
    if let Some(bytes) = machine.poll_transmit() {
        io.write_all(bytes)?;
        io.flush()?;
    }
    let mut buf = [0u8; 64];
    loop {
        if let Some(ev) = machine.poll_event() {
            return Ok(ev);
        }
        let n = match io.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::TimedOut => 0,
            Err(e) => return Err(e),
        };
        let now = clock.now();
        let mut rest = buf.get(..n).unwrap_or_default();
        while !rest.is_empty() && machine.poll_timeout().is_some() {
            let used = machine.feed(now, rest);
            rest = rest.get(used..).unwrap_or_default();
        }
        machine.handle_timeout(now);
    }
}
