//! The report for the privacy officer (FG) as an A4 PDF (`smp-avg report --out
//! FILE.pdf`), in the style of the access answer: the same layout ([`super::layout`]),
//! times in the organisation's time zone, words instead of codes, Dutch by default.
//! The numbers are those of `db::report` (the table, CSV and JSON of `report` show the
//! same); every word of this document is here, in both languages.
use super::labels::Language;
use super::layout::{self, BODY, Layout, Meta, Rendered, SMALL, TableSpec};
use super::pdf::{human_date, human_day, human_time};
use crate::db::report::Report;
use anyhow::Result;
use chrono_tz::Tz;

/// Words for the codes of the report, by language: consent types (as the organisation
/// named them) and channels (the vocabulary).
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    /// code → label.
    pub types: Vec<(String, String)>,
    /// code → (Dutch, English).
    pub channels: Vec<(String, String, String)>,
}

/// How to render the report.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub lang: Language,
    /// The time zone people read times in; None: UTC (`--utc`).
    pub tz: Option<Tz>,
}

/// Every fixed text of the report in one language.
struct Words {
    title: &'static str,
    intro: &'static str,
    period_from: &'static str,
    period_all: &'static str,
    to: &'static str,
    made: &'static str,
    times_in: &'static str,
    times_utc: &'static str,
    replaced: &'static str,
    controller: &'static str,
    name: &'static str,
    address: &'static str,
    email: &'static str,
    phone: &'static str,
    fg: &'static str,
    not_set: &'static str,
    requests: &'static str,
    requests_intro: &'static str,
    kind: &'static str,
    received: &'static str,
    in_time: &'static str,
    late: &'static str,
    refused: &'static str,
    open: &'static str,
    overdue: &'static str,
    all: &'static str,
    refused_late: &'static str,
    requests_none: &'static str,
    open_now: &'static str,
    open_now_none: &'static str,
    request: &'static str,
    person: &'static str,
    due: &'static str,
    extended: &'static str,
    status: &'static str,
    consent: &'static str,
    consent_none: &'static str,
    consent_type: &'static str,
    channel: &'static str,
    opt_ins: &'static str,
    opt_outs: &'static str,
    mail: &'static str,
    marked: &'static str,
    bouncers_now: &'static str,
    suppressed: &'static str,
    suppressed_none: &'static str,
    erasures: &'static str,
    anonymised: &'static str,
    by_request: &'static str,
    sweeps: &'static str,
    swept: &'static str,
    breaches: &'static str,
    breaches_intro: &'static str,
    recorded: &'static str,
    reported_in_time: &'static str,
    reported_late: &'static str,
    not_required: &'static str,
    open_72: &'static str,
    breach_overdue: &'static str,
    persons_affected: &'static str,
    persons_notified: &'static str,
    todos: &'static str,
    todos_intro: &'static str,
    todos_made: &'static str,
    todos_done: &'static str,
    todos_open: &'static str,
    processor: &'static str,
    oldest: &'static str,
    page: &'static str,
    of: &'static str,
    continued: &'static str,
    /// Request kinds, statuses and suppression reasons: code → word.
    codes: &'static [(&'static str, &'static str)],
}

const NL: Words = Words {
    title: "Verantwoordingsrapportage AVG",
    intro: "Voor de functionaris gegevensbescherming: wat de organisatie in de periode deed met verzoeken van betrokkenen, toestemmingen, onbestelbare e-mail, de lijst van adressen die wij niet mailen, het wissen van gegevens, datalekken en meldingen aan verwerkers.",
    period_from: "Periode: van",
    period_all: "Periode: alles tot",
    to: "tot",
    made: "Opgemaakt op",
    times_in: "Alle tijden zijn in de tijdzone",
    times_utc: "Alle tijden zijn in UTC (gecoördineerde wereldtijd).",
    replaced: "Sommige tekens konden in dit document niet worden weergegeven; zij zijn vervangen door \u{FFFD}. De volledige gegevens geeft `smp-avg report --format json`.",
    controller: "Verwerkingsverantwoordelijke",
    name: "Naam",
    address: "Adres",
    email: "E-mail",
    phone: "Telefoon",
    fg: "Functionaris gegevensbescherming",
    not_set: "niet ingesteld",
    requests: "Verzoeken van betrokkenen",
    requests_intro: "Ontvangen in de periode, naar uitkomst. De termijn is een maand na ontvangst, met ten hoogste twee maanden verlenging (art. 12 lid 3 AVG).",
    kind: "Soort",
    received: "Ontvangen",
    in_time: "Op tijd beantwoord",
    late: "Te laat beantwoord",
    refused: "Geweigerd",
    open: "Open",
    overdue: "Termijn verstreken",
    all: "Alle",
    refused_late: "Waarvan geweigerd na de termijn:",
    requests_none: "Er zijn in de periode geen verzoeken ontvangen.",
    open_now: "Verzoeken die nu openstaan",
    open_now_none: "Er staan geen verzoeken open.",
    request: "Verzoek",
    person: "Relatienummer",
    due: "Uiterlijk",
    extended: "verlengd",
    status: "Status",
    consent: "Aan- en afmeldingen per soort en kanaal",
    consent_none: "Er zijn in de periode geen aan- of afmeldingen vastgelegd.",
    consent_type: "Soort",
    channel: "Kanaal",
    opt_ins: "Aanmeldingen",
    opt_outs: "Afmeldingen",
    mail: "Onbestelbare e-mail en de lijst van adressen die wij niet mailen",
    marked: "Personen als onbestelbaar (bouncer) gemarkeerd in de periode",
    bouncers_now: "Bouncers nu",
    suppressed: "Op de lijst gezet:",
    suppressed_none: "Adressen op de lijst gezet in de periode",
    erasures: "Wissen van gegevens",
    anonymised: "Personen geanonimiseerd",
    by_request: "Wissingen van één persoon (anonymise --person)",
    sweeps: "Bewaartermijnrondes (anonymise --inactive-for)",
    swept: "Personen gewist door die rondes",
    breaches: "Datalekken",
    breaches_intro: "Ontdekt in de periode. De Autoriteit Persoonsgegevens moet binnen 72 uur na ontdekking worden ingelicht (art. 33 AVG).",
    recorded: "Geregistreerd",
    reported_in_time: "Op tijd gemeld aan de AP",
    reported_late: "Te laat gemeld aan de AP",
    not_required: "Geen melding nodig",
    open_72: "Open, binnen 72 uur",
    breach_overdue: "Open, 72 uur verstreken",
    persons_affected: "Betrokken personen",
    persons_notified: "Datalekken waarvan de betrokkenen zijn ingelicht (art. 34 AVG)",
    todos: "Meldingen aan verwerkers",
    todos_intro: "Na wissen, rectificatie of beperking moet iedere verwerker die de gegevens heeft worden ingelicht (art. 19 AVG).",
    todos_made: "Meldingen ontstaan in de periode",
    todos_done: "Meldingen gedaan in de periode",
    todos_open: "Meldingen die nu openstaan",
    processor: "Verwerker",
    oldest: "Oudste sinds",
    page: "Pagina",
    of: "van",
    continued: "vervolg",
    codes: &[
        ("access", "Inzage"),
        ("erasure", "Wissen"),
        ("objection", "Bezwaar"),
        ("rectification", "Rectificatie"),
        ("restriction", "Beperking"),
        ("portability", "Overdraagbaarheid"),
        ("open", "open"),
        ("overdue", "termijn verstreken"),
        ("unsubscribed_all", "volledig uitgeschreven"),
        ("hard_bounce", "onbestelbaar (hard bounce)"),
        ("complaint", "klacht (spammelding)"),
        ("erased", "gewist"),
        ("deceased", "overleden"),
        ("manual", "door een medewerker"),
    ],
};

const EN: Words = Words {
    title: "GDPR accountability report",
    intro: "For the data protection officer: what the organisation did in the period with requests of data subjects, consent, undeliverable e-mail, the list of addresses we do not mail, erasure, personal data breaches and notifications to processors.",
    period_from: "Period: from",
    period_all: "Period: everything up to",
    to: "to",
    made: "Made on",
    times_in: "All times are in the time zone",
    times_utc: "All times are in UTC (Coordinated Universal Time).",
    replaced: "Some characters cannot be shown in this document; they are replaced by \u{FFFD}. `smp-avg report --format json` gives the complete data.",
    controller: "Controller",
    name: "Name",
    address: "Address",
    email: "E-mail",
    phone: "Phone",
    fg: "Data protection officer",
    not_set: "not set",
    requests: "Requests of data subjects",
    requests_intro: "Received in the period, by outcome. The deadline is one month after receipt, extendable by at most two months (Art. 12(3) GDPR).",
    kind: "Kind",
    received: "Received",
    in_time: "Answered in time",
    late: "Answered late",
    refused: "Refused",
    open: "Open",
    overdue: "Overdue",
    all: "All",
    refused_late: "Of which refused after the deadline:",
    requests_none: "No requests were received in the period.",
    open_now: "Requests open now",
    open_now_none: "No requests are open.",
    request: "Request",
    person: "Person",
    due: "Due",
    extended: "extended",
    status: "Status",
    consent: "Subscriptions and unsubscriptions per type and channel",
    consent_none: "No subscriptions or unsubscriptions were recorded in the period.",
    consent_type: "Type",
    channel: "Channel",
    opt_ins: "Subscriptions",
    opt_outs: "Unsubscriptions",
    mail: "Undeliverable e-mail and the list of addresses we do not mail",
    marked: "Persons marked undeliverable (bouncer) in the period",
    bouncers_now: "Bouncers now",
    suppressed: "Put on the list:",
    suppressed_none: "Addresses put on the list in the period",
    erasures: "Erasure",
    anonymised: "Persons anonymised",
    by_request: "Erasures of one person (anonymise --person)",
    sweeps: "Retention sweeps (anonymise --inactive-for)",
    swept: "Persons erased by those sweeps",
    breaches: "Personal data breaches",
    breaches_intro: "Discovered in the period. The Dutch Data Protection Authority (AP) must be told within 72 hours of discovery (Art. 33 GDPR).",
    recorded: "Recorded",
    reported_in_time: "Reported to the AP in time",
    reported_late: "Reported to the AP late",
    not_required: "No report needed",
    open_72: "Open, within 72 hours",
    breach_overdue: "Open, past 72 hours",
    persons_affected: "Persons affected",
    persons_notified: "Breaches whose persons were told (Art. 34 GDPR)",
    todos: "Notifications to processors",
    todos_intro: "After an erasure, rectification or restriction every processor that holds the data must be told (Art. 19 GDPR).",
    todos_made: "Notifications arising in the period",
    todos_done: "Notifications done in the period",
    todos_open: "Notifications open now",
    processor: "Processor",
    oldest: "Oldest since",
    page: "Page",
    of: "of",
    continued: "continued",
    codes: &[
        ("access", "Access"),
        ("erasure", "Erasure"),
        ("objection", "Objection"),
        ("rectification", "Rectification"),
        ("restriction", "Restriction"),
        ("portability", "Portability"),
        ("open", "open"),
        ("overdue", "overdue"),
        ("unsubscribed_all", "unsubscribed from everything"),
        ("hard_bounce", "undeliverable (hard bounce)"),
        ("complaint", "complaint (reported as spam)"),
        ("erased", "erased"),
        ("deceased", "deceased"),
        ("manual", "by a staff member"),
    ],
};

struct Ctx<'r> {
    report: &'r Report,
    vocabulary: &'r Vocabulary,
    w: &'static Words,
    o: Options,
}

impl Ctx<'_> {
    fn time(&self, t: &str) -> String {
        human_time(t, self.o.lang, self.o.tz)
    }

    /// The day of a stored time, in the time zone of the document.
    fn day(&self, t: &str) -> String {
        human_day(t, self.o.lang, self.o.tz)
    }

    /// A code in words (the code itself when it has none).
    fn word(&self, code: &str) -> String {
        self.w
            .codes
            .iter()
            .find(|(c, _)| *c == code)
            .map_or_else(|| code.to_string(), |(_, w)| (*w).to_string())
    }

    fn type_label(&self, code: &str) -> String {
        self.vocabulary
            .types
            .iter()
            .find(|(c, _)| c == code)
            .map_or_else(
                || code.to_string(),
                |(_, label)| super::labels::starter_text(label, self.o.lang),
            )
    }

    fn channel(&self, code: &str) -> String {
        if code == crate::db::report::OTHER_CHANNEL {
            return self
                .o
                .lang
                .pick("Overig (vrije tekst)", "Other (free text)")
                .to_string();
        }
        self.vocabulary
            .channels
            .iter()
            .find(|(c, _, _)| c == code)
            .map_or_else(
                || code.to_string(),
                |(_, nl, en)| self.o.lang.pick(nl, en).to_string(),
            )
    }
}

fn two_columns<'t>(title: &'t str, rows: Vec<Vec<String>>) -> TableSpec<'t> {
    TableSpec {
        title,
        header: Vec::new(),
        widths: vec![3.2, 1.0],
        rows,
    }
}

fn header(page: &mut Layout<'_>, c: &Ctx<'_>) {
    let (w, r) = (c.w, c.report);
    page.title(w.title);
    page.paragraph(w.intro, BODY, false);
    page.paragraph(
        &match &r.since {
            Some(since) => format!(
                "{} {} {} {}",
                w.period_from,
                c.time(since),
                w.to,
                c.time(&r.generated_at)
            ),
            None => format!("{} {}", w.period_all, c.time(&r.generated_at)),
        },
        BODY,
        true,
    );
    page.paragraph(
        &match c.o.tz {
            Some(tz) => format!("{} {}.", w.times_in, tz.name()),
            None => w.times_utc.to_string(),
        },
        BODY,
        false,
    );
    if page.replaced_characters() {
        page.paragraph(w.replaced, BODY, true);
    }
    let ctl = &r.controller;
    let value = |v: &Option<String>| v.clone().unwrap_or_else(|| format!("({})", w.not_set));
    page.subheading(w.controller);
    let mut rows = vec![vec![w.name.to_string(), value(&ctl.name)]];
    for (label, v) in [
        (w.address, &ctl.address),
        (w.email, &ctl.email),
        (w.phone, &ctl.phone),
    ] {
        if let Some(v) = v {
            rows.push(vec![label.to_string(), v.clone()]);
        }
    }
    let fg = match (&ctl.fg_name, &ctl.fg_email) {
        (None, None) => format!("({})", w.not_set),
        (Some(n), Some(e)) => format!("{n}, {e}"),
        (Some(x), None) | (None, Some(x)) => x.clone(),
    };
    rows.push(vec![w.fg.to_string(), fg]);
    page.table(
        TableSpec {
            title: w.controller,
            header: Vec::new(),
            widths: vec![1.6, 3.0],
            rows,
        },
        "",
    );
}

fn requests(page: &mut Layout<'_>, c: &Ctx<'_>) {
    let (w, q) = (c.w, &c.report.requests);
    page.heading(w.requests);
    page.paragraph(w.requests_intro, BODY, false);
    if q.received == 0 {
        page.paragraph(w.requests_none, BODY, false);
    } else {
        let mut rows = vec![vec![
            w.all.to_string(),
            q.received.to_string(),
            q.answered_in_time.to_string(),
            q.answered_late.to_string(),
            q.refused.to_string(),
            q.open.to_string(),
            q.overdue.to_string(),
        ]];
        rows.extend(q.by_kind.iter().map(|k| {
            vec![
                c.word(&k.kind),
                k.received.to_string(),
                k.answered_in_time.to_string(),
                k.answered_late.to_string(),
                k.refused.to_string(),
                k.open.to_string(),
                k.overdue.to_string(),
            ]
        }));
        page.table(
            TableSpec {
                title: w.requests,
                header: vec![
                    w.kind, w.received, w.in_time, w.late, w.refused, w.open, w.overdue,
                ],
                widths: vec![1.6, 1.0, 1.1, 1.1, 1.0, 0.8, 1.0],
                rows,
            },
            "",
        );
        page.paragraph(
            &format!("{} {}", w.refused_late, q.refused_late),
            SMALL,
            false,
        );
    }
    page.subheading(w.open_now);
    let rows = q
        .open_now
        .iter()
        .map(|o| {
            vec![
                o.id.to_string(),
                o.person_id.to_string(),
                c.word(&o.kind),
                c.day(&o.received_at),
                if o.extended {
                    format!("{} ({})", human_date(&o.due_at, c.o.lang), w.extended)
                } else {
                    human_date(&o.due_at, c.o.lang)
                },
                c.word(&o.status),
            ]
        })
        .collect();
    page.table(
        TableSpec {
            title: w.open_now,
            header: vec![w.request, w.person, w.kind, w.received, w.due, w.status],
            widths: vec![0.8, 1.2, 1.3, 1.1, 1.5, 1.3],
            rows,
        },
        w.open_now_none,
    );
}

fn consent(page: &mut Layout<'_>, c: &Ctx<'_>) {
    let w = c.w;
    page.heading(w.consent);
    let rows = c
        .report
        .consent
        .iter()
        .map(|x| {
            vec![
                c.type_label(&x.kind),
                c.channel(&x.channel),
                x.opt_ins.to_string(),
                x.opt_outs.to_string(),
            ]
        })
        .collect();
    page.table(
        TableSpec {
            title: w.consent,
            header: vec![w.consent_type, w.channel, w.opt_ins, w.opt_outs],
            widths: vec![1.5, 2.0, 1.0, 1.0],
            rows,
        },
        w.consent_none,
    );
}

fn mail_and_erasure(page: &mut Layout<'_>, c: &Ctx<'_>) {
    let (w, r) = (c.w, c.report);
    page.heading(w.mail);
    let mut rows = vec![
        vec![w.marked.to_string(), r.bounces.marked.to_string()],
        vec![
            w.bouncers_now.to_string(),
            r.bounces.bouncers_now.to_string(),
        ],
    ];
    if r.suppressions.is_empty() {
        rows.push(vec![w.suppressed_none.to_string(), "0".into()]);
    }
    rows.extend(r.suppressions.iter().map(|s| {
        vec![
            format!("{} {}", w.suppressed, c.word(&s.reason)),
            s.added.to_string(),
        ]
    }));
    page.table(two_columns(w.mail, rows), "");
    page.heading(w.erasures);
    let e = &r.erasures;
    page.table(
        two_columns(
            w.erasures,
            vec![
                vec![w.anonymised.to_string(), e.persons.to_string()],
                vec![w.by_request.to_string(), e.by_request.to_string()],
                vec![w.sweeps.to_string(), e.sweeps.to_string()],
                vec![w.swept.to_string(), e.swept_persons.to_string()],
            ],
        ),
        "",
    );
}

fn breaches(page: &mut Layout<'_>, c: &Ctx<'_>) {
    let (w, b) = (c.w, &c.report.breaches);
    page.heading(w.breaches);
    page.paragraph(w.breaches_intro, BODY, false);
    page.table(
        two_columns(
            w.breaches,
            vec![
                vec![w.recorded.to_string(), b.recorded.to_string()],
                vec![
                    w.reported_in_time.to_string(),
                    b.reported_in_time.to_string(),
                ],
                vec![w.reported_late.to_string(), b.reported_late.to_string()],
                vec![w.not_required.to_string(), b.not_required.to_string()],
                vec![w.open_72.to_string(), b.open.to_string()],
                vec![w.breach_overdue.to_string(), b.overdue.to_string()],
                vec![
                    w.persons_affected.to_string(),
                    b.persons_affected.to_string(),
                ],
                vec![
                    w.persons_notified.to_string(),
                    b.persons_notified.to_string(),
                ],
            ],
        ),
        "",
    );
}

fn todos(page: &mut Layout<'_>, c: &Ctx<'_>) {
    let (w, t) = (c.w, &c.report.processor_todos);
    page.heading(w.todos);
    page.paragraph(w.todos_intro, BODY, false);
    page.table(
        two_columns(
            w.todos,
            vec![
                vec![w.todos_made.to_string(), t.created.to_string()],
                vec![w.todos_done.to_string(), t.done.to_string()],
                vec![w.todos_open.to_string(), t.open_now.to_string()],
            ],
        ),
        "",
    );
    let rows = t
        .open_by_processor
        .iter()
        .map(|p| vec![p.processor.clone(), p.open.to_string(), c.time(&p.oldest)])
        .collect();
    page.table(
        TableSpec {
            title: w.todos,
            header: vec![w.processor, w.open, w.oldest],
            widths: vec![2.6, 0.8, 1.4],
            rows,
        },
        "",
    );
}

/// A section of the report, in order.
type Section = fn(&mut Layout<'_>, &Ctx<'_>);

const SECTIONS: &[Section] = &[header, requests, consent, mail_and_erasure, breaches, todos];

/// Render the report as a PDF.
pub fn render(report: &Report, vocabulary: &Vocabulary, o: &Options) -> Result<Rendered> {
    let w = match o.lang {
        Language::Dutch => &NL,
        Language::English => &EN,
    };
    let c = Ctx {
        report,
        vocabulary,
        w,
        o: *o,
    };
    let organisation = report.controller.name.clone().unwrap_or_default();
    let title = if organisation.is_empty() {
        w.title.to_string()
    } else {
        format!("{} — {organisation}", w.title)
    };
    let footer = format!(
        "{title} · {} {}",
        w.made.to_lowercase(),
        c.time(&report.generated_at)
    );
    let created = crate::rules::time::parse_stored(&report.generated_at)
        .unwrap_or_else(crate::rules::time::now);
    let page_label = |i: usize, n: usize| format!("{} {i} {} {n}", w.page, w.of);
    layout::render(
        &Meta {
            title: &title,
            author: &organisation,
            subject: w.title,
            created,
        },
        w.continued,
        &footer,
        &page_label,
        |page| {
            for section in SECTIONS {
                section(page, &c);
            }
        },
    )
}
