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
    /// Usage error: unknown command or flag, missing argument (reported by clap).
    Usage = 2,
}

#[cfg(test)]
mod tests {
    use super::Exit;

    #[test]
    fn codes_match_the_contract() {
        assert_eq!(Exit::Ok as u8, 0);
        assert_eq!(Exit::Failed as u8, 1);
        assert_eq!(Exit::Usage as u8, 2);
    }

    #[test]
    fn clap_usage_errors_use_the_usage_code() {
        use clap::Parser;
        let err = crate::cli::Cli::try_parse_from(["smp-avg", "no-such-command"]).unwrap_err();
        assert_eq!(err.exit_code(), Exit::Usage as i32);
    }
}
