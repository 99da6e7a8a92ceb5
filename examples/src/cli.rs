//! Argument checks the command-line tools share, as clap value parsers:
//! a value out of range is a usage error (exit code 2, the reason on
//! stderr) before anything is opened or sent, never a panic later
//! (`Duration::from_secs_f64` panics on a negative, NaN or huge number).

use std::time::Duration;

/// The longest time a time argument may give: a year, in seconds.
pub const MAX_SECONDS: f64 = 365.0 * 24.0 * 3600.0;

/// Serial speeds: from 50 baud, the lowest POSIX rate, to 12 Mbaud, the
/// fastest USB serial adapters.
pub const BAUD: core::ops::RangeInclusive<u32> = 50..=12_000_000;

fn number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|s| s.is_finite())
}

/// A time span in seconds, more than 0 and at most [`MAX_SECONDS`]
/// (`--watch 2`, `--timeout 0.5`); safe for `Duration::from_secs_f64`.
pub fn seconds(text: &str) -> Result<f64, String> {
    match number(text) {
        Some(s) if s > 0.0 && s <= MAX_SECONDS => Ok(s),
        Some(_) => Err(format!(
            "give more than 0 and at most {MAX_SECONDS} seconds (a year)"
        )),
        None => Err("not a number of seconds".into()),
    }
}

/// A point in time, seconds after the start: 0 to [`MAX_SECONDS`] (the
/// `@SECONDS` of `--fault CODE@SECONDS`).
pub fn at_seconds(text: &str) -> Result<Duration, String> {
    match number(text) {
        Some(s) if (0.0..=MAX_SECONDS).contains(&s) => Ok(Duration::from_secs_f64(s)),
        Some(_) => Err(format!("give 0 to {MAX_SECONDS} seconds after the start")),
        None => Err("not a number of seconds".into()),
    }
}

/// A serial speed in [`BAUD`].
pub fn baud(text: &str) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(b) if BAUD.contains(&b) => Ok(b),
        _ => Err(format!(
            "give a serial speed from {} to {} baud",
            BAUD.start(),
            BAUD.end()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_positive_finite_and_at_most_a_year() {
        assert_eq!(seconds("2"), Ok(2.0));
        assert_eq!(seconds("0.5"), Ok(0.5));
        assert_eq!(seconds("31536000"), Ok(MAX_SECONDS));
        for bad in [
            "0", "-1", "-0", "1e300", "31536001", "NaN", "inf", "-inf", "x", "",
        ] {
            assert!(seconds(bad).is_err(), "{bad}");
        }
        assert_eq!(at_seconds("0"), Ok(Duration::ZERO));
        assert_eq!(at_seconds("1.5"), Ok(Duration::from_millis(1500)));
        for bad in ["-5", "1e300", "NaN", "inf", "30s"] {
            assert!(at_seconds(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn baud_rates_are_what_a_port_can_do() {
        assert_eq!(baud("50"), Ok(50));
        assert_eq!(baud("2400"), Ok(2400));
        assert_eq!(baud("12000000"), Ok(12_000_000));
        for bad in [
            "0",
            "49",
            "12000001",
            "4294967296",
            "-9600",
            "9600.5",
            "fast",
        ] {
            assert!(baud(bad).is_err(), "{bad}");
        }
    }
}
