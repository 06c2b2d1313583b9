//! `smp-avg export-pdf --person P [--out FILE.pdf|DIR|FILE.zip] [--lang nl|en]
//! [--password-file F] [--draft] [--utc]`: the right-of-access answer (§1.11, Art. 15):
//! the PDF, or the whole package (the PDF, `gegevens.json` and a copy of every document)
//! as a directory or an AES-256 encrypted zip; with `--format json` the JSON (Art. 20).
//!
//! `--format json` means the answer as JSON: to standard output or to a `.json` file; a
//! `.pdf`, a `.zip` or a directory is refused with it (a package holds `gegevens.json`
//! already). Only a real answer answers a request: a JSON export the person's oldest
//! open portability request, a PDF their oldest open access request, a package (both)
//! the oldest open of either; a `--draft` none.
//!
//! The audit log tells the truth: every file is first written in full under a temporary
//! name (0600) beside its target; then, in one transaction, the disclosure is recorded
//! and the files are moved into place; if the commit fails, they are removed again. A
//! failure before that (an unwritable `--out`) leaves neither a file nor an entry.
use super::{Context, in_write_transaction};
use crate::access::{self, package, pdf};
use crate::cli::{ExportPdfArgs, Format, Lang};
use crate::db::{audit, persons};
use crate::output::{self, file::Staged};
use crate::rules::time;
use anyhow::{Context as _, Result, bail};
use serde_json::json;
use std::io::Write;
use std::os::unix::fs::DirBuilderExt;
use std::path::PathBuf;

/// Where the answer goes.
enum Target {
    /// The PDF alone (optionally encrypted).
    Pdf(PathBuf),
    /// The JSON alone, to a file or to standard output.
    Json(Option<PathBuf>),
    /// The package, as files in an existing directory.
    Dir(PathBuf),
    /// The package as an encrypted zip.
    Zip(PathBuf),
}

impl Target {
    fn of(args: &ExportPdfArgs, format: Format, person_id: i64) -> Target {
        match &args.out {
            Some(p) if p.is_dir() => Target::Dir(p.clone()),
            Some(p) if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("zip")) => {
                Target::Zip(p.clone())
            }
            out if format == Format::Json => Target::Json(out.clone()),
            Some(p) => Target::Pdf(p.clone()),
            None => Target::Pdf(PathBuf::from(format!("person-{person_id}.pdf"))),
        }
    }

    /// The kinds of request this answer answers (Art. 15 a PDF, Art. 20 the JSON, a
    /// package both).
    fn answers(&self) -> &'static [&'static str] {
        match self {
            Target::Pdf(_) => &["access"],
            Target::Json(_) => &["portability"],
            Target::Dir(_) | Target::Zip(_) => &["access", "portability"],
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Target::Pdf(_) => "pdf",
            Target::Json(_) => "json",
            Target::Dir(_) => "directory",
            Target::Zip(_) => "zip",
        }
    }
}

/// An anonymised person has no access answer: what identified them is gone, and the
/// record that remains (a number, dates, the ledger unlinked from an identity) would
/// tell a stranger's story, or a wrong one. The erasure is the answer. Documents a law
/// still holds are said, with how to give a copy of them: those are the person's data.
fn refuse_anonymised(conn: &rusqlite::Connection, id: i64) -> Result<()> {
    let person = persons::load(conn, id)?;
    let Some(at) = person.anonymised_at else {
        return Ok(());
    };
    let held = crate::db::documents::of_person(conn, id)?;
    if held.is_empty() {
        bail!(
            "person {id} was anonymised at {at}: nothing is held to answer with; the erasure is the answer"
        );
    }
    let until = held
        .iter()
        .filter_map(|d| d.held_until.as_deref())
        .max()
        .unwrap_or("—");
    let ids: Vec<String> = held.iter().map(|d| d.id.to_string()).collect();
    bail!(
        "person {id} was anonymised at {at}: nothing is held to answer with but {} document(s) a law says to keep (ids {}, until {until}, Art. 17(3)(b)); the erasure is the answer, with a copy of those documents if the person asks (`smp-avg document get ID --out FILE`)",
        held.len(),
        ids.join(", ")
    );
}

pub fn run(ctx: &Context, args: &ExportPdfArgs) -> Result<()> {
    let mut conn = ctx.open()?;
    let id = persons::resolve(&conn, &args.person)?;
    refuse_anonymised(&conn, id)?;
    let lang = match args.lang {
        Lang::Nl => pdf::Language::Dutch,
        Lang::En => pdf::Language::English,
    };
    if ctx.format == Format::Json
        && let Some(out) = &args.out
    {
        let ext = out
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        if out.is_dir() || matches!(ext.as_deref(), Some("pdf" | "zip")) {
            bail!(
                "--format json writes the answer as JSON, to standard output or to a .json file, not to {}: give --out FILE.json, or leave out --format json for the PDF or the package (which holds gegevens.json)",
                out.display()
            );
        }
    }
    let target = Target::of(args, ctx.format, id);
    // Never over the database, its side files or the password file; an existing file
    // only with --force.
    let password_file = args.password_file.as_deref();
    let guard = ctx.file_guard(password_file.as_slice());
    if let Target::Dir(dir) = &target
        && (guard.protects(dir)
            || std::fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()))
    {
        bail!(
            "{}: refusing to write the answer there (a symbolic link, or the database)",
            dir.display()
        );
    }
    // The password: from the file, or made up for a zip (never a zip without one).
    let (password, generated) = match (&args.password_file, &target) {
        (Some(f), Target::Pdf(_) | Target::Zip(_)) => (Some(package::read_password(f)?), false),
        (Some(_), Target::Dir(_)) => bail!(
            "--password-file: a directory cannot be encrypted; use --out FILE.zip for an encrypted package"
        ),
        (Some(_), Target::Json(_)) => bail!(
            "--password-file encrypts a package (--out FILE.zip) or a PDF (--out FILE.pdf), not JSON"
        ),
        (None, Target::Zip(_)) => (Some(package::generate_password()?), true),
        (None, _) => (None, false),
    };
    if let Target::Dir(dir) = &target {
        for name in [
            package::pdf_name(id, lang),
            "gegevens.json".into(),
            "documenten".into(),
        ] {
            if dir.join(&name).exists() {
                bail!(
                    "{} already holds {name}: choose an empty directory (or --out FILE.zip)",
                    dir.display()
                );
            }
        }
    }
    let tz = ctx.time_zone(&conn)?;
    let now = time::now();
    let report = access::gather(&conn, id, &time::format_time(now))?;
    if !matches!(target, Target::Json(_))
        && !args.draft
        && let Some(why) = report.controller.not_ready()
    {
        bail!("{why} (or pass --draft for a draft that must not be sent)");
    }
    let in_package = matches!(target, Target::Dir(_) | Target::Zip(_));
    let render = || -> Result<(Vec<u8>, usize)> {
        let rendered = pdf::render(
            &report,
            &pdf::Options {
                lang,
                tz,
                draft: args.draft,
                in_package,
            },
        )?;
        if rendered.replaced_characters {
            output::warning(&format!(
                "some characters of person {id}'s data cannot be drawn in the PDF: they are shown as U+FFFD and the PDF says so; the JSON (gegevens.json in a package, or --format json) holds them all"
            ));
        }
        Ok((rendered.bytes, rendered.pages))
    };
    // Everything is made and written under temporary names before anything is recorded.
    let mut staged: Vec<Staged> = Vec::new();
    let mut created_dir: Option<PathBuf> = None;
    let mut summary: Vec<(&str, serde_json::Value)> = vec![("person_id", json!(id))];
    let mut stdout_json: Option<Vec<u8>> = None;
    let prepared = (|| -> Result<()> {
        match &target {
            Target::Json(None) => stdout_json = Some(package::json(&report)?),
            Target::Json(Some(path)) => {
                let bytes = package::json(&report)?;
                summary.extend([
                    ("file", json!(path.display().to_string())),
                    ("pages", json!(0)),
                    ("bytes", json!(bytes.len())),
                ]);
                staged.push(output::file::stage(&guard, path, &bytes)?);
            }
            Target::Pdf(path) => {
                let (mut bytes, pages) = render()?;
                if let Some(p) = &password {
                    bytes = package::encrypt_pdf(&bytes, p)?;
                }
                summary.extend([
                    ("file", json!(path.display().to_string())),
                    ("pages", json!(pages)),
                    ("bytes", json!(bytes.len())),
                    ("encrypted", json!(password.is_some())),
                ]);
                staged.push(output::file::stage(&guard, path, &bytes)?);
            }
            Target::Dir(dir) | Target::Zip(dir) => {
                let (bytes, pages) = render()?;
                let files = package::entries(&conn, &report, bytes, package::pdf_name(id, lang))?;
                summary.extend([
                    ("pages", json!(pages)),
                    ("documents", json!(report.documents.len())),
                ]);
                if let Target::Zip(path) = &target {
                    let local = match tz {
                        Some(tz) => now.with_timezone(&tz).naive_local(),
                        None => now.naive_utc(),
                    };
                    let bytes =
                        package::zip(&files, password.as_deref().unwrap_or_default(), local)?;
                    summary.extend([
                        ("file", json!(path.display().to_string())),
                        ("bytes", json!(bytes.len())),
                        ("encrypted", json!(true)),
                    ]);
                    staged.push(output::file::stage(&guard, path, &bytes)?);
                } else {
                    summary.extend([
                        ("file", json!(dir.display().to_string())),
                        ("files", json!(files.len())),
                        ("encrypted", json!(false)),
                    ]);
                    if files.iter().any(|f| f.name.contains('/')) {
                        let docs = dir.join("documenten");
                        std::fs::DirBuilder::new()
                            .mode(0o700)
                            .create(&docs)
                            .with_context(|| format!("creating {}", docs.display()))?;
                        created_dir = Some(docs);
                    }
                    for f in &files {
                        staged.push(output::file::stage(&guard, &dir.join(&f.name), &f.bytes)?);
                    }
                }
            }
        }
        Ok(())
    })();
    let cleanup = |created_dir: &Option<PathBuf>| {
        if let Some(d) = created_dir {
            let _ = std::fs::remove_dir_all(d);
        }
    };
    if let Err(e) = prepared {
        drop(staged); // removes the temporary files
        cleanup(&created_dir);
        return Err(e);
    }
    // Disclosing a person's data is a processing of it: recorded in the same step as
    // the files appear under their names.
    let mut placed: Vec<PathBuf> = Vec::new();
    let recorded = in_write_transaction(&mut conn, false, |tx| {
        let audit_id = audit::record(
            tx,
            &audit::Entry {
                operator: &ctx.operator,
                command: if matches!(target, Target::Json(_)) {
                    "export-pdf --format json"
                } else {
                    "export-pdf"
                },
                person_id: Some(id),
                affected: 1,
                details: Some(
                    json!({
                        "output": target.kind(),
                        "documents": if in_package { report.documents.len() } else { 0 },
                        "encrypted": password.is_some(),
                        "draft": args.draft,
                    })
                    .to_string(),
                ),
            },
        )?;
        // Issue 14: the export answers the person's oldest open request of the kind it
        // answers; a draft answers nothing.
        if !args.draft {
            crate::db::requests::answer(tx, id, target.answers(), audit_id)?;
        }
        for s in staged.drain(..) {
            placed.push(s.place()?);
        }
        if let Some(bytes) = &stdout_json {
            let mut out = crate::output::stdout();
            out.write_all(bytes)?;
            out.flush()?;
        }
        Ok(())
    });
    if let Err(e) = recorded {
        for p in &placed {
            let _ = std::fs::remove_file(p);
        }
        cleanup(&created_dir);
        return Err(e);
    }
    if stdout_json.is_some() {
        return Ok(());
    }
    if matches!(target, Target::Pdf(_)) && !report.documents.is_empty() {
        eprintln!(
            "warning: person {id} has {} document(s): their copies go with --out DIR or --out FILE.zip (Art. 15(3))",
            report.documents.len()
        );
    }
    if let (true, Some(p)) = (generated, &password) {
        eprintln!(
            "password of {}: {p}\n(shown once and stored nowhere: send it separately from the package, e.g. by phone or text message)",
            summary
                .iter()
                .find(|(k, _)| *k == "file")
                .and_then(|(_, v)| v.as_str())
                .unwrap_or("the package")
        );
    }
    crate::output::object(
        if ctx.format == Format::Json && matches!(target, Target::Json(_)) {
            Format::Table
        } else {
            ctx.format
        },
        &summary,
    )
}
