//! CSV input as Dutch spreadsheet programs write it: `,` or `;` as delimiter, UTF-8 with
//! or without BOM, LF, CRLF or CR line ends, a header line naming the columns in any
//! order and case. Rows are handed out with their line number so that every bad row can
//! be named.
//!
//! Read strictly and in bounded memory:
//! - The file is streamed, one line at a time: a file larger than the setting
//!   `import.max_bytes` (default 2 GiB) or a line longer than [`MAX_LINE`] stops the
//!   import with a message (`import persons /dev/zero` does not read until memory runs
//!   out).
//! - A row is one line. A quoted field must end on its own line: no field smp-avg
//!   reads may hold a line break, so a quote that is not closed is a bad row (`line N:
//!   description: unterminated quote`), and never swallows the rows after it. A quote
//!   inside an unquoted field and a number of fields other than the header's are bad
//!   rows too.
//! - Line numbers are those of the file, whatever its line ends; blank lines count.
//! - Bad rows and warnings are kept in a temporary table ([`RowLog`]), so that a file of
//!   any size with any number of bad rows is read in bounded memory.
use crate::db::settings;
use anyhow::{Context, Result, bail};
use rusqlite::{Connection, params};
use std::collections::HashMap;
use std::fmt;
use std::io::{BufRead, BufReader};
use std::rc::Rc;

/// The setting that bounds the size of an import file (bytes; `500M`, `2G`).
pub const MAX_BYTES_SETTING: &str = settings::IMPORT_MAX_BYTES;
/// The size limit of an import file when the setting is not set: 2 GiB.
pub const DEFAULT_MAX_BYTES: u64 = 2 << 30;
/// The longest line an import file may have (1 MiB): a longer one is not a CSV row.
pub const MAX_LINE: usize = 1 << 20;
/// How many bad rows the refusal of a whole file lists (all of them go to a reject file).
pub const LISTED: u64 = 1000;

/// What reading a file may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_bytes: u64,
    pub max_line: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: DEFAULT_MAX_BYTES,
            max_line: MAX_LINE,
        }
    }
}

impl Limits {
    /// The limits of this database: its setting `import.max_bytes`, else the default.
    pub fn from_settings(conn: &Connection) -> Result<Self> {
        let max_bytes = match settings::get(conn, MAX_BYTES_SETTING)? {
            None => DEFAULT_MAX_BYTES,
            Some(v) => crate::rules::validate::byte_size(&v).map_err(|e| {
                anyhow::anyhow!(
                    "setting {MAX_BYTES_SETTING}: {e}; fix it with `smp-avg settings set {MAX_BYTES_SETTING} 2G`"
                )
            })?,
        };
        Ok(Limits {
            max_bytes,
            max_line: MAX_LINE,
        })
    }
}

/// A size for people: `2 GiB`, `1.5 MiB`, `700 bytes`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [(&str, u64); 4] = [
        ("TiB", 1 << 40),
        ("GiB", 1 << 30),
        ("MiB", 1 << 20),
        ("KiB", 1 << 10),
    ];
    for (unit, size) in UNITS {
        if n >= size {
            let whole = n / size;
            let tenths = (n % size) * 10 / size;
            return if tenths == 0 {
                format!("{whole} {unit}")
            } else {
                format!("{whole}.{tenths} {unit}")
            };
        }
    }
    format!("{n} bytes")
}

/// A CSV file or standard input, read line by line within its [`Limits`], with a name
/// for messages.
pub struct CsvSource {
    pub name: String,
    reader: Box<dyn BufRead>,
    limits: Limits,
    /// Bytes read so far.
    read: u64,
    /// The number of the line last handed out.
    line: u64,
    /// The last line ended in CR: a LF right after it belongs to that line end.
    after_cr: bool,
    eof: bool,
    /// How the lines read so far ended: LF, CRLF, CR (for a reject file in the same
    /// dialect).
    ends: [u64; 3],
    /// The first line began with a byte order mark.
    bom: bool,
}

impl CsvSource {
    /// Open FILE, or standard input for `-`. A regular file larger than the limit is
    /// refused before anything is read.
    pub fn open(file: &str, limits: Limits) -> Result<Self> {
        if file == "-" {
            return Ok(Self::from_reader(
                "standard input",
                Box::new(BufReader::with_capacity(1 << 16, std::io::stdin())),
                limits,
            ));
        }
        let f = std::fs::File::open(file).with_context(|| format!("reading {file}"))?;
        let meta = f.metadata().with_context(|| format!("reading {file}"))?;
        if meta.is_dir() {
            bail!("reading {file}: it is a directory, not a CSV file");
        }
        if meta.is_file() && meta.len() > limits.max_bytes {
            bail!(
                "{file}: {} is larger than the limit for an import file ({}, setting {MAX_BYTES_SETTING})",
                human_bytes(meta.len()),
                human_bytes(limits.max_bytes)
            );
        }
        Ok(Self::from_reader(
            file,
            Box::new(BufReader::with_capacity(1 << 16, f)),
            limits,
        ))
    }

    /// A source over any reader (standard input, tests).
    pub fn from_reader(name: &str, reader: Box<dyn BufRead>, limits: Limits) -> Self {
        CsvSource {
            name: name.to_string(),
            reader,
            limits,
            read: 0,
            line: 0,
            after_cr: false,
            eof: false,
            ends: [0; 3],
            bom: false,
        }
    }

    /// CSV text given directly (tests, examples).
    pub fn from_bytes(name: &str, data: Vec<u8>) -> Self {
        Self::from_reader(
            name,
            Box::new(std::io::Cursor::new(data)),
            Limits::default(),
        )
    }

    fn count(&mut self, n: usize) -> Result<()> {
        self.read += n as u64;
        if self.read > self.limits.max_bytes {
            bail!(
                "{}: larger than the limit for an import file ({}, setting {MAX_BYTES_SETTING}): stopped at line {}, nothing written",
                self.name,
                human_bytes(self.limits.max_bytes),
                self.line + 1
            );
        }
        Ok(())
    }

    fn check_length(&self, buf: &[u8]) -> Result<()> {
        if buf.len() > self.limits.max_line {
            bail!(
                "{}: line {} is longer than {}: not a CSV file (or its line ends are missing)",
                self.name,
                self.line + 1,
                human_bytes(self.limits.max_line as u64)
            );
        }
        Ok(())
    }

    /// The next physical line (without its line end) and its number; None at the end.
    /// LF, CRLF and CR each end a line.
    fn next_line(&mut self, buf: &mut Vec<u8>) -> Result<Option<u64>> {
        buf.clear();
        if self.eof {
            return Ok(None);
        }
        loop {
            let chunk = self
                .reader
                .fill_buf()
                .with_context(|| format!("reading {}", self.name))?;
            if chunk.is_empty() {
                self.eof = true;
                if buf.is_empty() {
                    return Ok(None); // the last line had its line end
                }
                self.line += 1;
                return Ok(Some(self.line));
            }
            let skip = usize::from(self.after_cr && chunk[0] == b'\n');
            if skip == 1 {
                // The CR counted last was a CRLF.
                self.ends[2] = self.ends[2].saturating_sub(1);
                self.ends[1] += 1;
            }
            self.after_cr = false;
            let end = chunk[skip..]
                .iter()
                .position(|b| *b == b'\n' || *b == b'\r')
                .map(|i| i + skip);
            match end {
                Some(end) => {
                    buf.extend_from_slice(&chunk[skip..end]);
                    self.after_cr = chunk[end] == b'\r';
                    self.ends[if self.after_cr { 2 } else { 0 }] += 1;
                    self.reader.consume(end + 1);
                    self.count(end + 1)?;
                    self.check_length(buf)?;
                    self.line += 1;
                    return Ok(Some(self.line));
                }
                None => {
                    let n = chunk.len();
                    buf.extend_from_slice(&chunk[skip..]);
                    self.reader.consume(n);
                    self.count(n)?;
                    self.check_length(buf)?;
                }
            }
        }
    }

    /// The next line as text, the BOM of the first line taken off.
    fn next_text(&mut self, buf: &mut Vec<u8>) -> Result<Option<(u64, String)>> {
        let Some(line) = self.next_line(buf)? else {
            return Ok(None);
        };
        let bytes = if line == 1 {
            self.bom = buf.starts_with(b"\xEF\xBB\xBF");
            buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(buf)
        } else {
            buf
        };
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(Some((line, s.to_string()))),
            Err(_) => bail!(
                "{}: line {line}: not UTF-8 text (save the spreadsheet as CSV UTF-8)",
                self.name
            ),
        }
    }
}

/// The delimiter of the header line: `;` when it has more of them than `,`.
fn detect_delimiter(header: &str) -> u8 {
    let (mut commas, mut semicolons, mut quoted) = (0, 0, false);
    for b in header.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semicolons += 1,
            _ => {}
        }
    }
    if semicolons > commas { b';' } else { b',' }
}

/// What is wrong with the quoting of a line: the field (counted from 0) and the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Malformed {
    field: usize,
    problem: &'static str,
}

/// One line split into fields, strictly: a quoted field starts with `"` (spaces before
/// it are allowed), doubles a quote inside, and ends with `"` on the same line followed
/// by the delimiter or the line end; an unquoted field holds no quote.
fn split_fields(line: &str, delimiter: u8) -> Result<Vec<String>, Malformed> {
    let b = line.as_bytes();
    let blank = |c: u8| c == b' ' || c == b'\t';
    let mut fields = Vec::new();
    let mut i = 0;
    loop {
        let mut j = i;
        while j < b.len() && blank(b[j]) {
            j += 1;
        }
        if j < b.len() && b[j] == b'"' {
            let mut value = String::new();
            let mut k = j + 1;
            loop {
                let Some(p) = b[k..].iter().position(|c| *c == b'"') else {
                    return Err(Malformed {
                        field: fields.len(),
                        problem: "unterminated quote (a quoted field must end with a quote on its own line)",
                    });
                };
                // Quotes are ASCII: slicing at them keeps the text whole.
                value.push_str(&line[k..k + p]);
                k += p + 1;
                if k < b.len() && b[k] == b'"' {
                    value.push('"');
                    k += 1;
                } else {
                    break;
                }
            }
            while k < b.len() && blank(b[k]) {
                k += 1;
            }
            fields.push(value);
            if k == b.len() {
                return Ok(fields);
            }
            if b[k] != delimiter {
                return Err(Malformed {
                    field: fields.len() - 1,
                    problem: "text after the closing quote (double a quote inside a quoted field)",
                });
            }
            i = k + 1;
        } else {
            let end = b[i..]
                .iter()
                .position(|c| *c == delimiter)
                .map_or(b.len(), |p| i + p);
            if b[i..end].contains(&b'"') {
                return Err(Malformed {
                    field: fields.len(),
                    problem: "a quote inside an unquoted field (quote the whole field, and double a quote inside it)",
                });
            }
            fields.push(line[i..end].to_string());
            if end == b.len() {
                return Ok(fields);
            }
            i = end + 1;
        }
    }
}

/// The code of a bad row whose line could not be split into fields: its `fields` are
/// the line as read.
pub const MALFORMED: &str = "malformed";

/// How a CSV file is written: its delimiter, byte order mark, line end and quoting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    pub delimiter: u8,
    pub bom: bool,
    pub line_end: &'static str,
    /// Every field quoted (the input quoted its header), else only where needed.
    pub quote_all: bool,
}

impl Dialect {
    /// One field: quoted when the dialect quotes all, or when it holds the delimiter, a
    /// quote or a line end (a quote inside doubled).
    pub fn field(&self, value: &str) -> String {
        let needed = value
            .chars()
            .any(|c| c == char::from(self.delimiter) || matches!(c, '"' | '\r' | '\n'));
        if self.quote_all || needed {
            format!("\"{}\"", value.replace('"', "\"\""))
        } else {
            value.to_string()
        }
    }

    /// One line: the fields joined, then the line end.
    pub fn line(&self, fields: &[String]) -> String {
        let mut out = fields
            .iter()
            .map(|f| self.field(f))
            .collect::<Vec<_>>()
            .join(&char::from(self.delimiter).to_string());
        out.push_str(self.line_end);
        out
    }
}

/// A bad row: its line number and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub reason: String,
    /// The row's fields as read, for a reject file (the raw line when it could not be
    /// split into fields).
    pub fields: Vec<String>,
    /// What kind of finding it is, for scripts (`on_suppression_list`, `under_16`, …);
    /// None when the reason says all.
    pub code: Option<String>,
}

impl RowError {
    /// A bad row with its fields.
    pub fn new(row: &CsvRow, reason: impl Into<String>) -> Self {
        RowError {
            line: row.line,
            reason: reason.into(),
            fields: row.fields(),
            code: None,
        }
    }

    /// The same, with a code for scripts.
    pub fn with_code(mut self, code: &str) -> Self {
        self.code = Some(code.to_string());
        self
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// A CSV file with a checked header, read one row at a time.
pub struct CsvTable {
    pub name: String,
    /// The number of fields a row has (the header's, ignored columns included).
    width: usize,
    /// The line of the header.
    header_line: u64,
    /// Leading columns `line,reason` of a reject file of smp-avg, imported again as it
    /// is: 2, and not read; else 0.
    skip: usize,
    /// The header quoted its names: the reject file quotes every field.
    quoted: bool,
    columns: Rc<HashMap<String, usize>>,
    headers: Vec<String>,
    source: CsvSource,
    delimiter: u8,
    buf: Vec<u8>,
}

/// One data row.
pub struct CsvRow {
    pub line: u64,
    fields: Vec<String>,
    /// Leading fields that are not the file's own (a reject file's `line,reason`).
    skip: usize,
    columns: Rc<HashMap<String, usize>>,
    /// The line as read.
    raw: String,
}

impl CsvRow {
    /// A field by column name, trimmed; None when the column is absent or the cell empty.
    pub fn get(&self, column: &str) -> Option<&str> {
        let i = *self.columns.get(column)?;
        let v = self.fields.get(i)?.trim();
        (!v.is_empty()).then_some(v)
    }

    /// The row's fields as read (without a reject file's `line,reason`).
    pub fn fields(&self) -> Vec<String> {
        self.fields.get(self.skip..).unwrap_or_default().to_vec()
    }

    /// Whether the file has this column at all.
    pub fn has(&self, column: &str) -> bool {
        self.columns.contains_key(column)
    }

    /// The line as read (its fields again: [`CsvTable::split`]).
    pub fn raw(&self) -> &str {
        &self.raw
    }
}

impl CsvTable {
    /// Open a source, checking that every column is known and the required ones are there.
    pub fn open(source: CsvSource, allowed: &[&str], required: &[&str]) -> Result<Self> {
        Self::open_aliased(source, allowed, &[], required)
    }

    /// Open a source whose columns may also have other names ([`aliases`]): every
    /// unknown column is named at once, and the required ones must be there.
    pub fn open_aliased(
        source: CsvSource,
        allowed: &[&str],
        other_names: &[(&str, &[&str])],
        required: &[&str],
    ) -> Result<Self> {
        let resolve = |_: &str, written: &str| -> Result<Option<String>> {
            Ok(aliases::resolve(written, allowed, other_names))
        };
        let (table, unknown) = Self::open_mapped(source, &resolve, required, &allowed.join(","))?;
        if !unknown.is_empty() {
            let named: Vec<String> = unknown
                .iter()
                .map(|c| format!("'{}'", crate::output::inert_line(c)))
                .collect();
            let more = if other_names.is_empty() {
                ""
            } else {
                ", or their Dutch names (smp-avg import --help)"
            };
            bail!(
                "{}: line {}: unknown column{} {} (allowed: {}{more})",
                table.name,
                table.header_line,
                if unknown.len() == 1 { "" } else { "s" },
                named.join(", "),
                allowed.join(", ")
            );
        }
        Ok(table)
    }

    /// Open a source whose header names are mapped to columns by `resolve` (given the
    /// name trimmed and lower-cased, and as written): `Ok(Some(column))` for a column that is read,
    /// `Ok(None)` for one that is ignored, an error for one that is refused. Returns the
    /// table and the ignored header names (as written), e.g. the many other columns of a
    /// newsletter tool's export.
    pub fn open_mapped(
        mut source: CsvSource,
        resolve: &dyn Fn(&str, &str) -> Result<Option<String>>,
        required: &[&str],
        expected: &str,
    ) -> Result<(Self, Vec<String>)> {
        let name = source.name.clone();
        let mut buf = Vec::new();
        // The header is the first line that is not blank.
        let (line, header) = loop {
            match source.next_text(&mut buf)? {
                None => bail!("{name}: line 1: no header line (expected columns {expected})"),
                Some((_, text)) if text.trim().is_empty() => continue,
                Some(found) => break found,
            }
        };
        let delimiter = detect_delimiter(&header);
        let headers = split_fields(&header, delimiter).map_err(|m| {
            anyhow::anyhow!(
                "{name}: line {line}: header, column {}: {}",
                m.field + 1,
                m.problem
            )
        })?;
        if headers.iter().all(|h| h.trim().is_empty()) {
            bail!("{name}: line {line}: no header line (expected columns {expected})");
        }
        // A reject file of smp-avg starts with `line,reason`: imported again as it is
        // (after the operator fixed its rows), those two columns are not read.
        let is = |i: usize, name: &str| {
            headers
                .get(i)
                .is_some_and(|h| h.trim().eq_ignore_ascii_case(name))
        };
        let skip = if headers.len() > 2 && is(0, "line") && is(1, "reason") {
            2
        } else {
            0
        };
        let quoted = header.contains('"');
        let mut columns = HashMap::new();
        let mut ignored = Vec::new();
        for (i, h) in headers.iter().enumerate().skip(skip) {
            let lower = h.trim().to_lowercase();
            let column = resolve(&lower, h.trim())
                .map_err(|e| anyhow::anyhow!("{name}: line {line}: {e}"))?;
            let Some(column) = column else {
                ignored.push(h.trim().to_string());
                continue;
            };
            if columns.insert(column.clone(), i).is_some() {
                bail!("{name}: line {line}: column '{column}' appears twice");
            }
        }
        for r in required {
            if !columns.contains_key(*r) {
                bail!("{name}: line {line}: required column '{r}' is missing");
            }
        }
        let headers: Vec<String> = headers.iter().map(|h| h.trim().to_string()).collect();
        Ok((
            CsvTable {
                name,
                width: headers.len(),
                header_line: line,
                skip,
                quoted,
                columns: Rc::new(columns),
                headers,
                source,
                delimiter,
                buf,
            },
            ignored,
        ))
    }

    /// The header as written in the file (without a reject file's `line,reason`).
    pub fn headers(&self) -> &[String] {
        self.headers.get(self.skip..).unwrap_or_default()
    }

    /// The fields of a row's line as read ([`CsvRow::raw`]), without a reject file's
    /// `line,reason`.
    pub fn split(&self, raw: &str) -> Vec<String> {
        match split_fields(raw, self.delimiter) {
            Ok(f) => f.get(self.skip..).unwrap_or_default().to_vec(),
            Err(_) => vec![raw.to_string()],
        }
    }

    /// How the file is written, for a reject file that can be imported again as it is.
    pub fn dialect(&self) -> Dialect {
        let [lf, crlf, cr] = self.source.ends;
        Dialect {
            delimiter: self.delimiter,
            bom: self.source.bom,
            line_end: if crlf > 0 && crlf >= lf && crlf >= cr {
                "\r\n"
            } else if cr > lf {
                "\r"
            } else {
                "\n"
            },
            quote_all: self.quoted,
        }
    }

    /// The next data row, or a row error for a malformed one (bad quoting, another
    /// number of fields than the header); None at the end of the file. Blank lines are
    /// skipped. An error stops the import: the file cannot be read on (I/O, not UTF-8,
    /// a limit reached).
    pub fn next_row(&mut self) -> Result<Option<Result<CsvRow, RowError>>> {
        loop {
            let Some((line, text)) = self.source.next_text(&mut self.buf)? else {
                return Ok(None);
            };
            let fields = match split_fields(&text, self.delimiter) {
                Ok(f) => f,
                Err(m) => {
                    let column = self
                        .headers
                        .get(m.field)
                        .filter(|h| !h.is_empty())
                        .map_or_else(|| format!("field {}", m.field + 1), |h| h.to_lowercase());
                    return Ok(Some(Err(RowError {
                        line,
                        reason: format!("{column}: {}", m.problem),
                        fields: vec![text],
                        code: Some(MALFORMED.to_string()),
                    })));
                }
            };
            if fields.iter().all(|f| f.trim().is_empty()) {
                continue; // blank lines, also those at the end of a spreadsheet export
            }
            if fields.len() != self.width {
                return Ok(Some(Err(RowError {
                    line,
                    reason: format!("{} fields, the header has {}", fields.len(), self.width),
                    fields,
                    code: None,
                })));
            }
            return Ok(Some(Ok(CsvRow {
                line,
                fields,
                skip: self.skip,
                columns: Rc::clone(&self.columns),
                raw: text,
            })));
        }
    }
}

/// How an import file is named as the source of the data it brings: its file name
/// without the directories (None for standard input).
pub fn source_label(name: &str) -> Option<String> {
    if name == "standard input" {
        return None;
    }
    std::path::Path::new(name)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
}

/// Bad rows, or warnings, of one import: kept in a temporary table of the connection
/// (SQLite's temporary file, deleted when the connection closes), so that any number
/// of them takes bounded memory; read back in line order.
#[derive(Debug)]
pub struct RowLog {
    kind: i64,
    len: u64,
}

impl RowLog {
    /// The bad rows of the import on this connection (emptied).
    pub fn rejected(conn: &Connection) -> Result<Self> {
        Self::new(conn, 0)
    }

    /// The warnings of the import on this connection (emptied).
    pub fn warnings(conn: &Connection) -> Result<Self> {
        Self::new(conn, 1)
    }

    fn new(conn: &Connection, kind: i64) -> Result<Self> {
        conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS import_rows (
                kind INTEGER NOT NULL, line INTEGER NOT NULL, reason TEXT NOT NULL, fields TEXT NOT NULL,
                code TEXT)",
        )
        .context("making room for the bad rows of the import")?;
        conn.execute("DELETE FROM temp.import_rows WHERE kind = ?1", [kind])?;
        Ok(RowLog { kind, len: 0 })
    }

    /// Add one.
    pub fn push(&mut self, conn: &Connection, e: RowError) -> Result<()> {
        conn.prepare_cached(
            "INSERT INTO temp.import_rows (kind, line, reason, fields, code) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            self.kind,
            e.line as i64,
            e.reason,
            serde_json::to_string(&e.fields)?,
            e.code
        ])
        .context("keeping a bad row of the import")?;
        self.len += 1;
        Ok(())
    }

    /// How many there are.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Every one in line order (in the order they were added within a line), at most
    /// `limit`.
    pub fn each(
        &self,
        conn: &Connection,
        limit: Option<u64>,
        f: &mut dyn FnMut(RowError) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = conn.prepare_cached(
            "SELECT line, reason, fields, code FROM temp.import_rows WHERE kind = ?1
             ORDER BY line, rowid LIMIT ?2",
        )?;
        let limit = limit.map_or(-1, |l| l as i64);
        let mut rows = stmt.query(params![self.kind, limit])?;
        while let Some(r) = rows.next()? {
            let fields: String = r.get(2)?;
            f(RowError {
                line: r.get::<_, i64>(0)? as u64,
                reason: r.get(1)?,
                fields: serde_json::from_str(&fields).unwrap_or_default(),
                code: r.get(3)?,
            })?;
        }
        Ok(())
    }

    /// The first [`LISTED`] as JSON for scripts: [{`line, code, message`}] (the message
    /// without the line; never a person's data, as every reason).
    pub fn listed_json(&self, conn: &Connection) -> Result<serde_json::Value> {
        let mut list = Vec::new();
        self.each(conn, Some(LISTED), &mut |e| {
            list.push(serde_json::json!({"line": e.line, "code": e.code, "message": e.reason}));
            Ok(())
        })?;
        Ok(serde_json::Value::Array(list))
    }
}

/// The all-or-nothing verdict of an import: an error listing the bad rows (the first
/// [`LISTED`] of them; a reject file gets them all).
pub fn refuse(name: &str, conn: &Connection, errors: &RowLog, what: &str) -> anyhow::Error {
    let mut listed = Vec::new();
    let read = errors.each(conn, Some(LISTED), &mut |e| {
        listed.push(format!("{name}: {e}"));
        Ok(())
    });
    if let Err(e) = read {
        return e;
    }
    let n = errors.len();
    let more = if n > LISTED {
        format!(
            "\n{name}: {} more bad rows not listed (--reject-file F sets every bad row aside with its reason)",
            n - LISTED
        )
    } else {
        String::new()
    };
    anyhow::anyhow!(
        "{}{more}\n{name}: {n} bad row{}, nothing {what}",
        listed.join("\n"),
        if n == 1 { "" } else { "s" }
    )
}

/// Write set-aside rows as CSV in the input's dialect (delimiter, byte order mark,
/// line end, quoting): `line`, `reason`, then the row as it was; a line that could not
/// be split into fields follows `line,reason` as it was read, so that the operator fixes
/// it where it went wrong. The file can be imported again as it is: its `line,reason`
/// columns are then not read. Mode 0600: the rows may hold e-mail addresses.
pub fn write_rejects(
    guard: &crate::output::file::Guard,
    path: &std::path::Path,
    table: &CsvTable,
    conn: &Connection,
    rejected: &RowLog,
) -> Result<()> {
    use std::io::Write;
    let dialect = table.dialect();
    let staged = crate::output::file::stage_with(guard, path, |file| {
        let mut w = std::io::BufWriter::new(file);
        let writing = || format!("writing {}", path.display());
        if dialect.bom {
            w.write_all(b"\xEF\xBB\xBF").with_context(writing)?;
        }
        let mut header = vec!["line".to_string(), "reason".to_string()];
        header.extend(table.headers().iter().cloned());
        w.write_all(dialect.line(&header).as_bytes())
            .with_context(writing)?;
        rejected.each(conn, None, &mut |r| {
            let malformed = r.code.as_deref() == Some(MALFORMED);
            let text = if malformed {
                let mut l = dialect.line(&[r.line.to_string(), r.reason]);
                l.truncate(l.len() - dialect.line_end.len());
                l.push(char::from(dialect.delimiter));
                l.push_str(r.fields.first().map_or("", String::as_str));
                l.push_str(dialect.line_end);
                l
            } else {
                let mut rec = vec![r.line.to_string(), r.reason];
                rec.extend(r.fields);
                dialect.line(&rec)
            };
            w.write_all(text.as_bytes()).with_context(writing)
        })?;
        w.flush().with_context(writing)?;
        Ok(())
    })?;
    staged.place()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &[u8], allowed: &[&str]) -> CsvTable {
        let src = CsvSource::from_bytes("t.csv", text.to_vec());
        CsvTable::open(src, allowed, &[]).unwrap()
    }

    /// A row read: its line and the allowed columns' values, or the line and reason.
    type Read = Result<(u64, Vec<Option<String>>), (u64, String)>;

    /// Every row.
    fn all(t: &mut CsvTable, allowed: &[&str]) -> Vec<Read> {
        let mut out = Vec::new();
        while let Some(r) = t.next_row().unwrap() {
            out.push(match r {
                Ok(r) => Ok((
                    r.line,
                    allowed.iter().map(|c| r.get(c).map(String::from)).collect(),
                )),
                Err(e) => Err((e.line, e.reason)),
            });
        }
        out
    }

    fn rows(text: &str, allowed: &[&str]) -> Vec<(u64, Vec<Option<String>>)> {
        let mut t = table(text.as_bytes(), allowed);
        all(&mut t, allowed)
            .into_iter()
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn semicolons_bom_and_crlf() {
        let got = rows(
            "\u{feff}Email;Amount\r\njan@x.nl;12,50\r\n",
            &["email", "amount"],
        );
        assert_eq!(
            got,
            vec![(2, vec![Some("jan@x.nl".into()), Some("12,50".into())])]
        );
    }

    #[test]
    fn commas_with_quoted_commas_and_doubled_quotes() {
        let got = rows(
            "amount,email\n\"1,50\",a@b.nl\n \"2\" , \"say \"\"hi\"\"\"\n",
            &["email", "amount"],
        );
        assert_eq!(got[0].1, vec![Some("a@b.nl".into()), Some("1,50".into())]);
        assert_eq!(got[1].1, vec![Some("say \"hi\"".into()), Some("2".into())]);
    }

    #[test]
    fn line_numbers_count_the_header_and_blank_lines() {
        let got = rows("email\na@b.nl\n\nc@d.nl\n", &["email"]);
        assert_eq!(got.iter().map(|r| r.0).collect::<Vec<_>>(), vec![2, 4]);
    }

    #[test]
    fn line_numbers_are_real_for_every_line_end() {
        for end in ["\n", "\r\n", "\r"] {
            let text = ["email,amount", "a@b.nl,1", "", "c@d.nl", "e@f.nl,2", ""].join(end);
            let mut t = table(text.as_bytes(), &["email", "amount"]);
            let got = all(&mut t, &["email", "amount"]);
            assert_eq!(got.len(), 3, "{end:?}");
            assert_eq!(got[0].as_ref().unwrap().0, 2, "{end:?}");
            assert_eq!(got[1].as_ref().unwrap_err().0, 4, "{end:?}");
            assert_eq!(got[2].as_ref().unwrap().0, 5, "{end:?}");
        }
    }

    #[test]
    fn a_cr_lf_split_over_two_reads_is_one_line_end() {
        // A reader that hands out one byte at a time.
        struct Trickle(std::io::Cursor<Vec<u8>>);
        impl std::io::Read for Trickle {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = buf.len().min(1);
                self.0.read(&mut buf[..n])
            }
        }
        let src = CsvSource::from_reader(
            "t.csv",
            Box::new(BufReader::with_capacity(
                1,
                Trickle(std::io::Cursor::new(
                    b"email\r\na@b.nl\r\n\r\nc@d.nl".to_vec(),
                )),
            )),
            Limits::default(),
        );
        let mut t = CsvTable::open(src, &["email"], &[]).unwrap();
        let got = all(&mut t, &["email"]);
        let lines: Vec<u64> = got.iter().map(|r| r.as_ref().unwrap().0).collect();
        assert_eq!(lines, vec![2, 4]);
    }

    #[test]
    fn an_unterminated_quote_is_a_bad_row_and_swallows_nothing() {
        let text = "person,type,opt_in,description\n\
                    1,nieuwsbrief,1,\"Aanmelding\n\
                    2,nieuwsbrief,0,Afmelding\n\
                    3,nieuwsbrief,0,\"Afmelding\"\n";
        let mut t = table(
            text.as_bytes(),
            &["person", "type", "opt_in", "description"],
        );
        let got = all(&mut t, &["person"]);
        assert_eq!(got.len(), 3);
        let (line, reason) = got[0].as_ref().unwrap_err();
        assert_eq!(*line, 2);
        assert!(
            reason.starts_with("description: unterminated quote"),
            "{reason}"
        );
        assert_eq!(got[1].as_ref().unwrap().0, 3);
        assert_eq!(got[2].as_ref().unwrap().0, 4);
    }

    #[test]
    fn quotes_in_the_wrong_place_are_bad_rows() {
        let mut t = table(
            b"name,city\nJan \"de\" Vries,Delft\n\"Jan\"x,Delft\n\"ok\",Delft\n",
            &["name", "city"],
        );
        let got = all(&mut t, &["name"]);
        assert!(
            got[0]
                .as_ref()
                .unwrap_err()
                .1
                .contains("a quote inside an unquoted field")
        );
        assert!(
            got[1]
                .as_ref()
                .unwrap_err()
                .1
                .contains("text after the closing quote")
        );
        assert!(got[2].is_ok());
    }

    #[test]
    fn unknown_and_missing_columns_are_refused() {
        let src = CsvSource::from_bytes("t.csv", b"email,shoe_size\n".to_vec());
        let err = CsvTable::open(src, &["email"], &[])
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("unknown column 'shoe_size'"), "{err}");
        let src = CsvSource::from_bytes("t.csv", b"email\n".to_vec());
        let err = CsvTable::open(src, &["email", "kind"], &["kind"])
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("required column 'kind'"), "{err}");
    }

    #[test]
    fn a_short_row_is_a_row_error() {
        let mut t = table(b"a,b\n1,2\n3\n", &["a", "b"]);
        let results: Vec<_> = all(&mut t, &["a"])
            .into_iter()
            .map(|r| r.err().map(|e| e.0))
            .collect();
        assert_eq!(results, vec![None, Some(3)]);
    }

    #[test]
    fn the_limits_stop_reading() {
        let limits = Limits {
            max_bytes: 1000,
            max_line: 100,
        };
        let long = format!("email\n{}\n", "x".repeat(200));
        let src = CsvSource::from_reader(
            "t.csv",
            Box::new(std::io::Cursor::new(long.into_bytes())),
            limits,
        );
        let mut t = CsvTable::open(src, &["email"], &[]).unwrap();
        let err = t.next_row().err().unwrap().to_string();
        assert!(err.contains("line 2 is longer than 100 bytes"), "{err}");
        let big = format!("email\n{}", "a@b.nl\n".repeat(200));
        let src = CsvSource::from_reader(
            "t.csv",
            Box::new(std::io::Cursor::new(big.into_bytes())),
            limits,
        );
        let mut t = CsvTable::open(src, &["email"], &[]).unwrap();
        let err = loop {
            match t.next_row() {
                Ok(Some(_)) => continue,
                Ok(None) => panic!("read past the limit"),
                Err(e) => break e.to_string(),
            }
        };
        assert!(err.contains("larger than the limit"), "{err}");
        // Zeros without a line end: the line limit, not memory, ends it.
        let src = CsvSource::from_reader(
            "/dev/zero",
            Box::new(BufReader::new(std::io::repeat(0))),
            Limits::default(),
        );
        let err = CsvTable::open(src, &["email"], &[])
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("line 1 is longer than 1 MiB"), "{err}");
    }

    #[test]
    fn sizes_for_people() {
        assert_eq!(human_bytes(DEFAULT_MAX_BYTES), "2 GiB");
        assert_eq!(human_bytes(1536 * 1024), "1.5 MiB");
        assert_eq!(human_bytes(700), "700 bytes");
    }
}

pub mod addresses;
pub mod aliases;
pub mod bounces;
pub mod consent;
pub mod persons;
pub mod suppressions;
pub mod transactions;

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    fn read_all(bytes: Vec<u8>) {
        let src = CsvSource::from_bytes("t.csv", bytes);
        if let Ok(mut t) = CsvTable::open(src, &["email", "amount", "person"], &[]) {
            while let Ok(Some(row)) = t.next_row() {
                match row {
                    Ok(r) => {
                        assert!(r.line >= 2);
                        let _ = r.get("email");
                        let _ = r.fields();
                    }
                    Err(e) => assert!(e.line >= 2),
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Dialect sniffing and row reading on any bytes: Ok or a row error, no panic.
        #[test]
        fn any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            read_all(bytes);
        }

        /// Files that look like CSV: a known header, quotes, separators and line ends
        /// in odd places.
        #[test]
        fn csv_like(body in "(email|amount|person)([,;](email|amount|person))?(\r\n|\n|\r)([a-z@.\";,\r\n é€0-9]{0,80})") {
            read_all(body.into_bytes());
        }

        /// Whatever the line ends, a row's number is its line in the text (CRLF, LF and
        /// CR each end one line).
        #[test]
        fn line_numbers_follow_the_line_ends(
            cells in proptest::collection::vec("[a-z]{0,3}", 1..30),
            ends in proptest::collection::vec(prop::sample::select(vec!["\n", "\r\n", "\r"]), 30),
        ) {
            let mut text = String::from("email");
            for (i, c) in cells.iter().enumerate() {
                text.push_str(ends[i]);
                text.push_str(c);
            }
            let want: Vec<u64> = text
                .replace("\r\n", "\n")
                .replace('\r', "\n")
                .split('\n')
                .enumerate()
                .skip(1)
                .filter(|(_, l)| !l.is_empty())
                .map(|(i, _)| i as u64 + 1)
                .collect();
            let src = CsvSource::from_bytes("t.csv", text.into_bytes());
            let mut t = CsvTable::open(src, &["email"], &[]).unwrap();
            let mut got = Vec::new();
            while let Some(r) = t.next_row().unwrap() {
                got.push(r.unwrap().line);
            }
            prop_assert_eq!(got, want);
        }
    }
}
