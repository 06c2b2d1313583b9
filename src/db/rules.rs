//! Automatic soft opt-ins and opt-outs (§1.2–§1.4): each consent type's rule applied as
//! one set-based INSERT … SELECT.
//!
//! - Opt-in rule: the persons of the rule's saved query, minus the sub-query of persons
//!   that have ANY record of the type (a rule never overturns a choice, and never
//!   repeats itself), minus anonymised persons.
//! - Opt-out rule: the persons of the rule's saved query whose current state for the
//!   type is not already opt-out, minus anonymised persons.
use super::queries::{self, CheckedSql};
use super::types::ConsentType;
use anyhow::{Context, Result, bail};
use rusqlite::{Connection, params};

/// The tables a rule run may write (the guard of `queries::guard_writes`).
pub const WRITES: &[&str] = &["consent_records", "consent_state", "audit_log"];

/// A rule ready to apply: its type, direction and checked query.
#[derive(Debug, Clone)]
pub struct SoftRule {
    pub kind: String,
    pub opt_in: bool,
    pub query_name: String,
    pub channel: String,
    pub description: Option<String>,
    pub query: CheckedSql,
}

impl SoftRule {
    /// Load and check the rule of a type on the read-only connection; None without rule.
    pub fn of(ro: &Connection, t: &ConsentType) -> Result<Option<SoftRule>> {
        let (Some(name), Some(opt_in)) = (&t.rule, t.rule_opt_in) else {
            return Ok(None);
        };
        let saved =
            queries::require(ro, name).with_context(|| format!("rule of type {}", t.code))?;
        let query = queries::check(ro, &saved.sql)
            .with_context(|| format!("rule of type {}: saved query '{name}'", t.code))?;
        Ok(Some(SoftRule {
            kind: t.code.clone(),
            opt_in,
            query_name: name.clone(),
            channel: t.rule_channel.clone(),
            description: t.rule_description.clone(),
            query,
        }))
    }

    /// The INSERT … SELECT of this rule. ?1 time, ?2 type, ?3 channel, ?4 description.
    pub fn sql(&self) -> String {
        let exclude = if self.opt_in {
            // ANY record of the type, opt-in or opt-out, however old.
            "NOT EXISTS (SELECT 1 FROM consent_records r WHERE r.person_id = q.person_id AND r.type = ?2)"
        } else {
            "NOT EXISTS (SELECT 1 FROM consent_state s WHERE s.person_id = q.person_id AND s.type = ?2 AND s.opt_in = 0)"
        };
        format!(
            "WITH {cte}
             INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel, description)
             SELECT DISTINCT ?1, q.person_id, ?2, {opt_in}, ?3, ?4
             FROM rule_query q
             JOIN persons p ON p.id = q.person_id AND p.anonymised_at IS NULL
             WHERE {exclude}",
            cte = queries::as_cte("rule_query", &self.query),
            opt_in = i32::from(self.opt_in),
        )
    }

    /// Apply the rule in the caller's transaction; returns the records inserted.
    pub fn apply(&self, conn: &Connection, recorded_at: &str) -> Result<u64> {
        if self.channel.trim().is_empty() {
            bail!("rule of type {}: empty channel", self.kind);
        }
        let n = conn
            .execute(
                &self.sql(),
                params![recorded_at, self.kind, self.channel, self.description],
            )
            .with_context(|| {
                format!(
                    "applying the rule of type {} (saved query '{}')",
                    self.kind, self.query_name
                )
            })?;
        Ok(n as u64)
    }
}
