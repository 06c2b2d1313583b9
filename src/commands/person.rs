//! `smp-avg person show PERSON` (the customer card, §1.5), `smp-avg person find TEXT`
//! and `smp-avg person bouncer PERSON --set|--clear` (§1.10).
//!
//! The card has three parts, each with the same fields in every format: the data (the
//! person's fields and the administration facts), the current preferences and the
//! history. A table and JSON show all three (JSON nests the two lists); CSV holds one
//! part, chosen with `--section` (data by default).
use super::{Context, in_write_transaction};
use crate::cli::{CardSection, Format, PersonCommand};
use crate::db::{audit, consent, persons, suppression};
use crate::output::{self, RowWriter};
use anyhow::Result;
use serde_json::{Map, Value, json};

/// The columns of the preferences part, in order (the keys of `consent::Preference`).
pub const PREFERENCE_COLUMNS: &[&str] = &[
    "type",
    "opt_in",
    "recorded_at",
    "channel",
    "description",
    "source",
];
/// The columns of the history part, in order (the keys of `consent::ConsentRecord`).
pub const HISTORY_COLUMNS: &[&str] = &[
    "id",
    "recorded_at",
    "type",
    "opt_in",
    "channel",
    "description",
    "contact_moment",
    "contact_moment_name",
    "source",
];
/// The columns of `person find`.
const FOUND_COLUMNS: &[&str] = &[
    "id",
    "first_name",
    "infix",
    "last_name",
    "email",
    "phone",
    "mobile",
    "postal_code",
    "city",
    "matched",
];

pub fn run(ctx: &Context, cmd: &PersonCommand) -> Result<()> {
    match cmd {
        PersonCommand::Show { person, section } => show(ctx, person, *section),
        PersonCommand::Find { text, limit } => find(ctx, text, *limit),
        PersonCommand::Bouncer {
            person,
            set,
            clear: _,
            dry_run,
        } => bouncer(ctx, person, *set, *dry_run),
        PersonCommand::Duplicates => super::person_merge::duplicates(ctx),
        PersonCommand::Merge {
            keep,
            other,
            dry_run,
        } => super::person_merge::merge(ctx, keep, other, *dry_run),
        PersonCommand::Edit(args) => super::person_edit::run(ctx, args),
        PersonCommand::Restrict(args) => super::person_restrict::run(ctx, args),
    }
}

/// The person's own fields, in contract order.
fn personal_fields(p: &persons::Person) -> Vec<(&'static str, Value)> {
    let mut fields: Vec<(&'static str, Value)> = vec![("id", json!(p.id))];
    fields.extend(p.text_fields().into_iter().map(|(k, v)| (k, json!(v))));
    fields
}

/// The administration facts.
/// The administration facts. `not_mailable`: the reasons of
/// `persons::not_mailable_because`; the person is mailable exactly when there is none
/// (the suppression list counts: an own opt-in lifts it per type, see `query audience
/// --explain`).
fn administration_fields(
    p: &persons::Person,
    not_mailable: &[&'static str],
) -> Vec<(&'static str, Value)> {
    vec![
        ("created_at", json!(p.created_at)),
        ("deceased", json!(p.deceased)),
        ("bouncer", json!(p.bouncer)),
        ("mailable", json!(not_mailable.is_empty())),
        ("not_mailable_because", json!(not_mailable)),
        ("anonymised", json!(p.anonymised_at.is_some())),
        ("anonymised_at", json!(p.anonymised_at)),
        ("objected_at", json!(p.objected_at)),
        ("suppressed", json!(not_mailable.contains(&"suppressed"))),
        ("restricted", json!(p.restricted_at.is_some())),
        ("restricted_at", json!(p.restricted_at)),
        ("restriction_reason", json!(p.restriction_reason)),
        ("legal_hold_until", json!(p.legal_hold_until)),
    ]
}

/// Rows of a list part: each item's values in the order of `columns`.
fn rows_of<T: serde::Serialize>(items: &[T], columns: &[&str]) -> Result<Vec<Vec<Value>>> {
    items
        .iter()
        .map(|item| {
            let v = serde_json::to_value(item)?;
            Ok(columns
                .iter()
                .map(|c| v.get(*c).cloned().unwrap_or(Value::Null))
                .collect())
        })
        .collect()
}

fn write_rows(ctx: &Context, columns: &[&str], rows: Vec<Vec<Value>>) -> Result<()> {
    let mut out = RowWriter::stdout(ctx.format, columns)?;
    for r in rows {
        out.row(&r)?;
    }
    out.finish()
}

fn show(ctx: &Context, person: &str, section: Option<CardSection>) -> Result<()> {
    let conn = ctx.open()?;
    let id = persons::resolve(&conn, person)?;
    let p = persons::load(&conn, id)?;
    let mut data = personal_fields(&p);
    let administration = administration_fields(&p, &persons::not_mailable_because(&conn, id)?);
    let preferences = rows_of(&consent::current(&conn, id)?, PREFERENCE_COLUMNS)?;
    let history = rows_of(&consent::history(&conn, id)?, HISTORY_COLUMNS)?;
    let section = match (ctx.format, section) {
        (_, Some(s)) => Some(s),
        (Format::Csv, None) => {
            output::note(
                "CSV holds one part of the card: the data; --section preferences or --section history for the others",
            );
            Some(CardSection::Data)
        }
        _ => None,
    };
    match (ctx.format, section) {
        (_, Some(CardSection::Preferences)) => write_rows(ctx, PREFERENCE_COLUMNS, preferences),
        (_, Some(CardSection::History)) => write_rows(ctx, HISTORY_COLUMNS, history),
        (_, Some(CardSection::Data)) => {
            data.extend(administration);
            output::object(ctx.format, &data)
        }
        (Format::Json, None) => {
            let objects = |columns: &[&str], rows: Vec<Vec<Value>>| -> Value {
                Value::Array(
                    rows.into_iter()
                        .map(|r| {
                            Value::Object(columns.iter().map(|c| c.to_string()).zip(r).collect())
                        })
                        .collect(),
                )
            };
            let mut card: Map<String, Value> = data
                .into_iter()
                .chain(administration)
                .map(|(k, v)| (k.to_string(), v))
                .collect();
            card.insert(
                "preferences".into(),
                objects(PREFERENCE_COLUMNS, preferences),
            );
            card.insert("history".into(), objects(HISTORY_COLUMNS, history));
            output::json(&Value::Object(card))
        }
        (_, None) => {
            let pairs = |fields: Vec<(&str, Value)>| -> Vec<Vec<String>> {
                fields
                    .into_iter()
                    .map(|(k, v)| vec![k.to_string(), cell(&v)])
                    .collect()
            };
            let list = |rows: Vec<Vec<Value>>| -> Vec<Vec<String>> {
                rows.iter().map(|r| r.iter().map(cell).collect()).collect()
            };
            let mut text = format!("Person {}: {}\n", p.id, output::inert_line(&p.full_name()));
            text += &output::draw(&["field", "value"], pairs(data));
            text += "\n\nAdministration\n";
            text += &output::draw(&["field", "value"], pairs(administration));
            text += "\n\nCurrent preferences\n";
            text += &output::draw(PREFERENCE_COLUMNS, list(preferences));
            text += "\n\nHistory (oldest first)\n";
            text += &output::draw(HISTORY_COLUMNS, list(history));
            text += "\n";
            output::text(&text)
        }
    }
}

/// A value as a table shows it.
fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn find(ctx: &Context, text: &str, limit: u32) -> Result<()> {
    let conn = ctx.open()?;
    let mut found = persons::find(&conn, text, limit)?;
    let more = found.len() > limit as usize;
    found.truncate(limit as usize);
    let rows = rows_of(&found, FOUND_COLUMNS)?;
    let n = rows.len();
    write_rows(ctx, FOUND_COLUMNS, rows)?;
    if more {
        output::note(&format!(
            "more than {n} persons match: give more of the text, or --limit"
        ));
    }
    Ok(())
}

fn bouncer(ctx: &Context, person: &str, set: bool, dry_run: bool) -> Result<()> {
    let mut conn = ctx.open()?;
    let (id, changed) = in_write_transaction(&mut conn, dry_run, |tx| {
        let id = persons::resolve_active(tx, person)?;
        let changed = persons::set_bouncer(tx, id, set)?;
        audit::record(
            tx,
            &audit::Entry {
                operator: &ctx.operator,
                command: if set {
                    "person bouncer --set"
                } else {
                    "person bouncer --clear"
                },
                person_id: Some(id),
                affected: i64::from(changed),
                details: None,
            },
        )?;
        Ok((id, changed))
    })?;
    // Notes go to stderr, which cron mails: the id, not the name.
    let who = format!("person {id}");
    match (set, changed) {
        _ if dry_run => output::note(&format!("dry run: {who} is left as it was")),
        (true, true) => output::note(&format!("{who} is marked as a bouncer")),
        (false, true) => output::note(&format!("{who} is no longer a bouncer")),
        (true, false) => output::note(&format!("{who} was a bouncer already")),
        (false, false) => output::note(&format!("{who} was not a bouncer")),
    }
    if !set {
        // A hard bounce also put the address on the suppression list: clearing the flag
        // does not lift that, and the operator should know why the person stays out.
        if let Some(email) = persons::load(&conn, id)?.email {
            let hash = suppression::address_hash(&suppression::secret(&conn)?, &email);
            let reasons: Vec<String> = suppression::of(&conn, &hash)?
                .into_iter()
                .map(|s| s.reason)
                .collect();
            if !reasons.is_empty() {
                output::warning(&format!(
                    "the address of person {id} stays on the suppression list ({}): it is not mailed until that is lifted",
                    reasons.join(", ")
                ));
            }
        }
    }
    output::object(
        ctx.format,
        &[
            ("person_id", json!(id)),
            ("bouncer", json!(set)),
            ("changed", json!(changed)),
            ("dry_run", json!(dry_run)),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_part_columns_are_the_fields_of_the_records() {
        let p = consent::Preference {
            kind: "t".into(),
            opt_in: true,
            recorded_at: "2026-01-01T00:00:00Z".into(),
            channel: "c".into(),
            description: None,
            source: "person".into(),
        };
        let keys: Vec<String> = serde_json::to_value(&p)
            .unwrap()
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(keys, PREFERENCE_COLUMNS);
        let r = consent::ConsentRecord {
            id: 1,
            recorded_at: "2026-01-01T00:00:00Z".into(),
            kind: "t".into(),
            opt_in: true,
            channel: "c".into(),
            description: None,
            contact_moment: None,
            contact_moment_name: None,
            source: "person".into(),
        };
        let keys: Vec<String> = serde_json::to_value(&r)
            .unwrap()
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(keys, HISTORY_COLUMNS);
    }
}
