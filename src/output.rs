//! One place that renders what commands compute: a table for people, CSV, JSON or JSON
//! lines for scripts and logs. Rows are streamed for CSV and JSON (an audience of a
//! million persons never sits in memory); tables are collected and drawn at the end,
//! as wide as the terminal (see [`table`]).
//!
//! Output is inert: table cells and messages show control characters and direction
//! marks escaped ([`inert`]); CSV text cells that a spreadsheet would run as a formula
//! are prefixed with `'` ([`csv_inert`]).
use crate::cli::Format;
use anyhow::Result;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::io::{self, BufWriter, Write};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

pub mod file;
pub mod table;

/// The organisation's time zone for table cells; None: times stay RFC 3339 UTC (`--utc`,
/// or before a database is open).
static TIME_ZONE: std::sync::Mutex<Option<chrono_tz::Tz>> = std::sync::Mutex::new(None);

/// Show the times in table cells in `tz` (None: as stored, UTC). JSON and CSV always
/// stay UTC: they are for scripts.
pub fn set_time_zone(tz: Option<chrono_tz::Tz>) {
    if let Ok(mut zone) = TIME_ZONE.lock() {
        *zone = tz;
    }
}

/// A table cell that is a stored time (`2026-11-28T23:50:36Z`), in the organisation's
/// time zone with its abbreviation (`2026-11-29 00:50:36 CET`); None for any other text
/// or under `--utc`.
fn local_time_cell(s: &str) -> Option<String> {
    let tz = (*TIME_ZONE.lock().ok()?)?;
    crate::rules::time::parse_stored(s).map(|t| crate::rules::time::local_cell(t, tz))
}

/// Stored times inside a text for people (`record 2 of 2017-07-18T18:33:21Z`), each in
/// the organisation's time zone as table cells show them; the text as it is under
/// `--utc` or when it holds none.
fn local_times_in(text: &str) -> Cow<'_, str> {
    let Some(tz) = TIME_ZONE.lock().ok().and_then(|z| *z) else {
        return Cow::Borrowed(text);
    };
    const LEN: usize = "2026-11-28T23:50:36Z".len();
    let b = text.as_bytes();
    let mut out = String::new();
    let mut done = 0;
    let mut i = 0;
    while i + LEN <= b.len() {
        let at_start = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        let at_end = i + LEN == b.len() || !b[i + LEN].is_ascii_alphanumeric();
        if at_start
            && at_end
            && b[i + 10] == b'T'
            && b[i + LEN - 1] == b'Z'
            && let Some(t) = text
                .get(i..i + LEN)
                .and_then(crate::rules::time::parse_stored)
        {
            out.push_str(&text[done..i]);
            out.push_str(&crate::rules::time::local_cell(t, tz));
            i += LEN;
            done = i;
        } else {
            i += 1;
        }
    }
    if done == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[done..]);
    Cow::Owned(out)
}

static QUIET: AtomicBool = AtomicBool::new(false);
static LINES: AtomicBool = AtomicBool::new(false);
static COMMAND: OnceLock<String> = OnceLock::new();

/// `--quiet`: nothing on standard output, no warnings or notes on stderr (errors still
/// go to stderr).
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Whether `--quiet` is in force.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// `--format jsonl`: what a command renders as JSON is written as JSON lines, one
/// object per line, each with `at` (the time of output) and `command`.
pub fn set_lines(lines: bool) {
    LINES.store(lines, Ordering::Relaxed);
}

/// Whether JSON is written as JSON lines.
pub fn lines() -> bool {
    LINES.load(Ordering::Relaxed)
}

/// The command being run, as JSON lines name it (`import bounces`, `person show`).
pub fn set_command(command: &str) {
    let _ = COMMAND.set(command.to_string());
}

fn command() -> &'static str {
    COMMAND.get().map(String::as_str).unwrap_or("")
}

/// Standard output, or nowhere under `--quiet`.
pub fn stdout() -> Box<dyn Write> {
    if quiet() {
        Box::new(io::sink())
    } else {
        Box::new(io::stdout())
    }
}

/// A warning on stderr (`warning: …`, made inert), unless `--quiet`.
pub fn warning(message: &str) {
    if !quiet() {
        eprintln!("warning: {}", inert(message));
    }
}

/// Something that needs a person's attention (exit code 3): on stderr even with
/// `--quiet`, because cron mails what a job says there.
pub fn attention(message: &str) {
    eprintln!("warning: {}", inert(message));
}

/// A note for the person at the terminal on stderr (what was recorded, what a dry run
/// left out), unless `--quiet`. Standard output stays the command's result.
pub fn note(message: &str) {
    if !quiet() {
        eprintln!("{}", inert(message));
    }
}

/// True when an error is only a closed pipe (`smp-avg ... | head`): a normal end. The
/// io error may sit inside a JSON or CSV error.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
                == Some(io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<csv::Error>()
                .is_some_and(|e| match e.kind() {
                    csv::ErrorKind::Io(io) => io.kind() == io::ErrorKind::BrokenPipe,
                    _ => false,
                })
    })
}

/// An error as the one line smp-avg prints: its causes joined by `: ` (as `{:#}`), a
/// cause that only repeats what was said left out (SQLite's "Error code 20: datatype
/// mismatch" after "datatype mismatch"), made inert.
pub fn error_line(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        let text = text.trim();
        let bare = text
            .strip_prefix("Error code ")
            .and_then(|t| t.split_once(": "))
            .map_or(text, |(_, message)| message);
        if !line.is_empty() && line.contains(bare) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(text);
    }
    inert(&line)
}

/// True for the characters that can change how a terminal or a document shows text:
/// control characters (C0, DEL, C1) and the bidirectional marks, embeddings, overrides
/// and isolates (a right-to-left override turns `gpj.exe` into `exe.jpg`).
pub fn is_unsafe_char(c: char) -> bool {
    // The same ranges as the GLOB of the view mailable_persons (schema.sql): control
    // characters, the bidirectional marks, embeddings, overrides and isolates, and the
    // invisible ones (zero-width spaces and joiners, word joiner, line and paragraph
    // separators, the byte-order mark) that make two addresses look the same.
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Text that cannot attack its reader: every unsafe character (see [`is_unsafe_char`])
/// except the line break shown as an escape, e.g. `\u{1b}`. For error messages.
pub fn inert(text: &str) -> String {
    escape(text, |c| c != '\n' && is_unsafe_char(c))
}

/// As [`inert`], for one line (a table cell): line breaks are escaped too.
pub fn inert_line(text: &str) -> String {
    escape(text, is_unsafe_char)
}

fn escape(text: &str, unsafe_char: impl Fn(char) -> bool) -> String {
    if !text.chars().any(&unsafe_char) {
        return text.to_string();
    }
    text.chars()
        .map(|c| {
            if unsafe_char(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A plain decimal number as text (`-5.00`, `+31612345678`, `12,50`): a spreadsheet reads
/// it as a number, never as a formula.
fn is_plain_number(text: &str) -> bool {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (whole, fraction) = match digits.split_once(['.', ',']) {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// A CSV text cell that a spreadsheet cannot run: text starting with `=`, `+`, `-`, `@`,
/// a tab or a carriage return is prefixed with `'` (OWASP, "CSV Injection"), so that
/// Excel and LibreOffice show it as text instead of evaluating `=HYPERLINK(…)` or a DDE
/// call. A plain number (`-5.00`, `+31612345678`) is left as it is: it cannot be a
/// formula, and scripts and spreadsheets keep reading it as a number. JSON numbers are
/// never text and never prefixed.
pub fn csv_inert(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') if !is_plain_number(text) => {
            Cow::Owned(format!("'{text}"))
        }
        _ => Cow::Borrowed(text),
    }
}

/// A cell as people read it in a table.
fn cell_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::String(s) => local_time_cell(s).unwrap_or_else(|| inert_line(&local_times_in(s))),
        other => other.to_string(),
    }
}

/// A cell as scripts and spreadsheets read it in CSV.
fn csv_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => csv_inert(s).into_owned(),
        other => other.to_string(),
    }
}

/// How CSV is written: the delimiter, a byte-order mark, line ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvDialect {
    pub delimiter: u8,
    pub bom: bool,
    pub crlf: bool,
}

impl CsvDialect {
    /// RFC 4180 with `,` and LF, no BOM: what scripts read.
    pub const STANDARD: CsvDialect = CsvDialect {
        delimiter: b',',
        bom: false,
        crlf: false,
    };
    /// What Excel in a Dutch (or any `;`-list-separator) locale opens by double-click
    /// with accents intact: `;`, a UTF-8 byte-order mark, CRLF.
    pub const EXCEL: CsvDialect = CsvDialect {
        delimiter: b';',
        bom: true,
        crlf: true,
    };
}

/// One CSV line: fields with the delimiter, a quote, a line break or outer spaces are
/// quoted (RFC 4180).
fn csv_line<'a>(fields: impl Iterator<Item = &'a str>, dialect: CsvDialect) -> String {
    let delimiter = char::from(dialect.delimiter);
    let mut line = String::new();
    for (i, f) in fields.enumerate() {
        if i > 0 {
            line.push(delimiter);
        }
        push_csv_field(&mut line, f, dialect);
    }
    line.push_str(if dialect.crlf { "\r\n" } else { "\n" });
    line
}

/// One field of a CSV line: quoted when it holds the delimiter, a quote, a line break,
/// or spaces at either end.
fn push_csv_field(line: &mut String, f: &str, dialect: CsvDialect) {
    let delimiter = char::from(dialect.delimiter);
    if f.contains([delimiter, '"', '\n', '\r']) || f.starts_with(' ') || f.ends_with(' ') {
        line.push('"');
        line.push_str(&f.replace('"', "\"\""));
        line.push('"');
    } else {
        line.push_str(f);
    }
}

/// A JSON line: `at` (now, UTC) and `command` first, then the fields. A field of the
/// output that is itself called `at` or `command` (an audit entry, an SQL column) is
/// written as `entry_at`, `entry_command`.
fn envelope(fields: impl IntoIterator<Item = (String, Value)>) -> Map<String, Value> {
    let mut line = Map::new();
    line.insert(
        "at".into(),
        Value::String(crate::rules::time::format_time(crate::rules::time::now())),
    );
    line.insert("command".into(), Value::String(command().to_string()));
    for (mut key, value) in fields {
        while line.contains_key(&key) {
            key = format!("entry_{key}");
        }
        line.insert(key, value);
    }
    line
}

fn write_line(out: &mut impl Write, line: &Map<String, Value>) -> Result<()> {
    serde_json::to_writer(&mut *out, line)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// How many rows one table holds: a longer listing is drawn as several tables, so that
/// memory stays bounded (`query audience` of two million persons on a terminal).
pub const TABLE_PAGE_ROWS: usize = 2_000;

/// Writes rows with fixed columns in the chosen format.
pub struct RowWriter<W: Write> {
    format: Format,
    dialect: CsvDialect,
    lines: bool,
    columns: Vec<String>,
    out: BufWriter<W>,
    table_rows: Vec<Vec<String>>,
    rows: u64,
    /// The CSV line being written (kept between rows).
    line: String,
}

impl RowWriter<Box<dyn Write>> {
    /// Rows to standard output.
    pub fn stdout(format: Format, columns: &[&str]) -> Result<Self> {
        RowWriter::new(stdout(), format, columns)
    }

    /// CSV rows in a given dialect to standard output (the audience presets).
    pub fn stdout_csv(columns: &[&str], dialect: CsvDialect) -> Result<Self> {
        RowWriter::build(stdout(), Format::Csv, dialect, columns)
    }
}

impl<W: Write> RowWriter<W> {
    /// Rows to any writer.
    pub fn new(out: W, format: Format, columns: &[&str]) -> Result<Self> {
        RowWriter::build(out, format, CsvDialect::STANDARD, columns)
    }

    fn build(out: W, format: Format, dialect: CsvDialect, columns: &[&str]) -> Result<Self> {
        let columns: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
        let mut writer = RowWriter {
            format,
            dialect,
            lines: lines(),
            columns,
            out: BufWriter::with_capacity(1 << 16, out),
            table_rows: Vec::new(),
            rows: 0,
            line: String::new(),
        };
        match format {
            Format::Csv => {
                if dialect.bom {
                    writer.out.write_all(b"\xEF\xBB\xBF")?;
                }
                let names: Vec<String> = writer
                    .columns
                    .iter()
                    .map(|c| csv_inert(c).into_owned())
                    .collect();
                let header = csv_line(names.iter().map(String::as_str), dialect);
                writer.out.write_all(header.as_bytes())?;
            }
            Format::Json if !writer.lines => writer.out.write_all(b"[")?,
            Format::Json | Format::Table => {}
        }
        Ok(writer)
    }

    /// One row, values in column order.
    pub fn row(&mut self, values: &[Value]) -> Result<()> {
        debug_assert_eq!(values.len(), self.columns.len());
        match self.format {
            Format::Table => {
                self.table_rows.push(values.iter().map(cell_text).collect());
                // Bounded memory: a long listing is drawn as tables of this many rows,
                // each with its header.
                if self.table_rows.len() >= TABLE_PAGE_ROWS {
                    self.draw_table()?;
                }
            }
            Format::Csv => {
                // One line buffer for every row: a million rows without a million
                // allocations.
                let mut line = std::mem::take(&mut self.line);
                line.clear();
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        line.push(char::from(self.dialect.delimiter));
                    }
                    match v {
                        Value::Null => {}
                        Value::String(s) => push_csv_field(&mut line, &csv_inert(s), self.dialect),
                        other => push_csv_field(&mut line, &other.to_string(), self.dialect),
                    }
                }
                line.push_str(if self.dialect.crlf { "\r\n" } else { "\n" });
                self.out.write_all(line.as_bytes())?;
                self.line = line;
            }
            Format::Json if self.lines => {
                let line = envelope(self.columns.iter().cloned().zip(values.iter().cloned()));
                write_line(&mut self.out, &line)?;
            }
            Format::Json => {
                let object: Map<String, Value> = self
                    .columns
                    .iter()
                    .cloned()
                    .zip(values.iter().cloned())
                    .collect();
                if self.rows > 0 {
                    self.out.write_all(b",")?;
                }
                self.out.write_all(b"\n")?;
                serde_json::to_writer(&mut self.out, &object)?;
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// Rows written so far.
    pub fn count(&self) -> u64 {
        self.rows
    }

    /// Close the output (draws the table, closes the JSON array).
    fn draw_table(&mut self) -> Result<()> {
        let rows = std::mem::take(&mut self.table_rows);
        let header: Vec<String> = self.columns.iter().map(|c| inert_line(c)).collect();
        writeln!(self.out, "{}", table::draw(&header, &rows, table::width()))?;
        Ok(())
    }

    pub fn finish(mut self) -> Result<()> {
        match self.format {
            Format::Table => {
                if self.rows == 0 {
                    writeln!(self.out, "(no rows)")?;
                } else if !self.table_rows.is_empty() {
                    self.draw_table()?;
                }
            }
            Format::Csv => {}
            Format::Json if self.lines => {}
            Format::Json => {
                if self.rows > 0 {
                    self.out.write_all(b"\n")?;
                }
                self.out.write_all(b"]\n")?;
            }
        }
        self.out.flush()?;
        Ok(())
    }
}

/// Print a summary object: key/value table, a one-row CSV, a JSON object or one JSON
/// line.
pub fn object(format: Format, fields: &[(&str, Value)]) -> Result<()> {
    let mut out = BufWriter::new(stdout());
    match format {
        Format::Json if lines() => {
            write_line(
                &mut out,
                &envelope(fields.iter().map(|(k, v)| (k.to_string(), v.clone()))),
            )?;
        }
        Format::Json => {
            let map: Map<String, Value> = fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect();
            serde_json::to_writer_pretty(&mut out, &Value::Object(map))?;
            writeln!(out)?;
        }
        Format::Csv => {
            let names: Vec<String> = fields
                .iter()
                .map(|(k, _)| csv_inert(k).into_owned())
                .collect();
            out.write_all(
                csv_line(names.iter().map(String::as_str), CsvDialect::STANDARD).as_bytes(),
            )?;
            let texts: Vec<String> = fields.iter().map(|(_, v)| csv_text(v)).collect();
            out.write_all(
                csv_line(texts.iter().map(String::as_str), CsvDialect::STANDARD).as_bytes(),
            )?;
        }
        Format::Table => {
            let rows: Vec<Vec<String>> = fields
                .iter()
                .map(|(k, v)| vec![inert_line(k), cell_text(v)])
                .collect();
            let header = ["field".to_string(), "value".to_string()];
            writeln!(out, "{}", table::draw(&header, &rows, table::width()))?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Print any JSON value (nested documents such as the customer card). As JSON lines: an
/// object is one line, an array one line per element, anything else `{"value": …}`.
pub fn json(value: &Value) -> Result<()> {
    let mut out = BufWriter::new(stdout());
    if lines() {
        match value {
            Value::Object(map) => write_line(&mut out, &envelope(map.clone()))?,
            Value::Array(items) => {
                for item in items {
                    let line = match item {
                        Value::Object(map) => envelope(map.clone()),
                        other => envelope([("value".to_string(), other.clone())]),
                    };
                    write_line(&mut out, &line)?;
                }
            }
            other => write_line(&mut out, &envelope([("value".to_string(), other.clone())]))?,
        }
    } else {
        serde_json::to_writer_pretty(&mut out, value)?;
        writeln!(out)?;
    }
    out.flush()?;
    Ok(())
}

/// Print a JSON object written straight from its fields, never held whole in memory
/// (the outcome of a sweep that lists hundreds of thousands of persons), as [`json`]
/// prints an object. Its fields must not be named `at` or `command`, which a JSON line
/// puts first.
pub fn json_object<T: serde::Serialize>(value: &T) -> Result<()> {
    /// A JSON line: the envelope's fields, then the object's.
    #[derive(serde::Serialize)]
    struct Line<'a, T> {
        at: String,
        command: &'a str,
        #[serde(flatten)]
        value: &'a T,
    }
    let mut out = BufWriter::new(stdout());
    if lines() {
        let line = Line {
            at: crate::rules::time::format_time(crate::rules::time::now()),
            command: command(),
            value,
        };
        serde_json::to_writer(&mut out, &line)?;
    } else {
        serde_json::to_writer_pretty(&mut out, value)?;
    }
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// Print a plain text block (tables drawn by a command itself).
pub fn text(text: &str) -> Result<()> {
    let mut out = stdout();
    out.write_all(local_times_in(text).as_bytes())?;
    out.flush()?;
    Ok(())
}

/// A table drawn in the house style, as wide as the terminal, for commands that show
/// several sections. Cells are made inert here.
pub fn draw(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let header: Vec<String> = header.iter().map(|h| inert_line(h)).collect();
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|r| {
            r.iter()
                .map(|c| local_time_cell(c).unwrap_or_else(|| inert_line(&local_times_in(c))))
                .collect()
        })
        .collect();
    table::draw(&header, &rows, table::width())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Issue 17: a long table is drawn in parts as it comes, not held whole in memory.
    #[test]
    fn a_long_table_is_drawn_in_parts() {
        let mut buf = Vec::new();
        {
            let mut w = RowWriter::new(&mut buf, Format::Table, &["person_id"]).unwrap();
            for i in 0..(2 * TABLE_PAGE_ROWS + 5) {
                w.row(&[json!(i)]).unwrap();
                assert!(w.table_rows.len() < TABLE_PAGE_ROWS);
            }
            w.finish().unwrap();
        }
        let text = String::from_utf8(buf).unwrap();
        assert_eq!(text.matches("person_id").count(), 3);
        assert!(text.contains(&(2 * TABLE_PAGE_ROWS + 4).to_string()));
    }

    fn render(format: Format) -> String {
        let mut buf = Vec::new();
        {
            let mut w = RowWriter::new(&mut buf, format, &["id", "name", "ok"]).unwrap();
            w.row(&[json!(1), json!("Jan, \"de\" Vries"), json!(true)])
                .unwrap();
            w.row(&[json!(2), Value::Null, json!(false)]).unwrap();
            w.finish().unwrap();
        }
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn csv_quotes_and_leaves_null_empty() {
        assert_eq!(
            render(Format::Csv),
            "id,name,ok\n1,\"Jan, \"\"de\"\" Vries\",true\n2,,false\n"
        );
    }

    #[test]
    fn json_is_an_array_of_objects() {
        let v: Value = serde_json::from_str(&render(Format::Json)).unwrap();
        assert_eq!(v[0]["name"], "Jan, \"de\" Vries");
        assert_eq!(v[1]["name"], Value::Null);
        assert_eq!(v.as_array().unwrap().len(), 2);
    }

    #[test]
    fn csv_cells_a_spreadsheet_would_run_get_a_quote() {
        for (cell, want) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+31 6 1234", "'+31 6 1234"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("-", "'-"),
            ("-5.00", "-5.00"),
            ("+31612345678", "+31612345678"),
            ("12,50", "12,50"),
            ("Jan", "Jan"),
            ("", ""),
        ] {
            assert_eq!(csv_inert(cell), want, "{cell:?}");
        }
        assert_eq!(csv_text(&json!(-7)), "-7");
    }

    #[test]
    fn a_json_line_keeps_fields_called_at_or_command() {
        set_command("audit");
        let line = envelope([
            ("at".to_string(), json!("2020-01-01T00:00:00Z")),
            ("command".to_string(), json!("init")),
            ("id".to_string(), json!(1)),
        ]);
        let keys: Vec<&String> = line.keys().collect();
        assert_eq!(keys, ["at", "command", "entry_at", "entry_command", "id"]);
        assert_eq!(line["command"], "audit");
        assert_eq!(line["entry_command"], "init");
    }

    #[test]
    fn an_error_line_says_a_cause_once() {
        let err = anyhow::anyhow!("Error code 20: datatype mismatch").context("datatype mismatch");
        assert_eq!(error_line(&err), "datatype mismatch");
        let err = anyhow::anyhow!("no such file").context("reading x.csv");
        assert_eq!(error_line(&err), "reading x.csv: no such file");
    }

    #[test]
    fn table_cells_show_times_in_the_time_zone_and_csv_stays_utc() {
        let render_all = |format| {
            let mut buf = Vec::new();
            let mut w = RowWriter::new(&mut buf, format, &["at", "note"]).unwrap();
            w.row(&[
                json!("2026-11-28T23:50:36Z"),
                json!("record 2 of 2026-11-28T23:50:36Z, channel x; 2026-11-28T23:50:36Zx"),
            ])
            .unwrap();
            w.finish().unwrap();
            String::from_utf8(buf).unwrap()
        };
        set_time_zone(Some(chrono_tz::Europe::Amsterdam));
        let table = render_all(Format::Table);
        let csv = render_all(Format::Csv);
        let drawn = draw(&["at"], vec![vec!["2026-07-01T22:30:00Z".into()]]);
        set_time_zone(None);
        assert!(table.contains("2026-11-29 00:50:36 CET"), "{table}");
        // A time inside a text too; a word that only starts like a time is left.
        assert!(
            table.contains("record 2 of 2026-11-29 00:50:36 CET, channel x;"),
            "{table}"
        );
        assert!(table.contains("2026-11-28T23:50:36Zx"), "{table}");
        assert!(!csv.contains("CET"), "{csv}");
        assert!(csv.contains("2026-11-28T23:50:36Z,"), "{csv}");
        assert!(drawn.contains("2026-07-02 00:30:00 CEST"), "{drawn}");
    }

    #[test]
    fn empty_json_is_an_empty_array() {
        let mut buf = Vec::new();
        RowWriter::new(&mut buf, Format::Json, &["a"])
            .unwrap()
            .finish()
            .unwrap();
        assert_eq!(String::from_utf8(buf).unwrap().trim(), "[]");
    }
}
