#!/usr/bin/env bash
# Runs every check and test of the workspace. Installs what they need first
# (rustup components and targets, cargo-fuzz, the Python peers in .venv), so
# a fresh machine with rustup and python3 needs nothing else.
set -euo pipefail
cd "$(dirname "$0")"
step() { printf '\n== %s\n' "$*"; }

step "toolchain: rustfmt, clippy, llvm-tools (llvm-size for firmware/footprint), the embedded targets"
rustup component add rustfmt clippy llvm-tools
# Cortex-M4F (the images), Cortex-M0+ (no atomic compare-and-swap) and a
# RISC-V microcontroller.
embedded="thumbv7em-none-eabihf thumbv6m-none-eabi riscv32imc-unknown-none-elf"
# shellcheck disable=SC2086
rustup target add $embedded

step "Debian peers: mbpoll (libmodbus master), libmodbus (for a small slave), socat (pty pairs), pkg-config, valgrind (counts instructions), qemu-system-arm (runs the firmware images)"
if ! command -v mbpoll >/dev/null || ! command -v socat >/dev/null || ! pkg-config --exists libmodbus 2>/dev/null \
    || ! command -v valgrind >/dev/null || ! command -v qemu-system-arm >/dev/null; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq mbpoll libmodbus-dev pkg-config socat valgrind
    # The Arm system emulators alone, without the GUI and ROMs it recommends.
    $SUDO apt-get install -y -qq --no-install-recommends qemu-system-arm
fi

step "python peers into .venv (interop/requirements.txt)"
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check -r interop/requirements.txt
export REQUIRE_INTEROP=1

step "format"
cargo fmt --all --check
(cd fuzz && cargo fmt --check)
(cd firmware && cargo fmt --check)

step "clippy"
cargo clippy --workspace --all-targets --features axpert-proto/serde,enc-ascii/serde,bms-can/serde,modbus-rtu-lite/serde,solarproto-points/std -- -D warnings
(cd firmware && cargo clippy -- -D warnings)

step "no_std, no alloc: the protocol crates for $embedded"
for t in $embedded; do
    for c in solarproto-core axpert-proto enc-ascii bms-can modbus-rtu-lite solarproto-slcan ydt1363 solarproto-points; do
        cargo build -p "$c" --target "$t" --no-default-features
        cargo check -p "$c" --target "$t" --no-default-features --features serde,defmt
    done
    # The drivers without std: blocking over embedded-io, async over embedded-io-async.
    cargo build -p solarproto-transports --target "$t" --no-default-features
done
cargo build -p modbus-rtu-lite --target thumbv6m-none-eabi --no-default-features --features crc-small

step "defmt::Format on every public type of the protocol crates (firmware/defmt-check, rustdoc JSON: nightly)"
# Not skipped without nightly, as the fuzz smoke is: a type without Format
# must fail the run. A minimal nightly is installed only if none is there
# (an installed one is not updated here).
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
firmware/defmt-check

step "firmware images (firmware/, thumbv7em-none-eabihf): built, and their sizes"
# The tests run them under QEMU (examples/tests/firmware_qemu.rs).
firmware/footprint

step "features: each library crate with no default features, and with all of them"
# Alone, so no other crate's features hide a feature that forgets to
# enable what it needs (e.g. serde without proto-core/serde).
for c in solarproto-core axpert-proto enc-ascii bms-can modbus-rtu-lite solarproto-slcan ydt1363 solarproto-points; do
    cargo check -p "$c" --no-default-features
    cargo check -p "$c" --all-features
done
# transports without default features is the thumbv7em build above.
cargo check -p solarproto-transports --all-features

msrv=$(sed -n 's/^rust-version = "\(.*\)"$/\1/p' Cargo.toml)
step "MSRV: the library crates on Rust $msrv (rust-version), default and all features"
rustup toolchain install "$msrv" --profile minimal
# A target dir of its own: another compiler's artifacts would only evict
# the main build's.
for c in solarproto-core axpert-proto enc-ascii bms-can modbus-rtu-lite solarproto-slcan ydt1363 solarproto-points solarproto-transports; do
    CARGO_TARGET_DIR=target/msrv cargo "+$msrv" check -p "$c"
    CARGO_TARGET_DIR=target/msrv cargo "+$msrv" check -p "$c" --all-features
done

step "docs (rustdoc warnings denied)"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --workspace --features solarproto-transports/tokio

step "packages: each library crate as crates.io would get it, built from its packaged files"
# In dependency order, unpublished workspace crates overlaid as a local
# registry; examples and benches are publish = false. --allow-dirty: the
# packaged files are the working tree's.
# Cargo keeps the unpacked sources of that local registry, and what it
# built from them, keyed by name and version only: a crate changed since
# the last run (same version) would be verified against its old sources.
# Forget both: the unpacked sources, and a target dir of its own.
for overlay in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/-*; do
    [ -d "$overlay" ] || continue
    for c in solarproto-core axpert-proto enc-ascii bms-can modbus-rtu-lite solarproto-slcan ydt1363 solarproto-points solarproto-transports; do
        rm -rf "$overlay/$c-"[0-9]*
    done
done
rm -rf target/package-check
CARGO_TARGET_DIR=target/package-check cargo package --workspace --allow-dirty --exclude examples --exclude benches

step "fuzz smoke (${FUZZ_SECONDS:=10} s per target, seeds from the captures)"
if rustup toolchain list | grep -q '^nightly'; then
    command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
    for t in $(cd fuzz && cargo +nightly fuzz list); do
        mkdir -p "fuzz/corpus/$t"
        (cd fuzz && cargo +nightly fuzz run "$t" "corpus/$t" "seeds/$t" -- \
            -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=1024 2>&1 | tail -n 3)
    done
else
    echo "skipped: no nightly toolchain (cargo-fuzz needs one)"
fi

step "miri: the protocol crates' unit tests under the interpreter (undefined behaviour, out-of-bounds)"
# nightly is there (the defmt step installs it). Few proptest cases: miri
# runs each about a thousand times slower; isolation off for proptest's
# failure files.
rustup component add --toolchain nightly miri rust-src
for c in solarproto-core axpert-proto enc-ascii bms-can modbus-rtu-lite solarproto-slcan ydt1363 solarproto-points; do
    PROPTEST_CASES=4 MIRIFLAGS=-Zmiri-disable-isolation cargo +nightly miri test -p "$c" --lib 2>&1 | tail -n 3
done

step "tests"
log=$(mktemp)
cargo test --workspace --features axpert-proto/serde,enc-ascii/serde,bms-can/serde,modbus-rtu-lite/serde,solarproto-points/std 2>&1 | tee "$log"
# The point tables' range check in single precision and without the short
# path, as firmware builds them.
cargo test -p solarproto-points --lib --features range-f32,small 2>&1 | tee -a "$log"
# The hex decoders without their word-at-a-time fast paths, as firmware
# builds them: the same results.
cargo test -p ydt1363 -p enc-ascii -p axpert-proto -p solarproto-slcan -p solarproto-core --features small 2>&1 | tee -a "$log"
# The long ones, in release: 100 MB of garbage through every framer, and
# resynchronisation counted in instructions under valgrind.
cargo test --release -p solarproto-transports --test garbage -- --ignored 2>&1 | tee -a "$log"
if ls /sys/class/net 2>/dev/null | grep -qE '^v?can[0-9]'; then
    cargo test -p solarproto-transports --lib -- --ignored live_interface 2>&1 | tee -a "$log"
fi
passed=$(grep -o '[0-9]* passed' "$log" | awk '{s+=$1} END {print s+0}')
failed=$(grep -o '[0-9]* failed' "$log" | awk '{s+=$1} END {print s+0}')
# Ignored in the debug run and not run since (the release run above takes
# some of them): each with its reason.
skipped=$(mktemp)
grep -E '^test .* \.\.\. ignored' "$log" | sort -u | while read -r line; do
    name=$(printf '%s\n' "$line" | sed 's/^test \(.*\) \.\.\. ignored.*/\1/')
    grep -qF "test $name ... ok" "$log" || printf '  %s\n' "$line"
done > "$skipped" || true
ignored=$(wc -l < "$skipped")
echo
echo "ignored, each with its reason:"
cat "$skipped"
rm -f "$log" "$skipped"
echo
echo "all: $passed passed, $failed failed, $ignored skipped"
