//! `smp-avg completions bash|zsh|fish` and `smp-avg man`: generated from the clap
//! definitions, so they never drift from the real flags.
use crate::cli::{Cli, Shell};
use anyhow::Result;
use clap::CommandFactory;
use std::io::Write;

pub fn completions(shell: Shell) -> Result<()> {
    let mut cmd = Cli::command();
    let shell = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    // Into memory first: the generator panics on a closed pipe, our writer does not.
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "smp-avg", &mut buf);
    let mut out = crate::output::stdout();
    out.write_all(&buf)?;
    out.flush()?;
    Ok(())
}

pub fn man() -> Result<()> {
    let cmd = Cli::command();
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut buf)?;
    // One page for the whole tool: each command's own section follows.
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        writeln!(buf, ".SH \"SMP-AVG {}\"", sub.get_name().to_uppercase())?;
        let page = clap_mangen::Man::new(sub.clone());
        page.render_description_section(&mut buf)?;
        page.render_options_section(&mut buf)?;
        if sub.has_subcommands() {
            page.render_subcommands_section(&mut buf)?;
        }
        page.render_extra_section(&mut buf)?;
    }
    let mut out = crate::output::stdout();
    out.write_all(&buf)?;
    out.flush()?;
    Ok(())
}
