//! Word lists indexed for the scanner's questions: which listed word starts
//! here, ends here, or occurs last in this clause. Lists are small (tens to
//! a hundred words) but asked at every position of every clause around a
//! figure, so a lookup by first (or last) char keeps extraction fast.

use std::collections::HashMap;

/// Words (as chars) with their payloads, by one of their chars.
type Index<T> = HashMap<char, Vec<(Box<[char]>, T)>>;

/// A set of words, each with a payload, indexed by first and last char.
/// A bitmap over the Basic Multilingual Plane answers "does any word start
/// (end) with this char?" before the map is consulted: most positions of a
/// text start no listed word.
pub struct WordSet<T: Copy + 'static> {
    by_first: Index<T>,
    by_last: Index<T>,
    first_bits: Bitmap,
    last_bits: Bitmap,
}

struct Bitmap(Box<[u64; 1024]>);

impl Bitmap {
    fn new() -> Bitmap {
        Bitmap(Box::new([0; 1024]))
    }
    fn set(&mut self, c: char) {
        let i = c as usize & 0xFFFF;
        self.0[i >> 6] |= 1 << (i & 63);
    }
    /// May be true for chars beyond the BMP that share the low bits: a
    /// prefilter, followed by the exact lookup.
    fn maybe(&self, c: char) -> bool {
        let i = c as usize & 0xFFFF;
        self.0[i >> 6] & (1 << (i & 63)) != 0
    }
}

impl<T: Copy + 'static> WordSet<T> {
    pub fn new(words: &[(&str, T)]) -> Self {
        let mut by_first: Index<T> = HashMap::new();
        let mut by_last: Index<T> = HashMap::new();
        let (mut first_bits, mut last_bits) = (Bitmap::new(), Bitmap::new());
        for &(w, t) in words {
            let chars: Box<[char]> = w.chars().collect();
            let (Some(&first), Some(&last)) = (chars.first(), chars.last()) else { continue };
            first_bits.set(first);
            last_bits.set(last);
            by_first.entry(first).or_default().push((chars.clone(), t));
            by_last.entry(last).or_default().push((chars, t));
        }
        // Longest first, so the first hit is the longest match; ties keep
        // the list's order.
        for list in by_first.values_mut().chain(by_last.values_mut()) {
            list.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
        }
        WordSet { by_first, by_last, first_bits, last_bits }
    }

    /// The longest word starting at `chars[i]`: (its length, its payload).
    pub fn at(&self, chars: &[char], i: usize) -> Option<(usize, T)> {
        let c = chars.get(i)?;
        if !self.first_bits.maybe(*c) {
            return None;
        }
        let list = self.by_first.get(c)?;
        list.iter().find(|(w, _)| chars[i..].starts_with(w)).map(|(w, t)| (w.len(), *t))
    }

    /// The longest word ending just before `end`.
    pub fn ending_at(&self, chars: &[char], end: usize) -> Option<(usize, T)> {
        let last = chars.get(end.checked_sub(1)?)?;
        if !self.last_bits.maybe(*last) {
            return None;
        }
        let list = self.by_last.get(last)?;
        list.iter().find(|(w, _)| chars[..end].ends_with(w)).map(|(w, t)| (w.len(), *t))
    }

    /// The last word lying wholly inside `chars[from..to]`: (position,
    /// length, payload).
    pub fn last_in(&self, chars: &[char], from: usize, to: usize) -> Option<(usize, usize, T)> {
        let to = to.min(chars.len());
        (from..to).rev().find_map(|i| {
            if !self.first_bits.maybe(chars[i]) {
                return None;
            }
            let list = self.by_first.get(&chars[i])?;
            list.iter().find(|(w, _)| i + w.len() <= to && chars[i..].starts_with(w)).map(|(w, t)| (i, w.len(), *t))
        })
    }

    /// The first word lying wholly inside `chars[from..to]`.
    pub fn first_in(&self, chars: &[char], from: usize, to: usize) -> Option<(usize, usize, T)> {
        let to = to.min(chars.len());
        (from..to).find_map(|i| {
            if !self.first_bits.maybe(chars[i]) {
                return None;
            }
            let list = self.by_first.get(&chars[i])?;
            list.iter().find(|(w, _)| i + w.len() <= to && chars[i..].starts_with(w)).map(|(w, t)| (i, w.len(), *t))
        })
    }

    pub fn contains_in(&self, chars: &[char], from: usize, to: usize) -> bool {
        self.last_in(chars, from, to).is_some()
    }
}

/// A set of words without payload.
pub fn set(words: &[&str]) -> WordSet<()> {
    WordSet::new(&words.iter().map(|w| (*w, ())).collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_matches() {
        let ws = WordSet::new(&[("超过", 1), ("不超过", 2), ("超", 3)]);
        let c: Vec<char> = "不超过5家".chars().collect();
        assert_eq!(ws.at(&c, 0), Some((3, 2)));
        assert_eq!(ws.at(&c, 1), Some((2, 1)));
        assert_eq!(ws.ending_at(&c, 3), Some((3, 2)));
        assert_eq!(ws.last_in(&c, 0, 5), Some((1, 2, 1)));
        assert_eq!(ws.last_in(&c, 0, 2), Some((1, 1, 3)), "only 超 lies wholly inside 不超");
    }
}
