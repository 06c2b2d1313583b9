//! CSV input as Dutch spreadsheet programs write it: `,` or `;` as delimiter, UTF-8 with
//! or without BOM, LF or CRLF, a header line naming the columns in any order and case.
//! Rows are handed out with their line number so that every bad row can be named.
use anyhow::{Context, Result, bail};
use csv::{ReaderBuilder, StringRecord};
use std::collections::HashMap;
use std::fmt;
use std::io::Read;

/// The bytes of a CSV file or standard input, with a name for messages.
pub struct CsvSource {
    pub name: String,
    data: Vec<u8>,
}

impl CsvSource {
    /// Read FILE, or standard input for `-`.
    pub fn read(file: &str) -> Result<Self> {
        let mut data = Vec::new();
        if file == "-" {
            std::io::stdin()
                .read_to_end(&mut data)
                .context("reading standard input")?;
            Ok(CsvSource {
                name: "standard input".into(),
                data,
            })
        } else {
            let data = std::fs::read(file).with_context(|| format!("reading {file}"))?;
            Ok(CsvSource {
                name: file.to_string(),
                data,
            })
        }
    }

    /// CSV text given directly (tests, examples).
    pub fn from_bytes(name: &str, data: Vec<u8>) -> Self {
        CsvSource {
            name: name.to_string(),
            data,
        }
    }

    fn body(&self) -> &[u8] {
        self.data
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(&self.data)
    }
}

/// The delimiter of the header line: `;` when it has more of them than `,`.
fn detect_delimiter(body: &[u8]) -> u8 {
    let header = body.split(|b| *b == b'\n').next().unwrap_or_default();
    let (mut commas, mut semicolons, mut quoted) = (0, 0, false);
    for b in header {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semicolons += 1,
            _ => {}
        }
    }
    if semicolons > commas { b';' } else { b',' }
}

/// A bad row: its line number and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: u64,
    pub reason: String,
    /// The row's fields as read, for a reject file (empty when unreadable).
    pub fields: Vec<String>,
}

impl RowError {
    /// A bad row with its fields.
    pub fn new(row: &CsvRow<'_>, reason: impl Into<String>) -> Self {
        RowError {
            line: row.line,
            reason: reason.into(),
            fields: row.fields(),
        }
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// A CSV file with a checked header.
pub struct CsvTable<'a> {
    pub name: String,
    /// The number of fields a row has (the header's, ignored columns included).
    width: usize,
    columns: HashMap<String, usize>,
    headers: Vec<String>,
    reader: csv::Reader<&'a [u8]>,
    body: &'a [u8],
}

/// Line numbers from byte offsets: the csv crate's own line count skips blank lines.
struct LineCounter<'a> {
    body: &'a [u8],
    byte: usize,
    line: u64,
}

impl LineCounter<'_> {
    fn line_at(&mut self, byte: u64) -> u64 {
        // The csv crate reports where it resumed reading, before any line ends and
        // blank lines that precede the record: skip those.
        let mut byte = (byte as usize).min(self.body.len());
        while byte < self.body.len() && matches!(self.body[byte], b'\r' | b'\n') {
            byte += 1;
        }
        if byte < self.byte {
            self.byte = 0;
            self.line = 1;
        }
        self.line += self.body[self.byte..byte]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64;
        self.byte = byte;
        self.line
    }
}

/// One data row.
pub struct CsvRow<'t> {
    pub line: u64,
    record: StringRecord,
    columns: &'t HashMap<String, usize>,
}

impl CsvRow<'_> {
    /// A field by column name, trimmed; None when the column is absent or the cell empty.
    pub fn get(&self, column: &str) -> Option<&str> {
        let i = *self.columns.get(column)?;
        let v = self.record.get(i)?.trim();
        (!v.is_empty()).then_some(v)
    }

    /// The row's fields as read.
    pub fn fields(&self) -> Vec<String> {
        self.record.iter().map(str::to_string).collect()
    }

    /// Whether the file has this column at all.
    pub fn has(&self, column: &str) -> bool {
        self.columns.contains_key(column)
    }
}

impl<'a> CsvTable<'a> {
    /// Open a source, checking that every column is known and the required ones are there.
    pub fn open(source: &'a CsvSource, allowed: &[&str], required: &[&str]) -> Result<Self> {
        let resolve = |name: &str, written: &str| -> Result<Option<String>> {
            if allowed.contains(&name) {
                Ok(Some(name.to_string()))
            } else {
                bail!(
                    "unknown column '{written}' (allowed: {})",
                    allowed.join(", ")
                )
            }
        };
        Ok(Self::open_mapped(source, &resolve, required, &allowed.join(","))?.0)
    }

    /// Open a source whose header names are mapped to columns by `resolve` (given the
    /// name trimmed and lower-cased, and as written): `Ok(Some(column))` for a column that is read,
    /// `Ok(None)` for one that is ignored, an error for one that is refused. Returns the
    /// table and the ignored header names (as written), e.g. the many other columns of a
    /// newsletter tool's export.
    pub fn open_mapped(
        source: &'a CsvSource,
        resolve: &dyn Fn(&str, &str) -> Result<Option<String>>,
        required: &[&str],
        expected: &str,
    ) -> Result<(Self, Vec<String>)> {
        let body = source.body();
        if std::str::from_utf8(body).is_err() {
            bail!(
                "{}: not UTF-8 text (save the spreadsheet as CSV UTF-8)",
                source.name
            );
        }
        let mut reader = ReaderBuilder::new()
            .delimiter(detect_delimiter(body))
            .flexible(true)
            .has_headers(true)
            .from_reader(body);
        let headers = reader
            .headers()
            .with_context(|| format!("{}: reading the header line", source.name))?
            .clone();
        if headers.iter().all(|h| h.trim().is_empty()) {
            bail!(
                "{}: line 1: no header line (expected columns {expected})",
                source.name
            );
        }
        let mut columns = HashMap::new();
        let mut ignored = Vec::new();
        for (i, h) in headers.iter().enumerate() {
            let name = h.trim().to_lowercase();
            let column = resolve(&name, h.trim())
                .map_err(|e| anyhow::anyhow!("{}: line 1: {e}", source.name))?;
            let Some(column) = column else {
                ignored.push(h.trim().to_string());
                continue;
            };
            if columns.insert(column.clone(), i).is_some() {
                bail!("{}: line 1: column '{column}' appears twice", source.name);
            }
        }
        for r in required {
            if !columns.contains_key(*r) {
                bail!("{}: line 1: required column '{r}' is missing", source.name);
            }
        }
        let headers: Vec<String> = headers.iter().map(|h| h.trim().to_string()).collect();
        Ok((
            CsvTable {
                name: source.name.clone(),
                width: headers.len(),
                columns,
                headers,
                reader,
                body,
            },
            ignored,
        ))
    }

    /// The header as written in the file.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// Every data row in order; a malformed row (bad quoting, wrong field count) is a
    /// row error, the rest goes on.
    pub fn rows(&mut self) -> impl Iterator<Item = Result<CsvRow<'_>, RowError>> + '_ {
        let width = self.width;
        let columns = &self.columns;
        let mut lines = LineCounter {
            body: self.body,
            byte: 0,
            line: 1,
        };
        self.reader.records().filter_map(move |rec| match rec {
            Ok(record) => {
                let line = lines.line_at(record.position().map_or(0, |p| p.byte()));
                if record.iter().all(|f| f.trim().is_empty()) {
                    return None; // blank lines at the end of a spreadsheet export
                }
                if record.len() != width {
                    return Some(Err(RowError {
                        line,
                        reason: format!("{} fields, the header has {width}", record.len()),
                        fields: record.iter().map(str::to_string).collect(),
                    }));
                }
                Some(Ok(CsvRow {
                    line,
                    record,
                    columns,
                }))
            }
            Err(e) => {
                let line = lines.line_at(e.position().map_or(0, |p| p.byte()));
                Some(Err(RowError {
                    line,
                    reason: format!("unreadable row: {e}"),
                    fields: Vec::new(),
                }))
            }
        })
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

/// The all-or-nothing verdict of an import: an error listing every bad row.
pub fn refuse(name: &str, errors: &[RowError], what: &str) -> anyhow::Error {
    let listed: Vec<String> = errors.iter().map(|e| format!("{name}: {e}")).collect();
    anyhow::anyhow!(
        "{}\n{name}: {} bad row{}, nothing {what}",
        listed.join("\n"),
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    )
}

/// Write set-aside rows as CSV: line, reason, then the row as it was (mode 0600: the
/// rows may hold e-mail addresses).
pub fn write_rejects(
    guard: &crate::output::file::Guard,
    path: &std::path::Path,
    headers: &[String],
    rejected: &[RowError],
) -> Result<()> {
    use std::io::Write;
    let staged = crate::output::file::stage_with(guard, path, |file| {
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(std::io::BufWriter::new(file));
        let mut header = vec!["line".to_string(), "reason".to_string()];
        header.extend(headers.iter().cloned());
        w.write_record(&header)?;
        for r in rejected {
            let mut rec = vec![r.line.to_string(), r.reason.clone()];
            rec.extend(r.fields.iter().cloned());
            w.write_record(&rec)?;
        }
        w.into_inner()
            .map_err(|e| anyhow::anyhow!("{}", e.error()))?
            .flush()?;
        Ok(())
    })?;
    staged.place()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str, allowed: &[&str]) -> Vec<(u64, Vec<Option<String>>)> {
        let src = CsvSource::from_bytes("t.csv", text.as_bytes().to_vec());
        let mut t = CsvTable::open(&src, allowed, &[]).unwrap();
        t.rows()
            .map(|r| {
                let r = r.unwrap();
                (
                    r.line,
                    allowed.iter().map(|c| r.get(c).map(String::from)).collect(),
                )
            })
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
    fn commas_with_quoted_commas() {
        let got = rows("amount,email\n\"1,50\",a@b.nl\n", &["email", "amount"]);
        assert_eq!(got[0].1, vec![Some("a@b.nl".into()), Some("1,50".into())]);
    }

    #[test]
    fn line_numbers_count_the_header() {
        let got = rows("email\na@b.nl\n\nc@d.nl\n", &["email"]);
        assert_eq!(got.iter().map(|r| r.0).collect::<Vec<_>>(), vec![2, 4]);
    }

    #[test]
    fn unknown_and_missing_columns_are_refused() {
        let src = CsvSource::from_bytes("t.csv", b"email,shoe_size\n".to_vec());
        let err = CsvTable::open(&src, &["email"], &[])
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("unknown column 'shoe_size'"), "{err}");
        let src = CsvSource::from_bytes("t.csv", b"email\n".to_vec());
        let err = CsvTable::open(&src, &["email", "kind"], &["kind"])
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("required column 'kind'"), "{err}");
    }

    #[test]
    fn a_short_row_is_a_row_error() {
        let src = CsvSource::from_bytes("t.csv", b"a,b\n1,2\n3\n".to_vec());
        let mut t = CsvTable::open(&src, &["a", "b"], &[]).unwrap();
        let results: Vec<_> = t.rows().map(|r| r.err().map(|e| e.line)).collect();
        assert_eq!(results, vec![None, Some(3)]);
    }
}

pub mod addresses;
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
        if let Ok(mut t) = CsvTable::open(&src, &["email", "amount", "person"], &[]) {
            for row in t.rows() {
                match row {
                    Ok(r) => {
                        let _ = r.get("email");
                        let _ = r.fields();
                    }
                    Err(e) => assert!(e.line >= 1),
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
    }
}
