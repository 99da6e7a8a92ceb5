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

pub mod battery;
mod can;
pub mod emitter;
mod error;
mod fixed;
mod flags;
pub mod message;
mod text;

pub use battery::{Battery, Part, STALE_AFTER, Snapshot};
pub use emitter::{Emitter, KeepAlive, Profile, Report};
pub use error::Error;
pub use fixed::Fixed;
pub use flags::{Alarms, Condition, Level, Protection, Requests};
pub use message::{
    Capacity, CellRole, Cells, Energy, Extra, Flags, Info, Limits, Measurements, Message, Modules,
    Pytes, RawFrame, Request, Soc,
};
pub use text::Ascii;
