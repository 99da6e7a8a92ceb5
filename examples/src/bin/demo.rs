//! The workspace demo: simulated devices on pseudo-terminals, polled through
//! the real serial transport, live values printed. No hardware needed.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axpert_proto::{BatterySystem, Command, Decimal, Inquiry, Response};
use bms_can::{Battery, KeepAlive, Message, Profile};
use clap::Parser;
use enc_ascii::{Address, Control, Frequency, Radix, Reading, Request, Value};
use examples::{
    axpert_sim::Inverter,
    bms_sim::Pack,
    enc_sim::Drive,
    enc_text, err,
    meter_sim::Meter,
    modbus_points::Poller,
    modbus_sim::Bus,
    out,
    output::{name, why},
    pylontech_sim::{self, Stack},
    pylontech_text::pack_line,
};
use modbus_rtu_lite::{Line, Mode, Parity};
use transports::{
    StdClock, enc,
    serial::{Pty, Serial},
};
use ydt1363::pylontech::{AnalogAll, Block, Command as Ask};

/// The energy meter's line: 9600 8N1, the Eastron meters' framing at the
/// speed of the other devices here.
const METER_LINE: Line = Line::n81(9600);

/// Packs in the simulated battery stack on RS485.
const PACKS: u8 = 2;

/// The Modbus drive's line: 9600 8E1 (even parity, the Modbus RTU default;
/// the drive's speed rather than the spec's 19200).
const MODBUS_LINE: Line = Line::new(9600, Parity::Even, 1);

#[derive(Parser)]
#[command(version, about = "Poll simulated devices over pseudo-terminals")]
struct Args {
    /// How long to poll, in seconds (1 to 31536000).
    #[arg(
        long,
        default_value_t = 20,
        value_parser = clap::value_parser!(u64).range(1..=31_536_000),
    )]
    seconds: u64,
    /// Line speed of the inverter (its own is 2400; the demo runs faster).
    #[arg(long, default_value_t = 9600, value_parser = examples::cli::baud)]
    baud: u32,
}

type Stop = Arc<AtomicBool>;

/// Runs `serve(master, stopped)` on a thread over a new pseudo-terminal;
/// returns the path clients open and the thread.
fn on_pty(
    stop: &Stop,
    serve: impl FnOnce(&mut Serial, &dyn Fn() -> bool) + Send + 'static,
) -> std::io::Result<(String, std::thread::JoinHandle<()>)> {
    let mut pty = Pty::new()?;
    let path = pty.path().to_string();
    let stop = stop.clone();
    let t = std::thread::spawn(move || serve(pty.master(), &|| stop.load(Ordering::Relaxed)));
    Ok((path, t))
}

/// A Modbus master on `path`: replies within 500 ms.
fn modbus_at(
    path: &str,
    line: Line,
) -> std::io::Result<transports::modbus::Driver<Serial, StdClock>> {
    Ok(transports::modbus::Driver::new(
        Serial::open(path, &line)?,
        StdClock::new(),
        modbus_rtu_lite::Config {
            timeout: Duration::from_millis(500),
            ..modbus_rtu_lite::Config::new(line)
        }
        .client(Duration::ZERO),
    ))
}

fn main() {
    let args = Args::parse();
    // `main` returning the error would print its Debug form.
    if let Err(e) = run(&args) {
        err!("demo: {e}");
        std::process::exit(1);
    }
}

fn run(args: &Args) -> Result<(), Box<dyn std::error::Error>> {
    let stop = Arc::new(AtomicBool::new(false));
    let (inverter_path, inverter_sim) = on_pty(&stop, |io, stopped| {
        let mut inverter = Inverter::new(BatterySystem::V48);
        let _ = examples::axpert_sim::serve(&mut inverter, io, stopped, |_, _| {});
    })?;
    let address = Address::new(1)?;
    let (drive_path, drive_sim) = on_pty(&stop, move |io, stopped| {
        let mut drive = Drive::new(address, Radix::Literal);
        let _ = examples::enc_sim::serve(&mut drive, io, stopped, |_, _| {});
    })?;
    // The battery behind a simulated SLCAN adapter.
    let (battery_path, battery_sim) = on_pty(&stop, |io, stopped| {
        let mut pack = Pack::new(Profile::PylonV12);
        let _ = examples::bms_sim::serve(&mut pack, io, stopped);
    })?;
    // The ENC EDS-series drive on Modbus RTU, unit 1.
    let (modbus_path, modbus_sim) = on_pty(&stop, |io, stopped| {
        let mode = Mode::Length {
            silence: Duration::from_millis(50),
        };
        let mut bus = Bus::new(&[1], MODBUS_LINE, mode);
        let _ = examples::modbus_sim::serve(&mut bus, io, stopped);
    })?;
    // A Pylontech stack of two packs on RS485 (YD/T 1363).
    let (stack_path, stack_sim) = on_pty(&stop, |io, stopped| {
        let mut stack = Stack::new(PACKS);
        let _ = pylontech_sim::serve(&mut stack, io, stopped, |_, _| {});
    })?;
    out!("simulated Axpert inverter on {inverter_path}");
    out!("simulated ENC drive (address 1) on {drive_path}");
    out!("simulated battery (SLCAN adapter, Pylon CAN) on {battery_path}");
    // An Eastron SDM120 energy meter on Modbus RTU, unit 1, serving the
    // registers of its shipped point table.
    let (meter_path, meter_sim) = on_pty(&stop, |io, stopped| {
        let meter = examples::tables::load("sdm120")
            .map_err(|e| e.to_string())
            .and_then(|file| Meter::new(file, None));
        match meter {
            Ok(meter) => {
                let _ = examples::meter_sim::serve(meter, 1, METER_LINE, io, stopped);
            }
            Err(e) => err!("demo: energy meter: {e}"),
        }
    })?;
    out!("simulated ENC EDS drive on Modbus RTU (unit 1, {MODBUS_LINE}) on {modbus_path}");
    out!(
        "simulated Eastron SDM120 energy meter on Modbus RTU (unit 1, {METER_LINE}, \
         table sdm120) on {meter_path}"
    );
    out!(
        "simulated Pylontech battery stack ({PACKS} packs, RS485 YD/T 1363, {}) on {stack_path}",
        pylontech_sim::LINE
    );

    let inverter_line = Line {
        baud: args.baud,
        ..transports::axpert::LINE
    };
    let mut axpert = transports::axpert::Driver::new(
        Serial::open(&inverter_path, &inverter_line)?,
        StdClock::new(),
        transports::axpert::client(transports::axpert::DEFAULT_TIMEOUT),
    );
    let mut ask = |cmd: Command| {
        axpert
            .ask(&cmd)
            .copied()
            .map_err(|e| format!("inverter: {}", why(&e)))
    };

    if let Response::ModelName(m) = ask(Inquiry::ModelName.into())? {
        out!("inverter: model {m}");
    }
    if let Response::RatedInfo(r) = ask(Inquiry::RatedInfo.into())? {
        out!(
            "inverter: rated {} VA, battery {} V, output priority {}, bulk {} V",
            r.ac_output_rating_apparent_power,
            r.battery_rating_voltage,
            name(&r.output_source_priority),
            r.battery_bulk_voltage
        );
    }
    // A setting within range is acknowledged; one outside is refused before
    // any byte goes out.
    let set = Command::from_name("PCVV", &["57.6"], BatterySystem::V48)?;
    let answer = match ask(set)? {
        Response::Ack => "acknowledged".to_string(),
        Response::Nak => "refused by the unit (NAK)".to_string(),
        other => name(&other),
    };
    out!("inverter: {set} -> {answer}");
    match Command::from_name("PCVV", &["60.0"], BatterySystem::V48) {
        Err(e) => out!("inverter: PCVV 60.0 refused locally: {e}"),
        Ok(c) => out!("inverter: {c} unexpectedly accepted"),
    }

    let mut drive = enc::Driver::new(
        Serial::open(&drive_path, &enc::LINE)?,
        StdClock::new(),
        enc::client(
            enc::LINE.baud,
            enc::DEFAULT_RESPONSE_DELAY,
            enc_ascii::Radix::Literal,
        ),
    );
    let one = Address::new(1)?;
    let mut tell = |command: enc_ascii::Command| {
        drive
            .transact(&Request::new(one, command))
            .map_err(|e| format!("drive: {}", why(&e)))
    };
    let set = enc_ascii::Command::Control(Control::SetFrequency(Frequency::parse("40.00")?));
    let code =
        |r: Option<enc_ascii::Response>| r.map_or("no reply".into(), |r| enc_text::code(r.code));
    out!("drive: set 40.00 Hz -> {}", code(tell(set)?));
    out!(
        "drive: run -> {}",
        code(tell(enc_ascii::Command::Control(Control::Run))?)
    );
    match Frequency::parse("700") {
        Err(e) => out!("drive: 700 Hz refused locally: {e}"),
        Ok(f) => out!("drive: {f} Hz unexpectedly accepted"),
    }

    // The Modbus drive: set point 0x2001 (0.01 Hz), command 0x2000 (5 run).
    let mut vm = modbus_at(&modbus_path, MODBUS_LINE)?;
    let write =
        |address: u16, value: u16| modbus_rtu_lite::Request::WriteSingleRegister { address, value };
    for (what, request) in [
        ("set point 25.00 Hz", write(0x2001, 2500)),
        ("set point 60.00 Hz", write(0x2001, 6000)),
        ("run", write(0x2000, 5)),
    ] {
        let reply = vm
            .ask(&(1, request))
            .map_err(|e| format!("modbus drive: {}", why(&e)))?;
        let answer = match reply.response() {
            modbus_rtu_lite::Response::WriteSingleRegister { address, value } => {
                format!("written: register {address:#06x} = {value}")
            }
            modbus_rtu_lite::Response::Exception { code, .. } => {
                format!("refused: exception {:02} ({})", code.code(), name(&code))
            }
            other => name(&other),
        };
        out!("modbus drive: {what} -> {answer}");
    }

    // The battery, over SLCAN: we act as the inverter and send the keep-alive.
    let mut can = transports::slcan::Driver::new(
        Serial::open(&battery_path, &transports::slcan::LINE)?,
        StdClock::new(),
        transports::slcan::client(transports::slcan::DEFAULT_TIMEOUT),
    );
    can.transact(&transports::slcan::Command::Open { bitrate: 500_000 })
        .map_err(|e| format!("battery: {}", why(&e)))?;
    let mut battery = Battery::new();
    let mut keepalive = KeepAlive::new(Duration::ZERO);

    // The battery stack on RS485: all packs' values from the master.
    let mut rs485 = transports::ydt1363::Driver::new(
        Serial::open(&stack_path, &pylontech_sim::LINE)?,
        StdClock::new(),
        transports::ydt1363::client(transports::ydt1363::DEFAULT_TIMEOUT),
    );
    let mut packs = || -> Result<Vec<Block>, String> {
        let all = Ask::Analog { pack: 0xFF };
        let f = rs485
            .ask(&all.request(pylontech_sim::FIRST))
            .map_err(|e| format!("battery stack: {}", why(&e)))?;
        AnalogAll::decode(&f)
            .and_then(|all| all.collect())
            .map_err(|e| format!("battery stack: {e}"))
    };

    // The energy meter, read through its point table (input registers),
    // 60 ms between requests as Eastron asks.
    let meter_table = examples::tables::load("sdm120")?;
    let mut meter = modbus_at(&meter_path, METER_LINE)?;
    let mut poller = Poller::new(1, Duration::from_millis(60));
    let mut meter_line = || -> Result<String, Box<dyn std::error::Error>> {
        let (group, _) = meter_table
            .with_table(|t| poller.read(&mut meter, t, "04", ""))?
            .map_err(|e| format!("energy meter: {e}"))?;
        let shown: Vec<String> = ["voltage", "current", "active_power", "import_active_energy"]
            .iter()
            .filter_map(|name| group.readings.iter().find(|r| r.name == *name))
            .map(|r| match &r.value {
                Ok((text, _)) => format!("{} {text}", r.label.to_lowercase()),
                Err(e) => format!("{}: {e}", r.label.to_lowercase()),
            })
            .collect();
        Ok(format!("SDM120 meter  {}", shown.join(", ")))
    };

    out!(
        "{:>5}  {:>4}  {:>7}  {:>6}  {:>5}  {:>6}  {:>7}  {:>5}  {:>8}  {:>7}  {:>6}  {:>6}  {:>5}  {:>5}  {:>4}",
        "t/s",
        "mode",
        "grid/V",
        "load/W",
        "PV/W",
        "batt/V",
        "batt/A",
        "SOC/%",
        "drive/Hz",
        "drive/A",
        "BMS/V",
        "BMS/A",
        "BMS%",
        "MB/Hz",
        "MB/A"
    );
    let f = |d: Decimal| d.to_f32().unwrap_or(f32::NAN);
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(args.seconds) {
        let mode = match ask(Inquiry::Mode.into())? {
            Response::Mode(m) => name(&m),
            other => name(&other),
        };
        let Response::GeneralStatus(s) = ask(Inquiry::GeneralStatus.into())? else {
            continue;
        };
        let battery_amps = f(s.battery_charging_current) - f(s.battery_discharge_current);
        let mut read = |r: Reading| -> Result<f32, Box<dyn std::error::Error>> {
            let c = enc_ascii::Command::Read(r);
            Ok(match tell(c)?.and_then(|reply| reply.value(&c)) {
                Some(Value::Quantity(q)) => q.to_f32(),
                _ => f32::NAN,
            })
        };
        let (hz, drive_amps) = (read(Reading::RunFrequency)?, read(Reading::OutputCurrent)?);
        // Output frequency (0.01 Hz) and current (0.1 A) of the Modbus drive.
        let (vm_hz, vm_amps) = match vm
            .transact(&(
                1,
                modbus_rtu_lite::Request::ReadHoldingRegisters {
                    start: 0x2101,
                    quantity: 3,
                },
            ))
            .map_err(|e| format!("modbus drive: {}", why(&e)))?
        {
            Some(reply) => match reply.response() {
                modbus_rtu_lite::Response::ReadHoldingRegisters(w) => (
                    w.get(0).map_or(f32::NAN, |v| f32::from(v) / 100.0),
                    w.get(2).map_or(f32::NAN, |v| f32::from(v) / 10.0),
                ),
                _ => (f32::NAN, f32::NAN),
            },
            None => (f32::NAN, f32::NAN),
        };
        // Everything the battery sent since the last row.
        let now = start.elapsed();
        if let Some(f) = keepalive.poll_transmit(now) {
            can.transact(&transports::slcan::Command::Send(f))
                .map_err(|e| format!("battery: {}", why(&e)))?;
        }
        // What has arrived by now (the adapter's bytes are already here).
        let until = can.now() + Duration::from_millis(20);
        while let Some(f) = can
            .receive(until)
            .map_err(|e| format!("battery: {}", why(&e)))?
        {
            if let Ok(m) = Message::from_can(&f) {
                battery.feed(start.elapsed(), &m);
            }
        }
        let snap = battery.snapshot(start.elapsed());
        let (bv, ba) = snap.measurements.map_or((f32::NAN, f32::NAN), |m| {
            (m.value.voltage.to_f32(), m.value.current.to_f32())
        });
        let bsoc = snap.soc.map_or(f32::NAN, |s| f32::from(s.value.soc));
        out!(
            "{:>5.1}  {:>4}  {:>7.1}  {:>6.0}  {:>5.0}  {:>6.2}  {:>+7.0}  {:>5.0}  {:>8.2}  {:>7.1}  {:>6.2}  {:>+6.1}  {:>5.0}  {:>5.2}  {:>4.1}",
            start.elapsed().as_secs_f32(),
            mode.chars().take(4).collect::<String>(),
            f(s.grid_voltage),
            f(s.ac_output_active_power),
            s.pv_charging_power.map(f).unwrap_or(f32::NAN),
            f(s.battery_voltage),
            battery_amps,
            f(s.battery_capacity),
            hz,
            drive_amps,
            bv,
            ba,
            bsoc,
            vm_hz,
            vm_amps,
        );
        for (adr, block) in (pylontech_sim::FIRST..).zip(packs()?) {
            out!("       RS485 {}", pack_line(adr, &block));
        }
        out!("       {}", meter_line()?);
        std::thread::sleep(Duration::from_millis(700));
    }
    stop.store(true, Ordering::Relaxed);
    let _ = inverter_sim.join();
    let _ = drive_sim.join();
    let _ = battery_sim.join();
    let _ = modbus_sim.join();
    let _ = stack_sim.join();
    let _ = meter_sim.join();
    Ok(())
}
