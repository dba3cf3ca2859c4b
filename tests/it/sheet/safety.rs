//! Safety: open (locked), read-only and foreign files are refused and left alone; a refresh
//! killed mid-write leaves the old file or the new one.

use std::path::Path;

use super::{Campaign, Lead, csv_records, lead, ok, xlsx_rows};
use crate::util::stderr;

#[test]
fn open_read_only_and_foreign_sheets_are_refused_and_left_alone() {
    let c = Campaign::new(None);
    c.save(&[lead("a.de", "A", "A")]);
    ok(&c.sheet(&["-o", "leads.xlsx"]));
    c.save(&[lead("b.de", "B", "B")]);
    let path = c.path("leads.xlsx");
    let before = std::fs::read(&path).unwrap();
    let unchanged = |what: &str| {
        assert_eq!(std::fs::read(&path).unwrap(), before, "{what}");
        assert!(!c.path("leads.bak.xlsx").exists(), "{what}");
    };

    for (lock, app) in [
        (".~lock.leads.xlsx#", "LibreOffice"),
        ("~$leads.xlsx", "Excel"),
    ] {
        std::fs::write(c.path(lock), "").unwrap();
        let out = c.sheet(&["-o", "leads.xlsx"]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!("is open in {app}")) && err.contains("Nothing was changed"),
            "{err}"
        );
        unchanged(lock);
        std::fs::remove_file(c.path(lock)).unwrap();
    }

    let mut perms = std::fs::metadata(&path).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&path, perms.clone()).unwrap();
    let out = c.sheet(&["-o", "leads.xlsx"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("is read-only"), "{}", stderr(&out));
    unchanged("read-only");
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&path, perms).unwrap();

    // Not a lead sheet: no `domain` column.
    let theirs = c.path("contacts.csv");
    std::fs::write(&theirs, "name,phone\nAnna,0171 123\n").unwrap();
    let out = c.sheet(&["-o", "contacts.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is not a lead sheet of prospect"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(&theirs).unwrap(),
        "name,phone\nAnna,0171 123\n"
    );
    let book = c.path("budget.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().write_string(0, 0, "Budget").unwrap();
    wb.save(&book).unwrap();
    let bytes = std::fs::read(&book).unwrap();
    let out = c.sheet(&["-o", "budget.xlsx"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("none of its sheets (`Sheet1`)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&book).unwrap(), bytes);
    // Not a workbook at all.
    std::fs::write(c.path("broken.xlsx"), "not a zip").unwrap();
    let out = c.sheet(&["-o", "broken.xlsx"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));

    // Now it can go through; the previous version is the backup.
    ok(&c.sheet(&["-o", "leads.xlsx", "--backups", "2"]));
    assert_eq!(std::fs::read(c.path("leads.bak.xlsx")).unwrap(), before);
}

/// Leads `from..to` with the given grading day.
fn many(from: usize, to: usize, day: i64) -> Vec<Lead> {
    (from..to)
        .map(|i| {
            let mut l = lead(
                &format!("firma-{i}.de"),
                ["A", "B", "C", "D"][i % 4],
                "Firma",
            );
            l.company = format!("Firma {i} GmbH");
            l.graded_day = day;
            l
        })
        .collect()
}

fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.ok()?.file_name().to_string_lossy().into_owned();
            name.ends_with(".tmp").then_some(name)
        })
        .collect()
}

/// A refresh killed (SIGKILL) at several points leaves the old file or the new one, whole.
#[test]
fn a_refresh_killed_mid_write_leaves_the_old_or_the_new_file() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    // Kills that landed while the new file was being written (the XLSX is written from memory
    // in one go, so its window is short; the CSV's is long).
    let mut mid_write = 0;
    for (ext, n) in [("csv", 6_000), ("xlsx", 2_000)] {
        let c = Campaign::new(None);
        let name = format!("leads.{ext}");
        let path = c.path(&name);
        c.save(&many(0, n, 20_400));
        ok(&c.sheet(&["-o", &name]));
        let old = std::fs::read(&path).unwrap();
        c.save(&many(0, n + n / 10, 20_500));
        // The complete new version, made from a copy.
        let copy = format!("new.{ext}");
        std::fs::copy(&path, c.path(&copy)).unwrap();
        let started = Instant::now();
        ok(&c.sheet(&["-o", &copy]));
        let full = started.elapsed();
        let new = std::fs::read(c.path(&copy)).unwrap();
        let rows = |p: &Path| match ext {
            "csv" => csv_records(p),
            _ => xlsx_rows(p, "Leads"),
        };
        let new_rows = rows(&c.path(&copy));
        assert_eq!(new_rows.len(), n + n / 10 + 1);

        // When to kill: at once, when the temporary file appears, when the backup appears,
        // and at fractions of a whole run.
        let points = ["start", "temp", "backup", "0.3", "0.6", "0.9"];
        for point in points {
            std::fs::write(&path, &old).unwrap();
            let _ = std::fs::remove_file(c.path(&format!("leads.bak.{ext}")));
            let mut child = Command::new(env!("CARGO_BIN_EXE_prospect"))
                .args(["sheet", c.plan.to_str().unwrap(), "--store"])
                .arg(&c.store)
                .args(["-o", &name, "-q"])
                .current_dir(c.dir.path())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            let t0 = Instant::now();
            loop {
                let fire = match point {
                    "start" => true,
                    "temp" => temp_files(c.dir.path())
                        .iter()
                        .any(|f| f.starts_with(&format!(".{name}."))),
                    "backup" => c.path(&format!("leads.bak.{ext}")).exists(),
                    frac => t0.elapsed() >= full.mul_f64(frac.parse().unwrap()),
                };
                if fire || child.try_wait().unwrap().is_some() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            let _ = child.kill(); // SIGKILL
            child.wait().unwrap();
            // A kill landed during the write when it left the temporary file behind (a
            // finished write renames it over the sheet).
            mid_write += usize::from(
                temp_files(c.dir.path())
                    .iter()
                    .any(|f| f.starts_with(&format!(".{name}."))),
            );
            let now = std::fs::read(&path).unwrap();
            eprintln!(
                "{ext}: killed at {point}: {} file, {} temporary files left",
                if now == old { "old" } else { "new" },
                temp_files(c.dir.path()).len()
            );
            if now != old {
                if ext == "csv" {
                    assert!(
                        now == new,
                        "killed at {point}: neither the old nor the new file"
                    );
                } else {
                    assert_eq!(rows(&path), new_rows, "killed at {point}");
                }
            }
        }
        // The next run finishes the work and clears what a killed run left behind.
        std::fs::write(&path, &old).unwrap();
        ok(&c.sheet(&["-o", &name]));
        assert_eq!(rows(&path), new_rows);
        assert_eq!(temp_files(c.dir.path()), Vec::<String>::new());
    }
    assert!(mid_write >= 1, "no kill landed during a write");
}
