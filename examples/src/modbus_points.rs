//! Reading a Modbus device through its point table: the table's register
//! reads (`Table::reads`), one command at a time, each block decoded to
//! named, scaled values. `modbus read-points` and the demo use it.

use std::time::{Duration, Instant};

use modbus_rtu_lite::{Exception, Request, Response};
use points::{Origin, Point, Reply, Table};
use transports::{StdClock, modbus::Driver};

use crate::output::why;
use crate::point_text::{Group, Reading};

/// Reads one unit, keeping a pause between two requests.
#[derive(Debug, Clone)]
pub struct Poller {
    unit: u8,
    gap: Duration,
    last: Option<Instant>,
}

impl Poller {
    /// Reads from `unit`, at least `gap` apart.
    pub fn new(unit: u8, gap: Duration) -> Self {
        Poller {
            unit,
            gap,
            last: None,
        }
    }

    /// Reads every point of Modbus command `key` in `variant`: the group
    /// of readings and a status, 0, 1 (a block failed on the link) or 3
    /// (a block was refused). A point that cannot be read shows why in
    /// its place. An I/O error (the port is gone) is an `Err`.
    pub fn read<T>(
        &mut self,
        d: &mut Driver<T, StdClock>,
        table: &Table<'_>,
        key: &str,
        variant: &str,
    ) -> Result<(Group, i32), String>
    where
        T: embedded_io::Read + embedded_io::Write,
        T::Error: std::fmt::Display + std::fmt::Debug,
    {
        let function = match table.command(key).map(|c| c.request) {
            Some(points::Request::Modbus { function, .. }) => function,
            _ => return Err(format!("command {key} is not a Modbus read")),
        };
        let what = match function {
            4 => "input registers, FC04",
            _ => "holding registers, FC03",
        };
        let mut group = Group {
            key: key.to_string(),
            title: match variant {
                "" => format!("command {key} ({what})"),
                v => format!("command {key} ({what}), variant {v}"),
            },
            readings: Vec::new(),
            error: None,
        };
        let mut status = 0;
        for (first, count) in table.reads(key, variant) {
            // The pause a meter needs between two requests.
            if let Some(wait) = self.last.map(|t| self.gap.saturating_sub(t.elapsed())) {
                std::thread::sleep(wait);
            }
            let end = u32::from(first) + u32::from(count);
            let in_block = |p: &&Point<'_>| {
                p.at.origin == Origin::Address && (u32::from(first)..end).contains(&p.at.offset)
            };
            let request = match function {
                4 => Request::ReadInputRegisters {
                    start: first,
                    quantity: count,
                },
                _ => Request::ReadHoldingRegisters {
                    start: first,
                    quantity: count,
                },
            };
            let failed = |why: &str| -> Vec<Reading> {
                table
                    .points_of(key, variant)
                    .filter(in_block)
                    .map(|p| Reading::failed(p, why))
                    .collect()
            };
            let answer = d.transact(&(self.unit, request));
            self.last = Some(Instant::now());
            let readings = match answer {
                Ok(Some(reply)) => match reply.response() {
                    Response::ReadInputRegisters(w) | Response::ReadHoldingRegisters(w) => {
                        let data: Vec<u8> = w.iter().flat_map(u16::to_be_bytes).collect();
                        table
                            .decode(key, variant, Reply::registers(first, &data))
                            .filter(|(p, _)| in_block(p))
                            .map(|(p, v)| Reading::new(p, v))
                            .collect()
                    }
                    Response::Exception { code: e, .. } => {
                        status = status.max(3);
                        failed(&exception(e))
                    }
                    other => {
                        status = status.max(1);
                        failed(&format!(
                            "not a register reply: {}",
                            crate::output::name(&other)
                        ))
                    }
                },
                Ok(None) => failed("no reply to a broadcast"),
                Err(e @ transports::Error::Io(_)) => return Err(why(&e)),
                Err(e) => {
                    status = status.max(1);
                    failed(&why(&e))
                }
            };
            group.readings.extend(readings);
        }
        // Points no read covers (not at a register address, or longer
        // than one read): said, not skipped.
        for p in table.points_of(key, variant) {
            if !group.readings.iter().any(|r| r.name == p.name) {
                group.readings.push(Reading::failed(
                    p,
                    "no register read covers it; check the table with `points check`",
                ));
            }
        }
        Ok((group, status))
    }
}

/// An exception for people: its code, its name and what to check.
pub fn exception(code: Exception) -> String {
    let (what, next) = match code {
        Exception::IllegalFunction => (
            "illegal function",
            "the unit does not support this function code",
        ),
        Exception::IllegalDataAddress => (
            "illegal data address",
            "the unit has no such register or coil; check the address and count against its register map",
        ),
        Exception::IllegalDataValue => (
            "illegal data value",
            "the unit refused the value or the count; check the allowed range in its manual",
        ),
        Exception::ServerDeviceFailure => (
            "server device failure",
            "the unit failed while acting on the request; check its fault display",
        ),
        Exception::Acknowledge => (
            "acknowledge",
            "the unit accepted a long operation; ask again later for its result",
        ),
        Exception::ServerDeviceBusy => ("server device busy", "try again later"),
        Exception::NegativeAcknowledge => (
            "negative acknowledge",
            "the unit cannot carry out this program function",
        ),
        Exception::MemoryParityError => (
            "memory parity error",
            "the unit found a parity error in its memory; it may need service",
        ),
        Exception::GatewayPathUnavailable => (
            "gateway path unavailable",
            "the gateway has no path to this unit; check the gateway's configuration",
        ),
        Exception::GatewayTargetFailed => (
            "gateway target device failed to respond",
            "the unit behind the gateway did not answer; check its address and wiring",
        ),
        Exception::Unknown(_) => (
            "not a code the Modbus spec defines",
            "see the unit's manual",
        ),
    };
    format!("exception {:02X} ({what}): {next}", code.code())
}
