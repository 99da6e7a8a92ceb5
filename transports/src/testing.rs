//! Test doubles the unit tests share: a scripted port and a clock that
//! moves a fixed step on every reading.

extern crate std;

use core::cell::Cell;
use core::time::Duration;
use std::collections::VecDeque;
use std::vec::Vec;

use embedded_io::ErrorKind;

use crate::Clock;

/// A port whose reads hand out scripted results in order, then time out;
/// what is written is kept.
#[derive(Debug, Default)]
pub(crate) struct Port {
    /// Everything written so far.
    pub written: Vec<u8>,
    reads: VecDeque<Result<Vec<u8>, ErrorKind>>,
}

impl Port {
    /// Reads that hand out `chunks`, one a read.
    pub fn new(chunks: &[&[u8]]) -> Self {
        Self::with(chunks.iter().map(|c| Ok(c.to_vec())).collect())
    }

    /// Reads that hand out `reads`, chunks or errors, one a read.
    pub fn with(reads: Vec<Result<Vec<u8>, ErrorKind>>) -> Self {
        Port {
            written: Vec::new(),
            reads: reads.into(),
        }
    }
}

impl embedded_io::ErrorType for Port {
    type Error = ErrorKind;
}

impl embedded_io::Read for Port {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        let chunk = self.reads.pop_front().unwrap_or(Err(ErrorKind::TimedOut))?;
        buf[..chunk.len()].copy_from_slice(&chunk);
        Ok(chunk.len())
    }
}

impl embedded_io::Write for Port {
    fn write(&mut self, buf: &[u8]) -> Result<usize, ErrorKind> {
        self.written.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> Result<(), ErrorKind> {
        Ok(())
    }
}

/// A clock that moves `step` on every reading.
#[derive(Debug)]
pub(crate) struct Ticks {
    now: Cell<Duration>,
    step: Duration,
}

impl Ticks {
    /// Starting at zero, `step` a reading.
    pub fn every(step: Duration) -> Self {
        Ticks {
            now: Cell::new(Duration::ZERO),
            step,
        }
    }
}

impl Clock for Ticks {
    fn now(&self) -> Duration {
        self.now.set(self.now.get() + self.step);
        self.now.get()
    }
}
