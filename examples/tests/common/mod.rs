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

/// The workspace root.
pub fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The `.venv` Python if it can import `modules` (comma-separated, as in an
/// `import` statement). Otherwise the test skips with a message, unless
/// `REQUIRE_INTEROP` is set (the test command sets it), which fails it.
pub fn venv_python(modules: &str) -> Option<std::path::PathBuf> {
    let p = root().join(".venv/bin/python");
    let ok = p.exists()
        && Command::new(&p)
            .args(["-c", &format!("import {modules}")])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
    if ok {
        return Some(p);
    }
    assert!(
        std::env::var_os("REQUIRE_INTEROP").is_none(),
        "REQUIRE_INTEROP is set but {modules} cannot be imported from .venv"
    );
    eprintln!("skipped: {modules} not installed in .venv (the README's test command installs it)");
    None
}

/// A child process killed when this is dropped (a peer server, socat).
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs the interop script `interop/<script>` with `py` and `args`; it must
/// succeed and print one JSON value, which is returned.
pub fn script_json(py: &std::path::Path, script: &str, args: &[&str]) -> serde_json::Value {
    let out = Command::new(py)
        .arg(root().join("interop").join(script))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Starts `interop/modbus_pymodbus_server.py` on `port` (a pseudo-terminal
/// path, or `tcp:N`); killed on drop.
pub fn pymodbus_server(py: &std::path::Path, port: &str) -> Killed {
    Killed(
        Command::new(py)
            .arg(root().join("interop/modbus_pymodbus_server.py"))
            .arg(port)
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    )
}

/// Our Modbus driver on `io` as the interop tests use it: 9600 baud,
/// replies framed by predicted length (pseudo-terminals and TCP hide
/// timing), 2 s response time-out, 300 ms turnaround after a broadcast.
pub fn modbus_driver<T>(io: T) -> transports::modbus::Driver<T, transports::StdClock>
where
    T: embedded_io::Read + embedded_io::Write,
{
    use transports::Clock as _;
    let config = modbus_rtu_lite::Config {
        timeout: std::time::Duration::from_secs(2),
        turnaround: std::time::Duration::from_millis(300),
        ..modbus_rtu_lite::Config::new(modbus_rtu_lite::Line::new(
            9600,
            modbus_rtu_lite::Parity::Even,
            1,
        ))
    };
    let clock = transports::StdClock::new();
    let client = config.client(clock.now());
    transports::modbus::Driver::new(io, clock, client)
}

/// A simulator running on a thread, serving the master side of a new
/// pseudo-terminal; clients open [`path`](InThread::path). Stopped and
/// joined on drop (a simulator that failed fails the test there).
pub struct InThread {
    /// The pseudo-terminal path for clients.
    pub path: String,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl InThread {
    /// Starts `serve(master, stop)` on its own thread; `stop()` turns true
    /// when this is dropped.
    pub fn start(
        serve: impl FnOnce(&mut transports::serial::Serial, &dyn Fn() -> bool) + Send + 'static,
    ) -> InThread {
        use std::sync::atomic::Ordering;
        let mut pty = transports::serial::Pty::new().unwrap();
        let path = pty.path().to_string();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let s = stop.clone();
        let thread = std::thread::spawn(move || serve(pty.master(), &|| s.load(Ordering::Relaxed)));
        InThread {
            path,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for InThread {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
    }
}

/// Whether `program` runs; a missing one skips the test with a message,
/// unless `REQUIRE_INTEROP` is set, which fails it.
pub fn found(program: &str) -> bool {
    let ok = Command::new(program)
        .arg("-h")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    assert!(
        ok || std::env::var_os("REQUIRE_INTEROP").is_none(),
        "REQUIRE_INTEROP is set but {program} is missing"
    );
    if !ok {
        eprintln!("skipped: {program} not installed (the README's test command installs it)");
    }
    ok
}

/// A pseudo-terminal pair from socat: the process and the two paths.
pub fn pair() -> (Killed, String, String) {
    let mut child = Command::new("socat")
        .args(["-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut paths = Vec::new();
    while paths.len() < 2 {
        let line = lines.next().expect("socat printed its ptys").unwrap();
        if let Some(i) = line.find("PTY is ") {
            paths.push(line[i + 7..].trim().to_string());
        }
    }
    // Keep draining socat's log so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    let b = paths.pop().unwrap();
    let a = paths.pop().unwrap();
    (Killed(child), a, b)
}

/// `child` ends within 20 seconds (killed and failed otherwise); its output.
/// The pipes are read while it runs, so a child printing more than a pipe
/// holds does not block.
pub fn finish(child: std::process::Child, what: &str) -> std::process::Output {
    let pid = child.id().to_string();
    let (done, ended) = std::sync::mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        let late = ended
            .recv_timeout(std::time::Duration::from_secs(20))
            .is_err();
        if late {
            let _ = Command::new("kill").args(["-9", &pid]).status();
        }
        late
    });
    let out = child.wait_with_output().unwrap();
    let _ = done.send(());
    if watchdog.join().unwrap() {
        panic!(
            "{what}: still running after 20 s; stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    out
}

/// Runs `bin` with `args`, stdin empty; it must end within 20 seconds.
pub fn run(bin: &str, args: &[&str]) -> std::process::Output {
    let child = Command::new(bin)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    finish(child, &format!("{bin} {args:?}"))
}

/// A finished process's stdout and stderr, as text.
pub fn text(out: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
