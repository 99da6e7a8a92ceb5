//! The Modbus column again, through the async driver on the same double
//! and the same simulated time: the outcomes are the blocking driver's,
//! because both run the one loop. A read that finds nothing never
//! completes here; the driver's timer ends the wait, exactly at the
//! deadline.

use crate::modbus::Unit;

scenarios!(Unit in Async, addressed);
