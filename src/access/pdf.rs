//! The access document as an A4 PDF: a shipped TrueType font (DejaVu Sans) so that any
//! name renders, headings, tables with wrapped cells that break across pages with their
//! header repeated, and page numbers. printpdf gives positioned text and lines; the
//! layout (measuring, wrapping, paging) is here.
use super::labels::{EN, Labels, NL};
use super::{AccessReport, Mailing};
use anyhow::{Result, anyhow};
use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, Rgb, TextItem,
};

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const LEFT: f32 = 18.0;
const RIGHT: f32 = 18.0;
const TOP: f32 = 20.0;
const BOTTOM: f32 = 20.0;
const CONTENT_W: f32 = PAGE_W - LEFT - RIGHT;
const PT_TO_MM: f32 = 25.4 / 72.0;
const BODY: f32 = 9.0;
const SMALL: f32 = 8.0;

/// The language of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Dutch,
    English,
}

impl Language {
    fn labels(self) -> &'static Labels {
        match self {
            Language::Dutch => &NL,
            Language::English => &EN,
        }
    }
}

struct Face {
    font: ParsedFont,
    id: FontId,
}

impl Face {
    fn load(doc: &mut PdfDocument, bytes: &[u8]) -> Result<Face> {
        let mut warnings = Vec::new();
        let font = ParsedFont::from_bytes(bytes, 0, &mut warnings)
            .ok_or_else(|| anyhow!("the embedded font cannot be read"))?;
        let id = doc.add_font(&font);
        Ok(Face { font, id })
    }

    /// Width of `text` in mm at `size` pt, from the font's glyph advances.
    fn width(&self, text: &str, size: f32) -> f32 {
        let upm = f32::from(self.font.pdf_font_metrics.units_per_em.max(1));
        let units: f32 = text
            .chars()
            .map(|c| {
                self.font
                    .lookup_glyph_index(c as u32)
                    .and_then(|g| self.font.get_glyph_width(g))
                    .map_or(upm * 0.5, f32::from)
            })
            .sum();
        units / upm * size * PT_TO_MM
    }

    /// Greedy word wrap to `max` mm; words longer than a line are broken.
    fn wrap(&self, text: &str, size: f32, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for word in paragraph.split(' ') {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if self.width(&candidate, size) <= max {
                    line = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                // The word alone: break it if it is wider than a line.
                let mut piece = String::new();
                for c in word.chars() {
                    piece.push(c);
                    if self.width(&piece, size) > max && piece.chars().count() > 1 {
                        piece.pop();
                        lines.push(std::mem::take(&mut piece));
                        piece.push(c);
                    }
                }
                line = piece;
            }
            lines.push(line);
        }
        lines
    }
}

/// Pages being laid out.
struct Layout<'a> {
    regular: &'a Face,
    bold: &'a Face,
    pages: Vec<Vec<Op>>,
    ops: Vec<Op>,
    /// The next baseline region starts here, in mm from the bottom.
    y: f32,
}

fn line_height(size: f32) -> f32 {
    size * 1.3 * PT_TO_MM
}

fn grey(level: f32) -> Color {
    Color::Rgb(Rgb {
        r: level,
        g: level,
        b: level,
        icc_profile: None,
    })
}

/// A table: title (repeated with "continued" on a new page), header, column widths as
/// fractions of the content width, and rows of cells.
struct TableSpec<'t> {
    title: &'t str,
    header: Vec<&'t str>,
    widths: Vec<f32>,
    rows: Vec<Vec<String>>,
}

impl<'a> Layout<'a> {
    fn new(regular: &'a Face, bold: &'a Face) -> Self {
        Layout {
            regular,
            bold,
            pages: Vec::new(),
            ops: Vec::new(),
            y: PAGE_H - TOP,
        }
    }

    fn face(&self, bold: bool) -> &'a Face {
        if bold { self.bold } else { self.regular }
    }

    fn new_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.ops));
        self.y = PAGE_H - TOP;
    }

    /// Room for `h` mm more on this page, or a new page.
    fn ensure(&mut self, h: f32) -> bool {
        if self.y - h < BOTTOM {
            self.new_page();
            return true;
        }
        false
    }

    fn text(&mut self, x: f32, baseline: f32, size: f32, bold: bool, text: &str) {
        if text.is_empty() {
            return;
        }
        let face = self.face(bold);
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(face.id.clone()),
                size: Pt(size),
            },
            Op::SetFillColor { col: grey(0.0) },
            Op::SetTextCursor {
                pos: Point::new(Mm(x), Mm(baseline)),
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_string())],
            },
            Op::EndTextSection,
        ]);
    }

    fn rule(&mut self, y: f32, level: f32, thickness: f32) {
        self.ops.extend([
            Op::SetOutlineColor { col: grey(level) },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine {
                line: Line {
                    points: vec![
                        LinePoint {
                            p: Point::new(Mm(LEFT), Mm(y)),
                            bezier: false,
                        },
                        LinePoint {
                            p: Point::new(Mm(PAGE_W - RIGHT), Mm(y)),
                            bezier: false,
                        },
                    ],
                    is_closed: false,
                },
            },
        ]);
    }

    /// Wrapped text over the content width.
    fn paragraph(&mut self, text: &str, size: f32, bold: bool) {
        let lines = self.face(bold).wrap(text, size, CONTENT_W);
        for line in lines {
            self.ensure(line_height(size));
            self.y -= line_height(size);
            self.text(LEFT, self.y + 0.25 * line_height(size), size, bold, &line);
        }
        self.y -= 1.5;
    }

    fn heading(&mut self, text: &str) {
        // Keep a heading with at least a few lines of what follows.
        self.ensure(line_height(12.0) + 4.0 + 4.0 * line_height(BODY));
        self.y -= 4.0 + line_height(12.0);
        self.text(LEFT, self.y + 1.0, 12.0, true, text);
        self.y -= 1.5;
        self.rule(self.y, 0.3, 0.8);
        self.y -= 1.5;
    }

    fn cell_lines(&self, text: &str, bold: bool, width: f32) -> Vec<String> {
        self.face(bold).wrap(text, SMALL, (width - 2.0).max(4.0))
    }

    fn table_header(
        &mut self,
        spec: &TableSpec<'_>,
        widths: &[f32],
        right: &[bool],
        continued: Option<&str>,
    ) {
        if let Some(word) = continued {
            self.y -= line_height(BODY) + 1.0;
            self.text(
                LEFT,
                self.y + 1.0,
                BODY,
                true,
                &format!("{} ({word})", spec.title),
            );
            self.y -= 1.0;
        }
        let cells: Vec<Vec<String>> = spec
            .header
            .iter()
            .zip(widths)
            .map(|(h, w)| self.cell_lines(h, true, *w))
            .collect();
        self.draw_row(&cells, widths, right, true);
        self.rule(self.y, 0.2, 0.7);
    }

    fn row_height(cells: &[Vec<String>]) -> f32 {
        let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32;
        lines * line_height(SMALL) + 1.6
    }

    /// One row; columns flagged in `right` (amounts) are right-aligned.
    fn draw_row(&mut self, cells: &[Vec<String>], widths: &[f32], right: &[bool], bold: bool) {
        let top = self.y;
        let mut x = LEFT;
        for ((lines, w), right) in cells.iter().zip(widths).zip(right) {
            let mut baseline = top - 0.8 - line_height(SMALL) + 0.25 * line_height(SMALL);
            for line in lines {
                let at = if *right {
                    x + w - 1.0 - self.face(bold).width(line, SMALL)
                } else {
                    x + 1.0
                };
                self.text(at, baseline, SMALL, bold, line);
                baseline -= line_height(SMALL);
            }
            x += w;
        }
        self.y = top - Self::row_height(cells);
    }

    /// A table that breaks across pages, its title and header repeated.
    fn table(&mut self, spec: TableSpec<'_>, continued: &str, empty: &str) {
        if spec.rows.is_empty() {
            self.paragraph(empty, BODY, false);
            return;
        }
        // Columns of amounts are right-aligned, their header too.
        let right: Vec<bool> = (0..spec.header.len())
            .map(|c| {
                spec.rows.iter().all(|r| {
                    r.get(c)
                        .is_some_and(|v| v.starts_with('€') || v.starts_with("-€"))
                })
            })
            .collect();
        let total: f32 = spec.widths.iter().sum();
        let widths: Vec<f32> = spec.widths.iter().map(|w| w / total * CONTENT_W).collect();
        let header_h = Self::row_height(
            &spec
                .header
                .iter()
                .zip(&widths)
                .map(|(h, w)| self.cell_lines(h, true, *w))
                .collect::<Vec<_>>(),
        );
        let max_lines = ((PAGE_H - TOP - BOTTOM - header_h - 2.0 * line_height(BODY))
            / line_height(SMALL)) as usize;
        let mut first = true;
        for row in &spec.rows {
            let mut cells: Vec<Vec<String>> = row
                .iter()
                .zip(&widths)
                .map(|(c, w)| self.cell_lines(c, false, *w))
                .collect();
            for c in &mut cells {
                c.truncate(max_lines.max(1)); // a cell longer than a page is cut, never looped on
            }
            let h = Self::row_height(&cells);
            if first {
                self.ensure(header_h + h);
                self.table_header(&spec, &widths, &right, None);
                first = false;
            } else if self.ensure(h) {
                self.table_header(&spec, &widths, &right, Some(continued));
            }
            self.draw_row(&cells, &widths, &right, false);
            self.rule(self.y, 0.82, 0.3);
        }
        self.y -= 2.0;
    }

    /// Close the last page and add the footer (organisation, date, page i of n).
    fn finish(mut self, footer_left: &str, page: &str, of: &str) -> Vec<PdfPage> {
        self.pages.push(std::mem::take(&mut self.ops));
        let n = self.pages.len();
        let pages = std::mem::take(&mut self.pages);
        pages
            .into_iter()
            .enumerate()
            .map(|(i, mut ops)| {
                let number = format!("{page} {} {of} {n}", i + 1);
                let w = self.regular.width(&number, SMALL);
                self.ops.clear();
                self.rule(BOTTOM - 6.0, 0.6, 0.4);
                self.text(LEFT, BOTTOM - 10.0, SMALL, false, footer_left);
                self.text(PAGE_W - RIGHT - w, BOTTOM - 10.0, SMALL, false, &number);
                ops.append(&mut self.ops);
                PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), ops)
            })
            .collect()
    }
}

/// `2026-11-28T23:50:36Z` as people read it: `28-11-2026 23:50` or `2026-11-28 23:50`.
pub fn human_time(t: &str, lang: Language) -> String {
    let (date, rest) = t.split_once('T').unwrap_or((t, ""));
    let hm = rest.get(..5).unwrap_or("");
    let date = human_date(date, lang);
    if hm.is_empty() {
        date
    } else {
        format!("{date} {hm}")
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

fn yes_no(l: &Labels, b: bool) -> String {
    if b { l.yes } else { l.no }.to_string()
}

fn status(l: &Labels, opt_in: bool) -> String {
    if opt_in { l.opt_in } else { l.opt_out }.to_string()
}

fn kind_label(l: &Labels, k: &str) -> String {
    l.tx_kinds
        .iter()
        .find(|(c, _)| *c == k)
        .map_or(k.to_string(), |(_, n)| n.to_string())
}

fn header(page: &mut Layout<'_>, report: &AccessReport, l: &Labels, lang: Language) {
    page.y -= line_height(16.0);
    page.text(LEFT, page.y, 16.0, true, l.title);
    page.y -= 4.0;
    page.paragraph(
        &format!("{}: {}", l.organisation, report.organisation),
        BODY,
        true,
    );
    page.paragraph(
        &format!(
            "{}: {} ({})",
            l.export_date,
            human_time(&report.generated_at, lang),
            l.times_utc
        ),
        BODY,
        false,
    );
    page.paragraph(
        &format!("{}: {}", l.person_number, report.person.id),
        BODY,
        false,
    );
    page.paragraph(l.intro, BODY, false);
}

fn personal_data(page: &mut Layout<'_>, report: &AccessReport, l: &Labels, lang: Language) {
    page.heading(l.personal_data);
    let mut rows = vec![vec![l.full_name.to_string(), report.person.full_name()]];
    for (field, value) in report.person.text_fields() {
        let shown = match (field, value) {
            (_, None) => String::new(),
            ("birth_date", Some(v)) => human_date(v, lang),
            (_, Some(v)) => v.to_string(),
        };
        rows.push(vec![l.person_field(field).to_string(), shown]);
    }
    page.table(
        TableSpec {
            title: l.personal_data,
            header: vec![l.field, l.value],
            widths: vec![1.0, 2.2],
            rows,
        },
        l.continued,
        l.none,
    );
}

fn administration(page: &mut Layout<'_>, report: &AccessReport, l: &Labels, lang: Language) {
    page.heading(l.administration);
    let rows = vec![
        vec![
            l.created_at.to_string(),
            human_time(&report.person.created_at, lang),
        ],
        vec![l.deceased.to_string(), yes_no(l, report.person.deceased)],
        vec![l.bouncer.to_string(), yes_no(l, report.person.bouncer)],
        vec![l.mailable.to_string(), yes_no(l, report.person.mailable)],
        vec![
            l.anonymised_at.to_string(),
            report
                .person
                .anonymised_at
                .as_deref()
                .map_or_else(|| l.no.to_string(), |a| human_time(a, lang)),
        ],
    ];
    page.table(
        TableSpec {
            title: l.administration,
            header: vec![l.field, l.value],
            widths: vec![1.0, 2.2],
            rows,
        },
        l.continued,
        l.none,
    );
}

fn preferences(page: &mut Layout<'_>, report: &AccessReport, l: &Labels, lang: Language) {
    page.heading(l.preferences);
    let rows = report
        .preferences
        .iter()
        .map(|c| {
            vec![
                c.kind.clone(),
                status(l, c.opt_in),
                human_time(&c.recorded_at, lang),
                c.channel.clone(),
                opt(&c.description),
            ]
        })
        .collect();
    page.table(
        TableSpec {
            title: l.preferences,
            header: vec![l.kind, l.status, l.since, l.channel, l.description],
            widths: vec![1.1, 0.7, 1.3, 1.5, 2.3],
            rows,
        },
        l.continued,
        l.none,
    );
}

fn history(page: &mut Layout<'_>, report: &AccessReport, l: &Labels, lang: Language) {
    page.heading(l.history);
    let rows = report
        .history
        .iter()
        .map(|r| {
            let cm = match (&r.contact_moment, &r.contact_moment_name) {
                (Some(id), Some(name)) => format!("{name} (#{id})"),
                (Some(id), None) => format!("#{id}"),
                _ => String::new(),
            };
            vec![
                human_time(&r.recorded_at, lang),
                r.kind.clone(),
                status(l, r.opt_in),
                r.channel.clone(),
                opt(&r.description),
                cm,
            ]
        })
        .collect();
    page.table(
        TableSpec {
            title: l.history,
            header: vec![
                l.time,
                l.kind,
                l.status,
                l.channel,
                l.description,
                l.contact_moment,
            ],
            widths: vec![1.4, 1.0, 0.7, 1.5, 1.8, 1.4],
            rows,
        },
        l.continued,
        l.none,
    );
}

fn transactions(page: &mut Layout<'_>, report: &AccessReport, l: &Labels, lang: Language) {
    page.heading(l.transactions);
    let rows = report
        .transactions
        .iter()
        .map(|t| {
            vec![
                human_time(&t.occurred_at, lang),
                kind_label(l, &t.kind),
                opt(&t.description),
                human_amount(&t.amount, lang),
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
        l.continued,
        l.none,
    );
}

fn mailings(page: &mut Layout<'_>, report: &AccessReport, l: &Labels, lang: Language) {
    page.heading(l.mailings);
    let rows = report
        .mailings
        .iter()
        .map(|m: &Mailing| {
            vec![
                human_time(&m.sent_at, lang),
                m.name.clone(),
                m.channel.clone(),
                opt(&m.kind),
            ]
        })
        .collect();
    page.table(
        TableSpec {
            title: l.mailings,
            header: vec![l.date, l.name, l.channel, l.kind],
            widths: vec![1.3, 3.0, 1.0, 1.2],
            rows,
        },
        l.continued,
        l.none,
    );
}

fn documents(page: &mut Layout<'_>, report: &AccessReport, l: &Labels, lang: Language) {
    page.heading(l.documents);
    let rows: Vec<Vec<String>> = report
        .documents
        .iter()
        .map(|d| {
            vec![
                d.filename.clone(),
                d.kind.clone(),
                human_time(&d.created_at, lang),
                format!("{} KB", (d.size_bytes + 1023) / 1024),
            ]
        })
        .collect();
    let has_documents = !rows.is_empty();
    page.table(
        TableSpec {
            title: l.documents,
            header: vec![l.name, l.kind, l.date, l.size],
            widths: vec![2.4, 1.3, 1.3, 0.7],
            rows,
        },
        l.continued,
        l.none,
    );
    if has_documents {
        page.paragraph(l.documents_note, SMALL, false);
    }
}

fn profiling(page: &mut Layout<'_>, report: &AccessReport, l: &Labels, lang: Language) {
    page.heading(l.profiling);
    page.paragraph(
        if report.profiling {
            l.profiling_yes
        } else {
            l.profiling_no
        },
        BODY,
        false,
    );
    if let Some(s) = &report.scores {
        let rows = vec![
            vec![l.recency.to_string(), s.recency_days.to_string()],
            vec![l.frequency.to_string(), s.frequency.to_string()],
            vec![l.monetary.to_string(), human_amount(&s.monetary, lang)],
            vec![l.rfm.to_string(), s.rfm.clone()],
            vec![l.computed_at.to_string(), human_time(&s.computed_at, lang)],
        ];
        page.table(
            TableSpec {
                title: l.profiling,
                header: vec![l.field, l.value],
                widths: vec![1.5, 2.0],
                rows,
            },
            l.continued,
            l.none,
        );
    }
}

fn other_tables(page: &mut Layout<'_>, report: &AccessReport, l: &Labels, _lang: Language) {
    for other in &report.other {
        page.heading(&format!(
            "{}: {} {}",
            l.other_data,
            l.table.to_lowercase(),
            other.table
        ));
        let header: Vec<&str> = other.columns.iter().map(String::as_str).collect();
        let rows = other
            .rows
            .iter()
            .map(|r| r.iter().map(opt).collect())
            .collect();
        page.table(
            TableSpec {
                title: &other.table,
                widths: vec![1.0; header.len()],
                header,
                rows,
            },
            l.continued,
            l.none,
        );
    }
}

fn processing(page: &mut Layout<'_>, report: &AccessReport, l: &Labels, lang: Language) {
    page.heading(l.processing);
    let rows = report
        .processing
        .iter()
        .map(|e| vec![human_time(&e.at, lang), e.command.clone()])
        .collect();
    page.table(
        TableSpec {
            title: l.processing,
            header: vec![l.time, l.command],
            widths: vec![1.0, 3.0],
            rows,
        },
        l.continued,
        l.none,
    );
}

fn purposes(page: &mut Layout<'_>, report: &AccessReport, l: &Labels, _lang: Language) {
    page.heading(l.purposes);
    let rows = report
        .register
        .iter()
        .map(|r| {
            vec![
                r.purpose.clone(),
                r.legal_basis.clone(),
                r.data_categories.clone(),
                r.recipients.clone(),
                r.retention.clone(),
            ]
        })
        .collect();
    page.table(
        TableSpec {
            title: l.purposes,
            header: vec![
                l.purpose,
                l.legal_basis,
                l.data_categories,
                l.recipients,
                l.retention,
            ],
            widths: vec![1.5, 1.25, 1.3, 1.4, 1.3],
            rows,
        },
        l.continued,
        l.none,
    );
}

fn sources(page: &mut Layout<'_>, report: &AccessReport, l: &Labels, _lang: Language) {
    page.heading(l.sources);
    page.paragraph(l.sources_intro, BODY, false);
    let mut sources: Vec<String> = report.source_channels.clone();
    sources.extend(
        report
            .source_transaction_kinds
            .iter()
            .map(|k| format!("{}: {}", l.transactions, kind_label(l, k).to_lowercase())),
    );
    page.paragraph(&sources.join(", "), BODY, false);
}

fn rights(page: &mut Layout<'_>, _report: &AccessReport, l: &Labels, _lang: Language) {
    page.heading(l.rights);
    for right in l.rights_list {
        page.paragraph(&format!("• {right}"), BODY, false);
    }
    page.heading(l.complaint);
    page.paragraph(l.complaint_text, BODY, false);
}

/// A section of the document, in order.
type Section = fn(&mut Layout<'_>, &AccessReport, &Labels, Language);

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
    other_tables,
    processing,
    purposes,
    sources,
    rights,
];

/// Render the report as PDF bytes; also returns the page count.
pub fn render(report: &AccessReport, lang: Language) -> Result<(Vec<u8>, usize)> {
    let l = lang.labels();
    let mut doc = PdfDocument::new(&format!("{} — {}", l.title, report.organisation));
    let regular = Face::load(&mut doc, REGULAR)?;
    let bold = Face::load(&mut doc, BOLD)?;
    let mut page = Layout::new(&regular, &bold);
    for section in SECTIONS {
        section(&mut page, report, l, lang);
    }
    let footer = format!(
        "{} · {} {}",
        report.organisation,
        l.export_date.to_lowercase(),
        human_time(&report.generated_at, lang)
    );
    let pages = page.finish(&footer, l.page, l.of);
    let count = pages.len();
    let mut warnings = Vec::new();
    let bytes = doc
        .with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut warnings);
    Ok((bytes, count))
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
    fn times_for_people() {
        assert_eq!(
            human_time("2026-11-28T23:50:36Z", Language::Dutch),
            "28-11-2026 23:50"
        );
        assert_eq!(
            human_time("2026-11-28T23:50:36Z", Language::English),
            "2026-11-28 23:50"
        );
        assert_eq!(human_date("1970-02-28", Language::Dutch), "28-02-1970");
    }

    #[test]
    fn wrapping_fits_the_width() {
        let mut doc = PdfDocument::new("t");
        let face = Face::load(&mut doc, REGULAR).unwrap();
        let text = "Łukasz Żółć woont aan de Prinsengracht en ontvangt graag de nieuwsbrief over kamermuziek op zondag";
        let lines = face.wrap(text, 9.0, 40.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| face.width(l, 9.0) <= 40.0));
        assert_eq!(lines.join(" "), text);
        // A word longer than the line is broken, not lost.
        let long = "x".repeat(200);
        assert_eq!(face.wrap(&long, 9.0, 20.0).concat(), long);
    }
}
