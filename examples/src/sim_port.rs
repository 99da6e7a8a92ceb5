//! Where a simulator serves: a serial device given with `--port`, or a
//! new pseudo-terminal whose path it prints for clients to open.

use std::fmt::Display;

use transports::serial::{Line, Pty, Serial};

use crate::{err, out};

/// Runs `serve` on `port` opened on `line` (printing `banner`), or on a
/// new pseudo-terminal (printing its path). A port that cannot be opened,
/// or a serve that fails, ends the program with exit code 1 and the
/// reason, after `tool:`.
pub fn serve_on<E: Display>(
    tool: &str,
    port: Option<&str>,
    line: &Line,
    banner: impl FnOnce(&str) -> String,
    serve: impl FnOnce(&mut Serial) -> Result<(), E>,
) {
    let result = match port {
        Some(path) => {
            let mut port = Serial::open(path, line).unwrap_or_else(|e| {
                err!("{tool}: {path}: {e}");
                std::process::exit(1)
            });
            out!("{}", banner(path));
            serve(&mut port)
        }
        None => {
            let mut pty = Pty::new().unwrap_or_else(|e| {
                err!("{tool}: cannot create a pseudo-terminal: {e}");
                std::process::exit(1)
            });
            out!("{}", pty.path());
            serve(pty.master())
        }
    };
    if let Err(e) = result {
        err!("{tool}: {e}");
        std::process::exit(1);
    }
}
