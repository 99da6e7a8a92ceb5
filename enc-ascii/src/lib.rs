#![doc = include_str!("../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::unreachable,
        clippy::todo
    )
)]

#[cfg(feature = "alloc")]
extern crate alloc;

pub mod client;
pub mod command;
pub mod device;
mod error;
pub mod frame;
pub mod framer;
pub mod response;

pub use client::{Client, Event, Link, timeout_for};
pub use command::{Address, Command, Control, Frequency, Group, Param, Reading, Request, Unit};
pub use device::{Device, Incoming};
pub use error::Error;
pub use frame::{Body, Frame, checksum};
pub use framer::{CAPACITY, EncFraming, Framer};
pub use response::{Fault, Quantity, Radix, Response, ResponseCode, StateWord, Value};

/// The drives' factory line: 9600 baud, 8 data bits, no parity, 1 stop bit
/// (parameter F2.14 = "03": digit 1 baud 9600, digit 2 format 1-8-1 no
/// parity; `docs/protocols/enc.md` §1). F2.14 may select 1200 to 38400
/// baud and even or odd parity instead.
pub const LINE: proto_core::Line = proto_core::Line::n81(9600);

#[cfg(test)]
mod line_tests {
    use core::time::Duration;
    use proto_core::{Line, Parity};

    #[test]
    fn the_default_line_is_9600_8n1() {
        assert_eq!(super::LINE, Line::new(9600, Parity::None, 1));
        assert_eq!(super::LINE.bits(), 10);
        assert_eq!(super::LINE.char_time(), Duration::from_micros(1042));
    }
}
