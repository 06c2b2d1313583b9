//! The domain, pure: no database, no terminal. Time-dependent rules take "now" as an
//! argument so that tests can fix the date.
pub mod age;
pub mod deadline;
pub mod period;
pub mod time;
pub mod validate;
