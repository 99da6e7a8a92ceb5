//! Board support for the firmware images: QEMU's `mps2-an386` (a
//! Cortex-M4F with Arm CMSDK peripherals), as little of it as the images
//! need.
//!
//! - [`Board::take`]: the UART the protocol runs on and the clock the
//!   drivers read, once.
//! - [`Uart`]: the CMSDK APB UART as `embedded-io` `Read` + `Write` +
//!   `ReadReady`, with the bounded read the blocking drivers of
//!   `transports` expect.
//! - [`Ticks`]: SysTick counting milliseconds, the drivers' `Clock`, and
//!   the async drivers' `Timer`.
//! - [`BufferedUart`]: a second UART (UART1) whose receive interrupt
//!   fills a ring buffer, for a link that must not lose bytes while the
//!   image waits on the first ([`Board::take_uart1`]).
//! - [`pylon`]: the bridge image's mapping from a Pylontech pack's RS485
//!   readings to the battery's CAN report.
//! - [`AsyncUart`]: the UART as `embedded-io-async`, woken by its receive
//!   interrupt, for the async drivers under an executor.
//! - [`modbus_steps`]: the Modbus client images' requests and lines, one
//!   script for the blocking and the async image.
//! - [`server_map`]: the footprint Modbus server job's map and handler.
//! - [`stack`]: the stack's high-water mark, painted and read back.
//! - [`job`]: the harness of the footprint images (`src/bin/fp-*.rs`).
//! - [`report`]: lines out and the exit status through semihosting; a
//!   panic or a fault reports itself and exits with a failure, so a test
//!   running the image under QEMU sees it.
//!
//! The protocol code in the images is the workspace's, unchanged; only
//! this crate knows the board.
#![no_std]
#![warn(missing_docs)]

mod asynch;
mod board;
mod buffered;
mod clock;
pub mod job;
pub mod modbus_steps;
pub mod pylon;
pub mod report;
pub mod server_map;
pub mod stack;
mod uart;

pub use asynch::AsyncUart;
pub use board::{Board, CORE_HZ};
pub use buffered::BufferedUart;
pub use clock::Ticks;
pub use uart::{Error, Uart};
