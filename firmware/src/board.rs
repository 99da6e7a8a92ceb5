//! The board: QEMU's `mps2-an386` (Arm MPS2 with the AN386 FPGA image, a
//! Cortex-M4F). Its UART0 is the protocol's line; SysTick is the clock;
//! UART1, for an image with a second link, is read through a ring buffer.
//! Addresses and interrupt numbers are those of the AN386 application note
//! (Arm DAI 0386) and of QEMU's `hw/arm/mps2.c`.
#![allow(unsafe_code)]

use core::cell::Cell;
use core::sync::atomic::{AtomicBool, Ordering};

use cortex_m::interrupt::{self, InterruptNumber, Mutex};
use cortex_m::peripheral::NVIC;
use cortex_m_rt::{ExceptionFrame, exception};

use crate::uart::{INTCLEAR, RX_INT, Regs};
use crate::{BufferedUart, Ticks, Uart, buffered, report};

/// The core and peripheral clock, Hz (the MPS2 FPGA images' 25 MHz).
pub const CORE_HZ: u32 = 25_000_000;

/// UART0's register block.
// SAFETY: the AN386 memory map puts UART0, a CMSDK APB UART, there.
const UART0: Regs = unsafe { Regs::at(0x4000_4000) };
/// UART1's register block.
// SAFETY: the AN386 memory map puts UART1, a CMSDK APB UART, there.
const UART1: Regs = unsafe { Regs::at(0x4000_5000) };

/// UART1's receive handler, set by [`Board::take_uart1`]: an image that
/// does not take UART1 does not link its ring buffer.
static UART1_RX: Mutex<Cell<Handler>> = Mutex::new(Cell::new(None));

/// An interrupt's handler, when one is set.
type Handler = Option<fn()>;

/// The board's interrupts that the images use.
#[derive(Debug, Clone, Copy)]
enum Irq {
    /// UART0 received a byte.
    Uart0Rx = 0,
    /// UART1 received a byte.
    Uart1Rx = 2,
}

// SAFETY: the numbers are AN386 interrupt lines (UART0 RX is IRQ 0,
// UART1 RX IRQ 2; each UART's TX is the next one).
unsafe impl InterruptNumber for Irq {
    fn number(self) -> u16 {
        self as u16
    }
}

/// What an image gets from the board: the protocol's UART and the clock.
#[derive(Debug)]
pub struct Board {
    /// UART0, at the rate the image asked for.
    pub uart: Uart,
    /// SysTick, counting milliseconds.
    pub clock: Ticks,
}

impl Board {
    /// The board, once (`None` after the first call): starts the clock,
    /// enables UART0 at `baud` and its receive interrupt.
    pub fn take(baud: u32) -> Option<Board> {
        let core = cortex_m::Peripherals::take()?;
        let clock = Ticks::start(core.SYST, CORE_HZ);
        let uart = Uart::new(UART0, clock, CORE_HZ, baud);
        // SAFETY: the handler (DefaultHandler below) only clears the
        // UART's interrupt; nothing relies on the line being masked.
        unsafe { NVIC::unmask(Irq::Uart0Rx) };
        Some(Board { uart, clock })
    }

    /// UART1 at `baud`, read through the ring its receive interrupt
    /// fills ([`BufferedUart`]); once (`None` after the first call).
    pub fn take_uart1(&self, baud: u32) -> Option<BufferedUart> {
        static TAKEN: AtomicBool = AtomicBool::new(false);
        if TAKEN.swap(true, Ordering::AcqRel) {
            return None;
        }
        let uart = Uart::new(UART1, self.clock, CORE_HZ, baud);
        interrupt::free(|cs| {
            UART1_RX
                .borrow(cs)
                .set(Some(|| buffered::on_receive(UART1)))
        });
        // SAFETY: the handler (DefaultHandler below) moves the received
        // bytes into the ring, in a critical section of its own.
        unsafe { NVIC::unmask(Irq::Uart1Rx) };
        Some(BufferedUart::new(uart, self.clock))
    }
}

/// Every interrupt without a handler of its own. UART0's receive
/// interrupt only wakes the core from WFI, or the async reader: it is
/// cleared here, the byte is read by [`Uart`]. UART1's moves the bytes
/// into [`BufferedUart`]'s ring. Any other is a bug in the image.
#[exception]
unsafe fn DefaultHandler(irqn: i16) {
    if irqn == Irq::Uart0Rx as i16 {
        UART0.write(INTCLEAR, RX_INT);
        crate::asynch::RX.wake();
    } else if irqn == Irq::Uart1Rx as i16
        && let Some(rx) = interrupt::free(|cs| UART1_RX.borrow(cs).get())
    {
        rx();
    } else {
        report::fail(format_args!("unexpected interrupt {irqn}"));
    }
}

#[exception]
unsafe fn HardFault(frame: &ExceptionFrame) -> ! {
    report::fail(format_args!("hard fault at pc {:#010x}", frame.pc()))
}
