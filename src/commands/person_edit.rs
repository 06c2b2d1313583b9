//! `smp-avg person edit PERSON --FIELD VALUE ...`: rectification (Art. 16 GDPR). Every
//! value passes the checks of the import (`rules::validate::person_field`): a malformed
//! e-mail address is stored with a warning (the person is not mailable), anything else
//! malformed is refused. An empty value clears a field. One audit entry names the fields
//! that changed, never their values; the change answers the person's oldest open
//! rectification request, and the processors that receive a changed category get a
//! notification to-do (Art. 19).
use super::{Context, in_write_transaction};
use crate::cli::{Format, PersonEditArgs};
use crate::db::{audit, persons, processors, register, requests, suppression};
use crate::output;
use crate::rules::{time, validate};
use anyhow::{Result, bail};
use rusqlite::types::Value as SqlValue;
use serde_json::json;

/// What an edit did (or would do).
struct Edited {
    person_id: i64,
    changed: Vec<&'static str>,
    warnings: Vec<String>,
    answered_request: Option<i64>,
    notify: Vec<processors::Notify>,
}

pub fn run(ctx: &Context, args: &PersonEditArgs) -> Result<()> {
    let given = args.given();
    let now = time::now();
    let now_text = time::format_time(now);
    let mut conn = ctx.open()?;
    // A birth date may be today on the organisation's clock, not later.
    let today = crate::db::settings::day_of(&conn, now)?;
    let edited = in_write_transaction(&mut conn, args.dry_run, |tx| {
        let id = persons::resolve_active(tx, &args.person)?;
        let current = persons::load(tx, id)?;
        // A postal code is checked against the country the person will have.
        let country = match given.iter().find(|(c, _)| *c == "country") {
            Some((_, v)) => Some(v.trim()).filter(|v| !v.is_empty()),
            None => current.country.as_deref(),
        };
        let mut problems = Vec::new();
        let mut warnings = Vec::new();
        let mut fields: Vec<(&'static str, SqlValue)> = Vec::new();
        for &(column, raw) in &given {
            let flag = persons::FLAG_FIELDS.contains(&column);
            if raw.trim().is_empty() {
                if flag {
                    problems.push(format!("{}: give yes or no", flag_name(column)));
                } else {
                    fields.push((column, SqlValue::Null));
                }
                continue;
            }
            match validate::person_field(column, raw, country, today) {
                Ok(checked) => {
                    if let Some(w) = checked.warning {
                        warnings.push(format!("{}: {w}", flag_name(column)));
                    }
                    fields.push((
                        column,
                        match checked.value {
                            validate::FieldValue::Text(t) => SqlValue::Text(t),
                            validate::FieldValue::Flag(b) => SqlValue::Integer(i64::from(b)),
                        },
                    ));
                }
                Err(e) => problems.push(format!("{}: {e}", flag_name(column))),
            }
        }
        if !problems.is_empty() {
            bail!("person {id}: {}: nothing changed", problems.join("; "));
        }
        // Only what differs is a change (and named in the audit log).
        let before = |column: &str| -> SqlValue {
            match column {
                "deceased" => SqlValue::Integer(i64::from(current.deceased)),
                "bouncer" => SqlValue::Integer(i64::from(current.bouncer)),
                _ => current
                    .text_fields()
                    .into_iter()
                    .find(|(c, _)| *c == column)
                    .and_then(|(_, v)| v.map(|v| SqlValue::Text(v.to_string())))
                    .unwrap_or(SqlValue::Null),
            }
        };
        fields.retain(|(c, v)| before(c) != *v);
        let changed: Vec<&'static str> = fields.iter().map(|(c, _)| *c).collect();
        if let Some((_, SqlValue::Text(email))) = fields.iter().find(|(c, _)| *c == "email") {
            let others: Vec<i64> = persons::holding_email(tx, email)?
                .into_iter()
                .filter(|o| *o != id)
                .collect();
            if !others.is_empty() {
                bail!(
                    "person {id}: --email: the address is held by person {} too: one person per address (merge them with person merge): nothing changed",
                    others
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            let hash = suppression::address_hash(&suppression::secret(tx)?, email);
            let reasons: Vec<String> = suppression::of(tx, &hash)?
                .into_iter()
                .map(|s| s.reason)
                .collect();
            if !reasons.is_empty() {
                warnings.push(format!(
                    "--email: the address is on the suppression list ({}): stored, but not mailed until the person opts in again themselves",
                    reasons.join(", ")
                ));
            }
        }
        persons::update_fields(tx, id, &fields)?;
        // As the import: a person marked deceased has their address suppressed.
        if fields
            .iter()
            .any(|(c, v)| *c == "deceased" && *v == SqlValue::Integer(1))
        {
            suppression::add_person(tx, id, "deceased", &now_text, "person edit")?;
        }
        let audit_id = audit::record(
            tx,
            &audit::Entry {
                operator: &ctx.operator,
                command: "person edit",
                person_id: Some(id),
                affected: i64::from(!changed.is_empty()),
                details: Some(json!({ "fields": changed }).to_string()),
            },
        )?;
        let (answered_request, notify) = if changed.is_empty() {
            (None, Vec::new())
        } else {
            let mut categories: Vec<&str> = Vec::new();
            for c in changed.iter().filter_map(|c| register::field_category(c)) {
                if !categories.contains(&c) {
                    categories.push(c);
                }
            }
            (
                requests::answer(tx, id, &["rectification"], audit_id)?,
                processors::notify(tx, Some(id), &categories, "rectification", audit_id)?,
            )
        };
        Ok(Edited {
            person_id: id,
            changed,
            warnings,
            answered_request,
            notify,
        })
    })?;
    for w in &edited.warnings {
        eprintln!("warning: {}", output::inert(w));
    }
    let changed = if ctx.format == Format::Json {
        json!(edited.changed)
    } else {
        json!(edited.changed.join(", "))
    };
    let warnings = if ctx.format == Format::Json {
        json!(edited.warnings)
    } else {
        json!(edited.warnings.join("; "))
    };
    output::object(
        ctx.format,
        &[
            ("person_id", json!(edited.person_id)),
            ("changed", changed),
            ("warnings", warnings),
            ("answered_request", json!(edited.answered_request)),
            (
                "notify",
                super::processor::notify_value(ctx.format, &edited.notify),
            ),
            ("dry_run", json!(args.dry_run)),
        ],
    )
}

/// The flag that sets a column, for messages: `--postal-code`.
fn flag_name(column: &str) -> String {
    format!("--{}", column.replace('_', "-"))
}
