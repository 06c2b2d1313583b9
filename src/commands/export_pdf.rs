//! `smp-avg export-pdf --person P [--out FILE] [--lang nl|en]`: the right-of-access
//! document (§1.11, Art. 15), or with `--format json` the same content as JSON (Art. 20).
//! Files are written with mode 0600, to a temporary name renamed into place.
use super::{Context, in_write_transaction};
use crate::access::{self, pdf};
use crate::cli::{ExportPdfArgs, Format, Lang};
use crate::db::{audit, persons};
use crate::rules::time;
use anyhow::{Context as _, Result};
use serde_json::json;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

pub fn run(ctx: &Context, args: &ExportPdfArgs) -> Result<()> {
    let mut conn = ctx.open()?;
    let id = persons::resolve(&conn, &args.person)?;
    let lang = match args.lang {
        Lang::Nl => pdf::Language::Dutch,
        Lang::En => pdf::Language::English,
    };
    let report = access::gather(&conn, id, &time::format_time(time::now()))?;
    let (bytes, pages, kind) = match ctx.format {
        Format::Json => (serde_json::to_vec_pretty(&report)?, 0, "json"),
        _ => {
            let (bytes, pages) = pdf::render(&report, lang)?;
            (bytes, pages, "pdf")
        }
    };
    let target: Option<PathBuf> = match (&args.out, ctx.format) {
        (Some(p), _) => Some(p.clone()),
        (None, Format::Json) => None,
        (None, _) => Some(PathBuf::from(format!("person-{id}.pdf"))),
    };
    // Disclosing a person's data is a processing of it: it goes in the audit log.
    in_write_transaction(&mut conn, false, |tx| {
        let audit_id = audit::record(
            tx,
            &audit::Entry {
                operator: &ctx.operator,
                command: if kind == "pdf" {
                    "export-pdf"
                } else {
                    "export-pdf --format json"
                },
                person_id: Some(id),
                affected: 1,
                details: None,
            },
        )?;
        // Issue 14: the export answers the person's oldest open access or portability
        // request.
        crate::db::requests::answer(tx, id, &["access", "portability"], audit_id)
    })?;
    match target {
        None => {
            let mut out = crate::output::stdout();
            out.write_all(&bytes)?;
            out.write_all(b"\n")?;
            out.flush()?;
            Ok(())
        }
        Some(path) => {
            write_private(&path, &bytes)?;
            crate::output::object(
                if ctx.format == Format::Json {
                    Format::Table
                } else {
                    ctx.format
                },
                &[
                    ("person_id", json!(id)),
                    ("file", json!(path.display().to_string())),
                    ("pages", json!(pages)),
                    ("bytes", json!(bytes.len())),
                ],
            )
        }
    }
}

/// Write `bytes` to `path` readable by the owner only, through a temporary file in the
/// same directory that is renamed into place: never a half-written file under the name.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| anyhow::anyhow!("{}: not a file name", path.display()))?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| -> Result<()> {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
            .with_context(|| format!("creating {}", tmp.display()))?;
        f.write_all(bytes)
            .with_context(|| format!("writing {}", tmp.display()))?;
        f.sync_all()
            .with_context(|| format!("writing {}", tmp.display()))?;
        std::fs::rename(&tmp, path)
            .with_context(|| format!("moving the export to {}", path.display()))?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
