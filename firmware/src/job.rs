//! The harness of the footprint images (`src/bin/fp-*.rs`), which
//! `footprint` builds, runs under QEMU and measures: each does one job on
//! UART0 with one crate, so the crates compare on the same board code,
//! and `fp-empty` (the harness alone) is subtracted.
//!
//! An image calls [`start`] first, which paints the stack and takes the
//! board, does its job with bytes from the UART (`footprint` feeds a file
//! to it), then calls [`finish`] with a number that sums up its result:
//! it prints `stack <bytes>` (the high-water mark, [`crate::stack`]),
//! `result <n>` and `pass`.

use cortex_m_semihosting::hprintln;
use embedded_io::Read;

use crate::{Board, Uart, report, stack};

/// How many requests the server jobs answer before they report.
pub const REQUESTS: u32 = 6;

/// Paints the stack and takes the board, UART0 at 9600 baud.
pub fn start() -> Board {
    stack::paint();
    match Board::take(9600) {
        Some(board) => board,
        None => report::fail(format_args!("board already taken")),
    }
}

/// The next byte from the UART; `None` once nothing came for a while.
pub fn byte(uart: &mut Uart) -> Option<u8> {
    let mut b = [0u8; 1];
    for _ in 0..50 {
        if let Ok(1) = uart.read(&mut b) {
            return Some(b[0]);
        }
    }
    None
}

/// Reports the stack's high-water mark and `result`, and passes.
pub fn finish(result: u32) -> ! {
    let used = stack::high_water();
    hprintln!("stack {}", used);
    hprintln!("result {}", result);
    report::pass()
}

/// Reads bytes into `buf` one at a time until `complete` says the frame
/// in `buf[..n]` is whole (`Some(true)`); its length. `None` when the
/// bytes stop coming, `complete` gives up (`None`) or `buf` fills.
pub fn frame(
    uart: &mut Uart,
    buf: &mut [u8],
    mut complete: impl FnMut(&[u8]) -> Option<bool>,
) -> Option<usize> {
    let mut n = 0;
    loop {
        *buf.get_mut(n)? = byte(uart)?;
        n += 1;
        if complete(buf.get(..n)?)? {
            return Some(n);
        }
    }
}
