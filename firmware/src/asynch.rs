//! The board under an async executor: the UART as `embedded-io-async`
//! and SysTick as the `transports` async `Timer`. The receive interrupt
//! and the millisecond tick wake the task that waits on them, so an
//! executor that sleeps between wake-ups (Embassy's) polls only when
//! something happened.

use core::cell::RefCell;
use core::future::poll_fn;
use core::task::{Poll, Waker};
use core::time::Duration;

use cortex_m::interrupt::{self, Mutex};
use embedded_io::{ErrorType, Read as _, Write as _};

use crate::{Error, Ticks, Uart};

/// One waiting task's waker, set from thread mode, taken by an interrupt.
pub(crate) struct WakerSlot(Mutex<RefCell<Option<Waker>>>);

impl WakerSlot {
    pub(crate) const fn new() -> WakerSlot {
        WakerSlot(Mutex::new(RefCell::new(None)))
    }

    fn register(&self, waker: &Waker) {
        interrupt::free(|cs| {
            let mut slot = self.0.borrow(cs).borrow_mut();
            match slot.as_ref() {
                Some(w) if w.will_wake(waker) => {}
                _ => *slot = Some(waker.clone()),
            }
        });
    }

    /// Wakes the waiting task, if any (from an interrupt handler).
    pub(crate) fn wake(&self) {
        if let Some(w) = interrupt::free(|cs| self.0.borrow(cs).borrow_mut().take()) {
            w.wake();
        }
    }
}

/// Woken by UART0's receive interrupt.
pub(crate) static RX: WakerSlot = WakerSlot::new();
/// Woken by every SysTick.
pub(crate) static TICK: WakerSlot = WakerSlot::new();

/// The UART for async drivers: a read waits (without a time slice) until
/// a byte is there; a write completes at once, as the blocking one does.
#[derive(Debug)]
pub struct AsyncUart(Uart);

impl AsyncUart {
    /// The UART, now async.
    pub fn new(uart: Uart) -> AsyncUart {
        AsyncUart(uart)
    }

    /// The blocking UART inside.
    pub fn uart_mut(&mut self) -> &mut Uart {
        &mut self.0
    }
}

impl ErrorType for AsyncUart {
    type Error = Error;
}

impl embedded_io_async::Read for AsyncUart {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, Error> {
        poll_fn(|cx| {
            // Registered before the check: a byte arriving in between
            // still wakes the task.
            RX.register(cx.waker());
            if buf.is_empty() || self.0.rx_full() {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await;
        self.0.read(buf)
    }
}

impl embedded_io_async::Write for AsyncUart {
    async fn write(&mut self, buf: &[u8]) -> Result<usize, Error> {
        self.0.write(buf)
    }

    async fn flush(&mut self) -> Result<(), Error> {
        self.0.flush()
    }
}

impl transports::asynch::Timer for Ticks {
    fn now(&self) -> Duration {
        transports::Clock::now(self)
    }

    async fn at(&mut self, deadline: Duration) {
        poll_fn(|cx| {
            TICK.register(cx.waker());
            if transports::Clock::now(self) >= deadline {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await;
    }
}
