//! The battery-to-inverter bridge image (`firmware/src/bin/bridge.rs`)
//! under QEMU's `mps2-an386`: its UART0 is on `pylontech-sim`'s line
//! (values held still), its UART1 is an SLCAN link that python-can's own
//! `slcan` interface opens as the inverter would, sending its keep-alive
//! each second. The frames it receives, decoded by cantools with the
//! public Pylontech DBC, carry the simulated pack's values, converted from
//! YD/T 1363's units and signs to CAN's; they come once a second; every
//! keep-alive is taken; and when the pack goes away the bridge falls
//! silent. A wrong value, a panic (the image exits) or a hang (no frames)
//! fails the test. Without QEMU, the target or the Python tools the test
//! is skipped, unless `REQUIRE_INTEROP` is set, which fails it.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bms_can::Message;
use examples::pylontech_sim::{FIRST, Stack};
use serde_json::Value;

mod common;
#[path = "common/qemu.rs"]
mod qemu;

use common::{Killed, root};
use qemu::{Qemu, images};

/// How long python-can listens, seconds.
const WINDOW: u64 = 6;
/// The burst, in the order the bridge sends it (Pylon LV V1.2).
const BURST: [u64; 6] = [0x351, 0x355, 0x356, 0x359, 0x35C, 0x35E];

/// python-can as the inverter on `port` for `seconds`: the frames it
/// received (with cantools' decoding) and the keep-alives it sent.
fn inverter(py: &std::path::Path, port: &str, seconds: u64) -> (Vec<Value>, u64) {
    let dbc = root().join("testdata/pylontech.dbc");
    let v = common::script_json(
        py,
        "bridge_python_can.py",
        &[port, &dbc.display().to_string(), &seconds.to_string()],
    );
    let frames = v["frames"].as_array().cloned().unwrap_or_default();
    (frames, v["keep_alives_sent"].as_u64().unwrap())
}

/// The next line the image prints that starts with `prefix`, within 15 s.
fn wait_for(qemu: &Qemu, prefix: &str) -> String {
    let start = Instant::now();
    loop {
        let left = Duration::from_secs(15).saturating_sub(start.elapsed());
        let line = qemu.line(left);
        if line.starts_with(prefix) {
            return line;
        }
    }
}

/// A signal of a frame as cantools decoded it.
fn signal(frame: &Value, name: &str) -> f64 {
    frame["signals"][name]
        .as_f64()
        .unwrap_or_else(|| panic!("no {name} in {frame}"))
}

#[test]
fn python_can_and_cantools_read_the_pack_through_the_bridge() {
    if images().is_none() {
        return;
    }
    let Some(py) = common::venv_python("can, cantools, serial") else {
        return;
    };
    let mut qemu = Qemu::start_with("bridge", 2);
    let (rs485, can) = (qemu.paths[0].clone(), qemu.paths[1].clone());
    assert_eq!(
        qemu.line(Duration::from_secs(10)),
        "bridging pack 2 to slcan"
    );
    let mut sim = Killed(
        Command::new(env!("CARGO_BIN_EXE_pylontech-sim"))
            .args(["--port", &rs485, "--hold"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    // Readings failed until the simulator was there; the first report
    // says the bridge has the pack.
    wait_for(&qemu, "report ");
    let (frames, sent) = inverter(&py, &can, WINDOW);
    std::thread::sleep(Duration::from_millis(500));
    let printed: Vec<String> = qemu.lines.try_iter().collect();
    assert!(
        qemu.child.try_wait().unwrap().is_none(),
        "the bridge ended: {printed:#?}"
    );

    // What the simulated pack says on RS485, held still: its library's
    // values for pack 2.
    let stack = Stack::new(1);
    let block = stack.block(FIRST);
    let limits = stack.management(FIRST);

    // Every frame of the burst, each second of the window.
    let mut seen: BTreeMap<u64, Vec<&Value>> = BTreeMap::new();
    for f in &frames {
        assert_eq!(f["extended"], false, "{f}");
        seen.entry(f["id"].as_u64().unwrap()).or_default().push(f);
    }
    assert_eq!(
        seen.keys().copied().collect::<Vec<_>>(),
        BURST,
        "the Pylon V1.2 set and nothing else"
    );
    for (id, got) in &seen {
        assert!(
            got.len() as u64 >= WINDOW - 1,
            "{id:#x} came {} times in {WINDOW} s",
            got.len()
        );
        let times: Vec<f64> = got.iter().map(|f| f["t"].as_f64().unwrap()).collect();
        for pair in times.windows(2) {
            let gap = pair[1] - pair[0];
            assert!(
                (0.5..1.5).contains(&gap),
                "{id:#x} came {gap:.3} s after the one before: {times:?}"
            );
        }
        // The same values throughout (the pack is held still).
        assert!(got.iter().all(|f| f["data"] == got[0]["data"]), "{got:?}");
    }
    let ids: Vec<u64> = frames.iter().map(|f| f["id"].as_u64().unwrap()).collect();
    assert_eq!(&ids[..6], BURST, "a burst in the battery's order");

    // 0x351, the limits from 0x92. The discharge current limit is
    // negative on RS485 and positive on CAN: the same 50.0 A.
    let f351 = seen[&0x351][0];
    assert_eq!(limits.discharge_current_da, -500, "RS485: negative");
    assert_eq!(signal(f351, "Discharge_Current_Limitation"), 50.0);
    assert_eq!(
        signal(f351, "Discharge_Current_Limitation"),
        -f64::from(limits.discharge_current_da) / 10.0,
        "CAN: the magnitude"
    );
    assert_eq!(
        signal(f351, "Charge_Current_Limitation"),
        f64::from(limits.charge_current_da) / 10.0
    );
    // 53,250 mV in 0.1 V, rounded down (never above the pack's limit).
    assert_eq!(limits.charge_voltage_mv, 53_250);
    assert_eq!(signal(f351, "Battery_Charge_Voltage"), 53.2);
    // The discharge voltage, which the DBC lacks: bytes 6-7, by bms-can.
    let data = hex(f351["data"].as_str().unwrap());
    let Ok(Message::Limits(l)) = Message::decode(0x351, &data) else {
        panic!("0x351 {data:02x?}")
    };
    assert_eq!(
        l.discharge_voltage.map(|v| u32::from(v.0) * 100),
        Some(u32::from(limits.discharge_voltage_mv))
    );

    // 0x355: remaining over total capacity, to the nearest percent.
    let f355 = seen[&0x355][0];
    let (remaining, total) = (block.remaining_mah(), block.total_mah());
    let soc = (200 * remaining + total) / (2 * total);
    assert_eq!(signal(f355, "SOC"), f64::from(soc));
    assert_eq!(signal(f355, "SOH"), 100.0, "YD/T carries no SOH");

    // 0x356: module voltage to 10 mV, current as sent (positive while
    // charging on both links), the highest temperature from 0.1 K.
    let f356 = seen[&0x356][0];
    let centivolts = (i64::from(block.voltage_mv) + 5) / 10;
    assert_eq!(
        (signal(f356, "Battery_Voltage") * 100.0).round() as i64,
        centivolts
    );
    assert!(
        (signal(f356, "Battery_Voltage") - f64::from(block.voltage_mv) / 1000.0).abs() <= 0.005
    );
    assert!(block.current_da > 0, "the simulator starts charging");
    assert_eq!(
        signal(f356, "Battery_Current"),
        f64::from(block.current_da) / 10.0
    );
    let hottest = block
        .temperatures
        .as_slice()
        .iter()
        .map(|t| t.celsius())
        .max()
        .unwrap();
    assert_eq!(
        (signal(f356, "Battery_Temperature") * 10.0).round() as i32,
        hottest
    );

    // 0x359: no protection (alarms are not read), one pack; 0x35C: the
    // 0x92 status bits; 0x35E: the name.
    let f359 = seen[&0x359][0];
    assert_eq!(signal(f359, "Pack_Nr"), 1.0);
    for alarm in [
        "Alarm_Over_Voltage",
        "Alarm_Over_Current_Discharge",
        "Alarm_Over_Current_Charge",
        "Alarm_Internal",
    ] {
        assert_eq!(signal(f359, alarm), 0.0, "{alarm}");
    }
    let f35c = seen[&0x35C][0];
    assert_eq!(
        (
            signal(f35c, "Charge_Enable"),
            signal(f35c, "Discharge_Enable")
        ),
        (1.0, 1.0)
    );
    assert_eq!(seen[&0x35E][0]["data"], hex_text(b"PYLON   "));

    // Every keep-alive python-can sent was taken, and nothing failed
    // once the pack answered.
    let taken = printed
        .iter()
        .filter_map(|l| l.strip_prefix("keep-alive ")?.parse::<u64>().ok())
        .max();
    assert!(sent >= WINDOW, "python-can sent {sent} keep-alives");
    assert_eq!(taken, Some(sent), "{printed:#?}");
    assert!(
        printed
            .iter()
            .all(|l| l.starts_with("keep-alive ") || l.starts_with("report ")),
        "{printed:#?}"
    );

    // The pack goes away: after 5 s without a reading the bridge falls
    // silent on CAN, and the image keeps running.
    let _ = sim.0.kill();
    let _ = sim.0.wait();
    wait_for(&qemu, "pack 2 lost");
    let (after, _) = inverter(&py, &can, 2);
    assert!(
        after.is_empty(),
        "frames after the pack was lost: {after:?}"
    );
    assert!(qemu.child.try_wait().unwrap().is_none(), "the bridge ended");
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn hex_text(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
