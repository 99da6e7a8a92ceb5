//! SysTick as the drivers' clock: an exception every millisecond counts
//! the time since the board started.

use core::cell::Cell;
use core::time::Duration;

use cortex_m::interrupt::{self, Mutex};
use cortex_m::peripheral::{SYST, syst::SystClkSource};
use cortex_m_rt::exception;

/// Milliseconds since [`Ticks::start`]. A `u64`: it never wraps. Read and
/// written in critical sections (a Cortex-M4 has no 64-bit atomics).
static MILLIS: Mutex<Cell<u64>> = Mutex::new(Cell::new(0));

/// The board's monotonic clock, in whole milliseconds (the resolution the
/// drivers need: their shortest deadline, Modbus's length-framing
/// silence, is tens of milliseconds).
#[derive(Debug, Clone, Copy)]
pub struct Ticks(());

impl Ticks {
    /// Starts SysTick on the core clock (`core_hz`), interrupting every
    /// millisecond.
    pub(crate) fn start(mut syst: SYST, core_hz: u32) -> Ticks {
        syst.set_clock_source(SystClkSource::Core);
        syst.set_reload(core_hz / 1000 - 1);
        syst.clear_current();
        syst.enable_interrupt();
        syst.enable_counter();
        Ticks(())
    }

    /// Sleeps (WFI: the core halts between interrupts) until `deadline`.
    pub fn sleep_until(&self, deadline: Duration) {
        while transports::Clock::now(self) < deadline {
            cortex_m::asm::wfi();
        }
    }
}

impl transports::Clock for Ticks {
    fn now(&self) -> Duration {
        Duration::from_millis(interrupt::free(|cs| MILLIS.borrow(cs).get()))
    }
}

#[exception]
fn SysTick() {
    interrupt::free(|cs| {
        let ms = MILLIS.borrow(cs);
        ms.set(ms.get() + 1);
    });
    crate::asynch::TICK.wake();
}
