//! The proof of erasure: the database files read byte by byte for every erased value.
use super::keys::{KeyMap, key_of, mix};
use super::{ErasedValues, MIN_SCANNED, SURVEYED_ROWS, quoted_columns, stored_columns};
use anyhow::{Context, Result};
use rusqlite::Connection;

/// What the byte scan of the files found.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    /// How many distinct erased values were looked for.
    pub values: u64,
    /// The tables whose erased values were found in a file, with how many values.
    pub found: Vec<(String, u64)>,
}

impl Scan {
    /// None of the values was found.
    pub fn clean(&self) -> bool {
        self.found.is_empty()
    }
}

/// The proof that erasure reached the disk: read the database file, its write-ahead log
/// and its rollback journal byte by byte and look for every erased value (held in
/// memory since before the erasure). Streams the files in chunks (bounded memory); a
/// filter on each position's first bytes rules out nearly all positions, then one hash
/// look-up.
///
/// SQLite stores a row's fields one after the other, without a separator: the digits
/// of one person's phone and mobile, or of an IBAN, can spell an erased BSN by chance
/// (43 such coincidences in a sweep of 234,000 persons at 5 million). With `conn`, a
/// value found more often than allowed is looked for once more in the rows of
/// `persons` as SQLite lays them out, and those occurrences are allowed too: only what
/// no row of a person explains is a finding.
pub fn scan_files(
    db: &std::path::Path,
    values: &ErasedValues,
    conn: Option<&Connection>,
) -> Result<Scan> {
    let (first, second) = count_in_files(db, values)?;
    let mut over: Vec<usize> = first
        .found()
        .chain(second.found())
        .filter(|&i| first.get(i) + second.get(i) > values.allowed(i) + values.live(i).unwrap_or(0))
        .collect();
    over.sort_unstable();
    over.dedup();
    // Numbers over what the rows of the persons who stay spell are looked for in the
    // other rows of persons as they are now; any other value in every row.
    let explained = match conn {
        Some(conn) if !over.is_empty() => {
            let suspects = values.subset(&over);
            // Counted by the survey: the other rows; else every row.
            if over.iter().all(|&i| values.live(i).is_some()) {
                let others = live_occurrences(conn, &suspects, Some(SURVEYED_ROWS))?;
                over.iter()
                    .zip(others)
                    .map(|(&i, n)| values.live(i).unwrap_or(0) + n)
                    .collect()
            } else {
                live_occurrences(conn, &suspects, None)?
            }
        }
        _ => over.iter().map(|&i| values.live(i).unwrap_or(0)).collect(),
    };
    let mut found: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
    for (k, &i) in over.iter().enumerate() {
        if first.get(i) + second.get(i) > values.allowed(i) + explained[k] {
            *found.entry(values.table(i)).or_default() += 1;
        }
    }
    let mut found: Vec<(String, u64)> =
        found.into_iter().map(|(t, n)| (t.to_string(), n)).collect();
    found.sort();
    Ok(Scan {
        values: values.len() as u64,
        found,
    })
}

/// How often each value occurs in the rows of `persons` as SQLite lays them out: the
/// texts of a row one after the other (numbers are stored in binary). With `except`,
/// not in the rows that match it.
fn live_occurrences(
    conn: &Connection,
    values: &ErasedValues,
    except: Option<&str>,
) -> Result<Vec<u64>> {
    use rusqlite::types::ValueRef;
    let matcher = Matcher::new(values);
    let mut hits = Hits::default();
    let columns = stored_columns(conn)?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {} FROM persons WHERE NOT ({})",
        quoted_columns(&columns),
        except.unwrap_or("0")
    ))?;
    let mut rows = stmt.query([])?;
    let mut layout = Vec::new();
    while let Some(r) = rows.next()? {
        layout.clear();
        for i in 0..columns.len() {
            if let ValueRef::Text(t) | ValueRef::Blob(t) = r.get_ref(i)? {
                layout.extend_from_slice(t);
            }
        }
        matcher.count_slice(&layout, &mut hits);
    }
    Ok((0..values.len()).map(|i| hits.get(i)).collect())
}

/// How often each value is in the database file and its -wal and -journal files: the
/// counts of the first halves of the files and those of the second halves.
pub(super) fn count_in_files(db: &std::path::Path, values: &ErasedValues) -> Result<(Hits, Hits)> {
    let mut files = Vec::new();
    for suffix in ["", "-wal", "-journal"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        let p = std::path::PathBuf::from(p);
        if p.exists() {
            let open = || {
                std::fs::File::open(&p)
                    .with_context(|| format!("reading {} for the proof of erasure", p.display()))
            };
            let len = open()?.metadata()?.len();
            files.push((open()?, open()?, len));
        }
    }
    // Two cores: each reads half of every file. A match is counted by the half it
    // starts in; the first half reads on past its end for matches that cross it, the
    // second starts one byte early for the rule on numbers.
    let matcher = Matcher::new(values);
    let overlap = (matcher.longest as u64).saturating_sub(1);
    let (first, second) = std::thread::scope(|scope| -> Result<_> {
        let (firsts, seconds): (Vec<_>, Vec<_>) = files
            .into_iter()
            .map(|(a, b, len)| ((a, len), (b, len)))
            .unzip();
        let matcher = &matcher;
        let later = scope.spawn(move || -> Result<Hits> {
            use std::io::{Seek, SeekFrom};
            let mut hits = Hits::default();
            for (mut f, len) in seconds {
                let mid = len / 2;
                let lead = u64::from(mid > 0);
                f.seek(SeekFrom::Start(mid - lead))?;
                matcher.count(f, lead, u64::MAX, &mut hits)?;
            }
            Ok(hits)
        });
        let mut hits = Hits::default();
        for (f, len) in firsts {
            let mid = len / 2;
            matcher.count(std::io::Read::take(f, mid + overlap), 0, mid, &mut hits)?;
        }
        let theirs = later
            .join()
            .map_err(|_| anyhow::anyhow!("the proof of erasure stopped unexpectedly"))??;
        Ok((hits, theirs))
    })?;
    Ok((first, second))
}

/// How often each value occurs in the bytes of `sources`.
pub(super) fn count_in<R: std::io::Read>(sources: Vec<R>, values: &ErasedValues) -> Result<Hits> {
    let matcher = Matcher::new(values);
    let mut hits = Hits::default();
    for f in sources {
        matcher.count(f, 0, u64::MAX, &mut hits)?;
    }
    Ok(hits)
}

/// The first bytes of a value that the bitmap is keyed on (the shortest value).
const KEY: usize = MIN_SCANNED;
/// The first KEY bytes of eight read as a little-endian number.
const KEY_MASK: u64 = (1 << (8 * KEY)) - 1;
/// Values of at least WIDE bytes are filtered on their first WIDE bytes, and looked up
/// by their first WIDE (or 2 * WIDE) bytes, their length and their last WIDE bytes:
/// values that share a start (06-numbers, "Maria de …", an IBAN's bank,
/// "schenkingsakte-1…") are not each compared wherever that start occurs.
const WIDE: usize = 8;

/// Finds many values in a stream of bytes, read in chunks (bounded memory): a filter on
/// each position's first bytes rules out nearly all positions; at the others, the
/// values with that start are looked up by length and last bytes. Compact: a value
/// costs a chain link and a share of two maps of numbers, its text stays where the
/// values keep it (a sweep at 5 million persons looks for 640,000 values).
pub(super) struct Matcher<'v> {
    values: &'v ErasedValues,
    /// Filters on the first KEY bytes of the values shorter than WIDE, and on the first
    /// WIDE bytes of the others: an 06-number's first six bytes are every 06-number's,
    /// its first eight are few others'.
    short_bits: Filter,
    wide_bits: Filter,
    /// Whether any value is shorter than WIDE (else the short filter is not asked).
    any_short: bool,
    /// The first value of each chain, by a hash of the values' key: shorter than WIDE,
    /// their bytes and length; of WIDE to 2 * WIDE - 1 bytes, their first WIDE bytes,
    /// length and last WIDE bytes; longer, their first 2 * WIDE bytes, length and last
    /// WIDE bytes. Values that share a start (06-numbers, "Maria de …", an IBAN's bank,
    /// "schenkingsakte-1…") are not each compared wherever that start occurs. Keys
    /// whose hashes share their top bits share a chain: every value in it is compared
    /// in full. A table of indices by those bits, not a map of keys: a third of the
    /// memory at 640,000 values, and no copy of a table as it grows.
    first: Table<u32>,
    /// The next value in a value's chain (NONE: the last).
    next: Vec<u32>,
    /// The lengths of the values of WIDE bytes or more by the top bits of a hash of
    /// their first WIDE bytes (2 * WIDE for the longer): in the low half bit `len % 32`
    /// set, in the high half the low half of the hash, or SHARED when starts of other
    /// hashes share the bits (and their lengths: a length too many is compared in
    /// vain). Most positions that pass the filter start no value: the hash rules them
    /// out here.
    lengths: Table<u64>,
    /// The lengths there are of WIDE to 2 * WIDE - 1 bytes, and longer, shortest first.
    wide_lengths: Vec<u32>,
    long_lengths: Vec<u32>,
    longest: usize,
    /// How many bytes are read at a time.
    pub(super) chunk: usize,
}

/// The end of a chain.
const NONE: u32 = u32::MAX;

/// In [`Matcher::lengths`]: the lengths of starts of more than one hash.
const SHARED: u64 = u32::MAX as u64;

/// A table of `T` by the top bits of a hash (a key made by [`mix`]), with some three
/// entries for every two keys asked for.
struct Table<T> {
    slots: Vec<T>,
    shift: u32,
}

impl<T: Copy> Table<T> {
    fn new(keys: usize, empty: T) -> Self {
        let slots = (keys + keys / 2).next_power_of_two().max(64);
        Table {
            slots: vec![empty; slots],
            shift: 64 - slots.trailing_zeros(),
        }
    }

    #[inline]
    fn slot(&mut self, key: u64) -> &mut T {
        &mut self.slots[(key >> self.shift) as usize]
    }

    #[inline]
    fn get(&self, key: u64) -> T {
        self.slots[(key >> self.shift) as usize]
    }
}

/// How often each value was found, by its index: most never are.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Hits(KeyMap<u32, u64>);

impl Hits {
    fn add(&mut self, i: usize) {
        *self.0.entry(i as u32).or_default() += 1;
    }

    pub(super) fn get(&self, i: usize) -> u64 {
        self.0.get(&(i as u32)).copied().unwrap_or(0)
    }

    /// The values found at least once.
    pub(super) fn found(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.keys().map(|&i| i as usize)
    }

    #[cfg(test)]
    pub(super) fn to_vec(&self, n: usize) -> Vec<u64> {
        (0..n).map(|i| self.get(i)).collect()
    }
}

/// The key of a value shorter than WIDE: its bytes and length.
#[inline]
fn short_key(bytes: u64, len: usize) -> u64 {
    mix(&[0, bytes, len as u64])
}

/// A blocked Bloom filter on the keys of the values (their first bytes): two bits in
/// one word, some 32 bits per value, so that about one position in 300 of a file passes
/// it (a bitmap of a fixed 2 million bits let 7% through at 150,000 values, each then
/// looked up in vain).
struct Filter {
    words: Vec<u64>,
    /// 64 - log2(words.len()): the top bits of a key's hash pick its word.
    shift: u32,
}

impl Filter {
    fn new(values: usize) -> Self {
        let words = (values * 32 / 64).next_power_of_two().max(64);
        Filter {
            words: vec![0; words],
            shift: 64 - words.trailing_zeros(),
        }
    }

    /// The word of a key and the two bits it sets there.
    #[inline]
    fn at(&self, k: u64) -> (usize, u64) {
        let h = (k ^ (k >> 28)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let bits = h << (64 - self.shift);
        (
            (h >> self.shift) as usize,
            (1 << (bits >> 58)) | (1 << ((bits >> 52) & 63)),
        )
    }

    fn insert(&mut self, k: u64) {
        let (w, m) = self.at(k);
        self.words[w] |= m;
    }

    #[inline]
    fn may_hold(&self, k: u64) -> bool {
        let (w, m) = self.at(k);
        self.words[w] & m == m
    }
}

impl<'v> Matcher<'v> {
    pub(super) fn new(values: &'v ErasedValues) -> Self {
        let pattern = |i: usize| values.text(i).as_bytes();
        let n = values.len();
        let (mut short, mut wide) = (0, 0);
        let mut longest = KEY;
        for i in 0..n {
            let len = pattern(i).len();
            longest = longest.max(len);
            if (KEY..WIDE).contains(&len) {
                short += 1;
            } else if len >= WIDE {
                wide += 1;
            }
        }
        let mut m = Matcher {
            values,
            longest,
            short_bits: Filter::new(short),
            wide_bits: Filter::new(wide),
            any_short: short > 0,
            chunk: 2 << 20,
            // Twice the entries: a chain rarely holds a value of another key.
            first: Table::new(2 * (short + wide), NONE),
            next: vec![NONE; n],
            lengths: Table::new(wide, 0),
            wide_lengths: Vec::new(),
            long_lengths: Vec::new(),
        };
        // Last to first: each chain lists its values in their order.
        for i in (0..n).rev() {
            let p = pattern(i);
            let len = p.len();
            if len < KEY {
                continue;
            }
            let key = if len < WIDE {
                m.short_bits.insert(key_of(p, KEY));
                short_key(key_of(p, len), len)
            } else {
                let head = key_of(p, WIDE);
                let tail = key_of(&p[len - WIDE..], WIDE);
                m.wide_bits.insert(head);
                let (start, key, lengths) = if len < 2 * WIDE {
                    (
                        mix(&[1, head]),
                        mix(&[2, head, len as u64, tail]),
                        &mut m.wide_lengths,
                    )
                } else {
                    let second = key_of(&p[WIDE..], WIDE);
                    (
                        mix(&[3, head, second]),
                        mix(&[4, head, second, len as u64, tail]),
                        &mut m.long_lengths,
                    )
                };
                let slot = m.lengths.slot(start);
                let check = if *slot == 0 || *slot >> 32 == start & SHARED {
                    start & SHARED
                } else {
                    SHARED
                };
                *slot = (check << 32) | (*slot & SHARED) | (1 << (len % 32));
                if !lengths.contains(&(len as u32)) {
                    lengths.push(len as u32);
                }
                key
            };
            let head = m.first.slot(key);
            m.next[i] = *head;
            *head = i as u32;
        }
        m.wide_lengths.sort_unstable();
        m.long_lengths.sort_unstable();
        m
    }

    /// Add to `hits` the matches that start at a position p of `f` with
    /// `lead <= p < limit` (the bytes before `lead` are there for the rule on numbers).
    pub(super) fn count<R: std::io::Read>(
        &self,
        mut f: R,
        lead: u64,
        limit: u64,
        hits: &mut Hits,
    ) -> Result<()> {
        let mut buf = vec![0u8; self.chunk + self.longest];
        // `kept` bytes of the previous chunk stay in front, so that a value across the
        // boundary is found; `base` is the position of buf[0] in the stream.
        let mut kept = 0usize;
        let mut base = 0u64;
        loop {
            let n = f.read(&mut buf[kept..kept + self.chunk])?;
            if n == 0 {
                break;
            }
            // A match lying wholly in the bytes kept from the chunk before was counted.
            let counted = kept;
            let len = kept + n;
            let window = &buf[..len];
            let from = lead.saturating_sub(base).min(len as u64) as usize;
            let until = limit.saturating_sub(base).min(len as u64) as usize;
            self.scan_window(window, from, until, counted, hits);
            // Keep the last longest-1 bytes for the next chunk.
            let keep = (self.longest - 1).min(len);
            buf.copy_within(len - keep..len, 0);
            base += (len - keep) as u64;
            kept = keep;
        }
        Ok(())
    }

    /// Count the matches in `window` that start at from <= i < until and do not lie
    /// wholly in its first `counted` bytes (counted with the window before).
    fn scan_window(
        &self,
        window: &[u8],
        from: usize,
        until: usize,
        counted: usize,
        hits: &mut Hits,
    ) {
        let len = window.len();
        let end = until.min((len + 1).saturating_sub(KEY));
        if from >= end {
            return;
        }
        // Eight bytes are loaded at a time where eight are left (the key is their first
        // KEY); the last few positions take the key byte by byte.
        let fast = end.min(len.saturating_sub(7)).max(from);
        for i in from..fast {
            let word = key_of(&window[i..], 8);
            let wide = self.wide_bits.may_hold(word);
            let short = self.any_short && self.short_bits.may_hold(word & KEY_MASK);
            if wide || short {
                self.compare(window, i, counted, hits, short, wide);
            }
        }
        // Fewer than WIDE bytes left: only a short value fits.
        for i in fast..end {
            if self.any_short && self.short_bits.may_hold(key_of(&window[i..], KEY)) {
                self.compare(window, i, counted, hits, true, false);
            }
        }
    }

    /// The values that start at `window[i..]` (those shorter than WIDE if `short`, the
    /// others if `wide`), compared in full and counted.
    #[inline(never)]
    fn compare(
        &self,
        window: &[u8],
        i: usize,
        counted: usize,
        hits: &mut Hits,
        short: bool,
        wide: bool,
    ) {
        let rest = &window[i..];
        // The values of the chain of `key` that are `len` bytes long (a chain may hold
        // others, whose key shares its hash).
        let count = |hits: &mut Hits, key: u64, len: usize| {
            let mut c = self.first.get(key);
            while c != NONE {
                let p = self.values.text(c as usize).as_bytes();
                if p.len() == len && i + len > counted && &rest[..len] == p {
                    hits.add(c as usize);
                }
                c = self.next[c as usize];
            }
        };
        if short {
            for len in KEY..WIDE.min(rest.len() + 1) {
                count(hits, short_key(key_of(rest, len), len), len);
            }
        }
        if !wide || rest.len() < WIDE {
            return;
        }
        let head = key_of(rest, WIDE);
        let bits = self.lengths_of(mix(&[1, head]));
        if bits != 0 {
            for &len in &self.wide_lengths {
                let len = len as usize;
                if rest.len() >= len && bits & (1 << (len % 32)) != 0 {
                    let tail = key_of(&rest[len - WIDE..], WIDE);
                    count(hits, mix(&[2, head, len as u64, tail]), len);
                }
            }
        }
        if rest.len() < 2 * WIDE {
            return;
        }
        let second = key_of(&rest[WIDE..], WIDE);
        let bits = self.lengths_of(mix(&[3, head, second]));
        if bits != 0 {
            for &len in &self.long_lengths {
                let len = len as usize;
                if rest.len() < len {
                    break;
                }
                if bits & (1 << (len % 32)) != 0 {
                    let tail = key_of(&rest[len - WIDE..], WIDE);
                    count(hits, mix(&[4, head, second, len as u64, tail]), len);
                }
            }
        }
    }

    /// The lengths of the values that start with the bytes hashed to `start` (and
    /// perhaps others): bit `len % 32` set.
    #[inline]
    fn lengths_of(&self, start: u64) -> u64 {
        let slot = self.lengths.get(start);
        let check = slot >> 32;
        if check == start & SHARED || check == SHARED {
            slot & SHARED
        } else {
            0
        }
    }

    /// Add the matches in `bytes` to `hits`.
    pub(super) fn count_slice(&self, bytes: &[u8], hits: &mut Hits) {
        self.scan_window(bytes, 0, bytes.len(), 0, hits);
    }
}
