//! Lines out and the exit status, through semihosting: under QEMU
//! (`-semihosting-config enable=on,target=native`) lines go to QEMU's
//! standard output and the exit ends QEMU with status 0 ([`pass`]) or 1
//! ([`fail`], a panic, a fault).

use core::fmt;
use core::panic::PanicInfo;

use cortex_m_semihosting::{debug, hprintln};

/// Prints `pass` and ends the run successfully.
pub fn pass() -> ! {
    hprintln!("pass");
    exit(debug::EXIT_SUCCESS)
}

/// Prints `fail: <why>` and ends the run with a failure.
pub fn fail(why: fmt::Arguments<'_>) -> ! {
    hprintln!("fail: {}", why);
    exit(debug::EXIT_FAILURE)
}

fn exit(status: debug::ExitStatus) -> ! {
    debug::exit(status);
    // Only reached when no debugger acted on the exit: stop here.
    loop {
        cortex_m::asm::wfi();
    }
}

#[panic_handler]
fn panic(info: &PanicInfo<'_>) -> ! {
    fail(format_args!("panic: {info}"))
}
