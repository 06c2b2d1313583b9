//! smp-avg: the GDPR (AVG) administration tool of the SMP CRM, over one SQLite file.
//!
//! Architecture, top to bottom (ARCHITECTURE.md has the rule map: where each business
//! rule is written, once):
//! - [`cli`]: the clap definitions (the command-line contract of CLI.md); values are
//!   parsed here, so a malformed one is a usage error.
//! - [`commands`]: one module per command: flags → core call in one transaction →
//!   [`output`]. Confirmations and progress bars live here and nowhere else.
//! - [`db`]: the connection policy, the schema migrator, the tamper-evident chains and
//!   the SQL of each concern (persons, consent, rules, audiences, suppression, audit, …),
//!   on a `&Connection` or `&Transaction`. SQL is written here and in schema.sql only.
//! - [`access`]: the right-of-access answer: everything held on one person, gathered
//!   once, rendered as PDF or JSON.
//! - [`import`]: CSV dialects and per-row validation with line numbers.
//! - [`rules`]: the pure domain: validators, times and retention periods.
//! - [`demo`]: the deterministic synthetic CRM of `init --demo`.
//! - [`output`]: table, CSV and JSON rendering; the only writer of standard output.
//! - [`exit`]: the exit-code contract and the panic hook.
pub mod access;
pub mod cli;
pub mod commands;
pub mod db;
pub mod demo;
pub mod exit;
pub mod import;
pub mod output;
pub mod rules;
