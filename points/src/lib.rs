#![doc = include_str!("../README.md")]
#![cfg_attr(not(any(test, feature = "std")), no_std)]
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

mod check;
mod decode;
mod encode;
mod error;
mod point;
mod reply;
mod scale;
mod table;
mod value;

#[cfg(feature = "std")]
pub mod file;

pub use check::{Described, Problem, ProblemKind};
pub use decode::decode;
pub use encode::{EncodeError, encode, place};
pub use error::{PointError, encoding_name, origin_name, unit_name};
pub use point::{
    Access, ByteOrder, Encoding, Kind, Label, Location, Origin, Point, Range, Unit, WordOrder,
};
pub use reply::Reply;
pub use scale::{Scale, ScaleError};
pub use table::{Command, Reads, Request, Table, Variant};
pub use value::{Number, Raw, Text, Value};

#[cfg(test)]
mod tests;
