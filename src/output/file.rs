//! Every file the tool writes goes through here (an access answer, a reject file, a
//! document): never over the database or its `-wal`, `-shm` and `-journal`, never over
//! an input of the same command, never through a symlink or onto anything but a regular
//! file, and an existing file only with `--force` (or `--yes`). The bytes go to a new
//! temporary file in the same directory, readable by the owner only, synced, and are
//! renamed into place: never a half-written file under the name, and a rename replaces a
//! symlink put there meanwhile instead of following it.
use anyhow::{Context, Result, bail};
use std::io::Write;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// The paths one command must not write to, and whether it may replace a file.
#[derive(Debug, Clone)]
pub struct Guard {
    protected: Vec<PathBuf>,
    force: bool,
}

/// A path made absolute without following a symlink at its last part: its directory
/// resolved, its own name as it is.
fn resolved(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    Some(dir.canonicalize().ok()?.join(name))
}

impl Guard {
    /// The database `db` (with its side files) and the command's `inputs` are protected;
    /// `force`: an existing regular file may be replaced.
    pub fn new(db: &Path, inputs: &[&Path], force: bool) -> Self {
        let mut protected = Vec::new();
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = db.as_os_str().to_owned();
            p.push(suffix);
            protected.push(PathBuf::from(p));
        }
        protected.extend(inputs.iter().map(|p| p.to_path_buf()));
        Guard { protected, force }
    }

    /// Refuse a target the tool must not write to, with one clear line.
    pub fn check(&self, target: &Path) -> Result<()> {
        let shown = target.display();
        let Some(full) = resolved(target) else {
            bail!("{shown}: the directory does not exist or the name is not a file name");
        };
        let existing = std::fs::symlink_metadata(target).ok();
        for p in &self.protected {
            let same_name = resolved(p).is_some_and(|q| q == full)
                || std::fs::canonicalize(p).is_ok_and(|q| q == full);
            let same_file = match (&existing, std::fs::metadata(p)) {
                (Some(t), Ok(m)) => t.dev() == m.dev() && t.ino() == m.ino(),
                _ => false,
            };
            if same_name || same_file {
                bail!(
                    "{shown} is the database or an input of this command: refusing to write over it (choose another --out or --reject-file)"
                );
            }
        }
        if let Some(m) = existing {
            if m.file_type().is_symlink() {
                bail!("{shown} is a symbolic link: refusing to write through it");
            }
            if !m.is_file() {
                bail!("{shown} is not a regular file: refusing to write to it");
            }
            if !self.force {
                bail!("{shown} exists: use --force to replace it");
            }
        }
        Ok(())
    }

    /// Whether `input` is one of the protected files (the same file, by any name or
    /// link): for a file read as a document.
    pub fn is_protected_file(&self, input: &Path) -> bool {
        let Ok(m) = std::fs::metadata(input) else {
            return false;
        };
        self.protected
            .iter()
            .any(|p| std::fs::metadata(p).is_ok_and(|q| q.dev() == m.dev() && q.ino() == m.ino()))
    }

    /// Whether `target` names a protected path (for a directory given as --out).
    pub fn protects(&self, target: &Path) -> bool {
        let Some(full) = resolved(target) else {
            return false;
        };
        self.protected
            .iter()
            .any(|p| resolved(p).is_some_and(|q| q == full))
    }
}

/// A file written under a temporary name, to be moved to its name with
/// [`Staged::place`]; dropped unplaced, the temporary file is removed.
pub struct Staged {
    tmp: PathBuf,
    target: PathBuf,
    placed: bool,
}

impl Staged {
    /// Move the file to its name (one rename in the same directory); returns the name.
    pub fn place(mut self) -> Result<PathBuf> {
        std::fs::rename(&self.tmp, &self.target)
            .with_context(|| format!("moving the file to {}", self.target.display()))?;
        self.placed = true;
        Ok(self.target.clone())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.placed {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Check `path` with `guard`, then write `bytes` for it readable by the owner only, to a
/// new temporary file in the same directory (synced), to be placed with
/// [`Staged::place`].
pub fn stage(guard: &Guard, path: &Path, bytes: &[u8]) -> Result<Staged> {
    stage_with(guard, path, |f| f.write_all(bytes).map_err(Into::into))
}

/// As [`stage`], with the content written by `fill`.
pub fn stage_with(
    guard: &Guard,
    path: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> Result<()>,
) -> Result<Staged> {
    guard.check(path)?;
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
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&tmp)
        .with_context(|| format!("creating {}", tmp.display()))?;
    let staged = Staged {
        tmp,
        target: path.to_path_buf(),
        placed: false,
    };
    fill(&mut f).with_context(|| format!("writing {}", path.display()))?;
    f.sync_all()
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(staged)
}

/// Check, write and place in one go.
pub fn write(guard: &Guard, path: &Path, bytes: &[u8]) -> Result<()> {
    stage(guard, path, bytes)?.place().map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_its_side_files_inputs_links_and_devices_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("crm.sqlite");
        std::fs::write(&db, b"db").unwrap();
        let input = dir.path().join("in.csv");
        std::fs::write(&input, b"x").unwrap();
        let guard = Guard::new(&db, &[&input], true);
        assert!(guard.check(&db).is_err());
        assert!(guard.check(&dir.path().join("crm.sqlite-wal")).is_err());
        assert!(guard.check(&input).is_err());
        // Through another name of the same directory, and a hard link.
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        assert!(guard.check(&sub.join("../crm.sqlite")).is_err());
        let hard = dir.path().join("hard");
        std::fs::hard_link(&db, &hard).unwrap();
        assert!(guard.check(&hard).is_err());
        let link = dir.path().join("link.pdf");
        std::os::unix::fs::symlink(dir.path().join("elsewhere"), &link).unwrap();
        assert!(guard.check(&link).is_err());
        assert!(guard.check(Path::new("/dev/null")).is_err());
        assert!(guard.check(&dir.path().join("no/such/dir/x.pdf")).is_err());
        assert!(guard.check(&dir.path().join("new.pdf")).is_ok());
        // Without force an existing file stays.
        let kept = Guard::new(&db, &[], false);
        assert!(kept.check(&input).is_err());
    }

    #[test]
    fn written_files_are_private_and_whole() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("crm.sqlite");
        let guard = Guard::new(&db, &[], false);
        let out = dir.path().join("out.csv");
        write(&guard, &out, b"a,b\n").unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"a,b\n");
        let mode = std::fs::metadata(&out).unwrap().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
