//! The `smp-avg` binary: parse, dispatch, print the error once, exit with the contract's code.
use std::process::ExitCode;

fn main() -> ExitCode {
    smp_avg::exit::install_panic_hook();
    let (cli, command) = smp_avg::cli::parse();
    smp_avg::output::set_command(&command);
    match smp_avg::commands::dispatch(cli) {
        Ok(code) => ExitCode::from(code as u8),
        Err(err) if smp_avg::output::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            // A time limit that stopped a statement says so, instead of "interrupted".
            let line = smp_avg::db::queries::stopped_message()
                .unwrap_or_else(|| smp_avg::output::error_line(&err));
            eprintln!("error: {line}");
            ExitCode::from(smp_avg::exit::Exit::Failed as u8)
        }
    }
}
