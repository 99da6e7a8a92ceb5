//! The stack's high-water mark, measured: [`paint`] fills the unused
//! stack with a pattern, [`high_water`] finds the deepest word that no
//! longer holds it. The figure is what the run used, interrupts
//! included, not a bound: a path the run did not take is not counted.
#![allow(unsafe_code)]

use core::ptr::{addr_of, read_volatile, write_volatile};

/// What an unused stack word holds.
const PAINT: u32 = 0xC5AC_CE55;
/// How deep below the top the paint goes: more than any image uses, and
/// short enough to paint and scan in an instant.
const DEPTH: usize = 64 * 1024;
/// Words left unpainted just below the painter's own stack pointer.
const MARGIN: usize = 64;

unsafe extern "C" {
    /// The initial stack pointer: the top of RAM (cortex-m-rt's link.x).
    static _stack_start: u32;
    /// The end of `.bss`: the stack may grow down to here (link.x).
    static _stack_end: u32;
}

/// The stack's top and the lowest address painted.
fn bounds() -> (usize, usize) {
    let top = addr_of!(_stack_start) as usize;
    let end = addr_of!(_stack_end) as usize;
    (top, top.saturating_sub(DEPTH).max(end) & !3)
}

/// Paints the stack below the caller's frame; call it first in `main`.
/// Interrupts are masked meanwhile, so no exception frame is painted over.
pub fn paint() {
    cortex_m::interrupt::free(|_| {
        let sp = cortex_m::register::msp::read() as usize;
        let (_, bottom) = bounds();
        let mut at = bottom;
        while at + 4 <= sp.saturating_sub(MARGIN) {
            // SAFETY: between the end of .bss and below the live stack
            // (interrupts masked): memory nothing else uses.
            unsafe { write_volatile(at as *mut u32, PAINT) };
            at += 4;
        }
    });
}

/// The most stack used since [`paint`], in bytes: from the top to the
/// deepest word overwritten.
pub fn high_water() -> usize {
    let (top, bottom) = bounds();
    let mut at = bottom;
    // SAFETY: reads of RAM between the end of .bss and the top of the
    // stack, all of it mapped.
    while at < top && unsafe { read_volatile(at as *const u32) } == PAINT {
        at += 4;
    }
    top - at
}
