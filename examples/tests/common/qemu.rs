//! The firmware images under QEMU, shared by the tests that run them
//! (`firmware_qemu.rs`, `firmware_bridge.rs`): building them once, starting
//! one on `mps2-an386` with its UARTs on pseudo-terminals, reading what it
//! prints through semihosting. Included with `#[path]` by those tests
//! only; each also has `mod common;`.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

const TARGET: &str = "thumbv7em-none-eabihf";

/// The folder of the built images, building them once per test run; `None`
/// (the test skips) without QEMU or the target.
pub fn images() -> Option<PathBuf> {
    if !crate::common::found("qemu-system-arm") || !target_installed() {
        return None;
    }
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    let dir = BUILT.get_or_init(|| {
        let firmware = crate::common::root().join("firmware");
        let target_dir = firmware.join("target");
        // firmware/.cargo/config.toml sets the target and the linker
        // script: cargo reads it from the working directory. RUSTFLAGS
        // from the environment would replace that config's flags.
        let out = Command::new(env!("CARGO"))
            .args(["build", "--release", "--target-dir"])
            .arg(&target_dir)
            .current_dir(&firmware)
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "building the firmware images failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        target_dir.join(TARGET).join("release")
    });
    Some(dir.clone())
}

/// Whether rustup (or the toolchain) has the standard library for `TARGET`.
fn target_installed() -> bool {
    let sysroot = Command::new("rustc")
        .args(["--print", "sysroot"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let ok = PathBuf::from(sysroot)
        .join("lib/rustlib")
        .join(TARGET)
        .exists();
    assert!(
        ok || std::env::var_os("REQUIRE_INTEROP").is_none(),
        "REQUIRE_INTEROP is set but the {TARGET} target is not installed"
    );
    if !ok {
        eprintln!("skipped: rustup target add {TARGET} (the README's test command does)");
    }
    ok
}

/// An image running under QEMU; killed on drop.
pub struct Qemu {
    pub child: Child,
    /// The pseudo-terminal that is the image's UART0.
    pub path: String,
    /// The pseudo-terminals of every UART asked for, UART0 first.
    pub paths: Vec<String>,
    /// What the image printed (semihosting), line by line.
    pub lines: Receiver<String>,
}

impl Qemu {
    /// Starts `image` and waits for the pseudo-terminal QEMU reports.
    pub fn start(image: &str) -> Qemu {
        Qemu::start_with(image, 1)
    }

    /// Starts `image` with `uarts` UARTs (UART0, UART1, ...) on
    /// pseudo-terminals and waits for QEMU to report each, in order.
    pub fn start_with(image: &str, uarts: usize) -> Qemu {
        let kernel = images().expect("checked by the test").join(image);
        let mut child = Command::new("qemu-system-arm")
            .args(["-M", "mps2-an386", "-nographic", "-monitor", "none"])
            .args(["-semihosting-config", "enable=on,target=native"])
            .args((0..uarts).flat_map(|_| ["-serial", "pty"]))
            .arg("-kernel")
            .arg(&kernel)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let (tx, lines) = channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut qemu = Qemu {
            child,
            path: String::new(),
            paths: Vec::new(),
            lines,
        };
        for _ in 0..uarts {
            let line = qemu.line(Duration::from_secs(10));
            let path = line
                .strip_prefix("char device redirected to ")
                .and_then(|rest| rest.split_whitespace().next())
                .unwrap_or_else(|| panic!("{image}: QEMU did not report its pty: {line:?}"));
            qemu.paths.push(path.to_string());
        }
        qemu.path = qemu.paths[0].clone();
        qemu
    }

    /// The next line the image prints, within `timeout`.
    pub fn line(&self, timeout: Duration) -> String {
        match self.lines.recv_timeout(timeout) {
            Ok(line) => line,
            Err(RecvTimeoutError::Timeout) => panic!("no output within {timeout:?}"),
            Err(RecvTimeoutError::Disconnected) => panic!("QEMU ended its output"),
        }
    }

    /// Waits for the image to exit (killed, and the test failed, after
    /// `timeout`); its exit status and every line it printed.
    pub fn finish(mut self, timeout: Duration) -> (ExitStatus, Vec<String>) {
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if start.elapsed() > timeout {
                let _ = self.child.kill();
                let printed: Vec<String> = self.lines.try_iter().collect();
                panic!("the image still runs after {timeout:?}; it printed {printed:#?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        // The reader thread ends at QEMU's end of output.
        let mut printed = Vec::new();
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            printed.push(line);
        }
        (status, printed)
    }
}

impl Drop for Qemu {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The image passed: exit status 0 and `pass` as its last line.
pub fn assert_passed(status: ExitStatus, printed: &[String]) {
    assert!(
        status.success() && printed.last().is_some_and(|l| l == "pass"),
        "the image failed ({status}): {printed:#?}"
    );
}
