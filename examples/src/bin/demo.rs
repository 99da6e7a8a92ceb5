//! The workspace demo: simulated devices on pseudo-terminals, polled through
//! the real serial transport, live values printed. No hardware needed.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axpert_proto::{BatterySystem, Command, Inquiry, Response};
use clap::Parser;
use examples::axpert_sim::{Inverter, serve};
use transports::{
    StdClock,
    axpert::Driver,
    serial::{Pty, Serial, Settings},
};

#[derive(Parser)]
#[command(version, about = "Poll simulated devices over pseudo-terminals")]
struct Args {
    /// How long to poll, in seconds.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// Line speed (the Axpert's own is 2400; the demo runs faster).
    #[arg(long, default_value_t = 9600)]
    baud: u32,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let mut pty = Pty::new()?;
    let path = pty.path().to_string();
    let stop = Arc::new(AtomicBool::new(false));
    let stop_sim = stop.clone();
    let sim = std::thread::spawn(move || {
        let mut inverter = Inverter::new(BatterySystem::V48);
        let _ = serve(
            &mut inverter,
            pty.master(),
            || stop_sim.load(Ordering::Relaxed),
            |_, _| {},
        );
    });
    println!("simulated Axpert inverter on {path}");

    let settings = Settings {
        baud: args.baud,
        ..Settings::default()
    };
    let mut axpert = Driver::new(Serial::open(&path, settings)?, StdClock::new());
    let mut ask = |cmd: Command| axpert.transact(&cmd);

    if let Response::ModelName(m) = ask(Inquiry::ModelName.into())? {
        println!("model {m}");
    }
    if let Response::RatedInfo(r) = ask(Inquiry::RatedInfo.into())? {
        println!(
            "rated {} VA, battery {} V, output priority {:?}, bulk {} V",
            r.ac_output_rating_apparent_power,
            r.battery_rating_voltage,
            r.output_source_priority,
            r.battery_bulk_voltage
        );
    }
    // A setting within range is acknowledged; one outside is refused before
    // any byte goes out.
    let set = Command::from_name("PCVV", &["57.6"], BatterySystem::V48)?;
    println!("{set} -> {:?}", ask(set)?);
    match Command::from_name("PCVV", &["60.0"], BatterySystem::V48) {
        Err(e) => println!("PCVV 60.0 refused locally: {e}"),
        Ok(c) => println!("{c} unexpectedly accepted"),
    }

    println!(
        "{:>5}  {:>4}  {:>7}  {:>6}  {:>5}  {:>6}  {:>7}  {:>6}",
        "t/s", "mode", "grid/V", "load/W", "PV/W", "batt/V", "batt/A", "SOC/%"
    );
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(args.seconds) {
        let mode = match ask(Inquiry::Mode.into())? {
            Response::Mode(m) => format!("{m:?}"),
            other => format!("{other:?}"),
        };
        if let Response::GeneralStatus(s) = ask(Inquiry::GeneralStatus.into())? {
            let amps = s.battery_charging_current.to_f32().unwrap_or(0.0)
                - s.battery_discharge_current.to_f32().unwrap_or(0.0);
            let f = |d: axpert_proto::Decimal| d.to_f32().unwrap_or(f32::NAN);
            println!(
                "{:>5.1}  {:>4}  {:>7.1}  {:>6.0}  {:>5.0}  {:>6.2}  {:>+7.0}  {:>6.0}",
                start.elapsed().as_secs_f32(),
                &mode[..mode.len().min(4)],
                f(s.grid_voltage),
                f(s.ac_output_active_power),
                s.pv_charging_power.map(f).unwrap_or(f32::NAN),
                f(s.battery_voltage),
                amps,
                f(s.battery_capacity)
            );
        }
        std::thread::sleep(Duration::from_millis(800));
    }
    stop.store(true, Ordering::Relaxed);
    let _ = sim.join();
    Ok(())
}
