//! ENC drive drivers: the one driver loop around [`enc_ascii::Client`].

use core::time::Duration;

use enc_ascii::{Client, Link, Radix, timeout_for};

pub use enc_ascii::LINE;

/// The drives' default line speed: [`LINE`], 9600 8N1.
pub const DEFAULT_BAUD: u32 = LINE.baud;

/// The drives' default response delay (F2.17).
pub const DEFAULT_RESPONSE_DELAY: Duration = Duration::from_millis(5);

/// A blocking ENC driver.
pub type Driver<T, C> = crate::blocking::Driver<T, C, Client>;

/// An async ENC driver.
pub type AsyncDriver<T, Tm> = crate::asynch::Driver<T, Tm, Client>;

/// A client for a link at `baud` to drives that wait `response_delay`
/// (F2.17) before answering, reading response codes under `radix`.
pub const fn client(baud: u32, response_delay: Duration, radix: Radix) -> Client {
    Client::new(Link::new(radix), timeout_for(baud, response_delay))
}
