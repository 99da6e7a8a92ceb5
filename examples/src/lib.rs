//! Shared code of the command-line tools: the simulated devices, the
//! output formats and the argument checks.

pub mod axpert_sim;
pub mod bms_sim;
pub mod cli;
pub mod enc_sim;
pub mod enc_text;
pub mod meter_sim;
pub mod modbus_json;
pub mod modbus_points;
pub mod modbus_sim;
pub mod output;
pub mod point_sim;
pub mod point_text;
pub mod pylontech_sim;
pub mod pylontech_text;
pub mod sim_port;
pub mod tables;
pub mod ups_sim;

/// The root README's programs, compiled as doctests (`no_run`: they need a
/// device on a serial port).
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
