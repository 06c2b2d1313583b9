//! `smp-avg report [--since DATE] [--out FILE.pdf [--lang nl|en]]`: the report for the
//! privacy officer (FG), computed by `db::report` and shown as sections of tables, as
//! CSV (`section,item,detail,value`, one number a line) or as one JSON object; or
//! written as an A4 PDF in the style of the access answer (`access::report`), readable
//! by the owner only and recorded in the audit log when it is in place.
use super::{Context, in_write_transaction};
use crate::access::{labels::Language, report as report_pdf};
use crate::cli::{Format, Lang, ReportArgs};
use crate::db::audit;
use crate::db::report::{self, Report};
use crate::output::{self, RowWriter};
use crate::rules::time;
use anyhow::{Result, bail};
use serde_json::{Value, json};
use std::path::Path;

pub fn run(ctx: &Context, args: &ReportArgs) -> Result<()> {
    let conn = ctx.open()?;
    let now = time::now();
    if let Some(since) = args.since
        && since > now
    {
        anyhow::bail!("--since {} is in the future", time::format_time(since));
    }
    let report = report::compute(&conn, args.since, now)?;
    if let Some(out) = &args.out {
        return write_pdf(ctx, conn, &report, out, args.lang);
    }
    match ctx.format {
        Format::Json => output::json(&serde_json::to_value(&report)?),
        Format::Csv => csv(&report),
        Format::Table => table(&report),
    }
}

/// The report as a PDF at `out` (a `.pdf` name; never over the database; an existing
/// file only with --force), recorded in the audit log in the step that puts it in place.
fn write_pdf(
    ctx: &Context,
    mut conn: rusqlite::Connection,
    r: &Report,
    out: &Path,
    lang: Lang,
) -> Result<()> {
    if !out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
    {
        bail!(
            "{}: --out writes the report as a PDF: give a file name ending in .pdf (for CSV or JSON use --format and redirect standard output)",
            out.display()
        );
    }
    let guard = ctx.file_guard(&[]);
    guard.check(out)?;
    let vocabulary = report_pdf::Vocabulary {
        types: crate::db::types::list(&conn)?
            .into_iter()
            .map(|t| (t.code, t.label))
            .collect(),
        channels: report::channel_labels(&conn)?,
    };
    let rendered = report_pdf::render(
        r,
        &vocabulary,
        &report_pdf::Options {
            lang: match lang {
                Lang::Nl => Language::Dutch,
                Lang::En => Language::English,
            },
            tz: ctx.time_zone(&conn)?,
        },
    )?;
    if rendered.replaced_characters {
        output::warning(
            "some characters cannot be drawn in the PDF: they are shown as U+FFFD and the PDF says so; --format json holds them all",
        );
    }
    let staged = output::file::stage(&guard, out, &rendered.bytes)?;
    // The report names persons by number and processors by name: who made it is
    // recorded when the file is there under its name.
    in_write_transaction(&mut conn, false, |tx| {
        audit::record(
            tx,
            &audit::Entry {
                operator: &ctx.operator,
                command: "report --out",
                person_id: None,
                affected: 0,
                details: Some(
                    json!({
                        "pages": rendered.pages,
                        "since": r.since,
                        "open_requests": r.requests.open_now.len(),
                    })
                    .to_string(),
                ),
            },
        )?;
        staged.place()
    })?;
    output::object(
        ctx.format,
        &[
            ("file", json!(out.display().to_string())),
            ("pages", json!(rendered.pages)),
            ("bytes", json!(rendered.bytes.len())),
            ("since", json!(r.since)),
        ],
    )
}

/// Every number of the report as (section, item, detail, value); the value of an open
/// request is its deadline.
fn lines(r: &Report) -> Vec<(&'static str, String, String, Value)> {
    let mut out: Vec<(&'static str, String, String, Value)> = Vec::new();
    let mut count = |section: &'static str, item: &str, detail: &str, value: i64| {
        out.push((section, item.to_string(), detail.to_string(), json!(value)));
    };
    let q = &r.requests;
    for (item, v) in [
        ("received", q.received),
        ("answered_in_time", q.answered_in_time),
        ("answered_late", q.answered_late),
        ("refused", q.refused),
        ("refused_late", q.refused_late),
        ("open", q.open),
        ("overdue", q.overdue),
    ] {
        count("requests", item, "", v);
    }
    for k in &q.by_kind {
        for (item, v) in [
            ("received", k.received),
            ("answered_in_time", k.answered_in_time),
            ("answered_late", k.answered_late),
            ("refused", k.refused),
            ("open", k.open),
            ("overdue", k.overdue),
        ] {
            count("requests_by_kind", item, &k.kind, v);
        }
    }
    for c in &r.consent {
        let detail = format!("{} / {}", c.kind, c.channel);
        count("consent", "opt_ins", &detail, c.opt_ins);
        count("consent", "opt_outs", &detail, c.opt_outs);
    }
    count("bounces", "marked", "", r.bounces.marked);
    count("bounces", "bouncers_now", "", r.bounces.bouncers_now);
    for s in &r.suppressions {
        count("suppressions", "added", &s.reason, s.added);
    }
    let e = &r.erasures;
    for (item, v) in [
        ("persons", e.persons),
        ("by_request", e.by_request),
        ("sweeps", e.sweeps),
        ("swept_persons", e.swept_persons),
    ] {
        count("erasures", item, "", v);
    }
    let b = &r.breaches;
    for (item, v) in [
        ("recorded", b.recorded),
        ("reported_in_time", b.reported_in_time),
        ("reported_late", b.reported_late),
        ("not_required", b.not_required),
        ("open", b.open),
        ("overdue", b.overdue),
        ("persons_affected", b.persons_affected),
        ("persons_notified", b.persons_notified),
    ] {
        count("breaches", item, "", v);
    }
    let t = &r.processor_todos;
    for (item, v) in [
        ("created", t.created),
        ("done", t.done),
        ("open_now", t.open_now),
    ] {
        count("processor_todos", item, "", v);
    }
    for p in &t.open_by_processor {
        count(
            "processor_todos",
            "open",
            &format!("{} (oldest {})", p.processor, p.oldest),
            p.open,
        );
    }
    for o in &q.open_now {
        out.push((
            "open_request",
            o.kind.clone(),
            format!("request {} of person {} ({})", o.id, o.person_id, o.status),
            json!(o.due_at),
        ));
    }
    out
}

fn csv(r: &Report) -> Result<()> {
    let mut out = RowWriter::stdout(Format::Csv, &["section", "item", "detail", "value"])?;
    for (section, item, detail, value) in lines(r) {
        out.row(&[json!(section), json!(item), json!(detail), value])?;
    }
    out.finish()
}

fn table(r: &Report) -> Result<()> {
    let period = match &r.since {
        Some(s) => format!("from {s} to {}", r.generated_at),
        None => format!("everything up to {}", r.generated_at),
    };
    let mut text = format!(
        "Report for the privacy officer (FG) of {}: {period}\n",
        r.controller
            .name
            .as_deref()
            .unwrap_or("(organisation.name not set)")
    );
    let q = &r.requests;
    text += "\nData-subject requests received (Art. 12(3): one month, at most two more)\n";
    let mut rows = vec![vec![
        "all".to_string(),
        q.received.to_string(),
        q.answered_in_time.to_string(),
        q.answered_late.to_string(),
        format!("{} ({} late)", q.refused, q.refused_late),
        q.open.to_string(),
        q.overdue.to_string(),
    ]];
    rows.extend(q.by_kind.iter().map(|k| {
        vec![
            k.kind.clone(),
            k.received.to_string(),
            k.answered_in_time.to_string(),
            k.answered_late.to_string(),
            k.refused.to_string(),
            k.open.to_string(),
            k.overdue.to_string(),
        ]
    }));
    text += &output::draw(
        &[
            "kind",
            "received",
            "answered in time",
            "answered late",
            "refused",
            "open",
            "overdue",
        ],
        rows,
    );
    text += "\n\nRequests open now\n";
    text += &if q.open_now.is_empty() {
        "(none)".to_string()
    } else {
        output::draw(
            &["id", "person_id", "kind", "received_at", "due", "status"],
            q.open_now
                .iter()
                .map(|o| {
                    vec![
                        o.id.to_string(),
                        o.person_id.to_string(),
                        o.kind.clone(),
                        o.received_at.clone(),
                        if o.extended {
                            format!("{} (extended)", o.due_at)
                        } else {
                            o.due_at.clone()
                        },
                        o.status.clone(),
                    ]
                })
                .collect(),
        )
    };
    text += "\n\nOpt-ins and opt-outs per type and channel\n";
    text += &if r.consent.is_empty() {
        "(none)".to_string()
    } else {
        output::draw(
            &["type", "channel", "opt-ins", "opt-outs"],
            r.consent
                .iter()
                .map(|c| {
                    vec![
                        c.kind.clone(),
                        output::inert_line(&c.channel),
                        c.opt_ins.to_string(),
                        c.opt_outs.to_string(),
                    ]
                })
                .collect(),
        )
    };
    text += "\n\nBounces, suppressions, erasures\n";
    let mut facts = vec![
        vec![
            "persons marked as bouncer".to_string(),
            r.bounces.marked.to_string(),
        ],
        vec![
            "bouncers now".to_string(),
            r.bounces.bouncers_now.to_string(),
        ],
    ];
    facts.extend(
        r.suppressions
            .iter()
            .map(|s| vec![format!("suppressed: {}", s.reason), s.added.to_string()]),
    );
    let e = &r.erasures;
    facts.extend([
        vec!["persons anonymised".to_string(), e.persons.to_string()],
        vec![
            "erasures of one person (anonymise --person)".to_string(),
            e.by_request.to_string(),
        ],
        vec![
            "retention sweeps (anonymise --inactive-for)".to_string(),
            format!("{} ({} persons)", e.sweeps, e.swept_persons),
        ],
    ]);
    text += &output::draw(&["what", "number"], facts);
    let b = &r.breaches;
    text += "\n\nBreaches discovered (Art. 33: the AP within 72 hours)\n";
    text += &output::draw(
        &["what", "number"],
        vec![
            vec!["recorded".into(), b.recorded.to_string()],
            vec!["reported in time".into(), b.reported_in_time.to_string()],
            vec!["reported late".into(), b.reported_late.to_string()],
            vec!["not to be reported".into(), b.not_required.to_string()],
            vec!["open, within 72 hours".into(), b.open.to_string()],
            vec!["overdue".into(), b.overdue.to_string()],
            vec!["persons affected".into(), b.persons_affected.to_string()],
            vec![
                "breaches whose persons were told".into(),
                b.persons_notified.to_string(),
            ],
        ],
    );
    let t = &r.processor_todos;
    text += "\n\nProcessor notifications (Art. 19)\n";
    let mut todo_rows = vec![
        vec!["made".to_string(), t.created.to_string()],
        vec!["done".to_string(), t.done.to_string()],
        vec!["open now".to_string(), t.open_now.to_string()],
    ];
    todo_rows.extend(t.open_by_processor.iter().map(|p| {
        vec![
            format!(
                "open: {} (oldest {})",
                output::inert_line(&p.processor),
                p.oldest
            ),
            p.open.to_string(),
        ]
    }));
    text += &output::draw(&["what", "number"], todo_rows);
    text += "\n";
    output::text(&text)
}
