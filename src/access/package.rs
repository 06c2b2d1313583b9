//! The access answer as one package (Art. 15(3), Art. 20): the PDF, `gegevens.json` and a
//! copy of every document under `documenten/`, for a directory or for a zip encrypted
//! with AES-256 (WinZip AE-2: 7-Zip, Windows Explorer-compatible tools and macOS
//! archivers open it with the password). The manual (§2) forbids sending personal data
//! unprotected: a zip always gets a password. When only the PDF is asked for, the PDF
//! itself can be encrypted (AES-256, PDF 2.0 security handler).
use super::AccessReport;
use anyhow::{Context, Result, anyhow, bail};
use rusqlite::Connection;
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;

/// One file of the package: its path inside the package and its bytes.
pub struct Entry {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The name of the PDF inside a package.
pub fn pdf_name(person_id: i64, lang: super::labels::Language) -> String {
    format!("{}-{person_id}.pdf", lang.pick("inzage", "access"))
}

/// The JSON of the answer (Art. 20), with its `format_version`.
pub fn json(report: &AccessReport) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(report).context("writing the JSON")?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The files of the package: the PDF, `gegevens.json`, and each document's content
/// (read from the database, byte for byte) under its `package_file` name.
pub fn entries(
    conn: &Connection,
    report: &AccessReport,
    pdf: Vec<u8>,
    pdf_name: String,
) -> Result<Vec<Entry>> {
    let mut files = vec![
        Entry {
            name: pdf_name,
            bytes: pdf,
        },
        Entry {
            name: "gegevens.json".into(),
            bytes: json(report)?,
        },
    ];
    let mut stmt =
        conn.prepare("SELECT content FROM documents WHERE id = ?1 AND person_id = ?2")?;
    for d in &report.documents {
        let bytes: Vec<u8> = stmt
            .query_row([d.id, report.person.id], |r| r.get(0))
            .with_context(|| format!("reading the content of document {}", d.id))?;
        files.push(Entry {
            name: d.package_file.clone(),
            bytes,
        });
    }
    Ok(files)
}

/// A zip of `files`, every entry encrypted with AES-256 under `password` (each with its
/// own random salt) and compressed; stamped with `modified` (local time).
pub fn zip(files: &[Entry], password: &str, modified: chrono::NaiveDateTime) -> Result<Vec<u8>> {
    use chrono::{Datelike, Timelike};
    let stamp = zip::DateTime::from_date_and_time(
        u16::try_from(modified.year()).unwrap_or(1980),
        modified.month() as u8,
        modified.day() as u8,
        modified.hour() as u8,
        modified.minute() as u8,
        modified.second() as u8,
    )
    .unwrap_or_default();
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(stamp)
        .unix_permissions(0o600)
        .with_aes_encryption(zip::AesMode::Aes256, password);
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for f in files {
        writer
            .start_file(f.name.as_str(), options)
            .with_context(|| format!("adding {} to the zip", f.name))?;
        writer
            .write_all(&f.bytes)
            .with_context(|| format!("adding {} to the zip", f.name))?;
    }
    let cursor = writer.finish().context("closing the zip")?;
    Ok(cursor.into_inner())
}

/// The PDF encrypted with AES-256 (PDF 2.0, revision 6): it opens only with `password`.
/// The owner password is random, so the permissions cannot be lifted with it.
pub fn encrypt_pdf(pdf: &[u8], password: &str) -> Result<Vec<u8>> {
    use lopdf::encryption::crypt_filters::{Aes256CryptFilter, CryptFilter};
    let mut doc = lopdf::Document::load_mem(pdf).context("reading the PDF to encrypt it")?;
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|e| anyhow!("no randomness for the PDF key: {e}"))?;
    let owner = generate_password()?;
    let filter: Arc<dyn CryptFilter> = Arc::new(Aes256CryptFilter);
    let version = lopdf::EncryptionVersion::V5 {
        encrypt_metadata: true,
        crypt_filters: BTreeMap::from([(b"StdCF".to_vec(), filter)]),
        file_encryption_key: &key,
        stream_filter: b"StdCF".to_vec(),
        string_filter: b"StdCF".to_vec(),
        owner_password: &owner,
        user_password: password,
        permissions: lopdf::Permissions::all(),
    };
    let state = lopdf::EncryptionState::try_from(version)
        .map_err(|e| anyhow!("encrypting the PDF: {e}"))?;
    doc.encrypt(&state)
        .map_err(|e| anyhow!("encrypting the PDF: {e}"))?;
    // lopdf leaves out the key length, which poppler (Evince, Okular, pdftotext) then
    // takes as 40 bits and decrypts nothing; qpdf and Acrobat write it. It is not part
    // of the key or the password check.
    let encrypt_id = doc
        .trailer
        .get(b"Encrypt")
        .and_then(lopdf::Object::as_reference)
        .map_err(|e| anyhow!("encrypting the PDF: {e}"))?;
    let dict = doc
        .get_object_mut(encrypt_id)
        .and_then(lopdf::Object::as_dict_mut)
        .map_err(|e| anyhow!("encrypting the PDF: {e}"))?;
    dict.set("Length", 256);
    if let Ok(cf) = dict
        .get_mut(b"CF")
        .and_then(lopdf::Object::as_dict_mut)
        .and_then(|cf| cf.get_mut(b"StdCF"))
        .and_then(lopdf::Object::as_dict_mut)
    {
        cf.set("Length", 32);
        cf.set("AuthEvent", lopdf::Object::Name(b"DocOpen".to_vec()));
    }
    let mut out = Vec::new();
    doc.save_to(&mut out)
        .map_err(|e| anyhow!("writing the encrypted PDF: {e}"))?;
    Ok(out)
}

/// A password of 20 random characters in four groups (`kq7mz-…`), from an alphabet
/// without look-alikes (no 0/O, 1/l/I): about 110 bits, easy to read out by phone.
pub fn generate_password() -> Result<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut out = String::new();
    let mut byte = [0u8; 1];
    while out.chars().filter(|c| *c != '-').count() < 20 {
        getrandom::fill(&mut byte).map_err(|e| anyhow!("no randomness for a password: {e}"))?;
        // Rejection sampling keeps every character equally likely.
        let limit = 256 - 256 % ALPHABET.len();
        if usize::from(byte[0]) >= limit {
            continue;
        }
        if !out.is_empty() && out.chars().filter(|c| *c != '-').count() % 5 == 0 {
            out.push('-');
        }
        out.push(char::from(ALPHABET[usize::from(byte[0]) % ALPHABET.len()]));
    }
    Ok(out)
}

/// The password in a file: its first line, without the line end. Refused when empty or
/// shorter than 8 characters (a package is sent over e-mail: a weak password protects
/// nothing).
pub fn read_password(path: &std::path::Path) -> Result<String> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the password file {}", path.display()))?;
    let line = text.lines().next().unwrap_or("").trim_end_matches('\r');
    if line.trim().is_empty() {
        bail!("the password file {} is empty", path.display());
    }
    if line.chars().count() < 8 {
        bail!(
            "the password in {} is shorter than 8 characters",
            path.display()
        );
    }
    Ok(line.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_are_long_readable_and_different() {
        let a = generate_password().unwrap();
        let b = generate_password().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 23, "{a}");
        assert_eq!(a.matches('-').count(), 3, "{a}");
        assert!(!a.contains(['0', 'O', '1', 'l', 'I']), "{a}");
    }

    #[test]
    fn an_encrypted_zip_reads_back_only_with_its_password() {
        let files = [
            Entry {
                name: "a.txt".into(),
                bytes: b"hallo".to_vec(),
            },
            Entry {
                name: "documenten/document-1.pdf".into(),
                bytes: vec![0, 1, 2, 255],
            },
        ];
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 29)
            .unwrap()
            .and_hms_opt(0, 50, 36)
            .unwrap();
        let bytes = zip(&files, "geheim-wachtwoord", now).unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        assert!(archive.by_index(0).is_err(), "readable without a password");
        let mut f = archive.by_index_decrypt(1, b"geheim-wachtwoord").unwrap();
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut out).unwrap();
        assert_eq!(out, vec![0, 1, 2, 255]);
    }
}
