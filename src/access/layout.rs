//! A4 page layout over printpdf, for every document the tool writes (the access answer,
//! the privacy officer's report): a shipped TrueType font (DejaVu Sans, subset to Latin,
//! Latin Extended, Vietnamese, Greek and Cyrillic, see assets/fonts/README.md);
//! headings; paragraphs; tables whose cells wrap and whose rows continue on the next
//! page with the title and header repeated (a cell longer than a page is split, never
//! cut); a footer with page numbers; the document's metadata. printpdf gives positioned
//! text and lines; measuring, wrapping and paging are here.
//!
//! Never silently blank: a character the font cannot draw (Chinese, Arabic, emoji) is
//! drawn as U+FFFD (�), and the document is laid out once more so that it can say so
//! near its top ([`Layout::replaced_characters`]).
use anyhow::{Result, anyhow};
use chrono::{DateTime, Utc};
use printpdf::{
    Color, FontId, Line, LinePoint, Mm, OffsetDateTime, Op, ParsedFont, PdfDocument, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Pt, Rgb, TextItem,
};
use std::borrow::Cow;

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

pub const PAGE_W: f32 = 210.0;
pub const PAGE_H: f32 = 297.0;
pub const LEFT: f32 = 18.0;
pub const RIGHT: f32 = 18.0;
pub const TOP: f32 = 20.0;
pub const BOTTOM: f32 = 20.0;
pub const CONTENT_W: f32 = PAGE_W - LEFT - RIGHT;
const PT_TO_MM: f32 = 25.4 / 72.0;
/// Body text size (pt).
pub const BODY: f32 = 9.0;
/// Table and note text size (pt).
pub const SMALL: f32 = 8.0;
const TITLE: f32 = 16.0;
const HEADING: f32 = 12.0;
/// Padding above and below the lines of a table row (mm).
const ROW_PAD: f32 = 0.8;

/// What is drawn for a character the font cannot draw: U+FFFD, the replacement
/// character (in the subset fonts), else `?`.
pub const REPLACEMENT: char = '\u{FFFD}';

/// One embedded font face with its metrics.
pub struct Face {
    font: ParsedFont,
    id: FontId,
    /// [`REPLACEMENT`] when the font has it, else `?`.
    replacement: char,
}

impl Face {
    fn load(doc: &mut PdfDocument, bytes: &[u8]) -> Result<Face> {
        let mut warnings = Vec::new();
        let font = ParsedFont::from_bytes(bytes, 0, &mut warnings)
            .ok_or_else(|| anyhow!("the embedded font cannot be read"))?;
        let id = doc.add_font(&font);
        let replacement = if font
            .lookup_glyph_index(REPLACEMENT as u32)
            .is_some_and(|g| g != 0)
        {
            REPLACEMENT
        } else {
            '?'
        };
        Ok(Face {
            font,
            id,
            replacement,
        })
    }

    /// Whether the font has a glyph for `c`.
    pub fn has(&self, c: char) -> bool {
        self.font
            .lookup_glyph_index(c as u32)
            .is_some_and(|g| g != 0)
    }

    /// What is drawn for `c`: itself when the font has it; else a space for white
    /// space, nothing for a variation selector (a presentation hint, no content), and
    /// [`REPLACEMENT`] for anything else. The flag: a character was replaced.
    fn drawn(&self, c: char) -> (Option<char>, bool) {
        if self.has(c) {
            (Some(c), false)
        } else if c.is_whitespace() {
            (Some(' '), false)
        } else if matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}') {
            (None, false)
        } else {
            (Some(self.replacement), true)
        }
    }

    /// `text` as it is drawn (see [`Face::drawn`]), and whether a character was replaced.
    pub fn drawable<'t>(&self, text: &'t str) -> (Cow<'t, str>, bool) {
        if text.chars().all(|c| self.has(c)) {
            return (Cow::Borrowed(text), false);
        }
        let mut replaced = false;
        let out = text
            .chars()
            .filter_map(|c| {
                let (d, r) = self.drawn(c);
                replaced |= r;
                d
            })
            .collect();
        (Cow::Owned(out), replaced)
    }

    /// Width of `text` in mm at `size` pt, from the font's glyph advances (as drawn).
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let upm = f32::from(self.font.pdf_font_metrics.units_per_em.max(1));
        let units: f32 = text
            .chars()
            .filter_map(|c| self.drawn(c).0)
            .map(|c| {
                self.font
                    .lookup_glyph_index(c as u32)
                    .and_then(|g| self.font.get_glyph_width(g))
                    .map_or(upm * 0.5, f32::from)
            })
            .sum();
        units / upm * size * PT_TO_MM
    }

    /// Greedy word wrap to `max` mm; words longer than a line are broken. Nothing is
    /// dropped: the lines joined give the text back.
    pub fn wrap(&self, text: &str, size: f32, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            let mut line_w = 0.0;
            let space = self.width(" ", size);
            for word in paragraph.split(' ') {
                let word_w = self.width(word, size);
                let candidate_w = if line.is_empty() {
                    word_w
                } else {
                    line_w + space + word_w
                };
                if candidate_w <= max {
                    if !line.is_empty() {
                        line.push(' ');
                    }
                    line.push_str(word);
                    line_w = candidate_w;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                // The word alone: break it if it is wider than a line.
                let mut piece = String::new();
                let mut piece_w = 0.0;
                for c in word.chars() {
                    let mut buf = [0u8; 4];
                    let cw = self.width(c.encode_utf8(&mut buf), size);
                    if piece_w + cw > max && !piece.is_empty() {
                        lines.push(std::mem::take(&mut piece));
                        piece_w = 0.0;
                    }
                    piece.push(c);
                    piece_w += cw;
                }
                line = piece;
                line_w = piece_w;
            }
            lines.push(line);
        }
        lines
    }
}

/// The two faces of a document.
pub struct Fonts {
    pub regular: Face,
    pub bold: Face,
}

/// What a document says about itself (the PDF's Info dictionary).
pub struct Meta<'a> {
    pub title: &'a str,
    pub author: &'a str,
    pub subject: &'a str,
    pub created: DateTime<Utc>,
}

/// A whole number as a count is written: digits, perhaps a minus sign.
fn is_count(v: &str) -> bool {
    let digits = v.strip_prefix('-').unwrap_or(v);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// The height of a line of `size` pt text (mm).
pub fn line_height(size: f32) -> f32 {
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

/// A table: title (repeated with "continued" on a new page), header (none when empty:
/// a list of label and value), column widths as fractions of the content width, and
/// rows of cells. Columns whose every cell is an amount (starts with €) or a count
/// (digits) are right-aligned.
pub struct TableSpec<'t> {
    pub title: &'t str,
    pub header: Vec<&'t str>,
    pub widths: Vec<f32>,
    pub rows: Vec<Vec<String>>,
}

/// Pages being laid out.
pub struct Layout<'a> {
    fonts: &'a Fonts,
    pages: Vec<Vec<Op>>,
    ops: Vec<Op>,
    /// The next line starts below this height, in mm from the bottom of the page.
    pub y: f32,
    /// The word that marks a repeated table title ("continued").
    continued: &'a str,
    /// A character was drawn as its replacement in this pass.
    replaced: bool,
    /// The first pass replaced characters: this pass must say so.
    notice: bool,
}

impl<'a> Layout<'a> {
    fn new(fonts: &'a Fonts, continued: &'a str, notice: bool) -> Self {
        Layout {
            fonts,
            pages: Vec::new(),
            ops: Vec::new(),
            y: PAGE_H - TOP,
            continued,
            replaced: false,
            notice,
        }
    }

    /// Whether some characters of the document cannot be drawn by the fonts and are
    /// shown as U+FFFD: the document should say so near its top, and where the complete
    /// text is. (Known from a first pass; [`render`] lays the document out again then.)
    pub fn replaced_characters(&self) -> bool {
        self.notice
    }

    /// A face of this document.
    pub fn face(&self, bold: bool) -> &'a Face {
        if bold {
            &self.fonts.bold
        } else {
            &self.fonts.regular
        }
    }

    fn new_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.ops));
        self.y = PAGE_H - TOP;
    }

    /// Room for `h` mm more on this page, or a new page. True when a page was begun.
    pub fn ensure(&mut self, h: f32) -> bool {
        if self.y - h < BOTTOM {
            self.new_page();
            return true;
        }
        false
    }

    /// Keep a block of `h` mm together: a new page unless it fits on this one (a block
    /// taller than a page starts where it is).
    pub fn keep(&mut self, h: f32) {
        if h <= PAGE_H - TOP - BOTTOM {
            self.ensure(h);
        }
    }

    /// The height (mm) of wrapped text over the content width.
    pub fn paragraph_height(&self, text: &str, size: f32, bold: bool) -> f32 {
        self.face(bold).wrap(text, size, CONTENT_W).len() as f32 * line_height(size) + 1.5
    }

    /// The height (mm) of a table laid out without a page break: its header and rows.
    pub fn table_height(&self, spec: &TableSpec<'_>) -> f32 {
        let total: f32 = spec.widths.iter().sum();
        let widths: Vec<f32> = spec.widths.iter().map(|w| w / total * CONTENT_W).collect();
        let row = |cells: &[&str], bold: bool| {
            let n = cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| self.cell_lines(c, bold, *w).len())
                .max()
                .unwrap_or(1)
                .max(1);
            n as f32 * line_height(SMALL) + 2.0 * ROW_PAD
        };
        let header = if spec.header.is_empty() {
            0.0
        } else {
            row(&spec.header, true)
        };
        let rows: f32 = spec
            .rows
            .iter()
            .map(|r| row(&r.iter().map(String::as_str).collect::<Vec<_>>(), false))
            .sum();
        header + rows + 2.0
    }

    /// One string at a position (`baseline` in mm from the bottom).
    pub fn text(&mut self, x: f32, baseline: f32, size: f32, bold: bool, text: &str) {
        if text.is_empty() {
            return;
        }
        let face = self.face(bold);
        let (text, replaced) = face.drawable(text);
        self.replaced |= replaced;
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

    /// A horizontal line over the content width.
    pub fn rule(&mut self, y: f32, level: f32, thickness: f32) {
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

    /// The document's title, large.
    pub fn title(&mut self, text: &str) {
        for line in self.face(true).wrap(text, TITLE, CONTENT_W) {
            self.ensure(line_height(TITLE));
            self.y -= line_height(TITLE);
            self.text(LEFT, self.y + 0.25 * line_height(TITLE), TITLE, true, &line);
        }
        self.y -= 3.0;
    }

    /// Wrapped text over the content width, indented by `indent` mm.
    pub fn paragraph_at(&mut self, text: &str, size: f32, bold: bool, indent: f32) {
        let lines = self.face(bold).wrap(text, size, CONTENT_W - indent);
        for line in lines {
            self.ensure(line_height(size));
            self.y -= line_height(size);
            self.text(
                LEFT + indent,
                self.y + 0.25 * line_height(size),
                size,
                bold,
                &line,
            );
        }
        self.y -= 1.5;
    }

    /// Wrapped text over the content width.
    pub fn paragraph(&mut self, text: &str, size: f32, bold: bool) {
        self.paragraph_at(text, size, bold, 0.0);
    }

    /// A list item: a bullet and wrapped text hanging beside it.
    pub fn bullet(&mut self, text: &str) {
        let indent = 4.0;
        let lines = self.face(false).wrap(text, BODY, CONTENT_W - indent);
        for (i, line) in lines.iter().enumerate() {
            self.ensure(line_height(BODY));
            self.y -= line_height(BODY);
            let baseline = self.y + 0.25 * line_height(BODY);
            if i == 0 {
                self.text(LEFT + 0.5, baseline, BODY, false, "•");
            }
            self.text(LEFT + indent, baseline, BODY, false, line);
        }
        self.y -= 1.0;
    }

    /// A section heading, kept with a few lines of what follows.
    pub fn heading(&mut self, text: &str) {
        let lines = self.face(true).wrap(text, HEADING, CONTENT_W);
        self.ensure(lines.len() as f32 * line_height(HEADING) + 4.0 + 4.0 * line_height(BODY));
        self.y -= 4.0;
        for line in lines {
            self.y -= line_height(HEADING);
            self.text(LEFT, self.y + 1.0, HEADING, true, &line);
        }
        self.y -= 1.5;
        self.rule(self.y, 0.3, 0.8);
        self.y -= 1.5;
    }

    /// A smaller heading inside a section.
    pub fn subheading(&mut self, text: &str) {
        self.ensure(line_height(BODY) * 4.0);
        self.y -= 1.5;
        self.paragraph(text, BODY, true);
    }

    fn cell_lines(&self, text: &str, bold: bool, width: f32) -> Vec<String> {
        self.face(bold).wrap(text, SMALL, (width - 2.0).max(4.0))
    }

    fn table_header(
        &mut self,
        title: &str,
        header: &[Vec<String>],
        widths: &[f32],
        right: &[bool],
        continued: bool,
    ) {
        if continued {
            self.y -= line_height(BODY) + 1.0;
            let word = self.continued;
            self.text(LEFT, self.y + 1.0, BODY, true, &format!("{title} ({word})"));
            self.y -= 1.0;
        }
        if header.is_empty() {
            self.rule(self.y, 0.82, 0.3);
            return;
        }
        let lines = header.iter().map(Vec::len).max().unwrap_or(1);
        self.draw_lines(header, 0..lines, widths, right, true);
        self.rule(self.y, 0.2, 0.7);
    }

    /// Lines `range` of each cell as one row; columns flagged in `right` are
    /// right-aligned.
    fn draw_lines(
        &mut self,
        cells: &[Vec<String>],
        range: std::ops::Range<usize>,
        widths: &[f32],
        right: &[bool],
        bold: bool,
    ) {
        let top = self.y;
        let mut x = LEFT;
        for ((lines, w), right) in cells.iter().zip(widths).zip(right) {
            let mut baseline = top - ROW_PAD - line_height(SMALL) + 0.25 * line_height(SMALL);
            for line in lines.iter().skip(range.start).take(range.len()) {
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
        self.y = top - range.len().max(1) as f32 * line_height(SMALL) - 2.0 * ROW_PAD;
    }

    /// A table that breaks across pages, its title and header repeated. A row that does
    /// not fit in the rest of the page moves to the next; a row taller than a page
    /// continues there, line by line: nothing is cut off. No rows: `empty` as a
    /// sentence.
    pub fn table(&mut self, spec: TableSpec<'_>, empty: &str) {
        if spec.rows.is_empty() {
            self.paragraph(empty, BODY, false);
            return;
        }
        let right: Vec<bool> = (0..spec.widths.len())
            .map(|c| {
                let cells = || spec.rows.iter().map(|r| r.get(c).map(String::as_str));
                cells().all(|v| v.is_some_and(|v| v.starts_with('€') || v.starts_with("-€")))
                    || cells().all(|v| v.is_some_and(is_count))
            })
            .collect();
        let total: f32 = spec.widths.iter().sum();
        let widths: Vec<f32> = spec.widths.iter().map(|w| w / total * CONTENT_W).collect();
        let header: Vec<Vec<String>> = spec
            .header
            .iter()
            .zip(&widths)
            .map(|(h, w)| self.cell_lines(h, true, *w))
            .collect();
        let header_h = if header.is_empty() {
            0.0
        } else {
            header.iter().map(Vec::len).max().unwrap_or(1) as f32 * line_height(SMALL)
                + 2.0 * ROW_PAD
        };
        let fits = |y: f32| {
            ((y - BOTTOM - 2.0 * ROW_PAD) / line_height(SMALL))
                .floor()
                .max(0.0) as usize
        };
        // Lines a row can have on a page of its own, below the repeated title and header.
        let capacity = fits(PAGE_H - TOP - line_height(BODY) - 2.0 - header_h).max(1);
        let mut first = true;
        for row in &spec.rows {
            let cells: Vec<Vec<String>> = row
                .iter()
                .zip(&widths)
                .map(|(c, w)| self.cell_lines(c, false, *w))
                .collect();
            let n = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
            if first {
                // The header with the first lines of the first row (the heading above
                // keeps its place when they fit).
                if fits(self.y - header_h) < n.min(3) {
                    self.new_page();
                }
                self.table_header(spec.title, &header, &widths, &right, false);
                first = false;
            } else if fits(self.y) < n.min(3) || (fits(self.y) < n && n <= capacity) {
                // A row that fits on the next page moves there whole.
                self.new_page();
                self.table_header(spec.title, &header, &widths, &right, true);
            }
            let mut done = 0;
            loop {
                let take = fits(self.y).max(1).min(n - done);
                self.draw_lines(&cells, done..done + take, &widths, &right, false);
                done += take;
                if done == n {
                    break;
                }
                // Taller than the rest of the page: the row continues on the next one.
                self.new_page();
                self.table_header(spec.title, &header, &widths, &right, true);
            }
            self.rule(self.y, 0.82, 0.3);
        }
        self.y -= 2.0;
    }

    /// Close the last page and add the footer to every page: `footer` on the left
    /// (wrapped, never cut), `page_label(i, n)` on the right. Also says whether a
    /// character was replaced anywhere.
    fn finish(
        mut self,
        footer: &str,
        page_label: &dyn Fn(usize, usize) -> String,
    ) -> (Vec<PdfPage>, bool) {
        self.pages.push(std::mem::take(&mut self.ops));
        let n = self.pages.len();
        let pages = std::mem::take(&mut self.pages);
        let pages = pages
            .into_iter()
            .enumerate()
            .map(|(i, mut ops)| {
                let number = page_label(i + 1, n);
                let w = self.fonts.regular.width(&number, SMALL);
                self.ops.clear();
                self.rule(BOTTOM - 6.0, 0.6, 0.4);
                let mut baseline = BOTTOM - 10.0;
                for line in self.fonts.regular.wrap(footer, SMALL, CONTENT_W - w - 4.0) {
                    self.text(LEFT, baseline, SMALL, false, &line);
                    baseline -= line_height(SMALL);
                }
                self.text(PAGE_W - RIGHT - w, BOTTOM - 10.0, SMALL, false, &number);
                ops.append(&mut self.ops);
                PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), ops)
            })
            .collect();
        (pages, self.replaced)
    }
}

/// A document made by [`render`].
pub struct Rendered {
    pub bytes: Vec<u8>,
    pub pages: usize,
    /// Some characters could not be drawn and are shown as U+FFFD (the document says so).
    pub replaced_characters: bool,
}

/// Lay out a document with `build` and save it. `continued` marks a table title
/// repeated on a new page; the footer carries `footer` and `page_label(i, n)`. When a
/// character cannot be drawn, the document is laid out again with
/// [`Layout::replaced_characters`] true, for `build` to say so.
pub fn render(
    meta: &Meta<'_>,
    continued: &str,
    footer: &str,
    page_label: &dyn Fn(usize, usize) -> String,
    build: impl Fn(&mut Layout<'_>),
) -> Result<Rendered> {
    let mut doc = PdfDocument::new(meta.title);
    let fonts = Fonts {
        regular: Face::load(&mut doc, REGULAR)?,
        bold: Face::load(&mut doc, BOLD)?,
    };
    let mut layout = Layout::new(&fonts, continued, false);
    build(&mut layout);
    let (mut pages, replaced) = layout.finish(footer, page_label);
    if replaced {
        let mut again = Layout::new(&fonts, continued, true);
        build(&mut again);
        pages = again.finish(footer, page_label).0;
    }
    let count = pages.len();
    let created = OffsetDateTime::from_unix_timestamp(meta.created.timestamp())
        .map_err(|e| anyhow!("the creation date of the document: {e}"))?;
    let info = &mut doc.metadata.info;
    info.document_title = meta.title.to_string();
    info.author = meta.author.to_string();
    info.subject = meta.subject.to_string();
    info.creator = format!("smp-avg {}", env!("CARGO_PKG_VERSION"));
    info.producer = "smp-avg (printpdf)".into();
    info.creation_date = created;
    info.modification_date = created;
    info.metadata_date = created;
    let mut warnings = Vec::new();
    let bytes = doc
        .with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut warnings);
    Ok(Rendered {
        bytes,
        pages: count,
        replaced_characters: replaced,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_fits_the_width_and_loses_nothing() {
        let mut doc = PdfDocument::new("t");
        let face = Face::load(&mut doc, REGULAR).unwrap();
        let text = "Łukasz Żółć woont aan de Prinsengracht en ontvangt graag de nieuwsbrief over kamermuziek op zondag";
        let lines = face.wrap(text, 9.0, 40.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| face.width(l, 9.0) <= 40.0));
        assert_eq!(lines.join(" "), text);
        // A word longer than the line is broken, not lost.
        let long = "x".repeat(200);
        let pieces = face.wrap(&long, 9.0, 20.0);
        assert!(pieces.len() > 1);
        assert_eq!(pieces.concat(), long);
    }

    #[test]
    fn a_character_without_a_glyph_is_replaced_never_dropped_and_said() {
        let mut doc = PdfDocument::new("t");
        let face = Face::load(&mut doc, REGULAR).unwrap();
        assert_eq!(face.replacement, REPLACEMENT);
        let (text, replaced) = face.drawable("Jan de Vries");
        assert_eq!((text.as_ref(), replaced), ("Jan de Vries", false));
        let (text, replaced) = face.drawable("山田 太郎 😀 مرحبا");
        assert_eq!(
            text,
            "\u{FFFD}\u{FFFD} \u{FFFD}\u{FFFD} \u{FFFD} \u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}"
        );
        assert!(replaced);
        // A variation selector is a hint, not content; other white space is a space.
        let (text, replaced) = face.drawable("ok\u{FE0F}\u{3000}x");
        assert_eq!((text.as_ref(), replaced), ("ok x", false));
        // Measured as drawn, so wrapping keeps to the width.
        assert_eq!(face.width("山", 9.0), face.width("\u{FFFD}", 9.0));
    }

    #[test]
    fn the_subset_fonts_hold_every_script_a_name_may_use() {
        let mut doc = PdfDocument::new("t");
        for bytes in [REGULAR, BOLD] {
            let face = Face::load(&mut doc, bytes).unwrap();
            for c in "Łukasz Żółć Nguyễn Văn Ánh Şükrü Öztürk Ĳsselstein Ελένη Παπαδοπούλου Анна Иванова Ørsted Ðorđe € — • ’".chars() {
                assert!(
                    face.font.lookup_glyph_index(c as u32).is_some_and(|g| g != 0),
                    "{c:?} has no glyph"
                );
            }
        }
    }
}
