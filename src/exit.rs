//! The exit-code contract of CLI.md: scripts and cron jobs branch on these numbers.

/// Process exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    /// The command did what was asked.
    Ok = 0,
    /// Refused or failed: bad input, not found, already anonymised, database error.
    /// Nothing was changed.
    Failed = 1,
    /// Usage error: unknown command or flag, missing argument, a malformed value
    /// (reported by clap).
    Usage = 2,
    /// Done, but something needs attention (an overdue request or breach), for cron.
    Attention = 3,
    /// A bug in smp-avg (a panic): reported as one line by [`install_panic_hook`].
    Bug = 101,
}

/// Replace Rust's panic text with one line that says what failed and that it is a bug
/// to report. The transaction of the command is rolled back as the stack unwinds, so
/// nothing is changed. The exit code stays 101 (Rust's), outside the contract's codes.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".into());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let what = crate::output::inert(&what);
        eprintln!(
            "error: internal error in smp-avg {}{place}: {what} (this is a bug: please report it with the command you ran; nothing was changed)",
            env!("CARGO_PKG_VERSION")
        );
    }));
}

#[cfg(test)]
mod tests {
    use super::Exit;

    #[test]
    fn codes_match_the_contract() {
        assert_eq!(Exit::Ok as u8, 0);
        assert_eq!(Exit::Failed as u8, 1);
        assert_eq!(Exit::Usage as u8, 2);
        assert_eq!(Exit::Attention as u8, 3);
    }

    #[test]
    fn clap_usage_errors_use_the_usage_code() {
        use clap::Parser;
        let err = crate::cli::Cli::try_parse_from(["smp-avg", "no-such-command"]).unwrap_err();
        assert_eq!(err.exit_code(), Exit::Usage as i32);
    }
}
