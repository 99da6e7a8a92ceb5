//! A UART whose receive interrupt takes each byte into a ring buffer, for
//! a link that must not lose bytes while the image is busy on another:
//! the CMSDK UART holds one received byte, so a host writing at 115200
//! baud overruns it within 87 µs of the image looking away. The bridge's
//! SLCAN side is one (the image waits on the battery's RS485 meanwhile).
//!
//! Reads take from the ring, waiting at most a time slice for the first
//! byte ([`Error::TimedOut`] after it), as [`Uart`]'s do; writes go
//! straight to the UART.

use core::cell::RefCell;
use core::time::Duration;

use cortex_m::interrupt::{self, Mutex};
use embedded_io::{ErrorType, Read, ReadReady, Write};
use transports::Clock;

use crate::uart::{DATA, INTCLEAR, RX_FULL, RX_INT, RX_OVERRUN, Regs, STATE};
use crate::{Error, Ticks, Uart};

/// Bytes the ring holds: a few SLCAN lines (a frame is at most 27).
const RING: usize = 256;

/// Received bytes not yet read, and how many were lost.
struct Ring {
    buf: [u8; RING],
    head: usize,
    len: usize,
    lost: u32,
}

impl Ring {
    fn push(&mut self, byte: u8) {
        if self.len == RING {
            self.lost = self.lost.saturating_add(1);
            return;
        }
        if let Some(slot) = self.buf.get_mut((self.head + self.len) % RING) {
            *slot = byte;
        }
        self.len += 1;
    }

    fn pop(&mut self) -> Option<u8> {
        if self.len == 0 {
            return None;
        }
        let byte = self.buf.get(self.head).copied();
        self.head = (self.head + 1) % RING;
        self.len -= 1;
        byte
    }
}

/// The one ring: UART1's (the board has one buffered UART).
static RX: Mutex<RefCell<Ring>> = Mutex::new(RefCell::new(Ring {
    buf: [0; RING],
    head: 0,
    len: 0,
    lost: 0,
}));

/// From the UART's receive interrupt: moves every byte waiting in `regs`
/// into the ring. The interrupt is cleared first, so a byte arriving
/// after the last read raises it again.
pub(crate) fn on_receive(regs: Regs) {
    regs.write(INTCLEAR, RX_INT);
    interrupt::free(|cs| {
        let mut ring = RX.borrow(cs).borrow_mut();
        if regs.read(STATE) & RX_OVERRUN != 0 {
            regs.write(STATE, RX_OVERRUN);
            ring.lost = ring.lost.saturating_add(1);
        }
        while regs.read(STATE) & RX_FULL != 0 {
            ring.push(regs.read(DATA) as u8);
        }
    });
}

/// A UART read from the ring its receive interrupt fills.
#[derive(Debug)]
pub struct BufferedUart {
    uart: Uart,
    clock: Ticks,
    slice: Duration,
}

impl BufferedUart {
    pub(crate) fn new(uart: Uart, clock: Ticks) -> BufferedUart {
        BufferedUart {
            uart,
            clock,
            slice: Duration::from_millis(10),
        }
    }

    /// Bytes lost so far: the ring was full, or the UART overran before
    /// the interrupt was taken.
    pub fn lost(&self) -> u32 {
        interrupt::free(|cs| RX.borrow(cs).borrow().lost)
    }

    /// Takes up to `buf.len()` bytes from the ring; 0 when it is empty.
    fn take(buf: &mut [u8]) -> usize {
        interrupt::free(|cs| {
            let mut ring = RX.borrow(cs).borrow_mut();
            let mut n = 0;
            for slot in buf.iter_mut() {
                let Some(byte) = ring.pop() else { break };
                *slot = byte;
                n += 1;
            }
            n
        })
    }

    /// Halts the core until an interrupt (a received byte, or the next
    /// millisecond) unless the ring has bytes. WFI inside the critical
    /// section still wakes on a pending interrupt, so a byte arriving
    /// after the check is not slept through.
    fn sleep() {
        interrupt::free(|cs| {
            if RX.borrow(cs).borrow().len == 0 {
                cortex_m::asm::wfi();
            }
        });
    }
}

impl ErrorType for BufferedUart {
    type Error = Error;
}

impl Read for BufferedUart {
    /// Waits up to the read slice (10 ms) for a first byte, then takes
    /// what the ring holds, without waiting for more.
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Error> {
        if buf.is_empty() {
            return Ok(0);
        }
        let start = self.clock.now();
        loop {
            let n = Self::take(buf);
            if n > 0 {
                return Ok(n);
            }
            if self.clock.now().saturating_sub(start) >= self.slice {
                return Err(Error::TimedOut);
            }
            Self::sleep();
        }
    }
}

impl ReadReady for BufferedUart {
    fn read_ready(&mut self) -> Result<bool, Error> {
        Ok(interrupt::free(|cs| RX.borrow(cs).borrow().len > 0))
    }
}

impl Write for BufferedUart {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Error> {
        self.uart.write(buf)
    }

    fn flush(&mut self) -> Result<(), Error> {
        self.uart.flush()
    }
}
