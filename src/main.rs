use clap::Parser;

fn main() -> std::process::ExitCode {
    return_large_allocations_to_the_system();
    let cli = gatehouse::cli::Cli::parse();
    gatehouse::cli::run(cli)
}

/// Large allocations (the password hashing threads' 19 MiB argon2 buffers) always straight from and back to the
/// system. glibc raises its mmap threshold to the size of the first large block freed, so from the second burst
/// of sign-ins on it kept those buffers in its arenas after the threads gave them back: an idle server stayed
/// ~40 MiB larger for good. A fixed threshold turns the dynamic adjustment off (docs/performance.md has the
/// measurements, also of mimalloc, which kept more).
fn return_large_allocations_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a tunable of the C allocator, and runs before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}
