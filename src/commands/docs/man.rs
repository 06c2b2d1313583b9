//! The manual page, one page for the whole tool: every command at every level
//! (`smp-avg query audience`, `smp-avg types add`) with its usage, every option, its
//! example, then ENVIRONMENT, EXIT STATUS and FILES. Written from the clap definitions
//! (so it cannot drift from the flags) in plain man(7) macros, and it refers to no page
//! that is not there.
use clap::{Arg, Command};
use std::fmt::Write as _;

/// Text for roff: backslashes and hyphens escaped, characters beyond ASCII as `\[uXXXX]`
/// (troff reads bytes, not UTF-8), no line taken for a request.
fn esc(text: &str) -> String {
    let mut body = String::new();
    for c in text.chars() {
        match c {
            '\\' => body.push_str("\\e"),
            '-' => body.push_str("\\-"),
            c if c.is_ascii() => body.push(c),
            c => {
                let _ = write!(body, "\\[u{:04X}]", u32::from(c));
            }
        }
    }
    body.lines()
        .map(|l| {
            if l.starts_with('.') || l.starts_with('\'') {
                format!("\\&{l}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A paragraph of prose: blank lines become paragraph breaks.
fn paragraphs(out: &mut String, text: &str) {
    for (i, p) in text.split("\n\n").enumerate() {
        if i > 0 {
            out.push_str(".PP\n");
        }
        let joined: Vec<&str> = p.lines().map(str::trim).collect();
        let _ = writeln!(out, "{}", esc(&joined.join(" ")));
    }
}

/// Lines kept as they are (examples).
fn verbatim(out: &mut String, text: &str) {
    out.push_str(".PP\n.nf\n");
    for line in text.lines() {
        let _ = writeln!(out, "{}", esc(line));
    }
    out.push_str(".fi\n");
}

fn value_names(arg: &Arg) -> String {
    match arg.get_value_names() {
        Some(names) if !names.is_empty() => names
            .iter()
            .map(|n| format!("\\fI{}\\fR", esc(n)))
            .collect::<Vec<_>>()
            .join(" "),
        _ => format!("\\fI{}\\fR", esc(&arg.get_id().as_str().to_uppercase())),
    }
}

/// One option or argument as a tagged paragraph.
fn argument(out: &mut String, arg: &Arg) {
    let takes_value = arg.get_action().takes_values();
    let mut head = String::new();
    if arg.is_positional() {
        head.push_str(&value_names(arg));
    } else {
        if let Some(s) = arg.get_short() {
            let _ = write!(head, "\\fB\\-{}\\fR", esc(&s.to_string()));
        }
        if let Some(l) = arg.get_long() {
            if !head.is_empty() {
                head.push_str(", ");
            }
            let _ = write!(head, "\\fB\\-\\-{}\\fR", esc(l));
        }
        if takes_value {
            head.push(' ');
            head.push_str(&value_names(arg));
        }
    }
    let _ = writeln!(out, ".TP\n{head}");
    let help = arg
        .get_long_help()
        .or_else(|| arg.get_help())
        .map(|h| h.to_string())
        .unwrap_or_default();
    let mut text = help.trim().to_string();
    let values: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| match v.get_help() {
            Some(h) => format!("{} ({})", v.get_name(), h),
            None => v.get_name().to_string(),
        })
        .collect();
    if takes_value && !values.is_empty() {
        let _ = write!(text, " One of: {}.", values.join("; "));
    }
    if takes_value && !arg.is_hide_default_value_set() {
        let defaults: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|d| d.to_string_lossy().into_owned())
            .collect();
        if !defaults.is_empty() {
            let _ = write!(text, " [default: {}]", defaults.join(", "));
        }
    }
    if let Some(env) = arg.get_env().filter(|_| !arg.is_hide_env_set()) {
        let _ = write!(text, " [env: {}]", env.to_string_lossy());
    }
    let _ = writeln!(out, "{}", esc(text.trim()));
}

/// The usage line of a command, as `--help` shows it.
fn usage(cmd: &Command, path: &str) -> String {
    let text = cmd.clone().bin_name(path).render_usage().to_string();
    text.trim()
        .strip_prefix("Usage: ")
        .unwrap_or(text.trim())
        .to_string()
}

/// A command's section, then its subcommands' (depth first, in definition order).
fn command(out: &mut String, cmd: &Command, path: &str) {
    let _ = writeln!(out, ".SS \"{}\"", esc(path));
    if let Some(about) = cmd.get_long_about().or_else(|| cmd.get_about()) {
        paragraphs(out, &about.to_string());
    }
    let _ = writeln!(out, ".PP\n\\fB{}\\fR", esc(&usage(cmd, path)));
    let args: Vec<&Arg> = cmd
        .get_arguments()
        .filter(|a| !a.is_hide_set() && !a.is_global_set())
        .filter(|a| !matches!(a.get_id().as_str(), "help" | "version"))
        .collect();
    for arg in args.iter().filter(|a| a.is_positional()) {
        argument(out, arg);
    }
    for arg in args.iter().filter(|a| !a.is_positional()) {
        argument(out, arg);
    }
    let subs: Vec<&Command> = cmd.get_subcommands().filter(|s| !s.is_hide_set()).collect();
    if !subs.is_empty() {
        let names: Vec<String> = subs.iter().map(|s| s.get_name().to_string()).collect();
        let _ = writeln!(out, ".PP\nCommands: {}.", esc(&names.join(", ")));
    }
    if let Some(after) = cmd.get_after_long_help().or_else(|| cmd.get_after_help()) {
        verbatim(out, &after.to_string());
    }
    for sub in subs {
        command(out, sub, &format!("{path} {}", sub.get_name()));
    }
}

const EXIT_STATUS: &[(u8, &str)] = &[
    (
        0,
        "Success. A closed pipe (smp-avg ... | head) is a normal end too.",
    ),
    (
        1,
        "Refused or failed: bad input, not found, already anonymised, a database error. Nothing was changed.",
    ),
    (
        2,
        "Usage error: an unknown command or option, a missing argument, a malformed value. Nothing was done.",
    ),
    (
        3,
        "Done, but something needs attention (an overdue data-subject request or breach), for cron.",
    ),
    (
        101,
        "Internal error: a bug in smp-avg, reported as one line. Nothing was changed; please report it with the command you ran.",
    ),
];

/// The whole page.
pub fn render(root: &Command) -> String {
    let name = root.get_name().to_string();
    let version = root.get_version().unwrap_or("");
    let mut out = String::new();
    let _ = writeln!(
        out,
        ".TH {} 1 \"\" \"{} {}\" \"User Commands\"",
        esc(&name.to_uppercase()),
        esc(&name),
        esc(version)
    );
    out.push_str(".SH NAME\n");
    let about = root.get_about().map(|a| a.to_string()).unwrap_or_default();
    let _ = writeln!(out, "{} \\- {}", esc(&name), esc(about.trim()));
    out.push_str(".SH SYNOPSIS\n");
    let _ = writeln!(
        out,
        "\\fB{}\\fR [\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR]",
        esc(&name)
    );
    out.push_str(".SH DESCRIPTION\n");
    if let Some(long) = root.get_long_about() {
        paragraphs(&mut out, &long.to_string());
        out.push_str(".PP\n");
    }
    out.push_str(
        "Operators run it in a terminal, cron runs it every night, scripts call it during imports. Every command that writes runs in one transaction (all or nothing), has \\fB\\-\\-dry\\-run\\fR, and leaves one entry in the audit log. Destructive commands ask on a terminal and need \\fB\\-\\-yes\\fR elsewhere. Times are printed in UTC as 2026\\-11\\-28T23:50:36Z; a date may be typed as 2026\\-11\\-28, 28\\-11\\-2026 or a full timestamp. \\fIPERSON\\fR is a person id or an e\\-mail address.\n",
    );
    out.push_str(".SH GLOBAL OPTIONS\nThese go before or after the command.\n");
    for arg in root
        .get_arguments()
        .filter(|a| !a.is_hide_set() && a.is_global_set())
    {
        argument(&mut out, arg);
    }
    out.push_str(
        ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nPrint help (of the command it follows).\n",
    );
    out.push_str(".TP\n\\fB\\-V\\fR, \\fB\\-\\-version\\fR\nPrint the version.\n");
    out.push_str(".SH COMMANDS\n");
    for sub in root.get_subcommands().filter(|s| !s.is_hide_set()) {
        command(&mut out, sub, &format!("{name} {}", sub.get_name()));
    }
    out.push_str(".SH ENVIRONMENT\n");
    for arg in root.get_arguments().filter(|a| a.get_env().is_some()) {
        let env = arg
            .get_env()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_default();
        let long = arg.get_long().unwrap_or_default();
        let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
        let _ = writeln!(
            out,
            ".TP\n\\fB{}\\fR\n{} (as \\fB\\-\\-{}\\fR; the option wins).",
            esc(&env),
            esc(help.trim()),
            esc(long)
        );
    }
    out.push_str(&format!(
        ".TP\n\\fBUSER\\fR, \\fBLOGNAME\\fR\nThe operator when neither \\fB\\-\\-operator\\fR nor \\fBSMP_AVG_OPERATOR\\fR is given (cron sets LOGNAME); without them, the name of the account itself. The audit log always records the account as well.\n.TP\n\\fBCOLUMNS\\fR\nThe width of tables. Without it, the width the terminal reports; {} when it reports none or 0, or when the output is not a terminal.\n.TP\n\\fBNO_COLOR\\fR\nHonoured trivially: {} never colours its output.\n",
        crate::output::table::DEFAULT_WIDTH,
        esc(&name)
    ));
    out.push_str(".SH EXIT STATUS\n");
    for (code, meaning) in EXIT_STATUS {
        let _ = writeln!(out, ".TP\n\\fB{code}\\fR\n{}", esc(meaning));
    }
    out.push_str(".SH FILES\n.TP\n\\fIcrm.sqlite\\fR\nThe database (\\fB\\-\\-db\\fR), with its \\fI\\-wal\\fR and \\fI\\-shm\\fR files beside it; created by \\fBinit\\fR readable by its owner only.\n");
    if let Some(after) = root.get_after_help() {
        out.push_str(".SH EXAMPLES\n");
        let text = after.to_string();
        verbatim(
            &mut out,
            text.strip_prefix("Example:\n").unwrap_or(&text).trim_end(),
        );
    }
    out.push_str(".SH SEE ALSO\nThe command\\-line reference \\fIdocs/CLI.md\\fR and the \\fIREADME.md\\fR in the source of smp\\-avg; \\fBsmp\\-avg \\fICOMMAND\\fB \\-\\-help\\fR.\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roff_requests_and_escapes_cannot_come_from_text() {
        assert_eq!(esc(".SH x"), "\\&.SH x");
        assert_eq!(esc("a\\b --x"), "a\\eb \\-\\-x");
        assert_eq!(esc("one\n'two"), "one\n\\&'two");
        assert_eq!(esc("§1.2 …"), "\\[u00A7]1.2 \\[u2026]");
    }
}
