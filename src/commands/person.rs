//! `smp-avg person show PERSON` (the customer card, §1.5) and
//! `smp-avg person bouncer PERSON --set|--clear` (§1.10).
use super::{Context, in_write_transaction};
use crate::cli::{Format, PersonCommand};
use crate::db::{audit, consent, persons};
use crate::output;
use anyhow::Result;
use serde_json::{Map, Value, json};

pub fn run(ctx: &Context, cmd: &PersonCommand) -> Result<()> {
    match cmd {
        PersonCommand::Show { person } => show(ctx, person),
        PersonCommand::Bouncer {
            person,
            set,
            clear: _,
            dry_run,
        } => bouncer(ctx, person, *set, *dry_run),
    }
}

fn yes_no(b: bool) -> String {
    if b { "yes".into() } else { "no".into() }
}

fn show(ctx: &Context, person: &str) -> Result<()> {
    let conn = ctx.open()?;
    let id = persons::resolve(&conn, person)?;
    let p = persons::load(&conn, id)?;
    let preferences = consent::current(&conn, id)?;
    let history = consent::history(&conn, id)?;
    match ctx.format {
        Format::Json => {
            let mut card = Map::new();
            card.insert("id".into(), json!(p.id));
            for (k, v) in p.text_fields() {
                card.insert(k.into(), json!(v));
            }
            card.insert("created_at".into(), json!(p.created_at));
            card.insert("deceased".into(), json!(p.deceased));
            card.insert("bouncer".into(), json!(p.bouncer));
            card.insert("mailable".into(), json!(p.mailable));
            card.insert("anonymised".into(), json!(p.anonymised_at.is_some()));
            card.insert("anonymised_at".into(), json!(p.anonymised_at));
            card.insert("preferences".into(), serde_json::to_value(&preferences)?);
            card.insert("history".into(), serde_json::to_value(&history)?);
            output::json(&Value::Object(card))
        }
        Format::Csv => {
            let mut fields: Vec<(&str, Value)> = vec![("id", json!(p.id))];
            fields.extend(p.text_fields().into_iter().map(|(k, v)| (k, json!(v))));
            fields.extend([
                ("created_at", json!(p.created_at)),
                ("deceased", json!(p.deceased)),
                ("bouncer", json!(p.bouncer)),
                ("mailable", json!(p.mailable)),
                ("anonymised_at", json!(p.anonymised_at)),
            ]);
            output::object(Format::Csv, &fields)
        }
        Format::Table => {
            let mut text = format!("Person {}: {}\n", p.id, output::inert_line(&p.full_name()));
            let data: Vec<Vec<String>> = p
                .text_fields()
                .into_iter()
                .map(|(k, v)| vec![k.to_string(), v.unwrap_or("").to_string()])
                .collect();
            text += &output::draw(&["field", "value"], data);
            text += "\n\nAdministration\n";
            text += &output::draw(
                &["field", "value"],
                vec![
                    vec!["created_at".into(), p.created_at.clone()],
                    vec!["deceased".into(), yes_no(p.deceased)],
                    vec!["bouncer".into(), yes_no(p.bouncer)],
                    vec!["mailable".into(), yes_no(p.mailable)],
                    vec![
                        "anonymised".into(),
                        match &p.anonymised_at {
                            Some(at) => format!("yes, at {at}"),
                            None => "no".into(),
                        },
                    ],
                ],
            );
            text += "\n\nCurrent preferences\n";
            text += &output::draw(
                &["type", "opt_in", "recorded_at", "channel", "description"],
                preferences
                    .iter()
                    .map(|c| {
                        vec![
                            c.kind.clone(),
                            if c.opt_in {
                                "opt-in".into()
                            } else {
                                "opt-out".into()
                            },
                            c.recorded_at.clone(),
                            c.channel.clone(),
                            c.description.clone().unwrap_or_default(),
                        ]
                    })
                    .collect(),
            );
            text += "\n\nHistory (oldest first)\n";
            text += &output::draw(
                &[
                    "id",
                    "recorded_at",
                    "type",
                    "opt_in",
                    "channel",
                    "description",
                    "contact_moment",
                ],
                history
                    .iter()
                    .map(|r| {
                        vec![
                            r.id.to_string(),
                            r.recorded_at.clone(),
                            r.kind.clone(),
                            if r.opt_in {
                                "opt-in".into()
                            } else {
                                "opt-out".into()
                            },
                            r.channel.clone(),
                            r.description.clone().unwrap_or_default(),
                            r.contact_moment.map(|c| c.to_string()).unwrap_or_default(),
                        ]
                    })
                    .collect(),
            );
            text += "\n";
            output::text(&text)
        }
    }
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
