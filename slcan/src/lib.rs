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

mod client;
mod decoder;
mod error;
mod line;

pub use client::{Client, Command, Expect, Link, Reply, TX_CAPACITY};
pub use decoder::Decoder;
pub use error::Error;
pub use line::{Line, bitrate_code, decode_line, encode_frame};
pub use proto_core::CanFrame;
