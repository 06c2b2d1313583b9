//! Sets of texts kept as keys, and the hasher of the erasure's maps.
use super::PROBED_VALUES;

/// Which of the two sets of [`TextSets`] a text is in.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Set {
    /// Compared as they are (the proof's values).
    Fields = 1,
    /// Compared normalised, with their first words for a [`super::Finder`].
    Redaction = 2,
}

/// Two sets of texts kept as 128-bit keys (two hashes, eight bytes at a time, with seeds
/// of this process): a sweep of five million persons holds some 1.3 million values
/// compared as they are and 1.9 million normalised, which as two hash sets took 110 MB
/// (a table of twice the keys at each growth). Here each text is kept once with a bit
/// per set in its two lowest bits, 16 bytes a text, in a sorted array with a directory
/// on the top bits for the look-ups. While texts are added, the new ones wait after
/// the sorted ones and are sorted in with them now and then ([`TextSets::next_person`]):
/// half the texts added are there already (a family's address, a common name, an
/// address both as it is and normalised).
/// While there are few, the normalised texts themselves are kept too, for SQLite to
/// pick the rows that may hold one ([`super::probes`]).
#[derive(Default)]
pub struct TextSets {
    /// The keys with the bits of their sets: the first `sorted` sorted, each once,
    /// then those added since.
    keys: Vec<u128>,
    sorted: usize,
    /// Where the current person's keys start.
    person: usize,
    /// Where the sorted keys of each value of their top `bits` bits start.
    directory: Vec<u32>,
    bits: u32,
    /// A bit for each value of the top `bits + 4` bits of the sorted keys, set where
    /// one is: most texts looked up are not there, and are ruled out by one read in a
    /// small array (a byte a key) instead of two in large ones.
    present: Vec<u64>,
    frozen: bool,
    /// The texts in each set, once frozen.
    counts: [usize; 2],
    /// The normalised texts, while there are no more than PROBED_VALUES (then emptied
    /// for good).
    few: Vec<String>,
    many: bool,
    /// The first words of the normalised texts, as two bits each of a bit array: a word
    /// with a bit clear starts no text ([`TextSets::may_start`]).
    first_words: Vec<u64>,
}

/// The bits of the sets in a key.
const SETS: u128 = 3;

impl TextSets {
    /// Room for the texts of `persons` persons, at most `per_person` each: what is
    /// reserved and not written takes no memory, and the keys do not move as they come.
    pub fn with_capacity(persons: usize, per_person: usize) -> Self {
        // Sixteen bits per person and value (a first word of theirs sets two): one word
        // in a hundred that starts no text is looked up as runs.
        let words = (persons.max(1) * 64)
            .next_power_of_two()
            .clamp(1 << 12, 1 << 28);
        TextSets {
            keys: Vec::with_capacity(persons * per_person),
            first_words: vec![0; words / 64],
            ..Default::default()
        }
    }

    pub(super) fn key(text: &str) -> u128 {
        use std::hash::{BuildHasher, Hasher};
        let seeds = Seeded::default();
        let mut a = seeds.build_hasher();
        let mut b = KeyHasher(seeds.0.rotate_left(32) ^ 0xC2B2_AE3D_27D4_EB4F);
        for h in [&mut a, &mut b] {
            h.write_u64(text.len() as u64);
            h.write(text.as_bytes());
        }
        (u128::from(a.finish()) << 64) | u128::from(b.finish())
    }

    /// Add a text to a set (before [`TextSets::freeze`]); false when it was there
    /// already as far as the sorted keys and the current person's show (one added for
    /// another person since the last sorting is made one later).
    pub fn insert(&mut self, set: Set, text: &str) -> bool {
        debug_assert!(!self.frozen, "a text added after the look-ups began");
        let key = Self::key(text) & !SETS;
        let bit = set as u128;
        let at = self
            .find_sorted(key)
            .or_else(|| (self.person..self.keys.len()).find(|&i| self.keys[i] & !SETS == key));
        let new = match at {
            Some(i) => {
                let new = self.keys[i] & bit == 0;
                self.keys[i] |= bit;
                new
            }
            None => {
                self.keys.push(key | bit);
                true
            }
        };
        if set == Set::Redaction {
            if let Some(w) = text.split(' ').next() {
                self.set_first_word(Self::word_key(w));
            }
            if !self.many && !self.few.iter().any(|t| t == text) {
                if self.few.len() == PROBED_VALUES {
                    self.many = true;
                    self.few = Vec::new();
                } else {
                    self.few.push(text.to_string());
                }
            }
        }
        new
    }

    /// The texts added next are another person's: the keys added since the last
    /// sorting are sorted in when there are half as many as sorted ones (each sorting
    /// then costs little more than the keys it adds).
    pub fn next_person(&mut self) {
        if self.keys.len() - self.sorted >= (self.sorted / 2).max(1 << 16) {
            self.sort();
        }
        self.person = self.keys.len();
    }

    /// Sort the keys, each once with the bits of its sets, and build the directory:
    /// from here on texts are looked up and removed, not added.
    pub fn freeze(&mut self) {
        self.sort();
        self.keys.shrink_to_fit();
        for set in [Set::Fields, Set::Redaction] {
            self.counts[set as usize - 1] =
                self.keys.iter().filter(|&&k| k & set as u128 != 0).count();
        }
        self.frozen = true;
    }

    /// Sort all keys, each once with the bits of its sets, and build the directory.
    fn sort(&mut self) {
        let keys = &mut self.keys;
        keys.sort_unstable();
        let mut n = 0;
        for i in 0..keys.len() {
            if n > 0 && (keys[n - 1] & !SETS) == (keys[i] & !SETS) {
                keys[n - 1] |= keys[i];
            } else {
                keys[n] = keys[i];
                n += 1;
            }
        }
        keys.truncate(n);
        // About two keys per entry of the directory.
        self.bits = (n / 2)
            .max(1)
            .next_power_of_two()
            .trailing_zeros()
            .clamp(1, 31);
        let mut directory = Vec::with_capacity((1 << self.bits) + 1);
        let mut at = 0;
        for top in 0..=(1u128 << self.bits) {
            while at < n && (keys[at] >> (128 - self.bits)) < top {
                at += 1;
            }
            directory.push(at as u32);
        }
        self.directory = directory;
        let fine = self.bits + 4;
        let mut present = vec![0u64; (1usize << fine).div_ceil(64)];
        for &k in keys.iter() {
            let b = (k >> (128 - fine)) as usize;
            present[b / 64] |= 1 << (b % 64);
        }
        self.present = present;
        self.sorted = n;
        self.person = n;
    }

    /// Where `text`'s key is, if it is there at all.
    fn find(&self, text: &str) -> Option<usize> {
        debug_assert!(self.frozen, "a text looked up before the keys were sorted");
        self.find_sorted(Self::key(text) & !SETS)
    }

    /// Where `key` (without the bits of its sets) is among the sorted keys.
    fn find_sorted(&self, key: u128) -> Option<usize> {
        if self.directory.is_empty() {
            return None;
        }
        let b = (key >> (128 - (self.bits + 4))) as usize;
        if self.present[b / 64] & (1 << (b % 64)) == 0 {
            return None;
        }
        let top = (key >> (128 - self.bits)) as usize;
        let (a, b) = (
            *self.directory.get(top)? as usize,
            *self.directory.get(top + 1)? as usize,
        );
        (a..b).find(|&i| self.keys[i] & !SETS == key)
    }

    pub fn contains(&self, set: Set, text: &str) -> bool {
        self.find(text)
            .is_some_and(|i| self.keys[i] & set as u128 != 0)
    }

    /// Take a text out of a set; false when it was not there.
    pub fn remove(&mut self, set: Set, text: &str) -> bool {
        match self.find(text) {
            Some(i) if self.keys[i] & set as u128 != 0 => {
                self.keys[i] &= !(set as u128);
                self.counts[set as usize - 1] -= 1;
                if self.keys[i] & SETS == 0 {
                    self.forget(self.keys[i]);
                }
                true
            }
            _ => false,
        }
    }

    /// A key in no set any more: its bit in `present` is cleared when no key in a set
    /// shares it, so that the many who stay and share a text (a common name) are ruled
    /// out there again.
    fn forget(&mut self, key: u128) {
        let fine = self.bits + 4;
        let b = (key >> (128 - fine)) as usize;
        let top = (key >> (128 - self.bits)) as usize;
        let (from, to) = (
            self.directory[top] as usize,
            self.directory[top + 1] as usize,
        );
        if !self.keys[from..to]
            .iter()
            .any(|&k| (k >> (128 - fine)) as usize == b && k & SETS != 0)
        {
            self.present[b / 64] &= !(1 << (b % 64));
        }
    }

    pub fn is_empty(&self, set: Set) -> bool {
        self.counts[set as usize - 1] == 0
    }

    pub(super) fn word_key(word: &str) -> u64 {
        std::hash::BuildHasher::hash_one(&Seeded::default(), word)
    }

    /// The two bits of a first word in [`TextSets::first_words`].
    fn word_bits(&self, key: u64) -> [usize; 2] {
        let mask = self.first_words.len() * 64 - 1;
        [key as usize & mask, (key >> 32) as usize & mask]
    }

    fn set_first_word(&mut self, key: u64) {
        if self.first_words.is_empty() {
            self.first_words = vec![0; 1 << 6];
        }
        for b in self.word_bits(key) {
            self.first_words[b / 64] |= 1 << (b % 64);
        }
    }

    /// Whether a normalised text may start with the word of `key` ([`Self::word_key`]):
    /// false when no text does.
    pub(super) fn may_start(&self, key: u64) -> bool {
        !self.first_words.is_empty()
            && self
                .word_bits(key)
                .iter()
                .all(|&b| self.first_words[b / 64] & (1 << (b % 64)) != 0)
    }

    /// The normalised texts still in the set, while there are few.
    pub(super) fn texts(&self) -> Option<Vec<String>> {
        (!self.many).then(|| {
            self.few
                .iter()
                .filter(|t| self.contains(Set::Redaction, t))
                .cloned()
                .collect()
        })
    }
}

/// Builds [`KeyHasher`]s that start from a seed drawn once per process, so that texts
/// made to collide (names typed into a web form) cannot be prepared in advance.
#[derive(Clone)]
pub struct Seeded(u64);

impl Default for Seeded {
    fn default() -> Self {
        use std::hash::BuildHasher;
        static SEED: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
        Seeded(
            *SEED.get_or_init(|| std::hash::RandomState::new().hash_one(0x0073_6d70_5f61_7667_u64)),
        )
    }
}

impl std::hash::BuildHasher for Seeded {
    type Hasher = KeyHasher;
    fn build_hasher(&self) -> KeyHasher {
        KeyHasher(self.0)
    }
}

/// A map from keys that are well mixed already (bytes of values): no SipHash.
pub(super) type KeyMap<K, V = Vec<usize>> =
    std::collections::HashMap<K, V, std::hash::BuildHasherDefault<KeyHasher>>;

#[derive(Default)]
pub struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            self.write_u64(key_of(w, 8));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            self.write_u64(key_of(rest, rest.len()));
        }
    }
    fn write_u64(&mut self, k: u64) {
        // MurmurHash3's finaliser on each word: a difference in any bit reaches every
        // bit (a multiplication alone carries a difference in the top byte nowhere
        // but up: "06-00452288" and "06-00800006" shared a hash).
        let mut x = self.0 ^ k;
        x ^= x >> 33;
        x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
        x ^= x >> 33;
        x = x.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
        x ^= x >> 33;
        self.0 = x;
    }
    fn write_u32(&mut self, k: u32) {
        self.write_u64(u64::from(k));
    }
}

/// A hash of a few numbers, with the seed of this process.
pub(super) fn mix(parts: &[u64]) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = Seeded::default().build_hasher();
    for &p in parts {
        h.write_u64(p);
    }
    h.finish()
}

/// The first `n` (at most 8) bytes of `b` as a number.
pub(super) fn key_of(b: &[u8], n: usize) -> u64 {
    let mut k = [0u8; 8];
    k[..n].copy_from_slice(&b[..n]);
    u64::from_le_bytes(k)
}

#[cfg(test)]
mod tests {
    /// Texts that differ in a few digits (numbers of one series, addresses with a
    /// counter) get different keys, each half on its own: a shared key would drop a
    /// value from the proof and from the redaction.
    #[test]
    fn similar_texts_do_not_share_a_key() {
        let mut halves = [
            std::collections::HashMap::new(),
            std::collections::HashMap::new(),
        ];
        for i in 0..250_000u64 {
            for t in [
                format!("{:09}", i * 7919 % 1_000_000_000),
                format!("06-{:08}", i * 3),
                format!("jan.{i}@example.nl"),
                format!("NL{:02}ABNA{:010}", i % 97, i * 31),
            ] {
                let k = super::TextSets::key(&t);
                // The two lowest bits are the sets' in [`super::TextSets`].
                for (h, half) in halves.iter_mut().zip([(k >> 64) as u64, k as u64 & !3]) {
                    if let Some(other) = h.insert(half, t.clone()) {
                        assert_eq!(other, t, "one key for two texts");
                    }
                }
            }
        }
    }
}
