//! The Arm CMSDK APB UART (Cortex-M System Design Kit TRM, Arm DDI 0479,
//! "APB UART"), as QEMU models it (`hw/char/cmsdk-apb-uart.c`): 8N1, a
//! one-byte buffer each way, a baud divider from the peripheral clock.
//!
//! Reads wait at most a time slice for their first byte and report
//! [`Error::TimedOut`] when none came: the blocking drivers and the serve
//! loop of `transports` take that as silence and look at their deadlines.
//! While waiting, the core sleeps (WFI) until the receive interrupt or the
//! next SysTick.
//!
//! QEMU does not pace the bytes at the baud rate: they come as fast as the
//! pseudo-terminal on the host side delivers them.
#![allow(unsafe_code)]

use core::time::Duration;

use embedded_io::{ErrorKind, ErrorType, Read, ReadReady, Write};
use transports::Clock;

use crate::Ticks;

/// Register offsets.
pub(crate) const DATA: usize = 0x00;
pub(crate) const STATE: usize = 0x04;
const CTRL: usize = 0x08;
/// INTSTATUS when read, INTCLEAR when written.
pub(crate) const INTCLEAR: usize = 0x0C;
const BAUDDIV: usize = 0x10;

/// STATE: a byte waits in the transmit buffer.
const TX_FULL: u32 = 1 << 0;
/// STATE: a byte waits in the receive buffer.
pub(crate) const RX_FULL: u32 = 1 << 1;
/// STATE: a received byte was lost (write 1 to clear).
pub(crate) const RX_OVERRUN: u32 = 1 << 3;
/// CTRL: transmitter, receiver and receive interrupt enables.
const TX_EN: u32 = 1 << 0;
const RX_EN: u32 = 1 << 1;
const RX_INT_EN: u32 = 1 << 3;
/// INTCLEAR: the receive interrupt.
pub(crate) const RX_INT: u32 = 1 << 1;
/// The smallest divider the UART accepts.
const MIN_BAUDDIV: u32 = 16;

/// A CMSDK APB UART's register block.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Regs(usize);

impl Regs {
    /// # Safety
    ///
    /// `base` is the address of a CMSDK APB UART's registers.
    pub(crate) const unsafe fn at(base: usize) -> Regs {
        Regs(base)
    }

    pub(crate) fn read(self, offset: usize) -> u32 {
        // SAFETY: `at` was given a UART's register block; `offset` is one
        // of its 32-bit registers, which reads do not disturb (DATA is
        // read only when STATE says a byte is there).
        unsafe { core::ptr::read_volatile((self.0 + offset) as *const u32) }
    }

    pub(crate) fn write(self, offset: usize, value: u32) {
        // SAFETY: as in `read`; each write is a whole 32-bit register.
        unsafe { core::ptr::write_volatile((self.0 + offset) as *mut u32, value) }
    }
}

/// What a UART read or write can fail with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// Nothing arrived within the read's time slice: silence.
    TimedOut,
    /// A byte arrived before the previous one was read and was lost.
    Overrun,
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Error::TimedOut => "nothing received",
            Error::Overrun => "receive overrun: a byte was lost",
        })
    }
}

impl core::error::Error for Error {}

impl embedded_io::Error for Error {
    fn kind(&self) -> ErrorKind {
        match self {
            Error::TimedOut => ErrorKind::TimedOut,
            Error::Overrun => ErrorKind::Other,
        }
    }
}

/// One UART, 8N1, with reads bounded by a time slice.
#[derive(Debug)]
pub struct Uart {
    regs: Regs,
    clock: Ticks,
    slice: Duration,
}

impl Uart {
    /// Enables `regs` at `baud` from a `pclk_hz` peripheral clock, with the
    /// receive interrupt on (it only wakes the core).
    pub(crate) fn new(regs: Regs, clock: Ticks, pclk_hz: u32, baud: u32) -> Uart {
        regs.write(CTRL, 0);
        regs.write(BAUDDIV, (pclk_hz / baud.max(1)).max(MIN_BAUDDIV));
        regs.write(STATE, RX_OVERRUN);
        regs.write(CTRL, TX_EN | RX_EN | RX_INT_EN);
        Uart {
            regs,
            clock,
            slice: Duration::from_millis(10),
        }
    }

    /// How long a read waits for its first byte (10 ms unless set): the
    /// most a driver oversleeps a deadline.
    pub fn set_read_slice(&mut self, slice: Duration) {
        self.slice = slice;
    }

    /// Reads and drops whatever arrives until `quiet` passes with nothing:
    /// a late reply, or noise from a peer that just opened the line.
    /// Returns how many bytes were dropped.
    pub fn drain(&mut self, quiet: Duration) -> usize {
        let mut dropped = 0;
        let mut last = self.clock.now();
        while self.clock.now().saturating_sub(last) < quiet {
            if self.rx_full() {
                let _ = self.regs.read(DATA);
                dropped += 1;
                last = self.clock.now();
            } else {
                self.sleep();
            }
        }
        dropped
    }

    pub(crate) fn rx_full(&self) -> bool {
        self.regs.read(STATE) & RX_FULL != 0
    }

    /// Halts the core until an interrupt (a received byte, or the next
    /// millisecond), unless a byte is already there. WFI inside the
    /// critical section still wakes on a pending interrupt, so a byte
    /// arriving between the check and the WFI is not slept through.
    fn sleep(&self) {
        cortex_m::interrupt::free(|_| {
            if !self.rx_full() {
                cortex_m::asm::wfi();
            }
        });
    }
}

impl ErrorType for Uart {
    type Error = Error;
}

impl Read for Uart {
    /// Waits up to the read slice for a first byte, then takes the bytes
    /// already received, without waiting for more.
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Error> {
        if buf.is_empty() {
            return Ok(0);
        }
        let start = self.clock.now();
        while !self.rx_full() {
            if self.clock.now().saturating_sub(start) >= self.slice {
                return Err(Error::TimedOut);
            }
            self.sleep();
        }
        if self.regs.read(STATE) & RX_OVERRUN != 0 {
            self.regs.write(STATE, RX_OVERRUN);
            return Err(Error::Overrun);
        }
        let mut n = 0;
        for slot in buf.iter_mut() {
            if !self.rx_full() {
                break;
            }
            *slot = self.regs.read(DATA) as u8;
            n += 1;
        }
        Ok(n)
    }
}

impl ReadReady for Uart {
    fn read_ready(&mut self) -> Result<bool, Error> {
        Ok(self.rx_full())
    }
}

impl Write for Uart {
    /// Writes every byte, each once the transmit buffer is free.
    fn write(&mut self, buf: &[u8]) -> Result<usize, Error> {
        for &byte in buf {
            while self.regs.read(STATE) & TX_FULL != 0 {}
            self.regs.write(DATA, u32::from(byte));
        }
        Ok(buf.len())
    }

    /// Waits until the last byte has left the transmit buffer.
    fn flush(&mut self) -> Result<(), Error> {
        while self.regs.read(STATE) & TX_FULL != 0 {}
        Ok(())
    }
}
