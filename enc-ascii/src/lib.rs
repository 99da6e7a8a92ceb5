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
pub use framer::{CAPACITY, Framer};
pub use response::{Fault, Quantity, Radix, Response, ResponseCode, StateWord, Value};
