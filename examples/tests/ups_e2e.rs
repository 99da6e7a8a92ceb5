//! `ups-monitor` against `ups-sim` over a pseudo-terminal: every point of
//! the shipped UPS table reads as the simulator's model states it, and a
//! refused command, a point beyond the reply and a silent address come
//! out as the help text says.

use std::process::Output;

mod common;

use common::Spawned;
use examples::point_sim;

fn monitor(args: &[&str]) -> Output {
    common::run(env!("CARGO_BIN_EXE_ups-monitor"), args)
}

#[test]
fn every_point_reads_as_the_simulator_states_it() {
    let sim = Spawned::start_with(env!("CARGO_BIN_EXE_ups-sim"), &["--hold"]);
    let out = monitor(&["--port", &sim.path, "--table", "ups-cms", "--json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();

    let file = examples::tables::load("ups-cms").unwrap();
    let checked = file
        .with_table(|table| {
            let mut checked = 0;
            let mut flags_set = 0;
            for p in table.points {
                // Held: the model as at the start.
                let want = serde_json::to_value(point_sim::value(p, 0.0).unwrap()).unwrap();
                assert_eq!(v[p.command][p.name], want, "{}/{}", p.command, p.name);
                flags_set += usize::from(want == true);
                checked += 1;
            }
            assert!(flags_set > 0, "some flags are set");
            checked
        })
        .unwrap();
    assert_eq!(checked, 121, "every point of the table");
    let mains = v["01"]["mains_voltage_r"].as_f64().unwrap();
    assert!((220.0..=240.0).contains(&mains), "{mains}");
    assert_eq!(v["01"]["inverter_frequency"], 50);

    // For people: labels, values with units, flags as words.
    let out = monitor(&["--port", &sim.path, "--table", "ups-cms"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    assert!(text.contains("command 02 (CID1 2A, CID2 02)"), "{text}");
    let line = |label: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("{label} in\n{text}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(
        line("Mains input voltage R"),
        format!("Mains input voltage R {mains} V")
    );
    assert!(line("Inverter output frequency").ends_with("50 Hz"));
    assert!(
        line("Status: ready to transfer").ends_with(" yes"),
        "{}",
        line("Status: ready to transfer")
    );
    assert!(!text.contains("Some(") && !text.contains("Bool("), "{text}");
}

#[test]
fn refusals_missing_points_and_silence_are_reported() {
    let sim = Spawned::start_with(env!("CARGO_BIN_EXE_ups-sim"), &["--hold"]);
    // Command 01 as the shipped table has it, with a point beyond the
    // reply; and a command the UPS does not know.
    let table = std::env::temp_dir().join(format!("ups-e2e-{}.toml", std::process::id()));
    std::fs::write(
        &table,
        r#"
name = "test"
[defaults]
encoding = "ascii-hex"
offset_unit = "byte"
origin = "payload"
type = "u16"
[[command]]
key = "01"
ydt1363 = { ver = 0x21, cid1 = 0x2A, cid2 = 0x01 }
[[command]]
key = "07"
ydt1363 = { ver = 0x21, cid1 = 0x2A, cid2 = 0x07 }
[[point]]
name = "mains_voltage_r"
command = "01"
offset = 0
length = 2
unit = "V"
[[point]]
name = "beyond"
command = "01"
offset = 500
length = 2
[[point]]
name = "other"
command = "07"
offset = 0
length = 2
"#,
    )
    .unwrap();
    let path = table.to_string_lossy().into_owned();
    let out = monitor(&["--port", &sim.path, "--table", &path, "--json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "a refused command: {stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["01"]["mains_voltage_r"].as_u64().is_some(), "{v}");
    let beyond = v["01"]["beyond"]["error"].as_str().unwrap();
    assert!(beyond.contains("ends at byte"), "{beyond}");
    let refused = v["07"]["error"].as_str().unwrap();
    assert!(refused.contains("RTN 04"), "{refused}");
    assert!(
        stderr.contains("command 07") && stderr.contains("check"),
        "{stderr}"
    );

    // Nobody at address 9: the time-out, exit code 1.
    let out = monitor(&[
        "--port",
        &sim.path,
        "--table",
        "ups-cms",
        "--address",
        "9",
        "--timeout",
        "0.3",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no reply before the timeout"), "{stderr}");
    let _ = std::fs::remove_file(&table);
}
