//! The database: the connection policy, the schema migrator and the SQL of each concern.
//! Everything here works on a `&Connection` or `&Transaction` handed down by a command;
//! nothing prints or asks.
pub mod anonymise;
pub mod audience;
pub mod audit;
pub mod mailings;
pub mod migrate;
pub mod open;
pub mod persons;
pub mod queries;
pub mod register;
pub mod retention;
pub mod rules;
pub mod scores;
pub mod settings;
pub mod sources;
pub mod suppression;

pub use migrate::SCHEMA;
pub use open::{open_existing, open_or_create, open_readonly};
pub mod consent;
pub mod defaults;
pub mod documents;
pub mod integrity;
pub mod ledger;
pub mod merge;
pub mod types;
// Issue 14: accountability.
pub mod breaches;
pub mod processors;
pub mod report;
pub mod requests;
pub mod restriction;
pub mod transactions;
