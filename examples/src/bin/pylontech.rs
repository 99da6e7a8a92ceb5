//! Reads a Pylontech (or compatible) battery stack on its RS485 port:
//! analog values, alarms, system parameters and versions, as a table with
//! units or as JSON; or finds which baud rate and address it answers at.
//!
//! ```text
//! pylontech --port /dev/ttyUSB0                  (the stack at address 2, 9600 baud)
//! pylontech --port /dev/ttyUSB0 --json
//! pylontech --port /dev/ttyUSB0 --detect         (9600 and 115200 baud, addresses 1 to 16)
//! ```

use std::time::Duration;

use clap::Parser;
use examples::output::why;
use examples::pylontech_text::{
    self as text, active_alarms, alarms_json, amp_hours, amps, block_json, celsius, limit_amps,
    management_json, manufacturer_json, parameters_json, soc_percent, volts,
};
use examples::{err, out};
use serde_json::{Value, json};
use transports::{
    StdClock,
    serial::{Line, Serial},
    ydt1363::{self as link, Driver},
};
use ydt1363::pylontech::{
    Alarms, AlarmsAll, Analog, AnalogAll, Block, Command, Management, ManagementStatus,
    ManufacturerInfo, ProtocolVersion, Scale, SerialNumber, SystemParameters,
};
use ydt1363::{Error, Frame, Rtn};

/// The line real packs use on RS485: 9600 8N1.
const LINE: Line = Line::n81(9600);
/// The master pack's address.
const MASTER: u8 = 2;
/// The baud rates `--detect` tries: 9600, the packs' RS485 speed (their
/// DIP switches' default), and 115200, which python-pylontech opens and
/// some packs and BMS clones are set to.
const DETECT_BAUDS: [u32; 2] = [9600, 115_200];
/// The addresses `--detect` tries: 1 (Pace-dialect BMSes and older
/// US2000B set-ups answer there, as the captures and FHEM's module show),
/// 2 (a Pylontech master) and on to 16, the most packs a 4-bit DIP
/// switch addresses; each silent address costs one time-out.
const DETECT_ADDRESSES: core::ops::RangeInclusive<u8> = 1..=16;
/// Seconds `--detect` waits for each address: a 0x4F reply is 18
/// characters, 19 ms at 9600 baud.
const DETECT_TIMEOUT: f64 = 0.3;

#[derive(Parser)]
#[command(
    version,
    about = "Read a Pylontech battery stack over RS485 (YD/T 1363)",
    after_help = "Exit codes: 0 the stack answered everything asked (with --detect: \
                  something answered); 1 I/O or protocol error, no reply, or a malformed \
                  reply (with --detect: nothing answered); 2 refused argument (nothing was \
                  sent); 3 the stack refused a command (an RTN other than 00; what it did \
                  answer is printed)."
)]
struct Args {
    /// Serial port of the RS485 adapter, or a pseudo-terminal.
    #[arg(long)]
    port: String,
    /// Baud rate (packs: 9600 on RS485; some are set to 115200). With
    /// --detect, the only one tried.
    #[arg(long, value_parser = examples::cli::baud)]
    baud: Option<u32>,
    /// The address asked: the stack's master (2 on Pylontech packs; 0 to
    /// 254). With --detect, the only one tried.
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=254))]
    address: Option<u8>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Try the usual baud rates (9600, 115200) and addresses (1 to 16) and
    /// say what answers.
    #[arg(long)]
    detect: bool,
    /// Seconds to wait for each reply (default 2; 0.3 with --detect).
    #[arg(long, value_parser = examples::cli::seconds)]
    timeout: Option<f64>,
    /// Unit of the system parameters' current limits (0x47), on which
    /// the sources disagree: 0.1 (A, as a US5000 sends and
    /// python-pylontech reads) or 0.01 (the document's).
    #[arg(long, default_value = "0.1", value_parser = text::current_scale)]
    current_scale: Scale,
}

fn fail(code: i32, msg: impl std::fmt::Display) -> ! {
    err!("pylontech: {msg}");
    std::process::exit(code);
}

type Stack = Driver<Serial, StdClock>;

/// What one command got.
enum Got<T> {
    Answer(T),
    /// The stack answered with this RTN.
    Refused(Rtn),
    /// No reply, an I/O error or a malformed reply, in words.
    Failed(String),
}

/// What a command is, for messages.
fn what(c: &Command) -> String {
    examples::pylontech_sim::describe(c).replace(" (not supported)", "")
}

/// Asks the device at `adr` and decodes a normal reply.
fn ask<T>(
    d: &mut Stack,
    adr: u8,
    command: Command,
    decode: impl FnOnce(&Frame<'_>) -> Result<T, Error>,
) -> Got<T> {
    match d.ask(&command.request(adr)) {
        Ok(f) if f.rtn() != Rtn::Normal => Got::Refused(f.rtn()),
        Ok(f) => match decode(&f) {
            Ok(t) => Got::Answer(t),
            Err(e) => Got::Failed(format!("malformed reply: {e}")),
        },
        Err(transports::Error::Timeout) => Got::Failed(format!(
            "no reply from address {adr} (check the wiring, the baud rate and the \
             address; --detect tries them)"
        )),
        Err(e) => Got::Failed(why(&e)),
    }
}

fn open(path: &str, baud: u32, timeout: f64) -> Stack {
    let line = Line { baud, ..LINE };
    let port = Serial::open(path, &line).unwrap_or_else(|e| {
        fail(
            1,
            format!("{path}: {e} (check the path, that the adapter is plugged in and that no other program holds the port)"),
        )
    });
    Driver::new(
        port,
        StdClock::new(),
        link::client(Duration::from_secs_f64(timeout)),
    )
}

fn main() {
    let a = Args::parse();
    if a.detect {
        detect(&a);
    } else {
        read(&a);
    }
}

/// `--detect`: every baud rate and address until something answers.
fn detect(a: &Args) {
    let bauds: Vec<u32> = a.baud.map_or(DETECT_BAUDS.to_vec(), |b| vec![b]);
    let addresses: Vec<u8> = a.address.map_or(DETECT_ADDRESSES.collect(), |x| vec![x]);
    let timeout = a.timeout.unwrap_or(DETECT_TIMEOUT);
    let mut found = Vec::new();
    for &baud in &bauds {
        let mut d = open(&a.port, baud, timeout);
        for &adr in &addresses {
            let ver = match d.ask(&Command::ProtocolVersion.request(adr)) {
                Ok(f) => (f.ver, f.rtn()),
                Err(transports::Error::Timeout) => continue,
                Err(e @ transports::Error::Io(_)) => fail(1, format!("{}: {}", a.port, why(&e))),
                // Something answered, garbled: say so, and go on.
                Err(e) => {
                    err!("pylontech: {baud} baud, address {adr}: {}", why(&e));
                    continue;
                }
            };
            let packs = ask(&mut d, adr, Command::Analog { pack: 0xFF }, |f| {
                AnalogAll::decode(f).map(|all| all.count)
            });
            found.push((baud, adr, ver, packs));
        }
        if !found.is_empty() {
            break;
        }
    }
    if a.json {
        let list: Vec<Value> = found
            .iter()
            .map(|(baud, adr, (ver, rtn), packs)| {
                json!({
                    "baud": baud,
                    "address": adr,
                    "ver": ver,
                    "protocol_version": text::version(*ver),
                    "rtn": rtn.raw(),
                    "packs": match packs { Got::Answer(n) => Some(*n), _ => None },
                })
            })
            .collect();
        out!("{}", examples::output::json(&list));
    } else {
        for (baud, adr, (ver, rtn), packs) in &found {
            let version = match rtn {
                Rtn::Normal => format!("protocol version {} (VER {ver:#04x})", text::version(*ver)),
                r => format!("answered {} (VER {ver:#04x})", text::rtn(*r)),
            };
            let packs = match packs {
                Got::Answer(1) => "1 pack".to_string(),
                Got::Answer(n) => format!("{n} packs"),
                Got::Refused(r) => {
                    format!("pack count unknown (all-packs query: {})", text::rtn(*r))
                }
                Got::Failed(e) => format!("pack count unknown (all-packs query: {e})"),
            };
            out!("{baud} baud, address {adr}: {version}, {packs}");
        }
    }
    if found.is_empty() {
        let bauds: Vec<String> = bauds.iter().map(u32::to_string).collect();
        fail(
            1,
            format!(
                "nothing answered on {} at {} baud, addresses {} to {} (check the RS485 \
                 wiring: A and B, on pins 7 and 8 of the battery's RJ45, may be swapped; \
                 that the master pack is on and its DIP switches set; and the adapter's \
                 port)",
                a.port,
                bauds.join(" or "),
                addresses.first().copied().unwrap_or_default(),
                addresses.last().copied().unwrap_or_default(),
            ),
        );
    }
}

/// One pack's values.
struct Pack {
    adr: u8,
    analog: Got<Block>,
    alarms: Got<Alarms>,
    management: Got<Management>,
    serial: Got<SerialNumber>,
}

/// Everything read from the stack.
struct Report {
    version: Got<ProtocolVersion>,
    manufacturer: Got<ManufacturerInfo>,
    parameters: Got<SystemParameters>,
    packs: Vec<Pack>,
}

/// Problems met along the way, in words, and the exit code they call for.
#[derive(Default)]
struct Problems {
    list: Vec<String>,
    refused: bool,
    failed: bool,
}

impl Problems {
    /// Notes what `got` says went wrong with `command`.
    fn note<T>(&mut self, command: &str, got: &Got<T>) {
        match got {
            Got::Answer(_) => {}
            Got::Refused(r) => {
                self.refused = true;
                self.list
                    .push(format!("{command}: refused, {}", text::rtn(*r)));
            }
            Got::Failed(e) => {
                self.failed = true;
                self.list.push(format!("{command}: {e}"));
            }
        }
    }
}

/// The analog values of every pack: from the all-packs reply, or the one
/// pack's when the stack does not answer for all. A reply carrying fewer
/// packs than it announces gives those it carries (noted, not a failure).
fn analog(d: &mut Stack, adr: u8, problems: &mut Problems) -> Vec<(u8, Got<Block>)> {
    let got = ask(d, adr, Command::Analog { pack: 0xFF }, |f| {
        AnalogAll::decode(f).map(|all| (all.count, all.collect::<Vec<_>>()))
    });
    let Got::Answer((count, items)) = got else {
        let one = ask(d, adr, Command::Analog { pack: adr }, |f| {
            Analog::decode(f).map(|a| a.block)
        });
        problems.note(&what(&Command::Analog { pack: adr }), &one);
        return vec![(adr, one)];
    };
    let mut packs = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        match item {
            Ok(b) => packs.push((adr.wrapping_add(i as u8), Got::Answer(b))),
            Err(Error::Cut { .. }) if i > 0 && i < usize::from(count) => problems.list.push(
                format!("analog values: the stack announced {count} packs and sent {i}"),
            ),
            Err(e) => {
                let failed: Got<()> = Got::Failed(format!("malformed reply: {e}"));
                problems.note(&what(&Command::Analog { pack: 0xFF }), &failed);
            }
        }
    }
    packs
}

/// Reads the stack whose master is at `--address`.
fn read(a: &Args) {
    let baud = a.baud.unwrap_or(LINE.baud);
    let adr = a.address.unwrap_or(MASTER);
    let mut d = open(&a.port, baud, a.timeout.unwrap_or(2.0));
    let mut problems = Problems::default();
    let version = ask(
        &mut d,
        adr,
        Command::ProtocolVersion,
        ProtocolVersion::decode,
    );
    if let Got::Failed(e) = &version {
        fail(1, format!("{}, {baud} baud: protocol version: {e}", a.port));
    }
    problems.note(&what(&Command::ProtocolVersion), &version);
    let manufacturer = ask(
        &mut d,
        adr,
        Command::ManufacturerInfo,
        ManufacturerInfo::decode,
    );
    problems.note(&what(&Command::ManufacturerInfo), &manufacturer);
    let blocks = analog(&mut d, adr, &mut problems);
    // The alarms of all packs in one reply too, when the stack gives them.
    let mut alarms = match ask(&mut d, adr, Command::Alarms { pack: 0xFF }, |f| {
        AlarmsAll::decode(f).map(|all| all.collect::<Vec<_>>())
    }) {
        Got::Answer(items) => items.into_iter().map(Some).collect(),
        _ => Vec::new(),
    };
    let parameters = ask(
        &mut d,
        adr,
        Command::SystemParameters { pack: None },
        SystemParameters::decode,
    );
    problems.note(
        &what(&Command::SystemParameters { pack: None }),
        &parameters,
    );
    let mut packs = Vec::new();
    for (i, (pack, analog)) in blocks.into_iter().enumerate() {
        let alarms = match alarms.get_mut(i).and_then(Option::take) {
            Some(Ok(x)) => Got::Answer(x),
            _ => ask(&mut d, pack, Command::Alarms { pack }, Alarms::decode),
        };
        problems.note(&what(&Command::Alarms { pack }), &alarms);
        let management = ask(
            &mut d,
            pack,
            Command::Management { pack },
            Management::decode,
        );
        problems.note(&what(&Command::Management { pack }), &management);
        let serial = ask(
            &mut d,
            pack,
            Command::SerialNumber { pack },
            SerialNumber::decode,
        );
        problems.note(&what(&Command::SerialNumber { pack }), &serial);
        packs.push(Pack {
            adr: pack,
            analog,
            alarms,
            management,
            serial,
        });
    }
    let r = Report {
        version,
        manufacturer,
        parameters,
        packs,
    };
    if a.json {
        let mut v = report_json(&r, adr, baud, a.current_scale);
        v["problems"] = json!(problems.list);
        out!("{}", examples::output::json(&v));
    } else {
        out!("{}", report_text(&r, adr, baud, a.current_scale).trim_end());
    }
    for p in &problems.list {
        err!("pylontech: {p}");
    }
    if problems.failed {
        std::process::exit(1);
    }
    if problems.refused {
        std::process::exit(3);
    }
}

impl<T> Got<T> {
    fn answer(&self) -> Option<&T> {
        match self {
            Got::Answer(t) => Some(t),
            _ => None,
        }
    }

    /// What stands in a table where the value would: the reason, short.
    fn missing(&self) -> String {
        match self {
            Got::Answer(_) => String::new(),
            Got::Refused(r) => format!("refused ({})", text::rtn(*r)),
            Got::Failed(_) => "no answer".into(),
        }
    }
}

/// Rows of cells as columns two spaces apart.
fn columns(rows: &[Vec<String>]) -> String {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..n)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let line: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(s, &w)| format!("{s:w$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

fn report_text(r: &Report, adr: u8, baud: u32, scale: Scale) -> String {
    let mut head: Vec<Vec<String>> = Vec::new();
    let mut row = |k: &str, v: String| head.push(vec![k.to_string(), v]);
    row(
        "protocol version",
        match &r.version {
            Got::Answer(p) => format!("{} (VER {:#04x})", text::version(p.ver), p.ver),
            other => other.missing(),
        },
    );
    match &r.manufacturer {
        Got::Answer(m) => {
            row("device", text::ascii(&m.device_name));
            row("software version", text::software_version(m));
            row("manufacturer", text::ascii(m.manufacturer.as_bytes()));
        }
        other => row("manufacturer info", other.missing()),
    }
    let count = r.packs.len();
    let last = adr.wrapping_add(count.saturating_sub(1) as u8);
    row(
        "packs",
        if count == 1 {
            format!("1, at address {adr} ({baud} baud)")
        } else {
            format!("{count}, at addresses {adr} to {last} ({baud} baud)")
        },
    );
    let mut out = columns(&head);

    let mut analog = vec![
        [
            "pack",
            "voltage",
            "current",
            "SOC",
            "remaining",
            "total",
            "cycles",
            "cell min",
            "cell max",
            "BMS",
            "cell temperatures",
        ]
        .map(String::from)
        .to_vec(),
    ];
    let mut cells = Vec::new();
    for p in &r.packs {
        let Some(b) = p.analog.answer() else {
            analog.push(vec![p.adr.to_string(), p.analog.missing()]);
            continue;
        };
        let mv = b.cells_mv.as_slice();
        let temps = b.temperatures.as_slice();
        let group = temps.get(1..).unwrap_or_default();
        let c = |t: Option<&ydt1363::pylontech::Temperature>| {
            t.map_or("n/a".into(), |&t| format!("{:.1} °C", celsius(t)))
        };
        let v = |x: Option<&u16>| x.map_or("n/a".into(), |&x| format!("{:.3} V", volts(x)));
        analog.push(vec![
            p.adr.to_string(),
            format!("{:.3} V", volts(b.voltage_mv)),
            format!("{:+.1} A", amps(b.current_da)),
            soc_percent(b).map_or("n/a".into(), |s| format!("{s} %")),
            format!("{:.3} Ah", amp_hours(b.remaining_mah())),
            format!("{:.3} Ah", amp_hours(b.total_mah())),
            b.cycles.to_string(),
            v(mv.iter().min()),
            v(mv.iter().max()),
            c(temps.first()),
            match (group.iter().min(), group.iter().max()) {
                (Some(&l), Some(&h)) => format!("{:.1} to {:.1} °C", celsius(l), celsius(h)),
                _ => "n/a".into(),
            },
        ]);
        let list: Vec<String> = mv.iter().map(|&x| format!("{:.3}", volts(x))).collect();
        let group: Vec<String> = group
            .iter()
            .map(|&t| format!("{:.1}", celsius(t)))
            .collect();
        cells.push(vec![
            p.adr.to_string(),
            format!("cells {} V", list.join(" ")),
        ]);
        cells.push(vec![
            String::new(),
            format!(
                "temperatures {} °C, BMS {}",
                group.join(" "),
                c(temps.first())
            ),
        ]);
    }
    out.push('\n');
    out.push_str(&columns(&analog));
    if !cells.is_empty() {
        out.push('\n');
        out.push_str(&columns(&cells));
    }

    let mut alarms = vec![vec!["pack".to_string(), "alarms".to_string()]];
    let mut limits = vec![
        [
            "pack",
            "charge voltage",
            "discharge voltage",
            "charge current",
            "discharge current",
            "charging",
            "discharging",
            "serial number",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for p in &r.packs {
        alarms.push(vec![
            p.adr.to_string(),
            match &p.alarms {
                Got::Answer(a) => {
                    let active = active_alarms(a);
                    if active.is_empty() {
                        "none".into()
                    } else {
                        active.join(", ")
                    }
                }
                other => other.missing(),
            },
        ]);
        let serial = match &p.serial {
            Got::Answer(s) => text::ascii(&s.serial),
            other => other.missing(),
        };
        let yes = |m: &Management, f| {
            if m.status.contains(f) {
                "allowed"
            } else {
                "not allowed"
            }
            .to_string()
        };
        limits.push(match &p.management {
            Got::Answer(m) => vec![
                p.adr.to_string(),
                format!("{:.3} V", volts(m.charge_voltage_mv)),
                format!("{:.3} V", volts(m.discharge_voltage_mv)),
                format!("{:.1} A", amps(m.charge_current_da)),
                format!("{:.1} A", amps(m.discharge_current_da)),
                yes(m, ManagementStatus::CHARGE_ENABLE),
                yes(m, ManagementStatus::DISCHARGE_ENABLE),
                serial,
            ],
            other => {
                let mut row = vec![p.adr.to_string(), other.missing()];
                row.extend(std::iter::repeat_n(String::new(), 5));
                row.push(serial);
                row
            }
        });
    }
    out.push('\n');
    out.push_str(&columns(&alarms));
    out.push_str("\ncharge/discharge limits and serial numbers\n");
    out.push_str(&columns(&limits));

    out.push('\n');
    match &r.parameters {
        Got::Answer(p) => {
            let unit = text::scale_amps(scale);
            out.push_str(&format!(
                "system parameters (current limits read at {unit} A a unit; \
                 --current-scale to change)\n"
            ));
            let v3 = |a: u16, b: u16, c: u16| {
                format!("{:.3}, {:.3}, {:.3} V", volts(a), volts(b), volts(c))
            };
            let t2 = |a, b| format!("{:.1}, {:.1} °C", celsius(a), celsius(b));
            let i = |raw: i16| format!("{:.2} A (raw {raw})", limit_amps(raw, scale));
            out.push_str(&columns(&[
                vec![
                    "cell voltage high, low, under".into(),
                    v3(p.cell_high_mv, p.cell_low_mv, p.cell_under_mv),
                ],
                vec![
                    "module voltage high, low, under".into(),
                    v3(p.module_high_mv, p.module_low_mv, p.module_under_mv),
                ],
                vec![
                    "charge temperature high, low".into(),
                    t2(p.charge_high_temperature, p.charge_low_temperature),
                ],
                vec![
                    "discharge temperature high, low".into(),
                    t2(p.discharge_high_temperature, p.discharge_low_temperature),
                ],
                vec!["charge current limit".into(), i(p.charge_current_raw)],
                vec!["discharge current limit".into(), i(p.discharge_current_raw)],
            ]));
        }
        other => out.push_str(&format!("system parameters  {}\n", other.missing())),
    }
    out
}

fn report_json(r: &Report, adr: u8, baud: u32, scale: Scale) -> Value {
    fn or_null<T>(g: &Got<T>, f: impl FnOnce(&T) -> Value) -> Value {
        g.answer().map_or(Value::Null, f)
    }
    let packs: Vec<Value> = r
        .packs
        .iter()
        .map(|p| {
            json!({
                "pack": p.adr,
                "analog": or_null(&p.analog, block_json),
                "alarms": or_null(&p.alarms, alarms_json),
                "management": or_null(&p.management, management_json),
                "serial_number": or_null(&p.serial, |s| json!(text::ascii(&s.serial))),
            })
        })
        .collect();
    json!({
        "address": adr,
        "baud": baud,
        "protocol_version": or_null(&r.version, |p| json!({"ver": p.ver, "version": text::version(p.ver)})),
        "manufacturer": or_null(&r.manufacturer, manufacturer_json),
        "packs": packs,
        "system_parameters": or_null(&r.parameters, |p| parameters_json(p, scale)),
    })
}
