//! smp-avg: the GDPR (AVG) administration tool of the SMP CRM, over one SQLite file.
//!
//! Architecture, top to bottom:
//! - [`cli`]: the clap definitions (the command-line contract of CLI.md).
//! - [`commands`]: one module per command: flags → core call in one transaction →
//!   [`output`]. Confirmations and progress bars live here and nowhere else.
//! - [`db`]: the connection policy, the schema migrator and the SQL of each concern
//!   (persons, consent, types, audit, …), on a `&Connection` or `&Transaction`.
//! - [`rules`]: the pure domain: validators, times and retention periods.
//! - [`import`]: CSV dialects and per-row validation with line numbers.
//! - [`demo`]: the deterministic synthetic CRM of `init --demo`.
//! - [`output`]: table, CSV and JSON rendering.
//! - [`exit`]: the exit-code contract.
pub mod access;
pub mod cli;
pub mod commands;
pub mod db;
pub mod demo;
pub mod exit;
pub mod import;
pub mod output;
pub mod rules;
