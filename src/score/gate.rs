//! A first look at each word of folded text: the pairs of bytes that a set of patterns
//! (` word …`, after their space) begin with. A word whose first two bytes (the second may
//! be the space after it) are not one of them cannot start a match and is not searched,
//! which lets most words of a page through one look-up.

/// 65,536 bits, one per pair of bytes.
pub(crate) struct Gate(Box<[u64]>);

impl Gate {
    pub fn closed() -> Gate {
        Gate(vec![0; 1 << 10].into_boxed_slice())
    }

    fn set(&mut self, pair: usize) {
        self.0[pair >> 6] |= 1 << (pair & 63);
    }

    /// Lets through the words that `prefix` (a pattern without its leading space) can start.
    pub fn open(&mut self, prefix: &[u8]) {
        match prefix {
            [] => (0..1 << 16).for_each(|pair| self.set(pair)),
            [first] => (0..256).for_each(|second| self.set(usize::from(*first) << 8 | second)),
            [first, second, ..] => self.set(usize::from(*first) << 8 | usize::from(*second)),
        }
    }

    /// Whether a word starting with these two bytes may start a match.
    pub fn lets_through(&self, first: u8, second: u8) -> bool {
        let pair = usize::from(first) << 8 | usize::from(second);
        self.0[pair >> 6] & (1 << (pair & 63)) != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_opens_its_pair_and_a_letter_opens_all_its_pairs() {
        let mut g = Gate::closed();
        g.open(b"lamp");
        g.open(b"t");
        assert!(g.lets_through(b'l', b'a'));
        assert!(!g.lets_through(b'c', b'l'));
        assert!(!g.lets_through(b'l', b'e'));
        assert!(g.lets_through(b't', b' '));
        assert!(g.lets_through(b't', b'8'));
        g.open(b"");
        assert!(g.lets_through(b'c', b'l'));
    }
}
