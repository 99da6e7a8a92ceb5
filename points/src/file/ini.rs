//! The legacy INI family of `ups-cms.ini`: [`File::from_ini`], whose
//! docs say what becomes of each key and which types are inferred.

use std::borrow::Cow;

use ini_core::{Item, Parser};

use super::{CommandDef, Defaults, File, LoadError, PointDef, TypeName};
use crate::{Access, Encoding, Origin, Unit};

impl File {
    /// Reads a table of the legacy INI family of Chinese monitoring software
    /// (`ups-cms.ini` and its siblings), as `docs/protocols/ups-point-table.md`
    /// §1 describes it:
    ///
    /// ```ini
    /// [CMD]
    /// cmd-count=2
    /// cmd-1=市电输入R相电压
    /// cmd-2=A相欠压
    /// [cmd-1]
    /// SendCmd=01
    /// Index=13
    /// Len=4
    /// type=WORD
    /// [cmd-2]
    /// SendCmd=01
    /// Index=17
    /// Len=4
    /// Sbit=0
    /// Ebit=0
    /// type=WORD
    /// ```
    ///
    /// The text is UTF-8 (with or without a byte-order mark) or, as such
    /// files are in the wild, GBK (neither is [`LoadError::Encoding`]);
    /// `encoding_rs` decodes it, and `ini_core`
    /// splits it into lines: section headers, `key=value` pairs and comments
    /// (`;` or `#` first on the line). Section and key names are matched
    /// without regard to case, as by the Windows profile functions these
    /// files were written for.
    ///
    /// What a file becomes:
    ///
    /// - one point per `[cmd-N]` section, in the order `[CMD]` lists them,
    ///   named `cmd_N`, with the `[CMD]` display name as its `original` (the
    ///   comments before a section repeat that name; they are not read);
    /// - `SendCmd` is the point's command, and each distinct `SendCmd` one
    ///   command whose request the file does not say (it becomes
    ///   [`Request::Unspecified`](crate::Request::Unspecified));
    /// - `Index` and `Len` count characters (`offset_unit = "char"`) from
    ///   the first character of the raw reply (`origin = "frame"`), which
    ///   carries values as ASCII hex (`encoding = "ascii-hex"`): §1 and §4;
    /// - `type` gives the value type, below; `Sbit` and `Ebit` together
    ///   make the point a bit range `[Sbit, Ebit]` of that value;
    /// - `[TYPE]` (type names by number, never used by the points) is
    ///   skipped, and may be cut short, as in `ups-cms.ini`.
    ///
    /// | `type` | value type | source |
    /// | --- | --- | --- |
    /// | `WORD` | `u16` | the files (`Len=4` characters: a 16-bit word in hex) |
    /// | `UINT` | `u16` | inferred: a 16-bit `unsigned int` of the devices' C compilers |
    /// | `BYTE`, `ONEBYTE` | `u8` | inferred from the names |
    /// | `DWORD`, `ULONG` | `u32` | inferred: Windows type names |
    /// | `INT`, `SHORT` | `i16` | inferred: 16-bit C types |
    /// | `FLOAT` | `f32` | inferred: IEEE 754 single precision |
    ///
    /// Only `WORD` occurs in `ups-cms.ini`; the others are named in sibling
    /// files without a document saying what they mean, so their widths are
    /// our reading. Any other type is an error naming it.
    ///
    /// Nothing is guessed past that: a line that is not a section, a key or
    /// a comment, a key the family does not have, a number that is not one,
    /// a point listed in `[CMD]` without its section (or the reverse) is a
    /// [`LoadError::Ini`] with its line. Offsets that make no sense (the
    /// placeholders of `ups-cms.ini`) load, and [`Table::check`](crate::Table::check)
    /// reports them.
    pub fn from_ini(name: &str, bytes: &[u8]) -> Result<File, LoadError> {
        let text = decode(bytes).ok_or(LoadError::Encoding)?;
        let lines = text.lines().count();
        let mut sections = Vec::new();
        let mut list = None;
        for section in sections_of(&text)? {
            let Some(head) = &section.name else {
                if let Some(k) = section.keys.first() {
                    return Err(k.error(format!("key \"{}\" before the first section", k.key)));
                }
                continue;
            };
            let folded = head.text.to_ascii_lowercase();
            if folded == "cmd" {
                list = Some(section);
            } else if folded == "type" {
                // Type names by number: nothing a point refers to.
            } else if let Some(number) = cmd_number(head.text) {
                sections.push((number, head.line, point(number, &section)?));
            } else {
                return Err(head.error(format!(
                    "unknown section [{}]: the family has [CMD], [TYPE] and [cmd-N]",
                    head.text
                )));
            }
        }
        let listed = listed(list.as_ref(), lines)?;
        let mut points = Vec::with_capacity(listed.len());
        for (number, entry) in listed {
            let i = sections
                .iter()
                .position(|(n, _, _)| *n == number)
                .ok_or_else(|| {
                    entry.error(format!(
                        "cmd-{number} ({}) is listed in [CMD] but has no [cmd-{number}] section",
                        entry.text
                    ))
                })?;
            let (_, _, mut point) = sections.swap_remove(i);
            point.original = entry.text.to_string();
            points.push(point);
        }
        if let Some((number, line, _)) = sections.iter().min_by_key(|(_, line, _)| *line) {
            return Err(LoadError::Ini {
                line: *line,
                message: format!("[cmd-{number}] is not listed in [CMD]"),
            });
        }
        let mut commands: Vec<CommandDef> = Vec::new();
        for p in &points {
            if !commands.iter().any(|c| c.key == p.command) {
                commands.push(CommandDef {
                    key: p.command.clone(),
                    modbus: None,
                    ydt1363: None,
                });
            }
        }
        Ok(File {
            name: name.to_string(),
            description: format!(
                "Imported from the legacy INI table \"{name}\": offsets count characters \
                 from the start of the raw reply (its Index), values are ASCII hex. The file \
                 gives no requests, scales or units."
            ),
            protocol: None,
            defaults: Defaults {
                encoding: Some(Encoding::AsciiHex),
                offset_unit: Some(Unit::Char),
                origin: Some(Origin::Frame),
                ..Defaults::default()
            },
            commands,
            variants: Vec::new(),
            points,
        })
    }
}

/// The text, from UTF-8 (a byte-order mark dropped) or else GBK; `None`
/// when it is neither.
fn decode(bytes: &[u8]) -> Option<Cow<'_, str>> {
    let utf8 = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    encoding_rs::UTF_8
        .decode_without_bom_handling_and_without_replacement(utf8)
        .or_else(|| encoding_rs::GBK.decode_without_bom_handling_and_without_replacement(bytes))
}

/// The value type a `type` names, case aside.
fn type_name(name: &str) -> Option<TypeName> {
    Some(match name.to_ascii_uppercase().as_str() {
        "WORD" | "UINT" => TypeName::U16,
        "BYTE" | "ONEBYTE" => TypeName::U8,
        "DWORD" | "ULONG" => TypeName::U32,
        "INT" | "SHORT" => TypeName::I16,
        "FLOAT" => TypeName::F32,
        _ => return None,
    })
}

/// The number of a `cmd-N` section or key.
fn cmd_number(name: &str) -> Option<u32> {
    let (head, n) = name.split_at_checked(4)?;
    if !head.eq_ignore_ascii_case("cmd-") || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    n.parse().ok()
}

/// Text of the file and the line (from 1) it is on.
#[derive(Clone, Copy)]
struct At<'t> {
    text: &'t str,
    line: usize,
}

impl At<'_> {
    fn error(&self, message: String) -> LoadError {
        LoadError::Ini {
            line: self.line,
            message,
        }
    }
}

/// A key, its value and its line.
struct Key<'t> {
    key: &'t str,
    value: &'t str,
    line: usize,
}

impl Key<'_> {
    fn error(&self, message: String) -> LoadError {
        LoadError::Ini {
            line: self.line,
            message,
        }
    }
}

/// A section: its header (`None` before the first one) and its keys.
struct Section<'t> {
    name: Option<At<'t>>,
    keys: Vec<Key<'t>>,
}

impl<'t> Section<'t> {
    /// The values of the keys named (case aside) by `names`; a key given
    /// twice or not named is an error.
    fn values<const N: usize>(
        &self,
        names: [&str; N],
        known: &str,
    ) -> Result<[Option<&Key<'t>>; N], LoadError> {
        let mut values = [None; N];
        let head = self.name.map_or("", |h| h.text);
        for k in &self.keys {
            let slot = names
                .iter()
                .position(|n| n.eq_ignore_ascii_case(k.key))
                .and_then(|i| values.get_mut(i))
                .ok_or_else(|| {
                    k.error(format!(
                        "unknown key \"{}\" in [{head}]: the family has {known}",
                        k.key
                    ))
                })?;
            if slot.is_some() {
                return Err(k.error(format!("[{head}] gives \"{}\" twice", k.key)));
            }
            *slot = Some(k);
        }
        Ok(values)
    }
}

/// The file's sections, in order; a malformed line, or a section given
/// twice, is an error.
fn sections_of(text: &str) -> Result<Vec<Section<'_>>, LoadError> {
    let mut parser = Parser::new(text).auto_trim(true);
    let mut sections = vec![Section {
        name: None,
        keys: Vec::new(),
    }];
    loop {
        // The line the next item starts on.
        let line = usize::try_from(parser.line()).map_or(usize::MAX, |l| l.saturating_add(1));
        let Some(item) = parser.next() else {
            return Ok(sections);
        };
        match item {
            Item::Error(text) => {
                return Err(LoadError::Ini {
                    line,
                    message: format!("\"{text}\" is a section header without its closing ']'"),
                });
            }
            Item::Section(name) => {
                if let Some(first) = sections
                    .iter()
                    .filter_map(|s| s.name)
                    .find(|s| s.text.eq_ignore_ascii_case(name))
                {
                    return Err(LoadError::Ini {
                        line,
                        message: format!(
                            "a second [{name}] section (the first is on line {})",
                            first.line
                        ),
                    });
                }
                sections.push(Section {
                    name: Some(At { text: name, line }),
                    keys: Vec::new(),
                });
            }
            // `ini_core` knows one comment character: `;`.
            Item::Property(key, _) if key.starts_with(['#', ';']) => {}
            Item::Property(key, Some(value)) => {
                if key.is_empty() {
                    return Err(LoadError::Ini {
                        line,
                        message: format!("\"={value}\" gives a value without a key"),
                    });
                }
                if let Some(section) = sections.last_mut() {
                    section.keys.push(Key { key, value, line });
                }
            }
            Item::Property(key, None) => {
                return Err(LoadError::Ini {
                    line,
                    message: format!(
                        "\"{key}\" is not a key=value line, a section header or a comment"
                    ),
                });
            }
            Item::SectionEnd | Item::Comment(_) | Item::Blank => {}
        }
    }
}

/// `[CMD]`: the points by number with their display names and lines,
/// in the file's order. `lines` is the file's length, for an error when
/// there is no `[CMD]`.
fn listed<'t>(list: Option<&Section<'t>>, lines: usize) -> Result<Vec<(u32, At<'t>)>, LoadError> {
    let Some(list) = list else {
        return Err(LoadError::Ini {
            line: lines.max(1),
            message: "no [CMD] section: the file lists no points".into(),
        });
    };
    let mut count: Option<(usize, usize)> = None;
    let mut listed: Vec<(u32, At<'t>)> = Vec::new();
    for k in &list.keys {
        if k.key.eq_ignore_ascii_case("cmd-count") {
            if count.is_some() {
                return Err(k.error("[CMD] gives cmd-count twice".into()));
            }
            let n = k.value.parse::<usize>().map_err(|_| {
                k.error(format!(
                    "cmd-count is \"{}\", not a number of points",
                    k.value
                ))
            })?;
            count = Some((n, k.line));
        } else if let Some(number) = cmd_number(k.key) {
            if listed.iter().any(|(n, _)| *n == number) {
                return Err(k.error(format!("[CMD] lists cmd-{number} twice")));
            }
            let at = At {
                text: k.value,
                line: k.line,
            };
            listed.push((number, at));
        } else {
            return Err(k.error(format!(
                "unknown key \"{}\" in [CMD]: the family has cmd-count and cmd-N",
                k.key
            )));
        }
    }
    let head = list.name.map_or(1, |h| h.line);
    let Some((count, line)) = count else {
        return Err(LoadError::Ini {
            line: head,
            message: "[CMD] has no cmd-count".into(),
        });
    };
    if count != listed.len() {
        return Err(LoadError::Ini {
            line,
            message: format!(
                "cmd-count is {count} but [CMD] lists {} points",
                listed.len()
            ),
        });
    }
    Ok(listed)
}

/// One `[cmd-N]` section.
fn point<'s>(number: u32, section: &'s Section<'_>) -> Result<PointDef, LoadError> {
    let [send, index, len, kind, sbit, ebit] = section.values(
        ["SendCmd", "Index", "Len", "type", "Sbit", "Ebit"],
        "SendCmd, Index, Len, type, Sbit and Ebit",
    )?;
    let head = section.name.map_or(1, |h| h.line);
    let required = |k: Option<&'s Key<'_>>, name: &str| {
        k.ok_or_else(|| LoadError::Ini {
            line: head,
            message: format!("[cmd-{number}] has no {name}"),
        })
    };
    let command = required(send, "SendCmd")?;
    if command.value.is_empty() {
        return Err(command.error(format!("[cmd-{number}] has an empty SendCmd")));
    }
    let offset = number_of::<u32>(required(index, "Index")?, "a character offset")?;
    let length = number_of::<u16>(required(len, "Len")?, "a number of characters")?;
    let type_key = required(kind, "type")?;
    let mut kind = type_name(type_key.value).ok_or_else(|| {
        type_key.error(format!(
            "unknown type \"{}\" in [cmd-{number}]: known are WORD, UINT, BYTE, ONEBYTE, \
             DWORD, ULONG, INT, SHORT and FLOAT",
            type_key.value
        ))
    })?;
    let bits = match (sbit, ebit) {
        (None, None) => None,
        (Some(s), Some(e)) => {
            if kind == TypeName::F32 {
                return Err(s.error(format!("[cmd-{number}] takes bits of a FLOAT")));
            }
            kind = TypeName::Bits;
            Some([
                number_of::<u8>(s, "a bit number")?,
                number_of::<u8>(e, "a bit number")?,
            ])
        }
        (Some(k), None) | (None, Some(k)) => {
            return Err(k.error(format!(
                "[cmd-{number}] gives one of Sbit and Ebit without the other"
            )));
        }
    };
    Ok(PointDef {
        name: format!("cmd_{number}"),
        label: String::new(),
        original: String::new(),
        command: command.value.to_string(),
        offset,
        length,
        encoding: None,
        offset_unit: None,
        origin: None,
        kind: Some(kind),
        bits,
        labels: None,
        byte_order: None,
        word_order: None,
        scale: None,
        value_offset: 0,
        unit: String::new(),
        range: None,
        not_available: None,
        variant: String::new(),
        access: Access::Read,
        note: String::new(),
    })
}

/// A key's value as a number, or an error at its line.
fn number_of<T: std::str::FromStr>(k: &Key<'_>, what: &str) -> Result<T, LoadError> {
    k.value
        .parse()
        .map_err(|_| k.error(format!("{} is \"{}\", not {what}", k.key, k.value)))
}
