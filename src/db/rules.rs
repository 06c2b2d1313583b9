//! Automatic soft opt-ins and opt-outs (§1.2–§1.4): each consent type's rule applied as
//! one set-based INSERT … SELECT, in the one place rules are applied.
//!
//! - Opt-in rule: the persons of the rule's saved query who may get a soft opt-in
//!   (view `soft_optin_allowed`: not anonymised, deceased, restricted, objected or under
//!   16), whose address is not suppressed, minus the sub-query of persons that have ANY
//!   record of the type (a rule never overturns a choice and never repeats itself);
//!   minus everyone whose own record opts them out of a type of the same kind (an
//!   objection to profiling, Art. 21(3), or leaving one newsletter, holds for the
//!   types of that kind made later).
//! - Opt-out rule: the persons of the rule's saved query whose current state for the
//!   type is not already opt-out, minus anonymised and restricted persons.
//!
//! Every record a rule makes has source `rule` and points to its `rule_runs` row.
use super::queries::{self, CheckedSql};
use super::suppression;
use super::types::ConsentType;
use anyhow::{Context, Result, bail};
use rusqlite::{Connection, params};

/// The tables a rule run may write (the guard of `queries::guard_writes`).
pub const WRITES: &[&str] = &["consent_records", "consent_state", "audit_log", "rule_runs"];

/// How many rows of a rule's query are checked to be person ids before it is applied.
const SAMPLE: i64 = 1000;

/// A rule ready to apply: its type, direction and checked query.
#[derive(Debug, Clone)]
pub struct SoftRule {
    pub kind: String,
    pub type_kind: String,
    pub opt_in: bool,
    pub query_name: String,
    pub channel: String,
    pub description: Option<String>,
    pub query: CheckedSql,
}

impl SoftRule {
    /// Load and check the rule of a type on the read-only connection; None without rule.
    /// A saved query that no longer returns person ids (changed behind the tool's
    /// back) is an error naming the rule.
    pub fn of(ro: &Connection, t: &ConsentType) -> Result<Option<SoftRule>> {
        let (Some(name), Some(opt_in)) = (&t.rule, t.rule_opt_in) else {
            return Ok(None);
        };
        let context = || format!("rule of type {}: saved query '{name}'", t.code);
        let saved = queries::require(ro, name).with_context(context)?;
        let query = queries::check(ro, &saved.sql).with_context(context)?;
        queries::check_sample_is_person_ids(ro, &query, SAMPLE).with_context(context)?;
        Ok(Some(SoftRule {
            kind: t.code.clone(),
            type_kind: t.kind.clone(),
            opt_in,
            query_name: name.clone(),
            channel: t.rule_channel.clone(),
            description: t.rule_description.clone(),
            query,
        }))
    }

    /// The INSERT … SELECT of this rule. ?1 time, ?2 type, ?3 channel, ?4 description,
    /// ?5 the rule run, ?6 the type's kind.
    pub fn sql(&self) -> String {
        let cte = queries::as_cte("rule_query", &self.query);
        if self.opt_in {
            // An opt-out the person gave for a type of the same kind holds for its
            // siblings, also those made later: no rule opts someone into a second
            // newsletter after they left the first (for profiling: Art. 21(3)). Not for
            // kind `other`, whose types have nothing in common.
            let same_kind = if self.type_kind == "other" {
                ""
            } else {
                "AND NOT EXISTS (
                    SELECT 1 FROM consent_state s JOIN consent_types t ON t.code = s.type AND t.kind = ?6
                    WHERE s.person_id = q.person_id AND s.opt_in = 0 AND s.source <> 'rule')"
            };
            format!(
                "WITH {cte}
                 INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel, description, source, rule_run_id)
                 SELECT DISTINCT ?1, q.person_id, ?2, 1, ?3, ?4, 'rule', ?5
                 FROM rule_query q
                 JOIN soft_optin_allowed p ON p.id = q.person_id
                 WHERE NOT EXISTS (SELECT 1 FROM consent_records r WHERE r.person_id = q.person_id AND r.type = ?2)
                   AND (NOT EXISTS (SELECT 1 FROM suppressions) OR p.email IS NULL
                        OR {f}(p.email) NOT IN (SELECT hash FROM suppressions))
                   {same_kind}",
                f = suppression::SQL_FUNCTION,
            )
        } else {
            format!(
                "WITH {cte}
                 INSERT INTO consent_records (recorded_at, person_id, type, opt_in, channel, description, source, rule_run_id)
                 SELECT DISTINCT ?1, q.person_id, ?2, 0, ?3, ?4, 'rule', ?5
                 FROM rule_query q
                 JOIN persons p ON p.id = q.person_id AND p.anonymised_at IS NULL AND p.restricted_at IS NULL
                 WHERE NOT EXISTS (SELECT 1 FROM consent_state s WHERE s.person_id = q.person_id AND s.type = ?2 AND s.opt_in = 0)"
            )
        }
    }

    /// Apply the rule in the caller's transaction: one `rule_runs` row and the records
    /// it made. Returns the records inserted.
    pub fn apply(&self, conn: &Connection, recorded_at: &str) -> Result<u64> {
        if self.channel.trim().is_empty() {
            bail!("rule of type {}: empty channel", self.kind);
        }
        conn.execute(
            "INSERT INTO rule_runs (run_at, type, query_name, opt_in) VALUES (?1, ?2, ?3, ?4)",
            params![recorded_at, self.kind, self.query_name, self.opt_in],
        )
        .context("recording the rule run")?;
        let run = conn.last_insert_rowid();
        // A bulk write: the records go in person order (the rule's type is one), with the
        // per-row state triggers off, and the state of the persons it touched follows in
        // one statement.
        let first = super::sources::next_consent_record_id(conn)?;
        let n = super::consent::without_state_triggers(conn, || {
            let sql = self.sql();
            // ?6 (the kind) is used by opt-in rules of a kind other than `other` only.
            if sql.contains("?6") {
                conn.execute(
                    &sql,
                    params![
                        recorded_at,
                        self.kind,
                        self.channel,
                        self.description,
                        run,
                        self.type_kind
                    ],
                )
            } else {
                conn.execute(
                    &sql,
                    params![recorded_at, self.kind, self.channel, self.description, run],
                )
            }
            .with_context(|| {
                format!(
                    "applying the rule of type {} (saved query '{}')",
                    self.kind, self.query_name
                )
            })
        })?;
        if n > 0 && self.opt_in {
            // Each a person's first record of the type (the rule's own condition).
            super::consent::add_first_states_since(conn, first, n as u64)?;
        } else if n > 0 {
            super::consent::update_state_since(conn, first)?;
        }
        conn.execute(
            "UPDATE rule_runs SET inserted = ?2 WHERE id = ?1",
            params![run, n as i64],
        )?;
        Ok(n as u64)
    }
}
