use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = gatehouse::cli::Cli::parse();
    gatehouse::cli::run(cli)
}
