//! ENC drive replies as words for people, the manual's words where it has
//! them (`enc-drive`'s table, `enc-sim --verbose`, the demo); `--json` keeps
//! the serde form.

use enc_ascii::{Command, Control, Fault, Response, ResponseCode, StateWord, Value};

/// A response code: `normal`, `ready 11 (master control allowed)`,
/// `refused (code 30)`, ...
pub fn code(c: ResponseCode) -> String {
    match c {
        ResponseCode::Normal => "normal".into(),
        ResponseCode::NotReady => "not ready (code 10)".into(),
        ResponseCode::Ready(l) => format!("ready {l} (master control allowed)"),
        ResponseCode::ReadyLocked(l) => format!("ready {l} (master control not allowed)"),
        ResponseCode::FrameError => "frame error (code 20)".into(),
        ResponseCode::Refused => "refused (code 30)".into(),
        // The two digits as sent.
        ResponseCode::Unknown(raw) => format!("unknown code {raw:02X}"),
    }
}

/// A fault: `fault 8 (drive overload)`; `none` for no fault.
pub fn fault(f: Fault) -> String {
    let what = match f {
        Fault::None => return "none".into(),
        Fault::AccelOverCurrent => "accelerating over-current",
        Fault::DecelOverCurrent => "decelerating over-current",
        Fault::ConstantSpeedOverCurrent => "constant-speed over-current",
        Fault::AccelOverVoltage => "accelerating over-voltage",
        Fault::DecelOverVoltage => "decelerating over-voltage",
        Fault::ConstantSpeedOverVoltage => "constant-speed over-voltage",
        Fault::SupplyOverVoltage => "controller supply over-voltage",
        Fault::DriveOverload => "drive overload",
        Fault::MotorOverload => "motor overload",
        Fault::OverHeat => "drive over-heat",
        Fault::PowerModule => "power module protection",
        Fault::External => "external device fault",
        Fault::CurrentDetection => "current-detection circuit fault",
        Fault::Communication => "RS485 communication fault",
        Fault::UnderVoltage => "under-voltage",
        Fault::SystemDisturbance => "system disturbance",
        Fault::Eeprom => "EEPROM read/write error",
        Fault::Unknown(_) => "not in the manual",
    };
    format!("fault {} ({what})", f.code())
}

/// The state word: running or stopped, forward or reverse, the other flags
/// that are set, and the word in hex: `running, forward, jog (0x0021)`.
pub fn state_word(w: StateWord) -> String {
    let mut words = vec![
        if w.contains(StateWord::RUNNING) {
            "running"
        } else {
            "stopped"
        },
        if w.contains(StateWord::REVERSE) {
            "reverse"
        } else {
            "forward"
        },
    ];
    for (flag, what) in [
        (StateWord::UNDER_VOLTAGE, "under-voltage"),
        (StateWord::SWING_FREQUENCY, "swing frequency"),
        (StateWord::COMMON_RUN, "common run"),
        (StateWord::JOG, "jog"),
        (StateWord::PLC, "PLC"),
        (StateWord::MULTI_STEP, "multi-step speed"),
        (StateWord::PI_CLOSED_LOOP, "PI closed loop"),
        (StateWord::SET_COUNT_REACHED, "set count reached"),
        (
            StateWord::SPECIFIED_COUNT_REACHED,
            "specified count reached",
        ),
    ] {
        if w.contains(flag) {
            words.push(what);
        }
    }
    format!("{} ({:#06x})", words.join(", "), w.bits())
}

/// The name a reply is shown under (also the `--json` key).
pub fn label(command: &Command) -> String {
    match command {
        Command::State => "state".into(),
        Command::Read(r) => r.name().replace('-', "_"),
        Command::Control(c) => match c {
            Control::Run => "run".into(),
            Control::Forward => "forward".into(),
            Control::SetFrequency(_) => "set_frequency".into(),
            Control::RunAt(_) => "run_at".into(),
            Control::Other { index, .. } => format!("control_{index:02x}"),
        },
        Command::ReadParam(p) | Command::WriteParam(p, _) => p.to_string(),
        Command::Version => "version".into(),
        Command::Raw { code, .. } => format!("command_{code:02x}"),
    }
}

/// A reply to `command`: the value asked for (with its unit), the code when
/// it is not normal, and the fault when there is one; `ok` when none.
pub fn reply(command: &Command, r: &Response) -> String {
    let mut parts = Vec::new();
    match r.value(command) {
        Some(Value::Quantity(q)) => parts.push(q.to_string()),
        Some(Value::StateWord(w)) => parts.push(state_word(w)),
        Some(Value::Terminals(t)) => parts.push(format!("{t:016b}")),
        Some(Value::Word(w)) => parts.push(format!("{w} ({w:#06x})")),
        None => {}
    }
    if *command == Command::State || r.code != ResponseCode::Normal {
        parts.push(code(r.code));
    }
    if let Some(f) = r.fault.filter(|f| *f != Fault::None) {
        parts.push(fault(f));
    }
    if parts.is_empty() {
        "ok".into()
    } else {
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use enc_ascii::{Param, Reading};

    #[test]
    fn words_not_debug() {
        assert_eq!(
            code(ResponseCode::Ready(11)),
            "ready 11 (master control allowed)"
        );
        assert_eq!(code(ResponseCode::Refused), "refused (code 30)");
        assert_eq!(code(ResponseCode::Unknown(0x06)), "unknown code 06");
        assert_eq!(fault(Fault::DriveOverload), "fault 8 (drive overload)");
        assert_eq!(fault(Fault::Unknown(11)), "fault 11 (not in the manual)");
        assert_eq!(state_word(StateWord::empty()), "stopped, forward (0x0000)");
        assert_eq!(
            state_word(StateWord::RUNNING | StateWord::REVERSE | StateWord::JOG),
            "running, reverse, jog (0x0025)"
        );
        assert_eq!(
            label(&Command::Read(Reading::RunFrequency)),
            "run_frequency"
        );
        assert_eq!(
            label(&Command::WriteParam(Param::parse("F2.17").unwrap(), 300)),
            "F2.17"
        );
    }
}
