//! The access answer as an A4 PDF, for the person to read: times in the organisation's
//! time zone, words instead of codes (type and channel labels, rules as sentences,
//! yes/no as words), the controller's contact block, only the register activities that
//! apply, where each kind of data came from, the logic of profiling, and every row of
//! every table in full. The layout itself (wrapping, paging, fonts, metadata) is
//! [`super::layout`]; every word is in [`super::labels`].
pub use super::labels::Language;
use super::labels::{self, Labels};
use super::layout::{self, BODY, Layout, Meta, Rendered, SMALL, TableSpec};
use super::{AccessReport, Mailing};
use crate::rules::time;
use anyhow::Result;
use chrono_tz::Tz;

/// How to render the answer.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub lang: Language,
    /// The time zone people read times in; None: UTC (`--utc`).
    pub tz: Option<Tz>,
    /// Mark every page as a draft that must not be sent.
    pub draft: bool,
    /// The PDF goes out in a package with the documents' content beside it.
    pub in_package: bool,
}

/// What every section gets.
struct Ctx<'r> {
    report: &'r AccessReport,
    l: &'static Labels,
    o: Options,
}

impl Ctx<'_> {
    /// A stored time as people read it: `29-11-2026 00:50` (Dutch) or `2026-11-29 00:50`,
    /// in the time zone of the document.
    fn time(&self, t: &str) -> String {
        human_time(t, self.o.lang, self.o.tz)
    }

    /// The day of a stored time, in the time zone of the document.
    fn day(&self, t: &str) -> String {
        human_day(t, self.o.lang, self.o.tz)
    }

    fn date(&self, d: &str) -> String {
        human_date(d, self.o.lang)
    }

    fn yes_no(&self, b: bool) -> String {
        if b { self.l.yes } else { self.l.no }.to_string()
    }

    /// "nee", or "ja, op 12-03-2026 10:00" for a time that is set.
    fn yes_at(&self, at: Option<&str>, since: bool) -> String {
        match at {
            None => self.l.no.to_string(),
            Some(t) => format!(
                "{} {}",
                if since {
                    self.l.yes_since
                } else {
                    self.l.yes_on
                },
                self.time(t)
            ),
        }
    }

    fn status(&self, opt_in: bool) -> String {
        if opt_in {
            self.l.opt_in
        } else {
            self.l.opt_out
        }
        .to_string()
    }

    /// A consent type by its label (the starter types translated).
    fn type_label(&self, code: &str) -> String {
        self.report
            .vocabulary
            .types
            .iter()
            .find(|(c, _)| c == code)
            .map_or_else(
                || code.to_string(),
                |(_, label)| labels::starter_text(label, self.o.lang),
            )
    }

    /// A channel by its label from the vocabulary; a channel outside it as typed.
    fn channel(&self, code: &str) -> String {
        self.report
            .vocabulary
            .channels
            .iter()
            .find(|(c, _, _, _)| c == code)
            .map_or_else(
                || code.to_string(),
                |(_, nl, en, _)| self.o.lang.pick(nl, en).to_string(),
            )
    }

    /// Whether the person acts on this channel themselves (a web form).
    fn person_given(&self, code: &str) -> bool {
        self.report
            .vocabulary
            .channels
            .iter()
            .any(|(c, _, _, given)| c == code && *given)
    }

    fn category(&self, code: &str) -> String {
        crate::db::register::CATEGORIES
            .iter()
            .find(|(c, _, _)| *c == code)
            .map_or_else(
                || code.to_string(),
                |(_, nl, en)| self.o.lang.pick(nl, en).to_string(),
            )
    }
}

/// The day of a stored time as people read it, in `tz` (None: UTC): `29-11-2026`.
pub fn human_day(t: &str, lang: Language, tz: Option<Tz>) -> String {
    let full = human_time(t, lang, tz);
    full.split(' ').next().unwrap_or_default().to_string()
}

/// `2026-11-28T23:50:36Z` as people read it, in `tz` (None: UTC): `29-11-2026 00:50`
/// (Dutch) or `2026-11-29 00:50`. Text that is not a stored time is shown as it is.
pub fn human_time(t: &str, lang: Language, tz: Option<Tz>) -> String {
    let Some(utc) = time::parse_stored(t) else {
        return t.to_string();
    };
    let pattern = match lang {
        Language::Dutch => "%d-%m-%Y %H:%M",
        Language::English => "%Y-%m-%d %H:%M",
    };
    match tz {
        Some(tz) => {
            use chrono::TimeZone;
            let local = utc.with_timezone(&tz);
            // In the hour the clock repeats (October), 02:40 CEST comes before 02:20 CET:
            // without the zone's name a person would read their history out of order.
            let repeated = matches!(
                tz.from_local_datetime(&local.naive_local()),
                chrono::LocalResult::Ambiguous(..)
            );
            if repeated {
                local.format(&format!("{pattern} %Z")).to_string()
            } else {
                local.format(pattern).to_string()
            }
        }
        None => utc.format(pattern).to_string(),
    }
}

/// `2026-11-28` as `28-11-2026` in Dutch.
pub fn human_date(d: &str, lang: Language) -> String {
    match (lang, d.split('-').collect::<Vec<_>>().as_slice()) {
        (Language::Dutch, [y, m, day]) if y.len() == 4 => format!("{day}-{m}-{y}"),
        _ => d.to_string(),
    }
}

/// `1234.50` as `€ 1.234,50` (Dutch) or `€1,234.50` (English).
pub fn human_amount(a: &str, lang: Language) -> String {
    let (neg, digits) = a.strip_prefix('-').map_or((false, a), |r| (true, r));
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "00"));
    let (thousands, decimal) = match lang {
        Language::Dutch => ('.', ','),
        Language::English => (',', '.'),
    };
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(thousands);
        }
        grouped.push(c);
    }
    let sign = if neg { "-" } else { "" };
    match lang {
        Language::Dutch => format!("€ {sign}{grouped}{decimal}{frac}"),
        Language::English => format!("{sign}€{grouped}{decimal}{frac}"),
    }
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

/// Labels and their values, without a header row.
fn two_columns<'t>(title: &'t str, rows: Vec<Vec<String>>) -> TableSpec<'t> {
    TableSpec {
        title,
        header: Vec::new(),
        widths: vec![1.25, 2.2],
        rows,
    }
}

fn header(page: &mut Layout<'_>, c: &Ctx<'_>) {
    let (l, r) = (c.l, c.report);
    page.title(l.title);
    if c.o.draft {
        page.paragraph(l.draft, BODY, true);
    }
    page.paragraph(
        &format!("{}: {}", l.export_date, c.time(&r.generated_at)),
        BODY,
        false,
    );
    page.paragraph(
        &match c.o.tz {
            Some(tz) => format!("{} {}.", l.times_in, tz.name()),
            None => l.times_utc.to_string(),
        },
        BODY,
        false,
    );
    page.paragraph(
        &format!("{}: {}", l.person_number, r.person.id),
        BODY,
        false,
    );
    page.paragraph(l.intro, BODY, false);
    // Never silently blank: characters the fonts cannot draw are said, and where the
    // complete data is.
    if page.replaced_characters() {
        page.paragraph(
            if c.o.in_package {
                l.replaced_in_package
            } else {
                l.replaced_alone
            },
            BODY,
            true,
        );
    }
    // Who answers: the controller and its privacy officer.
    let ctl = &r.controller;
    page.subheading(l.controller);
    let mut rows = vec![vec![
        l.name.to_string(),
        ctl.name.clone().unwrap_or_else(|| "—".into()),
    ]];
    for (label, value) in [
        (l.address, &ctl.address),
        (l.email, &ctl.email),
        (l.phone, &ctl.phone),
    ] {
        if let Some(v) = value {
            rows.push(vec![label.to_string(), v.clone()]);
        }
    }
    page.table(two_columns(l.controller, rows), "");
    page.subheading(l.fg);
    if ctl.fg_name.is_none() && ctl.fg_email.is_none() {
        page.paragraph(l.no_fg, BODY, false);
    } else {
        let mut line = opt(&ctl.fg_name);
        if let Some(e) = &ctl.fg_email {
            if !line.is_empty() {
                line.push_str(", ");
            }
            line.push_str(e);
        }
        page.paragraph(&line, BODY, false);
    }
}

fn personal_data(page: &mut Layout<'_>, c: &Ctx<'_>) {
    let (l, p) = (c.l, &c.report.person);
    page.heading(l.personal_data);
    let mut rows = Vec::new();
    let name = p.full_name();
    if !name.is_empty() {
        rows.push(vec![l.full_name.to_string(), name]);
    }
    let mut missing = Vec::new();
    for (field, value) in p.text_fields() {
        match value {
            None => missing.push(l.person_field(field)),
            Some(v) if field == "birth_date" => {
                rows.push(vec![l.person_field(field).to_string(), c.date(v)]);
            }
            Some(v) => rows.push(vec![l.person_field(field).to_string(), v.to_string()]),
        }
    }
    page.table(two_columns(l.personal_data, rows), l.personal_none);
    if !missing.is_empty() && missing.len() < p.text_fields().len() {
        page.paragraph(
            &format!("{} {}.", l.personal_missing, missing.join(", ")),
            SMALL,
            false,
        );
    }
}

fn administration(page: &mut Layout<'_>, c: &Ctx<'_>) {
    let (l, p, s) = (c.l, &c.report.person, &c.report.status);
    page.heading(l.administration);
    let mut rows = vec![
        vec![l.created_at.to_string(), c.day(&p.created_at)],
        vec![l.deceased.to_string(), c.yes_no(p.deceased)],
        vec![l.bouncer.to_string(), c.yes_no(p.bouncer)],
        vec![l.mailable.to_string(), mailable(c)],
        vec![
            l.objected.to_string(),
            c.yes_at(s.objected_at.as_deref(), true),
        ],
        vec![
            l.restricted.to_string(),
            match (&s.restricted_at, &s.restriction_reason) {
                (Some(at), Some(why)) => format!("{} ({why})", c.yes_at(Some(at), true)),
                (at, _) => c.yes_at(at.as_deref(), true),
            },
        ],
        vec![
            l.anonymised.to_string(),
            c.yes_at(p.anonymised_at.as_deref(), false),
        ],
    ];
    if let Some(until) = &s.legal_hold_until {
        rows.push(vec![l.legal_hold.to_string(), c.date(until)]);
    }
    page.table(two_columns(l.administration, rows), "");
    suppressions(page, c);
}

/// "ja", or "nee: <the reasons in words>" (the rule of `person show`).
fn mailable(c: &Ctx<'_>) -> String {
    let why = &c.report.status.not_mailable_because;
    if why.is_empty() {
        return c.l.yes.to_string();
    }
    let words: Vec<String> = why
        .iter()
        .map(|code| labels::not_mailable_reason(code, c.o.lang))
        .collect();
    format!("{}: {}", c.l.no, words.join("; "))
}

/// The suppression list's entries for the person's address: data we keep about them,
/// with the reason in words and since when.
fn suppressions(page: &mut Layout<'_>, c: &Ctx<'_>) {
    let (l, list) = (c.l, &c.report.suppressions);
    if list.is_empty() {
        return;
    }
    let notes = list.iter().any(|s| s.description.is_some());
    let rows = list
        .iter()
        .map(|s| {
            let mut row = vec![
                labels::suppression_reason(&s.reason, c.o.lang),
                c.time(&s.since),
            ];
            if notes {
                row.push(opt(&s.description));
            }
            row
        })
        .collect();
    let (header, widths) = if notes {
        (vec![l.reason, l.since, l.note], vec![2.6, 1.1, 2.3])
    } else {
        (vec![l.reason, l.since], vec![2.2, 1.8])
    };
    let table = TableSpec {
        title: l.suppression,
        header,
        widths,
        rows,
    };
    // The explanation stays with its entries.
    page.keep(
        page.paragraph_height(l.suppression, BODY, true)
            + 1.5
            + page.paragraph_height(l.suppression_intro, BODY, false)
            + page.table_height(&table),
    );
    page.subheading(l.suppression);
    page.paragraph(l.suppression_intro, BODY, false);
    page.table(table, "");
}

/// How a record came in, for the person: a rule as a sentence, else the channel.
fn how(
    c: &Ctx<'_>,
    source: &str,
    channel: &str,
    description: Option<&str>,
    opt_in: bool,
) -> (String, String) {
    if source == "rule" {
        (
            c.l.automatic.to_string(),
            labels::rule_sentence(description, opt_in, c.o.lang),
        )
    } else {
        (
            c.channel(channel),
            labels::starter_text(description.unwrap_or_default(), c.o.lang),
        )
    }
}

fn preferences(page: &mut Layout<'_>, c: &Ctx<'_>) {
    let l = c.l;
    page.heading(l.preferences);
    let rows = c
        .report
        .preferences
        .iter()
        .map(|p| {
            let (channel, description) =
                how(c, &p.source, &p.channel, p.description.as_deref(), p.opt_in);
            vec![
                c.type_label(&p.kind),
                c.status(p.opt_in),
                c.time(&p.recorded_at),
                channel,
                description,
            ]
        })
        .collect();
    page.table(
        TableSpec {
            title: l.preferences,
            header: vec![l.kind, l.status, l.since, l.how, l.description],
            widths: vec![1.2, 1.1, 1.2, 1.55, 2.5],
            rows,
        },
        l.preferences_none,
    );
}

fn history(page: &mut Layout<'_>, c: &Ctx<'_>) {
    let l = c.l;
    page.heading(l.history);
    let rows = c
        .report
        .history
        .iter()
        .map(|r| {
            let (channel, description) =
                how(c, &r.source, &r.channel, r.description.as_deref(), r.opt_in);
            vec![
                c.time(&r.recorded_at),
                c.type_label(&r.kind),
                c.status(r.opt_in),
                channel,
                description,
                opt(&r.contact_moment_name),
            ]
        })
        .collect();
    page.table(
        TableSpec {
            title: l.history,
            header: vec![l.time, l.kind, l.status, l.how, l.description, l.mailing],
            widths: vec![1.35, 1.1, 1.0, 1.65, 1.95, 1.05],
            rows,
        },
        l.history_none,
    );
}

fn transactions(page: &mut Layout<'_>, c: &Ctx<'_>) {
    let l = c.l;
    page.heading(l.transactions);
    let rows = c
        .report
        .transactions
        .iter()
        .map(|t| {
            vec![
                c.time(&t.occurred_at),
                labels::transaction_kind(&t.kind, c.o.lang),
                opt(&t.description),
                human_amount(&t.amount, c.o.lang),
            ]
        })
        .collect();
    page.table(
        TableSpec {
            title: l.transactions,
            header: vec![l.date, l.kind, l.description, l.amount],
            widths: vec![1.15, 0.8, 3.2, 1.0],
            rows,
        },
        l.transactions_none,
    );
}

fn mailings(page: &mut Layout<'_>, c: &Ctx<'_>) {
    let l = c.l;
    page.heading(l.mailings);
    let rows = c
        .report
        .mailings
        .iter()
        .map(|m: &Mailing| {
            vec![
                c.time(&m.sent_at),
                m.name.clone(),
                c.channel(&m.channel),
                m.kind
                    .as_deref()
                    .map(|k| c.type_label(k))
                    .unwrap_or_default(),
            ]
        })
        .collect();
    page.table(
        TableSpec {
            title: l.mailings,
            header: vec![l.date, l.mailing, l.how, l.kind],
            widths: vec![1.2, 3.0, 1.1, 1.2],
            rows,
        },
        l.mailings_none,
    );
}

fn documents(page: &mut Layout<'_>, c: &Ctx<'_>) {
    let l = c.l;
    page.heading(l.documents);
    let rows: Vec<Vec<String>> = c
        .report
        .documents
        .iter()
        .map(|d| {
            // The copy in a package is named by the document's number only.
            let file = if c.o.in_package {
                let copy = d.package_file.rsplit('/').next().unwrap_or_default();
                format!("{}\n{} {copy}", d.filename, l.in_package)
            } else {
                d.filename.clone()
            };
            vec![
                file,
                labels::document_kind(&d.kind, c.o.lang),
                d.document_date
                    .as_deref()
                    .map_or_else(|| c.day(&d.created_at), |x| c.date(x)),
                format!("{} KB", (d.size_bytes + 1023) / 1024),
                d.held_until
                    .as_deref()
                    .map_or_else(String::new, |x| c.date(x)),
            ]
        })
        .collect();
    let any = !rows.is_empty();
    page.table(
        TableSpec {
            title: l.documents,
            header: vec![l.file, l.kind, l.date, l.size, l.kept_until],
            widths: vec![2.2, 1.2, 1.1, 0.7, 1.3],
            rows,
        },
        l.documents_none,
    );
    if any {
        page.paragraph(
            if c.o.in_package {
                l.documents_in_package
            } else {
                l.documents_on_request
            },
            SMALL,
            false,
        );
    }
}

fn profiling(page: &mut Layout<'_>, c: &Ctx<'_>) {
    let (l, r) = (c.l, c.report);
    page.heading(l.profiling);
    if !r.profiling && r.scores.is_none() {
        page.paragraph(l.profiling_none, BODY, false);
        return;
    }
    page.paragraph(l.profiling_intro, BODY, false);
    for item in [l.profiling_r, l.profiling_f, l.profiling_m] {
        page.bullet(item);
    }
    page.paragraph(l.profiling_fifths, BODY, false);
    match &r.scores {
        Some(s) => {
            page.paragraph(
                &l.profiling_your_score
                    .replace("{rfm}", &s.rfm)
                    .replace("{r}", &s.r_score.to_string())
                    .replace("{f}", &s.f_score.to_string())
                    .replace("{m}", &s.m_score.to_string()),
                BODY,
                true,
            );
            let rows = vec![
                vec![l.recency.to_string(), s.recency_days.to_string()],
                vec![l.frequency.to_string(), s.frequency.to_string()],
                vec![l.monetary.to_string(), human_amount(&s.monetary, c.o.lang)],
                vec![l.rfm.to_string(), s.rfm.clone()],
                vec![l.computed_at.to_string(), c.time(&s.computed_at)],
            ];
            page.table(two_columns(l.profiling, rows), "");
        }
        None => page.paragraph(l.profiling_no_score, BODY, false),
    }
    page.paragraph(l.profiling_use, BODY, false);
    page.paragraph(l.profiling_art22, BODY, false);
    page.paragraph(l.profiling_object, BODY, false);
}

/// The person's requests (Art. 12(3)): the kind in words, when received, by when it is
/// to be answered (an extension said), how it stands, and what we told them (the
/// reason of a refusal or an extension).
fn requests(page: &mut Layout<'_>, c: &Ctx<'_>) {
    let l = c.l;
    let list = &c.report.requests;
    if list.is_empty() {
        page.heading(l.requests);
        page.paragraph(l.requests_none, BODY, false);
        return;
    }
    page.keep(30.0 + page.paragraph_height(l.requests_intro, BODY, false));
    page.heading(l.requests);
    page.paragraph(l.requests_intro, BODY, false);
    let rows = list
        .iter()
        .map(|r| {
            let due = match &r.extended_to {
                Some(to) => l
                    .request_extended
                    .replace("{to}", &c.date(to))
                    .replace("{due}", &c.date(&r.due_at)),
                None => c.date(&r.due_at),
            };
            let closed = r.closed_at.as_deref().map(|t| c.day(t)).unwrap_or_default();
            let mut outcome = match r.status.as_str() {
                "answered" => l.request_answered.replace("{date}", &closed),
                "refused" => l.request_refused.replace("{date}", &closed),
                "overdue" => l.request_overdue.to_string(),
                _ => l.request_open.to_string(),
            };
            if r.late {
                outcome.push_str(l.request_late);
            }
            let mut told: Vec<String> = Vec::new();
            for (label, text) in [
                (l.request_refusal_reason, &r.refusal_reason),
                (l.request_extension_reason, &r.extension_reason),
                (l.request_note, &r.note),
            ] {
                if let Some(text) = text {
                    told.push(format!("{label}: {text}"));
                }
            }
            if let Some(ch) = &r.channel {
                told.push(format!("{}: {}", l.request_via, c.channel(ch)));
            }
            vec![
                labels::request_kind(&r.kind, c.o.lang),
                c.day(&r.received_at),
                due,
                outcome,
                told.join("\n"),
            ]
        })
        .collect();
    page.table(
        TableSpec {
            title: l.requests,
            header: vec![l.request, l.received, l.due, l.outcome, l.note],
            widths: vec![1.5, 1.0, 1.4, 1.4, 2.5],
            rows,
        },
        "",
    );
}

/// The breaches that involved the person's data, one block each: what happened (its
/// description), when it was discovered, which data, whether the Autoriteit
/// Persoonsgegevens and the person were told, and the measures taken.
fn breaches(page: &mut Layout<'_>, c: &Ctx<'_>) {
    let l = c.l;
    let list = &c.report.breaches;
    if list.is_empty() {
        page.heading(l.breaches);
        page.paragraph(l.breaches_none, BODY, false);
        return;
    }
    let blocks: Vec<(String, Vec<Vec<String>>)> = list
        .iter()
        .map(|b| {
            let mut rows = vec![
                vec![l.breach_what.to_string(), b.description.clone()],
                vec![l.breach_discovered.to_string(), c.time(&b.discovered_at)],
            ];
            if !b.categories.is_empty() {
                let words: Vec<String> = b.categories.iter().map(|k| c.category(k)).collect();
                rows.push(vec![l.breach_data.to_string(), words.join(", ")]);
            }
            rows.push(vec![
                l.breach_ap.to_string(),
                match (&b.reported_to_ap_at, &b.ap_not_required) {
                    (Some(at), _) => l.breach_ap_yes.replace("{time}", &c.time(at)),
                    (None, Some(why)) => l.breach_ap_not_required.replace("{reason}", why),
                    (None, None) => l.breach_ap_not_yet.to_string(),
                },
            ]);
            rows.push(vec![
                l.breach_told.to_string(),
                match b.notified_persons {
                    Some(told) => c.yes_no(told),
                    None => l.breach_told_undecided.to_string(),
                },
            ]);
            rows.push(vec![
                l.breach_measures.to_string(),
                b.measures
                    .clone()
                    .unwrap_or_else(|| l.breach_measures_none.to_string()),
            ]);
            (
                l.breach_title.replace("{date}", &c.day(&b.discovered_at)),
                rows,
            )
        })
        .collect();
    blocks_with_intro(page, l.breaches, l.breaches_intro, &blocks);
}

/// A heading and its introduction, then one titled block of labels and values each;
/// the heading stays with the first block, and each block with its title.
fn blocks_with_intro(
    page: &mut Layout<'_>,
    heading: &str,
    intro: &str,
    blocks: &[(String, Vec<Vec<String>>)],
) {
    let block_height = |page: &Layout<'_>, (title, rows): &(String, Vec<Vec<String>>)| {
        page.paragraph_height(title, BODY, true)
            + 1.5
            + page.table_height(&two_columns(title, rows.clone()))
    };
    let first = blocks.first().map_or(0.0, |b| block_height(page, b));
    page.keep(20.0 + page.paragraph_height(intro, BODY, false) + first);
    page.heading(heading);
    if !intro.is_empty() {
        page.paragraph(intro, BODY, false);
    }
    for block in blocks {
        let h = block_height(page, block);
        page.keep(h);
        let (title, rows) = block;
        page.subheading(title);
        page.table(two_columns(title, rows.clone()), "");
    }
}

/// The recipients to be told, or told, of a change to the person's data (Art. 19).
/// Only when there are any.
fn notices(page: &mut Layout<'_>, c: &Ctx<'_>) {
    let l = c.l;
    let list = &c.report.notices;
    if list.is_empty() {
        return;
    }
    page.keep(30.0 + page.paragraph_height(l.notices_intro, BODY, false));
    page.heading(l.notices);
    page.paragraph(l.notices_intro, BODY, false);
    let rows = list
        .iter()
        .map(|n| {
            let words: Vec<String> = n.categories.iter().map(|k| c.category(k)).collect();
            vec![
                n.recipient.clone(),
                labels::change(&n.change, c.o.lang),
                words.join(", "),
                c.time(&n.created_at),
                n.done_at
                    .as_deref()
                    .map_or_else(|| l.not_yet.to_string(), |t| c.time(t)),
            ]
        })
        .collect();
    page.table(
        TableSpec {
            title: l.notices,
            header: vec![l.recipient, l.change, l.category, l.since, l.told_on],
            widths: vec![1.5, 1.5, 1.6, 1.1, 1.1],
            rows,
        },
        "",
    );
}

/// A table this document has no words for (one added later): a heading with its name
/// in words, and each row as labels and values (the column names in words; the
/// person's own number, said at the top, left out), so that nothing is squeezed into
/// columns too narrow for a word.
fn other_tables(page: &mut Layout<'_>, c: &Ctx<'_>) {
    let l = c.l;
    for other in &c.report.other {
        let name = labels::words_of_name(&other.table);
        let blocks: Vec<(String, Vec<Vec<String>>)> = other
            .rows
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let rows = other
                    .columns
                    .iter()
                    .zip(row)
                    .filter(|(col, _)| col.as_str() != "person_id")
                    .map(|(col, v)| {
                        vec![
                            if col == "id" {
                                l.other_number.to_string()
                            } else {
                                labels::words_of_name(col)
                            },
                            v.as_deref().map(|v| c.time(v)).unwrap_or_default(),
                        ]
                    })
                    .collect();
                (format!("{} {}", l.other_record, i + 1), rows)
            })
            .collect();
        let heading = format!("{}: {}", l.other_data, name.to_lowercase());
        blocks_with_intro(page, &heading, l.other_intro, &blocks);
    }
}

fn processing(page: &mut Layout<'_>, c: &Ctx<'_>) {
    let l = c.l;
    page.heading(l.processing);
    let rows = c
        .report
        .processing
        .iter()
        .map(|e| {
            let what = labels::command(&e.command, c.o.lang);
            vec![
                c.time(&e.at),
                match &e.note {
                    Some(n) => format!("{what}: {n}"),
                    None => what.to_string(),
                },
            ]
        })
        .collect();
    page.table(
        TableSpec {
            title: l.processing,
            header: vec![l.time, l.command],
            widths: vec![1.0, 3.0],
            rows,
        },
        l.processing_none,
    );
}

fn purposes(page: &mut Layout<'_>, c: &Ctx<'_>) {
    let l = c.l;
    if c.report.register.is_empty() {
        page.heading(l.purposes);
        page.paragraph(l.purposes_none, BODY, false);
        return;
    }
    let t = |s: &str| labels::starter_text(s, c.o.lang);
    // One block per activity: seven facts do not fit side by side on A4.
    let blocks: Vec<(String, Vec<Vec<String>>)> = c
        .report
        .register
        .iter()
        .map(|r| {
            let mut rows = vec![
                vec![l.legal_basis.to_string(), t(&r.legal_basis)],
                vec![l.data_categories.to_string(), t(&r.data_categories)],
            ];
            if !r.categories_of_persons.trim().is_empty() {
                rows.push(vec![
                    l.categories_of_persons.to_string(),
                    t(&r.categories_of_persons),
                ]);
            }
            rows.push(vec![l.recipients.to_string(), t(&r.recipients)]);
            // Art. 15(2): transfers outside the EEA with their safeguards, always said.
            rows.push(vec![
                l.transfers.to_string(),
                if r.transfers.trim().is_empty() {
                    l.transfers_not_recorded.to_string()
                } else {
                    t(&r.transfers)
                },
            ]);
            rows.push(vec![l.retention.to_string(), t(&r.retention)]);
            (t(&r.purpose), rows)
        })
        .collect();
    // The heading and its introduction stay with the first activity.
    blocks_with_intro(page, l.purposes, l.purposes_intro, &blocks);
}

/// Where each category of data the person has came from: the recorded sources; for
/// consent without one, the ledger's own record of how each came in; what the
/// organisation makes itself (transactions, mailings, scores, documents); else, an
/// honest "unknown".
fn sources(page: &mut Layout<'_>, c: &Ctx<'_>) {
    use crate::db::sources::Kind;
    let (l, r) = (c.l, c.report);
    page.heading(l.sources);
    page.paragraph(l.sources_intro, BODY, false);
    let mut rows: Vec<Vec<String>> = Vec::new();
    for category in &r.categories {
        let mut found: Vec<(String, String)> = Vec::new();
        let mut push = |text: String, date: String| {
            if !found.iter().any(|(t, _)| *t == text) {
                found.push((text, date));
            }
        };
        for s in r.sources.iter().filter(|s| s.categories.contains(category)) {
            let label = match s.kind {
                Kind::WebForm | Kind::Manual => s.label.as_deref().map(|ch| c.channel(ch)),
                _ => s.label.clone(),
            };
            push(
                labels::source_sentence(s.kind, label.as_deref(), c.o.lang),
                c.day(&s.recorded_at),
            );
        }
        match category.as_str() {
            "consent" => {
                // The ledger says how each record came in, whatever its age: in the
                // same words as a recorded source, so that each is told once.
                let imported = r
                    .sources
                    .iter()
                    .any(|s| s.kind == Kind::Import && s.categories.iter().any(|x| x == "consent"));
                for h in &r.history {
                    let text = match h.source.as_str() {
                        "rule" => l.source_rule.to_string(),
                        "import" if imported => continue,
                        "import" => l.source_import.to_string(),
                        "person" if c.person_given(&h.channel) => labels::source_sentence(
                            Kind::WebForm,
                            Some(&c.channel(&h.channel)),
                            c.o.lang,
                        ),
                        "person" => {
                            format!("{} ({})", l.source_given_by_you, c.channel(&h.channel))
                        }
                        _ => labels::source_sentence(
                            Kind::Manual,
                            Some(&c.channel(&h.channel)),
                            c.o.lang,
                        ),
                    };
                    push(text, c.day(&h.recorded_at));
                }
            }
            "transactions" => push(l.source_transactions.into(), String::new()),
            "mailings" => push(l.source_mailings.into(), String::new()),
            "scores" => push(l.source_scores.into(), String::new()),
            "documents" => push(l.source_documents.into(), String::new()),
            _ => {}
        }
        if found.is_empty() {
            let before = r
                .sources_recorded_since
                .as_deref()
                .filter(|since| r.person.created_at.as_str() <= *since);
            found.push((
                match before {
                    Some(since) => l.source_unknown_before.replace("{date}", &c.day(since)),
                    None => l.source_unknown.to_string(),
                },
                String::new(),
            ));
        }
        for (i, (text, date)) in found.into_iter().enumerate() {
            rows.push(vec![
                if i == 0 {
                    c.category(category)
                } else {
                    String::new()
                },
                text,
                date,
            ]);
        }
    }
    page.table(
        TableSpec {
            title: l.sources,
            header: vec![l.category, l.source, l.date],
            widths: vec![1.4, 3.6, 1.2],
            rows,
        },
        l.personal_none,
    );
}

fn rights(page: &mut Layout<'_>, c: &Ctx<'_>) {
    let l = c.l;
    page.heading(l.rights);
    for right in l.rights_list {
        page.bullet(right);
    }
    page.paragraph(l.rights_how, BODY, false);
    page.heading(l.complaint);
    page.paragraph(l.complaint_text, BODY, false);
}

/// A section of the document, in order.
type Section = fn(&mut Layout<'_>, &Ctx<'_>);

/// The document, top to bottom.
const SECTIONS: &[Section] = &[
    header,
    personal_data,
    administration,
    preferences,
    history,
    transactions,
    mailings,
    documents,
    profiling,
    requests,
    breaches,
    notices,
    other_tables,
    processing,
    purposes,
    sources,
    rights,
];

/// Render the report as a PDF: its bytes, its page count, and whether characters had to
/// be replaced (the document says so near its top).
pub fn render(report: &AccessReport, o: &Options) -> Result<Rendered> {
    let l = o.lang.labels();
    let c = Ctx { report, l, o: *o };
    let title = format!("{} — {}", l.title, report.organisation);
    let mut footer = format!(
        "{} · {} {}",
        report.organisation,
        l.export_date.to_lowercase(),
        c.time(&report.generated_at)
    );
    if o.draft {
        footer = format!("{} · {footer}", o.lang.pick("CONCEPT", "DRAFT"));
    }
    let created = time::parse_stored(&report.generated_at).unwrap_or_else(time::now);
    let page_label = |i: usize, n: usize| format!("{} {i} {} {n}", l.page, l.of);
    layout::render(
        &Meta {
            title: &title,
            author: &report.organisation,
            subject: l.title,
            created,
        },
        l.continued,
        &footer,
        &page_label,
        |page| {
            for section in SECTIONS {
                section(page, &c);
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_dutch_and_english() {
        assert_eq!(human_amount("1234.50", Language::Dutch), "€ 1.234,50");
        assert_eq!(
            human_amount("1234567.00", Language::English),
            "€1,234,567.00"
        );
        assert_eq!(human_amount("12.50", Language::Dutch), "€ 12,50");
        assert_eq!(human_amount("-5.00", Language::Dutch), "€ -5,00");
    }

    #[test]
    fn times_for_people_in_their_time_zone() {
        let ams = Some(chrono_tz::Europe::Amsterdam);
        assert_eq!(
            human_time("2026-11-28T23:50:36Z", Language::Dutch, ams),
            "29-11-2026 00:50"
        );
        assert_eq!(
            human_time("2026-07-01T22:30:00Z", Language::English, ams),
            "2026-07-02 00:30"
        );
        assert_eq!(
            human_time("2026-11-28T23:50:36Z", Language::Dutch, None),
            "28-11-2026 23:50"
        );
        assert_eq!(human_date("1970-02-28", Language::Dutch), "28-02-1970");
        // The hour the clock repeats names its zone, so that the order can be read.
        assert_eq!(
            human_time("2026-10-25T00:40:00Z", Language::Dutch, ams),
            "25-10-2026 02:40 CEST"
        );
        assert_eq!(
            human_time("2026-10-25T01:20:00Z", Language::Dutch, ams),
            "25-10-2026 02:20 CET"
        );
        assert_eq!(
            human_time("2026-10-25T02:20:00Z", Language::Dutch, ams),
            "25-10-2026 03:20"
        );
    }
}
