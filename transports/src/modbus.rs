//! Modbus RTU drivers: the one driver loop around
//! [`modbus_rtu_lite::Client`]. Build the client from a
//! [`modbus_rtu_lite::Config`]: `Driver::new(io, clock, config.client(clock.now()))`.

use modbus_rtu_lite::Client;

pub use modbus_rtu_lite::LINE;

/// A blocking Modbus RTU driver. Requests are `(unit address, request)`.
pub type Driver<T, C> = crate::blocking::Driver<T, C, Client>;

/// An async Modbus RTU driver. Requests are `(unit address, request)`.
pub type AsyncDriver<T, Tm> = crate::asynch::Driver<T, Tm, Client>;
