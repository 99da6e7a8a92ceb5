//! Arbitrary bytes as a legacy INI table and as the TOML form: loading
//! never panics, and a table that loads lends itself out, checks, and
//! writes a TOML form that reads back the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use points::file::File;

fn exercise(file: &File) {
    let _ = file.with_table(|table| {
        table.check(|p| {
            let _ = table.describe(p).to_string();
        });
    });
    if let Ok(text) = file.to_toml()
        && let Ok(again) = File::from_toml(&text)
    {
        // Floats (ranges) may be NaN, which is never equal to itself.
        if file.points.iter().all(|p| p.range.is_none()) {
            assert_eq!(&again, file, "{text}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    match File::from_ini("fuzz", data) {
        Ok(file) => exercise(&file),
        Err(e) => {
            let _ = e.to_string();
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        match File::from_toml(text) {
            Ok(file) => exercise(&file),
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
});
