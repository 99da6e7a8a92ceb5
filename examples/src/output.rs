//! Printing typed values as a readable table or as JSON, and writing to
//! stdout and stderr without panicking.

use std::fmt;
use std::io::{ErrorKind, Write as _};

use serde::Serialize;
use serde_json::Value;

/// `println!` for the tools: a closed stdout (its reader went away, as
/// `tool | head -3` does) ends the program quietly with exit code 0, and
/// any other write error exits 1 with a message, where `println!` panics.
#[macro_export]
macro_rules! out {
    () => {
        $crate::output::write_out(::core::format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::output::write_out(::core::format_args!($($arg)*))
    };
}

/// `eprintln!` for the tools: a message that cannot be written (stderr
/// closed) is dropped, never a panic; the program goes on to its exit code.
#[macro_export]
macro_rules! err {
    ($($arg:tt)*) => {
        $crate::output::write_err(::core::format_args!($($arg)*))
    };
}

/// Writes `args` and a newline to stdout, flushed; see [`out!`].
pub fn write_out(args: fmt::Arguments<'_>) {
    let mut stdout = std::io::stdout().lock();
    let written = stdout
        .write_fmt(args)
        .and_then(|()| stdout.write_all(b"\n"))
        .and_then(|()| stdout.flush());
    match written {
        Ok(()) => {}
        // The reader is gone: nobody is left to tell.
        Err(e) if e.kind() == ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => {
            write_err(format_args!("{}: cannot write to stdout: {e}", program()));
            std::process::exit(1);
        }
    }
}

/// Writes `args` and a newline to stderr; a failed write is dropped.
pub fn write_err(args: fmt::Arguments<'_>) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr
        .write_fmt(args)
        .and_then(|()| stderr.write_all(b"\n"));
}

/// This program's name, for messages.
fn program() -> String {
    std::env::args_os()
        .next()
        .as_deref()
        .map(std::path::Path::new)
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "tool".into())
}

/// Items as text for people: `1, 2, 3`, or `none`.
pub fn list<T: fmt::Display>(items: impl IntoIterator<Item = T>) -> String {
    let text: Vec<String> = items.into_iter().map(|i| i.to_string()).collect();
    if text.is_empty() {
        "none".into()
    } else {
        text.join(", ")
    }
}

/// A driver's error as text for people. The transport's own `Display`
/// shows an I/O error in Rust's `Debug` form (`Custom { kind: BrokenPipe,
/// .. }`); this shows its message and what to check.
pub fn why<E, P>(e: &transports::Error<E, P>) -> String
where
    E: fmt::Display + fmt::Debug,
    P: fmt::Display,
{
    match e {
        transports::Error::Io(io) => {
            format!("i/o error: {io} (is the device, adapter or simulator still there?)")
        }
        transports::Error::Timeout => {
            "no reply before the timeout (check the port, the line settings, the wiring \
             and the device's address)"
                .into()
        }
        other => other.to_string(),
    }
}

/// Pretty JSON of `value`.
pub fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// The plain name of an enum value, for people: its serde name with spaces
/// (`Mode::Battery` is "battery", `ResponseCode::Ready(11)` is "ready 11").
pub fn name<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value).unwrap_or(Value::Null) {
        Value::String(s) => s.replace('_', " "),
        Value::Object(m) if m.len() == 1 => m
            .into_iter()
            .map(|(k, v)| match v {
                Value::Null => k.replace('_', " "),
                v => format!("{} {}", k.replace('_', " "), v),
            })
            .collect(),
        Value::Null => "none".into(),
        other => other.to_string(),
    }
}

/// A two-column table of `value`'s fields, nested fields joined with `.`.
/// Flag objects print the names of the flags that are set.
pub fn table<T: Serialize>(value: &T) -> String {
    let v = serde_json::to_value(value).unwrap_or(Value::Null);
    let mut rows = Vec::new();
    flatten("", &v, &mut rows);
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    rows.iter()
        .map(|(k, v)| match unit(k) {
            Some(u) if v.parse::<f64>().is_ok() => format!("{k:width$}  {v} {u}\n"),
            _ => format!("{k:width$}  {v}\n"),
        })
        .collect()
}

/// The unit of a field, from the words of its name (the protocol
/// document's descriptions the names follow).
fn unit(key: &str) -> Option<&'static str> {
    let k = key.rsplit('.').next().unwrap_or(key);
    let has = |w: &str| k.split('_').any(|p| p == w);
    Some(if has("offset") {
        "x10 mV"
    } else if has("voltage") {
        "V"
    } else if has("current") {
        "A"
    } else if has("frequency") {
        "Hz"
    } else if has("apparent") {
        "VA"
    } else if has("power") && !has("balance") && !has("saving") {
        "W"
    } else if has("percent") || has("capacity") {
        "%"
    } else if has("temperature") {
        "°C"
    } else if has("time") {
        "min"
    } else if has("period") {
        "days"
    } else {
        return None;
    })
}

fn is_flag_object(m: &serde_json::Map<String, Value>) -> bool {
    !m.is_empty() && m.iter().all(|(k, v)| v.is_boolean() || k == "other_bits")
}

fn flatten(prefix: &str, v: &Value, rows: &mut Vec<(String, String)>) {
    let key = |k: &str| {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match v {
        Value::Object(m) if is_flag_object(m) => {
            let on: Vec<&str> = m
                .iter()
                .filter(|(_, v)| v.as_bool() == Some(true))
                .map(|(k, _)| k.as_str())
                .collect();
            let text = if on.is_empty() {
                "-".to_string()
            } else {
                on.join(", ")
            };
            rows.push((prefix.to_string(), text));
        }
        Value::Object(m) if m.len() == 1 && prefix.is_empty() => {
            // The response's variant name: print its fields without a prefix.
            for (k, inner) in m {
                if inner.is_object() {
                    flatten("", inner, rows);
                } else {
                    flatten(k, inner, rows);
                }
            }
        }
        Value::Object(m) => {
            for (k, inner) in m {
                flatten(&key(k), inner, rows);
            }
        }
        Value::Array(a) => rows.push((
            prefix.to_string(),
            a.iter().map(scalar).collect::<Vec<_>>().join(" "),
        )),
        other => rows.push((
            if prefix.is_empty() {
                "reply".to_string()
            } else {
                prefix.to_string()
            },
            scalar(other),
        )),
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "n/a".to_string(),
        Value::String(s) if s.is_empty() => "-".to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Parses hex bytes, spaces (and `0x` prefixes) allowed: `"28 4E 41"`.
pub fn parse_hex(parts: &[String]) -> Result<Vec<u8>, String> {
    let joined: String = parts
        .iter()
        .flat_map(|p| p.split_whitespace())
        .map(|t| t.trim_start_matches("0x").trim_start_matches("0X"))
        .collect();
    // By characters, not bytes: slicing the text could split a multi-byte
    // character (and panic).
    let digits: Vec<char> = joined.chars().collect();
    if !digits.len().is_multiple_of(2) {
        return Err(format!("odd number of hex digits ({})", digits.len()));
    }
    digits
        .chunks(2)
        .enumerate()
        .map(|(i, pair)| {
            let pair: String = pair.iter().collect();
            u8::from_str_radix(&pair, 16)
                .ok()
                .filter(|_| pair.chars().all(|c| c.is_ascii_hexdigit()))
                .ok_or_else(|| {
                    format!(
                        "not a hex byte at digit {}: '{}'",
                        2 * i,
                        pair.escape_debug()
                    )
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_errors_read_as_words() {
        assert_eq!(list([1u8, 2]), "1, 2");
        assert_eq!(list(Vec::<u8>::new()), "none");
        let e = transports::Error::<std::io::Error, String>::Io(std::io::Error::new(
            ErrorKind::BrokenPipe,
            "Broken pipe",
        ));
        let text = why(&e);
        assert!(text.starts_with("i/o error: Broken pipe ("), "{text}");
        assert!(!text.contains("Custom"), "{text}");
        let e = transports::Error::<std::io::Error, String>::Protocol("bad CRC".into());
        assert_eq!(why(&e), "bad CRC");
    }

    #[test]
    fn hex_with_spaces_and_prefixes() {
        assert_eq!(parse_hex(&["28 4e".into(), "0x41".into()]).unwrap(), b"(NA");
        assert!(parse_hex(&["284".into()]).is_err());
        // Not hex, and not one byte per character: an error, not a panic.
        assert!(parse_hex(&["aéa".into()]).is_err());
        assert!(parse_hex(&["éé".into()]).is_err());
        assert!(parse_hex(&["+1".into()]).is_err());
        assert!(parse_hex(&["zz".into()]).is_err());
    }
}
