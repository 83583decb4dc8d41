//! Records the commit the binary is built from, for `gatehouse --version` and the start-up log line:
//! the abbreviated commit hash when building inside a git checkout, "unknown" otherwise (a source tarball).
//!
//! Release builds of the server also link the functions it runs placed together (`benches/symbol-order.txt`,
//! written by `benches/symbol-order.py`; docs/performance.md, "Memory at rest"), where the linker is LLD — Rust's
//! default on x86_64 Linux. `GATEHOUSE_SYMBOL_ORDER=0` turns it off (another linker, or to compare).
use std::path::{Path, PathBuf};
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
}

fn main() {
    let commit = git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=GATEHOUSE_COMMIT={commit}");
    // Build again when HEAD moves: HEAD itself (a branch switch) and the ref it points at (a commit).
    if let Some(dir) = git(&["rev-parse", "--git-dir"]).map(PathBuf::from) {
        let head = dir.join("HEAD");
        if head.is_file() {
            println!("cargo:rerun-if-changed={}", head.display());
        }
        if let Some(reference) = git(&["symbolic-ref", "-q", "HEAD"]) {
            let common = git(&["rev-parse", "--git-common-dir"])
                .map(PathBuf::from)
                .unwrap_or(dir);
            let file = common.join(reference);
            if file.is_file() {
                println!("cargo:rerun-if-changed={}", file.display());
            }
        }
    }
    symbol_order();
    println!("cargo:rerun-if-changed=build.rs");
}

/// Links the server's functions in the order of `benches/symbol-order.txt` (release builds, LLD only).
fn symbol_order() {
    println!("cargo:rerun-if-env-changed=GATEHOUSE_SYMBOL_ORDER");
    let list = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/symbol-order.txt");
    println!("cargo:rerun-if-changed={}", list.display());
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let wanted = var("GATEHOUSE_SYMBOL_ORDER") != "0" && var("PROFILE") == "release";
    // rustc links x86_64 Linux targets with its own LLD unless told otherwise; GNU ld knows no such option.
    let lld = var("TARGET") == "x86_64-unknown-linux-gnu"
        && !var("CARGO_ENCODED_RUSTFLAGS").contains("linker")
        && std::env::var_os("RUSTC_LINKER").is_none();
    if !(wanted && lld) {
        return;
    }
    if list.is_file() {
        println!(
            "cargo:rustc-link-arg-bin=gatehouse=-Wl,--symbol-ordering-file={},--no-warn-symbol-ordering",
            list.display()
        );
    }
    // Relative relocations packed (DT_RELR): 1.6 MB of relocation entries, which the loader reads whole at every
    // start, become a few KB. Needs glibc 2.36 (Debian 12) where the binary runs; built for the machine it
    // builds on, so asked of that one.
    if host_glibc_at_least(2, 36) && var("HOST") == var("TARGET") {
        println!("cargo:rustc-link-arg-bin=gatehouse=-Wl,-z,pack-relative-relocs");
    }
}

/// Whether the build machine's C library is glibc `major.minor` or newer (`getconf GNU_LIBC_VERSION`).
fn host_glibc_at_least(major: u32, minor: u32) -> bool {
    let Ok(out) = Command::new("getconf").arg("GNU_LIBC_VERSION").output() else {
        return false;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.trim().trim_start_matches("glibc ").split('.');
    let number = |p: Option<&str>| p.and_then(|p| p.parse::<u32>().ok());
    match (number(parts.next()), number(parts.next())) {
        (Some(a), Some(b)) => (a, b) >= (major, minor),
        _ => false,
    }
}
