//! Shared code of the command-line tools: the simulated devices and the
//! output formats.

pub mod axpert_sim;
pub mod bms_sim;
pub mod enc_sim;
pub mod modbus_json;
pub mod modbus_sim;
pub mod output;
pub mod serve;
