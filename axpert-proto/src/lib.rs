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
mod codes;
pub mod command;
mod crc;
mod decimal;
pub mod device;
mod error;
mod flags;
pub mod frame;
pub mod framer;
pub mod response;
mod text;

pub use client::{Client, Event, Link};
pub use codes::{
    BatteryType, ChargerSource, CodeTable, FaultCode, InputRange, MachineType, Mode, ModelNumber,
    OutputMode, OutputSource, Topology,
};
pub use command::{BatterySystem, Command, Inquiry, Setting, Volts};
pub use crc::{raw as crc16, wire as crc_bytes};
pub use decimal::Decimal;
pub use device::Device;
pub use error::{Error, FieldError};
pub use flags::{
    BatteryState, DeviceStatus, DeviceStatusHigh, FlagSet, ParallelStatusBits, Warnings,
};
pub use frame::{Frame, Start};
pub use framer::{CAPACITY, Framer, RequestFramer};
pub use response::Response;
pub use text::Text;
