//! Helpers shared by the end-to-end tests.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// The `axpert-sim` binary, started on a new pseudo-terminal; killed on drop.
pub struct SimProcess {
    child: Child,
    /// The pseudo-terminal path the simulator printed.
    pub path: String,
}

impl SimProcess {
    pub fn start() -> SimProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_axpert-sim"))
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().unwrap())
            .read_line(&mut line)
            .unwrap();
        SimProcess {
            child,
            path: line.trim().to_string(),
        }
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
