//! The loop every simulated device runs on its serial link.

use std::time::{Duration, Instant};

use embedded_io::{Error as _, ErrorKind, Read, Write};

/// Serves a device on `io` until `stop` says so or the link fails.
///
/// Every pass reads what has arrived (reads time out, so the pass comes
/// round even when nobody talks), and hands `device` the time since the
/// last pass and the bytes; what it appends to its output buffer is
/// written back.
pub fn serve<T: Read + Write>(
    io: &mut T,
    mut stop: impl FnMut() -> bool,
    mut device: impl FnMut(Duration, &[u8], &mut Vec<u8>),
) -> Result<(), T::Error> {
    let mut last = Instant::now();
    let mut buf = [0u8; 64];
    let mut out = Vec::new();
    while !stop() {
        let n = match io.read(&mut buf) {
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::TimedOut => 0,
            Err(e) => return Err(e),
        };
        let now = Instant::now();
        out.clear();
        device(now - last, &buf[..n], &mut out);
        last = now;
        if !out.is_empty() {
            io.write_all(&out)?;
            io.flush()?;
        }
    }
    Ok(())
}
