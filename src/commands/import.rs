//! `smp-avg import persons|transactions|bounces FILE|-`: the whole file in one
//! transaction. Every bad row is reported as `line N: reason`; without `--reject-file`
//! nothing is written when any row is bad, with it the bad rows go to that file and
//! the rest is imported. Warnings (a malformed address stored, a suppressed address,
//! a bounced address no person holds) go to stderr as `file: line N: …`, and so do
//! notes (soft bounces, ignored columns); `--quiet` silences both. With `--format json`
//! the warnings are also listed in `warning_rows` and the ignored columns in
//! `ignored_columns` (then without the note).
use super::{Context, in_write_transaction};
use crate::cli::{ImportArgs, ImportKind, MatchBy};
use crate::db::audit;
use crate::import::{self, CsvSource, CsvTable, RowLog};
use crate::rules::time;
use anyhow::{Result, bail};
use serde_json::{Value, json};

/// What one kind's import did, in the shape every import reports.
struct Done {
    command: &'static str,
    inserted: u64,
    updated: u64,
    errors: RowLog,
    warnings: RowLog,
    /// Fields of this kind only (e.g. the bounces' unknown addresses).
    extra: Vec<(&'static str, Value)>,
}

pub fn run(ctx: &Context, args: &ImportArgs) -> Result<()> {
    let mut conn = ctx.open()?;
    // The reject file may not be the database or the file being imported.
    let input = std::path::Path::new(&args.file);
    let guard = ctx.file_guard(if args.file == "-" {
        &[]
    } else {
        std::slice::from_ref(&input)
    });
    if let Some(path) = &args.reject_file
        && !args.dry_run
    {
        guard.check(path)?;
    }
    let source = CsvSource::open(&args.file, import::Limits::from_settings(&conn)?)?;
    let name = source.name.clone();
    let set_aside = args.reject_file.is_some();
    let now = time::now();
    if args.column.is_some() && !matches!(args.kind, ImportKind::Bounces | ImportKind::Suppressions)
    {
        bail!("--column names the address column of a bounce or suppression list");
    }
    import::addresses::check_column(args.column.as_deref())?;
    if args.allow_erased && args.kind != ImportKind::Persons {
        bail!("--allow-erased applies to import persons only");
    }
    let mut notes: Vec<String> = Vec::new();
    // Columns of the file that were not read (the other columns of a newsletter tool's
    // export): a note for people, `ignored_columns` in JSON.
    let mut ignored_columns: Vec<String> = Vec::new();
    let done = in_write_transaction(&mut conn, args.dry_run, |tx| {
        let done = match args.kind {
            ImportKind::Persons => {
                let columns = import::persons::columns();
                let mut table =
                    CsvTable::open_aliased(source, &columns, import::aliases::PERSONS, &[])?;
                let matching = match args.matching {
                    MatchBy::Email => import::persons::Match::Email,
                    MatchBy::None => import::persons::Match::None,
                };
                let d = import::persons::import(
                    tx,
                    &mut table,
                    matching,
                    now,
                    set_aside,
                    args.allow_erased,
                )?;
                finish(
                    &guard,
                    tx,
                    &table,
                    args,
                    Done {
                        command: "import persons",
                        inserted: d.inserted,
                        updated: d.updated,
                        errors: d.errors,
                        warnings: d.warnings,
                        extra: vec![
                            ("unchanged", json!(d.unchanged)),
                            ("suppressed", json!(d.suppressed)),
                            ("skipped_erased", json!(d.skipped_erased)),
                        ],
                    },
                )?
            }
            ImportKind::Transactions => {
                let mut table = CsvTable::open_aliased(
                    source,
                    import::transactions::COLUMNS,
                    import::aliases::TRANSACTIONS,
                    &["person", "kind", "occurred_at"],
                )?;
                let d = import::transactions::import(tx, &mut table, now, set_aside)?;
                finish(
                    &guard,
                    tx,
                    &table,
                    args,
                    Done {
                        command: "import transactions",
                        inserted: d.inserted,
                        updated: 0,
                        errors: d.errors,
                        warnings: RowLog::warnings(tx)?,
                        extra: vec![("duplicates", json!(d.duplicates))],
                    },
                )?
            }
            ImportKind::Bounces => {
                let (mut table, ignored) = open_address_list(source, args, false)?;
                let d = import::bounces::import(tx, &mut table, now, set_aside)?;
                if d.soft > 0 {
                    notes.push(format!(
                        "{} soft bounce{} reported, nobody marked: a soft bounce (a full mailbox) is temporary",
                        d.soft,
                        if d.soft == 1 { "" } else { "s" }
                    ));
                }
                ignored_columns = ignored;
                finish(
                    &guard,
                    tx,
                    &table,
                    args,
                    Done {
                        command: "import bounces",
                        inserted: 0,
                        updated: d.marked,
                        errors: d.errors,
                        warnings: d.warnings,
                        extra: vec![
                            ("rows", json!(d.rows)),
                            ("marked", json!(d.marked)),
                            ("already_bouncer", json!(d.already)),
                            ("unknown", json!(d.unknown)),
                            ("soft", json!(d.soft)),
                            ("complaints", json!(d.complaints)),
                            ("suppressed", json!(d.suppressed)),
                        ],
                    },
                )?
            }
            ImportKind::Suppressions => {
                let (mut table, ignored) = open_address_list(source, args, true)?;
                let d = import::suppressions::import(tx, &mut table, now, set_aside)?;
                ignored_columns = ignored;
                finish(
                    &guard,
                    tx,
                    &table,
                    args,
                    Done {
                        command: "import suppressions",
                        inserted: d.added,
                        updated: 0,
                        errors: d.errors,
                        warnings: RowLog::warnings(tx)?,
                        extra: vec![("rows", json!(d.rows)), ("already", json!(d.already))],
                    },
                )?
            }
        };
        audit::record(
            tx,
            &audit::Entry {
                operator: &ctx.operator,
                command: done.command,
                person_id: None,
                affected: (done.inserted + done.updated) as i64,
                // Counts only: never an address or a name.
                details: Some({
                    let mut d = serde_json::Map::new();
                    d.insert("rejected".into(), json!(done.errors.len()));
                    d.insert("warnings".into(), json!(done.warnings.len()));
                    for (k, v) in &done.extra {
                        if v.is_number() {
                            d.insert((*k).into(), v.clone());
                        }
                    }
                    Value::Object(d).to_string()
                }),
            },
        )?;
        done.warnings.each(tx, None, &mut |w| {
            crate::output::warning(&format!("{name}: {w}"));
            Ok(())
        })?;
        let warning_rows = done.warnings.listed_json(tx)?;
        Ok((done, warning_rows))
    })?;
    let (done, warning_rows) = done;
    let json = ctx.format == crate::cli::Format::Json;
    if !json {
        notes.extend(ignored_note(&ignored_columns));
    }
    for n in &notes {
        crate::output::note(&format!("{name}: {n}"));
    }
    let mut fields = vec![
        ("inserted", json!(done.inserted)),
        ("updated", json!(done.updated)),
        ("rejected", json!(done.errors.len())),
        ("warnings", json!(done.warnings.len())),
    ];
    fields.extend(done.extra);
    fields.extend(listing_fields(json, warning_rows, &ignored_columns));
    fields.push(("dry_run", json!(args.dry_run)));
    crate::output::object(ctx.format, &fields)
}

/// The warnings one by one and the columns not read, for scripts (stderr has them for
/// people): in JSON `warning_rows` [{`line, code, message`}] and `ignored_columns`
/// [names]; in a table or CSV, the same keys as text (`2 (on_suppression_list), 5`;
/// `Status, Bron`), so that every format has the same fields.
pub(crate) fn listing_fields(
    json: bool,
    warning_rows: Value,
    ignored_columns: &[String],
) -> Vec<(&'static str, Value)> {
    if json {
        return vec![
            ("warning_rows", warning_rows),
            ("ignored_columns", json!(ignored_columns)),
        ];
    }
    let lines: Vec<String> = warning_rows
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|w| match w["code"].as_str() {
                    Some(code) => format!("{} ({code})", w["line"]),
                    None => w["line"].to_string(),
                })
                .collect()
        })
        .unwrap_or_default();
    vec![
        ("warning_rows", json!(lines.join(", "))),
        ("ignored_columns", json!(ignored_columns.join(", "))),
    ]
}

/// A bounce or suppression list: the address column under any of its names (or
/// `--column`), reason and date, other columns ignored.
fn open_address_list(
    source: CsvSource,
    args: &ImportArgs,
    with_description: bool,
) -> Result<(CsvTable, Vec<String>)> {
    let column = args.column.as_deref();
    let resolve = import::addresses::resolver(column, with_description);
    CsvTable::open_mapped(
        source,
        &resolve,
        &["email"],
        &import::addresses::expected(column),
    )
    .map_err(|e| import::addresses::missing_address(e, column))
}

/// The note that names the columns an address list's import did not read.
fn ignored_note(ignored: &[String]) -> Option<String> {
    (!ignored.is_empty()).then(|| {
        format!(
            "ignored column{} {}",
            if ignored.len() == 1 { "" } else { "s" },
            ignored
                .iter()
                .map(|c| format!("'{c}'"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

/// The verdict on the bad rows: refuse the file, or write them to the reject file.
fn finish(
    guard: &crate::output::file::Guard,
    conn: &rusqlite::Connection,
    table: &CsvTable,
    args: &ImportArgs,
    done: Done,
) -> Result<Done> {
    match &args.reject_file {
        None if !done.errors.is_empty() => {
            Err(import::refuse(&table.name, conn, &done.errors, "imported"))
        }
        Some(path) if !args.dry_run => {
            import::write_rejects(guard, path, table, conn, &done.errors)?;
            Ok(done)
        }
        _ => Ok(done),
    }
}
