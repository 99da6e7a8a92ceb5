//! Helpers shared by the end-to-end tests (each test file uses some of them).
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A simulator binary started on a new pseudo-terminal; killed on drop.
pub struct Spawned {
    child: Child,
    /// The pseudo-terminal path the simulator printed.
    pub path: String,
}

impl Spawned {
    /// Starts `bin` (a simulator) and reads the path it prints.
    pub fn start(bin: &str) -> Spawned {
        Spawned::start_with(bin, &[])
    }

    /// Starts `bin` with `args` and reads the path it prints.
    pub fn start_with(bin: &str, args: &[&str]) -> Spawned {
        let mut child = Command::new(bin)
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().unwrap())
            .read_line(&mut line)
            .unwrap();
        Spawned {
            child,
            path: line.trim().to_string(),
        }
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
