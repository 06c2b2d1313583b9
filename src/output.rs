//! One place that renders what commands compute: a table for people, CSV or JSON for
//! scripts. Rows are streamed for CSV and JSON (an audience of a million persons never
//! sits in memory); tables are collected and drawn at the end.
use crate::cli::Format;
use anyhow::Result;
use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use serde_json::{Map, Value};
use std::io::{self, BufWriter, Write};
use std::sync::atomic::{AtomicBool, Ordering};

static QUIET: AtomicBool = AtomicBool::new(false);

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

/// `--quiet`: nothing on standard output (errors and warnings still go to stderr).
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Standard output, or nowhere under `--quiet`.
pub fn stdout() -> Box<dyn Write> {
    if QUIET.load(Ordering::Relaxed) {
        Box::new(io::sink())
    } else {
        Box::new(io::stdout())
    }
}

/// True when an error is only a closed pipe (`smp-avg ... | head`): a normal end.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// True for the characters that can change how a terminal or a document shows text:
/// control characters (C0, DEL, C1) and the bidirectional marks, embeddings, overrides
/// and isolates (a right-to-left override turns `gpj.exe` into `exe.jpg`).
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
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

/// A cell as people read it in a table.
fn cell_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(true) => "yes".into(),
        Value::Bool(false) => "no".into(),
        Value::String(s) => local_time_cell(s).unwrap_or_else(|| inert_line(s)),
        other => other.to_string(),
    }
}

/// A cell as scripts read it in CSV.
fn csv_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One CSV line (RFC 4180): fields with a comma, quote or line break are quoted.
fn csv_line<'a>(fields: impl Iterator<Item = &'a str>) -> String {
    let mut line = String::new();
    for (i, f) in fields.enumerate() {
        if i > 0 {
            line.push(',');
        }
        if f.contains([',', '"', '\n', '\r']) || f.starts_with(' ') || f.ends_with(' ') {
            line.push('"');
            line.push_str(&f.replace('"', "\"\""));
            line.push('"');
        } else {
            line.push_str(f);
        }
    }
    line.push('\n');
    line
}

fn new_table(header: &[String]) -> Table {
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.to_vec());
    table
}

/// Writes rows with fixed columns in the chosen format.
pub struct RowWriter<W: Write> {
    format: Format,
    columns: Vec<String>,
    out: BufWriter<W>,
    table_rows: Vec<Vec<String>>,
    rows: u64,
}

impl RowWriter<Box<dyn Write>> {
    /// Rows to standard output.
    pub fn stdout(format: Format, columns: &[&str]) -> Result<Self> {
        RowWriter::new(stdout(), format, columns)
    }
}

impl<W: Write> RowWriter<W> {
    /// Rows to any writer.
    pub fn new(out: W, format: Format, columns: &[&str]) -> Result<Self> {
        let columns: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
        let mut writer = RowWriter {
            format,
            columns,
            out: BufWriter::with_capacity(1 << 16, out),
            table_rows: Vec::new(),
            rows: 0,
        };
        match format {
            Format::Csv => {
                let header = csv_line(writer.columns.iter().map(String::as_str));
                writer.out.write_all(header.as_bytes())?;
            }
            Format::Json => writer.out.write_all(b"[")?,
            Format::Table => {}
        }
        Ok(writer)
    }

    /// One row, values in column order.
    pub fn row(&mut self, values: &[Value]) -> Result<()> {
        debug_assert_eq!(values.len(), self.columns.len());
        match self.format {
            Format::Table => self.table_rows.push(values.iter().map(cell_text).collect()),
            Format::Csv => {
                let texts: Vec<String> = values.iter().map(csv_text).collect();
                let line = csv_line(texts.iter().map(String::as_str));
                self.out.write_all(line.as_bytes())?;
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
    pub fn finish(mut self) -> Result<()> {
        match self.format {
            Format::Table => {
                if self.table_rows.is_empty() {
                    writeln!(self.out, "(no rows)")?;
                } else {
                    let mut table = new_table(&self.columns);
                    for row in self.table_rows.drain(..) {
                        table.add_row(row);
                    }
                    writeln!(self.out, "{table}")?;
                }
            }
            Format::Csv => {}
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

/// Print a summary object: key/value table, a one-row CSV, or a JSON object.
pub fn object(format: Format, fields: &[(&str, Value)]) -> Result<()> {
    let mut out = BufWriter::new(stdout());
    match format {
        Format::Json => {
            let map: Map<String, Value> = fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect();
            serde_json::to_writer_pretty(&mut out, &Value::Object(map))?;
            writeln!(out)?;
        }
        Format::Csv => {
            out.write_all(csv_line(fields.iter().map(|(k, _)| *k)).as_bytes())?;
            let texts: Vec<String> = fields.iter().map(|(_, v)| csv_text(v)).collect();
            out.write_all(csv_line(texts.iter().map(String::as_str)).as_bytes())?;
        }
        Format::Table => {
            let mut table = new_table(&["field".to_string(), "value".to_string()]);
            for (k, v) in fields {
                table.add_row(vec![k.to_string(), cell_text(v)]);
            }
            writeln!(out, "{table}")?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Print any JSON value (nested documents such as the customer card).
pub fn json(value: &Value) -> Result<()> {
    let mut out = BufWriter::new(stdout());
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// Print a plain text block (tables drawn by a command itself).
pub fn text(text: &str) -> Result<()> {
    let mut out = stdout();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// A table drawn in the house style, for commands that show several sections.
pub fn draw(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut table = new_table(&header.iter().map(|h| h.to_string()).collect::<Vec<_>>());
    for row in rows {
        table.add_row(
            row.into_iter()
                .map(|c| local_time_cell(&c).unwrap_or(c))
                .collect::<Vec<_>>(),
        );
    }
    table.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
    fn table_cells_show_times_in_the_time_zone_and_csv_stays_utc() {
        let render_all = |format| {
            let mut buf = Vec::new();
            let mut w = RowWriter::new(&mut buf, format, &["at", "note"]).unwrap();
            w.row(&[
                json!("2026-11-28T23:50:36Z"),
                json!("2026-11-28T23:50:36Z!"),
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
        // Text that only starts like a time is left as it is.
        assert!(table.contains("2026-11-28T23:50:36Z!"), "{table}");
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
