//! Sets of texts kept as keys, and the hasher of the erasure's maps.
use super::PROBED_VALUES;

/// A set of texts kept as 128-bit keys (two hashes, eight bytes at a time, with seeds of
/// this process): a sweep of a million persons holds some 700,000 of their values,
/// which as strings took 45 MB. While there are few, the texts themselves are kept too,
/// for SQLite to pick the rows that may hold one ([`super::probes`]).
#[derive(Default)]
pub struct TextSet {
    keys: std::collections::HashSet<u128, std::hash::BuildHasherDefault<KeyHasher>>,
    /// The texts, while there are no more than PROBED_VALUES (then emptied for good).
    few: Vec<String>,
    many: bool,
    /// The keys of the first words of the texts ever added ([`Finder`]).
    pub(super) first_words:
        std::collections::HashSet<u64, std::hash::BuildHasherDefault<KeyHasher>>,
}

impl TextSet {
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

    /// Add a text; false when it was there.
    pub fn insert(&mut self, text: &str) -> bool {
        if let Some(w) = text.split(' ').next() {
            self.first_words.insert(Self::word_key(w));
        }
        self.insert_text(text)
    }

    /// Add a text without its first word (a set no [`super::Finder`] reads); false when
    /// it was there.
    pub fn insert_text(&mut self, text: &str) -> bool {
        let new = self.keys.insert(Self::key(text));
        if new && !self.many {
            if self.keys.len() > PROBED_VALUES {
                self.many = true;
                self.few = Vec::new();
            } else {
                self.few.push(text.to_string());
            }
        }
        new
    }

    pub(super) fn word_key(word: &str) -> u64 {
        std::hash::BuildHasher::hash_one(&Seeded::default(), word)
    }

    pub fn contains(&self, text: &str) -> bool {
        self.keys.contains(&Self::key(text))
    }

    pub fn remove(&mut self, text: &str) -> bool {
        self.keys.remove(&Self::key(text))
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The texts still in the set, while there are few.
    pub(super) fn texts(&self) -> Option<Vec<String>> {
        (!self.many).then(|| {
            self.few
                .iter()
                .filter(|t| self.contains(t))
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
                let k = super::TextSet::key(&t);
                for (h, half) in halves.iter_mut().zip([(k >> 64) as u64, k as u64]) {
                    if let Some(other) = h.insert(half, t.clone()) {
                        assert_eq!(other, t, "one key for two texts");
                    }
                }
            }
        }
    }
}
