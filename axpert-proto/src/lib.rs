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
mod set;
mod text;
mod word;

pub use client::{Accepted, Client, Event, Link};
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
pub use framer::{CAPACITY, Framer, RequestFramer, RequestFraming, ResponseFraming};
pub use response::Response;
pub use set::{CommandSet, EVERY_COMMAND, INQUIRIES, SETTINGS, command_set};
pub use text::Text;

/// The inverters' serial line: 2400 baud, 8 data bits, no parity, 1 stop
/// bit, no flow control (the protocol document §1; `docs/protocols/axpert.md`
/// §1). The USB HID link (0665:5161) has no line settings.
pub const LINE: proto_core::Line = proto_core::Line::n81(2400);

#[cfg(test)]
mod line_tests {
    use core::time::Duration;
    use proto_core::{Line, Parity};

    #[test]
    fn the_default_line_is_2400_8n1() {
        assert_eq!(super::LINE, Line::new(2400, Parity::None, 1));
        assert_eq!(super::LINE.bits(), 10);
        assert_eq!(super::LINE.char_time(), Duration::from_micros(4167));
    }
}
