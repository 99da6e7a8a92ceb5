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
pub mod device;
mod error;
mod frame;
mod framer;
pub mod pylontech;
mod rtn;

pub use client::{Accepted, Client, Expect, Link, Request, Sent, TX_CAPACITY};
pub use device::Device;
pub use error::Error;
pub use frame::{Frame, Info, encode_request, length_field};
pub use framer::{CAPACITY, Framer, YdtFraming};
pub use rtn::Rtn;
