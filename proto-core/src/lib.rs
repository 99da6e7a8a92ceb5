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

mod can;
mod client;
mod deframer;
mod framer;
pub mod hex;
mod line;
mod machine;
mod writer;

pub use can::CanFrame;
pub use client::{Client, Counters, Event, Protocol, Verdict};
pub use deframer::{Decoded, Deframer, Framing};
pub use framer::{Cut, Delimiters, LineFramer};
pub use line::{Line, Parity};
pub use machine::{ClientMachine, DeviceMachine};
pub use writer::{TooSmall, Writer};
