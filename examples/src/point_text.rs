//! A table's readings for people and as JSON: what `ups-monitor` and
//! `modbus read-points` print.
//!
//! For people: one block per command, each point's label (or name) and
//! its value with its unit; a point that could not be read shows why in
//! its place. As JSON: an object per command, point name to value
//! (numbers as numbers, flags as booleans, "not available" as null), a
//! point's or a command's error as `{"error": "..."}`.

use std::fmt::Display;

use points::{Point, Value};
use serde_json::{Map, json};

/// One point's reading.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// The point's name (the JSON key).
    pub name: String,
    /// What people see: the label, or the name when there is none.
    pub label: String,
    /// The value for people (with its unit) and as JSON, or why it
    /// could not be read.
    pub value: Result<(String, serde_json::Value), String>,
}

impl Reading {
    /// `point`'s reading from its decoded `value`.
    pub fn new(point: &Point<'_>, value: Result<Value<'_>, impl Display>) -> Self {
        let label = if point.label.is_empty() {
            point.name
        } else {
            point.label
        };
        let value = value.map_err(|e| e.to_string()).map(|v| {
            let text = match v {
                Value::Number(_) if !point.unit.is_empty() => format!("{v} {}", point.unit),
                _ => v.to_string(),
            };
            let json = match v {
                // As the number prints (an f32 as `230.1`, not the f64
                // nearest to it), an integer as an integer.
                Value::Number(n) => {
                    let text = n.to_string();
                    match text.parse::<i64>() {
                        Ok(i) => json!(i),
                        Err(_) => text
                            .parse::<f64>()
                            .map_or(serde_json::Value::Null, |f| json!(f)),
                    }
                }
                _ => serde_json::to_value(v).unwrap_or(serde_json::Value::Null),
            };
            (text, json)
        });
        Reading {
            name: point.name.to_string(),
            label: label.to_string(),
            value,
        }
    }

    /// A reading that failed for a reason outside the point (its block
    /// was refused, or never came).
    pub fn failed(point: &Point<'_>, why: &str) -> Self {
        Reading::new(point, Err::<Value<'_>, _>(why))
    }
}

/// The readings of one command.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The command's key (the JSON key).
    pub key: String,
    /// What people see above the readings.
    pub title: String,
    /// Its points.
    pub readings: Vec<Reading>,
    /// Why the command as a whole failed, if it did.
    pub error: Option<String>,
}

/// The groups for people.
pub fn text(groups: &[Group]) -> String {
    let width = groups
        .iter()
        .flat_map(|g| &g.readings)
        .map(|r| r.label.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for g in groups {
        out.push_str(&g.title);
        out.push('\n');
        if let Some(e) = &g.error {
            out.push_str(&format!("  error: {e}\n"));
        }
        for r in &g.readings {
            let value = match &r.value {
                Ok((text, _)) => text.clone(),
                Err(e) => format!("error: {e}"),
            };
            out.push_str(&format!("  {:width$}  {value}\n", r.label));
        }
    }
    out
}

/// The groups as JSON: command key to an object of point name to value.
pub fn json(groups: &[Group]) -> serde_json::Value {
    let mut all = Map::new();
    for g in groups {
        let body = match &g.error {
            Some(e) if g.readings.is_empty() => json!({ "error": e }),
            _ => {
                let mut points = Map::new();
                for r in &g.readings {
                    let v = match &r.value {
                        Ok((_, v)) => v.clone(),
                        Err(e) => json!({ "error": e }),
                    };
                    points.insert(r.name.clone(), v);
                }
                serde_json::Value::Object(points)
            }
        };
        all.insert(g.key.clone(), body);
    }
    serde_json::Value::Object(all)
}
