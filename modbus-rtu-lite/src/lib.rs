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

mod answer;
pub mod client;
mod data;
mod error;
pub mod file;
pub mod frame;
pub mod framer;
#[cfg(any(feature = "serde", feature = "defmt"))]
mod impls;
pub mod length;
pub mod pdu;
pub mod server;
pub mod timing;

pub use answer::{Expected, Field};
pub use client::{Accepted, Client, Config, Event, Link, OwnedReply, Reply};
pub use data::{Bits, Exception, Words};
pub use error::Error;
pub use file::FileRecord;
pub use frame::{
    BROADCAST, MAX_ADU, crc16, decode_request, decode_response, decode_response_for,
    encode_request, encode_response,
};
pub use framer::{
    Delimiting, Framer, LengthMode, Mode, RequestSide, ResponseSide, Side, Sided, SimpleLengthMode,
    TimingMode,
};
pub use pdu::{DeviceId, Request, Response};
pub use server::{Counters, Functions, Handler, Responder, Server};
pub use timing::{LINE, Line, Parity, Timing};
