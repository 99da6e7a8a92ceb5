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

mod framer;
mod machine;
mod transaction;
mod writer;

pub use framer::{Cut, Delimiters, LineFramer};
pub use machine::ClientMachine;
pub use transaction::Transaction;
pub use writer::{TooSmall, Writer};
