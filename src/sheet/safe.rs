//! Replacing a sheet safely: refuse files that are open (LibreOffice's and Excel's lock files)
//! or read-only, write a temporary file next to the target and rename it over the target, and
//! keep the previous versions as `leads.bak.xlsx`, `leads.bak2.xlsx`, ….
//!
//! The order makes a crash harmless at any point: the new version is complete and synced
//! before anything else happens; backups are rotated; the current file is hard-linked (or
//! copied) to `leads.bak.xlsx`; then one rename replaces the target. A reader (or a crash)
//! sees the old file or the new one, never half of one.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::SheetError;

/// The lock files that say `target` is open: LibreOffice's `.~lock.leads.xlsx#` and Excel's
/// `~$leads.xlsx` (Excel drops the first two letters of longer names: `~$ads-2026.xlsx`).
pub fn lock_files(target: &Path) -> Vec<(PathBuf, &'static str)> {
    let dir = parent(target);
    let Some(name) = target.file_name().and_then(|n| n.to_str()) else {
        return Vec::new();
    };
    let mut out = vec![(dir.join(format!(".~lock.{name}#")), "LibreOffice")];
    out.push((dir.join(format!("~${name}")), "Excel"));
    let mut chars = name.chars();
    chars.next();
    chars.next();
    let short = chars.as_str();
    if !short.is_empty() {
        out.push((dir.join(format!("~${short}")), "Excel"));
    }
    out
}

/// Fails when `target` is open in a spreadsheet program or cannot be replaced.
pub fn check_writable(target: &Path) -> Result<(), SheetError> {
    for (lock, app) in lock_files(target) {
        if lock.exists() {
            return Err(SheetError::Locked {
                path: target.to_path_buf(),
                lock,
                app,
            });
        }
    }
    match fs::metadata(target) {
        Ok(meta) if meta.permissions().readonly() => Err(SheetError::ReadOnly {
            path: target.to_path_buf(),
        }),
        Ok(meta) if !meta.is_file() => Err(SheetError::Unsupported {
            path: target.to_path_buf(),
            message: "is not a file".into(),
        }),
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let dir = parent(target);
            if dir.is_dir() {
                Ok(())
            } else {
                Err(SheetError::io(
                    target,
                    std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        format!("the folder {} does not exist", dir.display()),
                    ),
                ))
            }
        }
        Err(e) => Err(SheetError::io(target, e)),
    }
}

/// The `n`th backup of `target` (1 = the newest): `leads.bak.xlsx`, `leads.bak2.xlsx`, ….
pub fn backup_path(target: &Path, n: usize) -> PathBuf {
    let stem = target
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = target
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    let bak = if n <= 1 {
        "bak".to_string()
    } else {
        format!("bak{n}")
    };
    target.with_file_name(format!("{stem}.{bak}{ext}"))
}

/// Replaces `target` with `bytes`; the previous version (if any) becomes backup 1 and older
/// backups move up, at most `backups` kept. Returns the backup written.
pub fn replace(target: &Path, bytes: &[u8], backups: usize) -> Result<Option<PathBuf>, SheetError> {
    let dir = parent(target);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let old = fs::metadata(target).ok();
    remove_leftovers(dir, &name);
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .rand_bytes(6)
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| SheetError::io(target, e))?;
    tmp.write_all(bytes)
        .map_err(|e| SheetError::io(tmp.path(), e))?;
    keep_permissions(tmp.as_file(), old.as_ref());
    tmp.as_file()
        .sync_all()
        .map_err(|e| SheetError::io(tmp.path(), e))?;

    let mut backup = None;
    if old.is_some() && backups > 0 {
        for n in (1..backups).rev() {
            let from = backup_path(target, n);
            if from.exists() {
                fs::rename(&from, backup_path(target, n + 1))
                    .map_err(|e| SheetError::io(&from, e))?;
            }
        }
        let bak = backup_path(target, 1);
        match fs::remove_file(&bak) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(SheetError::io(&bak, e)),
        }
        if fs::hard_link(target, &bak).is_err() {
            fs::copy(target, &bak).map_err(|e| SheetError::io(&bak, e))?;
        }
        backup = Some(bak);
    }
    tmp.persist(target)
        .map_err(|e| SheetError::io(target, e.error))?;
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(backup)
}

/// Removes temporary files of ours that an earlier run, killed while writing, left behind
/// (`.leads.xlsx.XXXXXX.tmp`).
fn remove_leftovers(dir: &Path, name: &str) {
    let prefix = format!(".{name}.");
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(file) = file.to_str() else { continue };
        if let Some(middle) = file
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(".tmp"))
            && middle.len() == 6
            && middle.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The new file gets the old one's permissions (a shared sheet stays readable by the group);
/// a new sheet gets the usual rw-r--r-- instead of the temporary file's rw-------.
fn keep_permissions(file: &fs::File, old: Option<&fs::Metadata>) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = old.map_or(0o644, |m| m.permissions().mode() & 0o7777);
        let _ = file.set_permissions(fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    {
        let _ = (file, old);
    }
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_files_of_libreoffice_and_excel() {
        let locks: Vec<PathBuf> = lock_files(Path::new("dir/leads.xlsx"))
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        assert_eq!(
            locks,
            [
                PathBuf::from("dir/.~lock.leads.xlsx#"),
                PathBuf::from("dir/~$leads.xlsx"),
                PathBuf::from("dir/~$ads.xlsx"),
            ]
        );
    }

    #[test]
    fn backups_rotate_and_the_target_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("leads.csv");
        assert_eq!(backup_path(&target, 1), dir.path().join("leads.bak.csv"));
        assert_eq!(backup_path(&target, 3), dir.path().join("leads.bak3.csv"));
        assert_eq!(
            replace(&target, b"v1", 2).unwrap(),
            None,
            "nothing to keep yet"
        );
        for v in ["v2", "v3", "v4"] {
            let bak = replace(&target, v.as_bytes(), 2).unwrap();
            assert_eq!(bak, Some(backup_path(&target, 1)));
        }
        let read = |p: PathBuf| fs::read_to_string(p).unwrap();
        assert_eq!(read(target.clone()), "v4");
        assert_eq!(read(backup_path(&target, 1)), "v3");
        assert_eq!(read(backup_path(&target, 2)), "v2");
        assert!(!backup_path(&target, 3).exists(), "at most two kept");
        replace(&target, b"v5", 0).unwrap();
        assert_eq!(read(backup_path(&target, 1)), "v3", "no backup with 0");
        let names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    }

    #[test]
    fn open_and_read_only_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("leads.xlsx");
        fs::write(&target, b"x").unwrap();
        check_writable(&target).unwrap();
        fs::write(dir.path().join(".~lock.leads.xlsx#"), b"").unwrap();
        assert!(matches!(
            check_writable(&target),
            Err(SheetError::Locked {
                app: "LibreOffice",
                ..
            })
        ));
        fs::remove_file(dir.path().join(".~lock.leads.xlsx#")).unwrap();
        let mut perms = fs::metadata(&target).unwrap().permissions();
        perms.set_readonly(true);
        fs::set_permissions(&target, perms).unwrap();
        assert!(matches!(
            check_writable(&target),
            Err(SheetError::ReadOnly { .. })
        ));
        assert!(matches!(
            check_writable(&dir.path().join("no/such/leads.csv")),
            Err(SheetError::Io { .. })
        ));
    }
}
