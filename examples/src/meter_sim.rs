//! A simulated energy meter on Modbus RTU, driven by a point table (the
//! shipped SDM120, SDM630, DDSU666 or DTSU666): `modbus-rtu-lite`'s
//! [`Server`] with a [`Handler`] that serves the table's registers, with
//! the values of [`crate::point_sim`] written by `points::encode`.
//!
//! Each read is answered from the registers of the table's commands with
//! that function code (FC03 holding, FC04 input), in the chosen variant.
//! The meter's address ranges are the blocks a client plans from the
//! table (`Table::reads`): inside them a reserved register between two
//! points reads 0, as on the meters; a register outside them is exception
//! 02, and so is an odd start or count where the table says reads must be
//! even (Eastron, `docs/protocols/energy-meters.md` §1.2). A function the
//! table does not read with is exception 01.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Duration;

use embedded_io::{Read, Write};
use modbus_rtu_lite::{Exception, Handler, Line, Mode, Server, Timing};
use points::file::File;
use points::{Request, Table};
use transports::StdClock;

/// The meter behind one unit address.
#[derive(Debug, Clone)]
pub struct Meter {
    file: File,
    variant: String,
    hold: bool,
    /// Seconds into the simulation, set by the serve loop.
    now: Rc<Cell<f64>>,
}

impl Meter {
    /// A meter serving `file`'s Modbus commands in `variant` (the
    /// table's default when `None`); an error says what to change.
    pub fn new(file: File, variant: Option<&str>) -> Result<Self, String> {
        let chosen = file
            .with_table(|t| {
                if !t
                    .commands
                    .iter()
                    .any(|c| matches!(c.request, Request::Modbus { .. }))
                {
                    return Err(format!(
                        "table \"{}\" has no Modbus command to serve",
                        t.name
                    ));
                }
                match variant {
                    None => Ok(t.default_variant().to_string()),
                    Some(v) if t.variant(v).is_some() => Ok(v.to_string()),
                    Some(v) if t.variants.is_empty() => Err(format!(
                        "--variant {v}: table \"{}\" has no variants; leave --variant out",
                        t.name
                    )),
                    Some(v) => Err(format!(
                        "--variant {v}: not a variant of \"{}\"; give one of: {}",
                        t.name,
                        crate::output::list(t.variants.iter().map(|v| v.name))
                    )),
                }
            })
            .map_err(|e| e.to_string())??;
        Ok(Meter {
            file,
            variant: chosen,
            hold: false,
            now: Rc::new(Cell::new(0.0)),
        })
    }

    /// Keeps the values still (`true`): every read reads as at the start.
    pub fn hold(&mut self, hold: bool) {
        self.hold = hold;
    }

    /// The variant served.
    pub fn variant(&self) -> &str {
        &self.variant
    }

    /// Moves the model to `now` (unless held).
    pub fn set_time(&self, now: Duration) {
        if !self.hold {
            self.now.set(now.as_secs_f64());
        }
    }

    /// Lends the table.
    pub fn with_table<R>(&self, f: impl FnOnce(&Table<'_>) -> R) -> R {
        // `new` resolved the table once: it resolves the same again.
        self.file
            .with_table(f)
            .unwrap_or_else(|e| unreachable!("resolved in Meter::new: {e}"))
    }

    /// The registers read with `function` now, and the points that
    /// could not be written.
    pub fn registers(&self, function: u8) -> (BTreeMap<u16, u16>, Vec<crate::point_sim::Skipped>) {
        let t = self.now.get();
        self.with_table(|table| {
            let mut all = (BTreeMap::new(), Vec::new());
            for c in table.commands {
                if matches!(c.request, Request::Modbus { function: f, .. } if f == function) {
                    let (map, skipped) =
                        crate::point_sim::registers(table, c.key, &self.variant, t);
                    all.0.extend(map);
                    all.1.extend(skipped);
                }
            }
            all
        })
    }

    /// The register blocks a client reads with `function`, as the table
    /// plans them (`Table::reads`): the meter's address ranges.
    pub fn blocks(&self, function: u8) -> Vec<(u16, u16)> {
        self.with_table(|t| {
            t.commands
                .iter()
                .filter(
                    |c| matches!(c.request, Request::Modbus { function: f, .. } if f == function),
                )
                .flat_map(|c| t.reads(c.key, &self.variant).collect::<Vec<_>>())
                .collect()
        })
    }

    fn read(&self, function: u8, start: u16, out: &mut [u16]) -> Result<(), Exception> {
        let (served, even) = self.with_table(|t| {
            t.commands
                .iter()
                .fold((false, false), |(s, e), c| match c.request {
                    Request::Modbus {
                        function: f, even, ..
                    } if f == function => (true, e || even),
                    _ => (s, e),
                })
        });
        if !served {
            return Err(Exception::IllegalFunction);
        }
        if even && (start % 2 == 1 || out.len() % 2 == 1) {
            return Err(Exception::IllegalDataAddress);
        }
        let blocks = self.blocks(function);
        let (map, _) = self.registers(function);
        for (i, slot) in out.iter_mut().enumerate() {
            let a = u32::from(start) + i as u32;
            let mapped = blocks.iter().any(|&(first, count)| {
                (u32::from(first)..u32::from(first) + u32::from(count)).contains(&a)
            });
            if !mapped {
                return Err(Exception::IllegalDataAddress);
            }
            // A reserved register between two points reads 0.
            *slot = u16::try_from(a)
                .ok()
                .and_then(|a| map.get(&a))
                .copied()
                .unwrap_or(0);
        }
        Ok(())
    }
}

impl Handler for Meter {
    fn read_holding_registers(&mut self, start: u16, out: &mut [u16]) -> Result<(), Exception> {
        self.read(3, start, out)
    }

    fn read_input_registers(&mut self, start: u16, out: &mut [u16]) -> Result<(), Exception> {
        self.read(4, start, out)
    }
}

/// Serves `meter` at `unit` on `io` (framing requests on `line`) until
/// `stop` returns true or the link fails.
pub fn serve<T: Read + Write>(
    meter: Meter,
    unit: u8,
    line: Line,
    io: &mut T,
    stop: impl FnMut() -> bool,
) -> Result<(), T::Error> {
    let clock = meter.clone();
    let mode = Mode::Length {
        silence: crate::modbus_sim::PTY_SILENCE,
    };
    let mut server = Server::new(meter, [unit, 0, 0, 0], line, mode, Duration::ZERO);
    server.handle_timeout(line.t35());
    transports::serve::serve(io, &StdClock::new(), &mut server, stop, |now, _| {
        clock.set_time(now);
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meter(table: &str, variant: Option<&str>) -> Meter {
        Meter::new(crate::tables::load(table).unwrap(), variant).unwrap()
    }

    #[test]
    fn registers_are_the_tables_and_the_rest_is_exception_02() {
        let mut m = meter("sdm120", None);
        let mut volts = [0u16; 2];
        m.read_input_registers(0, &mut volts).unwrap();
        let v = f32::from_bits(u32::from(volts[0]) << 16 | u32::from(volts[1]));
        assert!((220.0..240.0).contains(&v), "{v}");
        let mut two = [0u16; 2];
        m.read_input_registers(2, &mut two).unwrap();
        assert_eq!(two, [0, 0], "reserved, between two points");
        assert_eq!(
            m.read_input_registers(0x200, &mut two),
            Err(Exception::IllegalDataAddress),
            "0x0200 is outside the SDM120's map"
        );
        let mut odd = [0u16; 1];
        assert_eq!(
            m.read_input_registers(0, &mut odd),
            Err(Exception::IllegalDataAddress),
            "Eastron: an odd count is refused"
        );
        let mut id = [0u16; 2];
        m.read_holding_registers(0x14, &mut id).unwrap();
        assert_eq!(
            f32::from_bits(u32::from(id[0]) << 16 | u32::from(id[1])),
            1.0
        );
        assert!(m.registers(4).1.is_empty() && m.registers(3).1.is_empty());
    }

    #[test]
    fn variants_choose_the_registers() {
        let mut m = meter("dtsu666", Some("energy-base-4000"));
        let mut energy = [0u16; 2];
        m.read_holding_registers(0x401E, &mut energy).unwrap();
        assert_eq!(
            m.read_holding_registers(0x101E, &mut energy),
            Err(Exception::IllegalDataAddress)
        );
        assert_eq!(
            m.read_input_registers(0x2000, &mut energy),
            Err(Exception::IllegalFunction),
            "the DTSU666 reads with FC03 only"
        );
        let e = Meter::new(crate::tables::load("dtsu666").unwrap(), Some("x")).unwrap_err();
        assert!(e.contains("energy-base-1000, energy-base-4000"), "{e}");
        assert_eq!(meter("dtsu666", None).variant(), "energy-base-1000");
    }
}
