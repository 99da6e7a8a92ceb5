#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod adapter;
mod client;
mod decoder;
mod error;
mod message;

pub use adapter::{Adapter, Host};
pub use client::{Client, Command, Expect, LINE_GAP, Link, Reply, TX_CAPACITY};
pub use decoder::Decoder;
pub use error::Error;
pub use message::{Message, bitrate_code, decode_line, encode_frame};
pub use proto_core::CanFrame;

/// The serial line to open an adapter with: 115200 baud 8N1, what the
/// common tools open adapters at (python-can's `slcan` interface among
/// them). USB CDC adapters (CANable, USBtin) ignore it: their USB link runs
/// at its own speed whatever the port is set to; adapters behind a real
/// UART (an FTDI-based CANUSB, a CAN232) need the rate they are configured
/// for. Not the CAN bitrate, which [`Command::Open`] sets.
pub const LINE: proto_core::Line = proto_core::Line::n81(115_200);

#[cfg(test)]
mod line_tests {
    use core::time::Duration;
    use proto_core::{Line, Parity};

    #[test]
    fn the_default_line_is_115200_8n1() {
        assert_eq!(super::LINE, Line::new(115_200, Parity::None, 1));
        assert_eq!(super::LINE.bits(), 10);
        assert_eq!(super::LINE.char_time(), Duration::from_micros(87));
    }
}
