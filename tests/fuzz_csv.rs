#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Seeded random mutations of the example CSV files through the real binary: every
//! import exits 0, 1 or 2, never panics, and leaves the database exactly as it was
//! whenever it exits non-zero. `SMP_AVG_FUZZ_CASES` sets the number of cases (default
//! 3,000, about ten seconds on two cores); the seed is fixed, so a failure repeats.
mod common;
use common::{TestDb, snapshot};
use std::path::{Path, PathBuf};

/// SplitMix64: small, fast and the same everywhere.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Bytes that break CSV readers and validators.
const NASTY: &[&[u8]] = &[
    b"\"",
    b";",
    b",",
    b"\r",
    b"\n",
    b"\r\n",
    b"\xEF\xBB\xBF",
    b"\xFF\xFE",
    b"\x00",
    b"\x1b[2J",
    b"\xE2\x80\xAE",
    b"\xC3",
    b"\xE9",
    "é".as_bytes(),
    "€".as_bytes(),
    b"=HYPERLINK(\"x\")",
    b"9999-12-31",
    b"31-02-2026",
    b"-0,001",
    b"1.234.567,891",
    b"ja",
    b"nee",
    b"",
    b"  ",
    b"@",
    b"jan@example.nl",
    b"NL91ABNA0417164300",
    b"111222333",
    b"1234 AB",
];

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(b.len() + 1);
        match rng.below(9) {
            0 => {
                if !b.is_empty() {
                    let i = rng.below(b.len());
                    b[i] = rng.next() as u8;
                }
            }
            1 | 2 => {
                let n = NASTY[rng.below(NASTY.len())];
                b.splice(at..at, n.iter().copied());
            }
            3 => {
                let end = (at + rng.below(12)).min(b.len());
                b.drain(at..end);
            }
            4 => {
                // Duplicate a line: the same row twice.
                let lines: Vec<&[u8]> = b.split(|c| *c == b'\n').collect();
                let line = lines[rng.below(lines.len())].to_vec();
                b.extend_from_slice(b"\n");
                b.extend_from_slice(&line);
            }
            5 => b.truncate(at),
            6 => {
                // Other line endings throughout.
                let to: &[u8] = if rng.below(2) == 0 { b"\r" } else { b"\r\n" };
                let mut out = Vec::new();
                for c in b {
                    if c == b'\n' {
                        out.extend_from_slice(to);
                    } else {
                        out.push(c);
                    }
                }
                b = out;
            }
            7 => {
                // Swap the delimiter.
                for c in b.iter_mut() {
                    *c = match *c {
                        b';' => b',',
                        b',' => b';',
                        o => o,
                    };
                }
            }
            _ => {
                let n = NASTY[rng.below(NASTY.len())];
                let end = (at + n.len()).min(b.len());
                b.splice(at..end, n.iter().copied());
            }
        }
    }
    b
}

struct Target {
    seed: &'static str,
    args: &'static [&'static str],
}

const TARGETS: &[Target] = &[
    Target {
        seed: "personen.csv",
        args: &["import", "persons"],
    },
    Target {
        seed: "transacties.csv",
        args: &["import", "transactions"],
    },
    Target {
        seed: "bounces.csv",
        args: &["import", "bounces"],
    },
    Target {
        seed: "toestemmingen.csv",
        args: &["subscribe", "--csv"],
    },
];

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data")
}

fn run_cases(worker: u64, cases: u64) {
    // The base: a database that holds the example persons, so that the other files
    // have someone to refer to.
    let base = TestDb::new();
    base.run(&[
        "import",
        "persons",
        examples().join("personen.csv").to_str().unwrap(),
    ])
    .success();
    base.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    let base_copy = base.dir.path().join("base.sqlite");
    std::fs::copy(&base.path, &base_copy).unwrap();
    let seeds: Vec<Vec<u8>> = TARGETS
        .iter()
        .map(|t| std::fs::read(examples().join(t.seed)).unwrap())
        .collect();
    let mut rng = Rng(0x5EED_0000 + worker);
    let mut fresh = true;
    let mut before = snapshot(&base.path);
    for case in 0..cases {
        if !fresh {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", base.path.display()));
            }
            std::fs::copy(&base_copy, &base.path).unwrap();
            before = snapshot(&base.path);
        }
        let t = rng.below(TARGETS.len());
        let data = mutate(&mut rng, &seeds[t]);
        let file = base.dir.path().join("case.csv");
        std::fs::write(&file, &data).unwrap();
        let mut args: Vec<String> = TARGETS[t].args.iter().map(|s| s.to_string()).collect();
        args.push(file.display().to_string());
        if TARGETS[t].args[0] == "subscribe" && rng.below(3) == 0 {
            args.push("--reject-file".into());
            args.push(base.dir.path().join("rejects.csv").display().to_string());
        }
        let out = base.cmd().args(&args).output().unwrap();
        let code = out.status.code();
        let err = String::from_utf8_lossy(&out.stderr);
        let show = || {
            format!(
                "worker {worker} case {case}: {args:?} on {:?}\n{err}",
                String::from_utf8_lossy(&data)
            )
        };
        assert!(matches!(code, Some(0..=2)), "exit {code:?}: {}", show());
        assert!(
            !err.contains("panicked") && !err.contains("internal error"),
            "{}",
            show()
        );
        if code == Some(0) {
            fresh = false;
        } else {
            assert_eq!(
                snapshot(&base.path),
                before,
                "changed after exit {code:?}: {}",
                show()
            );
            assert!(!err.trim().is_empty(), "a refusal says why: {}", show());
            fresh = true;
        }
    }
}

#[test]
fn mutated_example_files_never_panic_and_never_half_write() {
    let cases: u64 = std::env::var("SMP_AVG_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    let workers = 2;
    let handles: Vec<_> = (0..workers)
        .map(|w| std::thread::spawn(move || run_cases(w, cases / workers)))
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}
