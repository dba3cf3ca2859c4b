//! The `prospect` binary: parse arguments, run the command, map errors to exit codes.

mod app;
mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    tune_allocator();
    let cli = cli::Cli::parse();
    match app::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            if app::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {err:#}");
            ExitCode::from(app::exit_code(&err))
        }
    }
}

/// glibc's allocator gives each thread that allocates at once an arena of its own and raises
/// its threshold for returning large blocks to the system as the program frees them; a crawl of
/// pages at the body cap, decoded and read on many threads, then keeps hundreds of megabytes it
/// no longer uses. Two arenas and a fixed threshold keep the footprint near what is in use.
fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; it is called before any other thread
    // exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
    }
}
