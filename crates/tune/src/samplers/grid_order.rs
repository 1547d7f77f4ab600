//! The grid's visiting order: a seeded bijection of `0..n` computed one position at a time.
//!
//! A 4-round Feistel network permutes the `2^(2h)` ids of `2h` bits, `2^(2h) ≥ n` the smallest
//! such domain (so `2^(2h) < 4n`): an id is split into halves `(L, R)` of `h` bits and each
//! round maps `(L, R) ↦ (R, L ⊕ F(R ⊕ kᵢ))`, `F` the SplitMix64 mix truncated to `h` bits and
//! `kᵢ` round keys derived from the seed. Any such network is a bijection of the domain;
//! cycle-walking (re-applying it until the id falls below `n`) restricts it to a bijection of
//! `0..n`, with fewer than 4 rounds of walking expected. Nothing is stored but the keys, so a
//! grid of 6.6·10¹¹ points costs O(1) memory, and every process computes the same order.

use crate::rng::mix64;

/// The bijection `position ↦ point id` of `0..n` for one seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct GridOrder {
    n: u64,
    half_bits: u32,
    keys: [u64; 4],
}

impl GridOrder {
    /// The order of `n ≥ 1` points for `seed` (`n = 0` is treated as 1).
    pub(crate) fn new(n: u64, seed: u64) -> Self {
        let n = n.max(1);
        // Bits of the largest id n − 1, rounded up to an even count.
        let bits = u64::BITS - (n - 1).leading_zeros();
        let mut keys = [0u64; 4];
        let mut k = mix64(seed ^ 0x6772_6964); // "grid"
        for key in &mut keys {
            k = mix64(k);
            *key = k;
        }
        GridOrder {
            n,
            half_bits: bits.div_ceil(2),
            keys,
        }
    }

    /// The point id visited at `position` (taken modulo `n`).
    pub(crate) fn at(&self, position: u64) -> u64 {
        let mut id = position % self.n;
        loop {
            id = self.feistel(id);
            if id < self.n {
                return id;
            }
        }
    }

    /// One pass of the network over the `2·half_bits`-bit domain.
    fn feistel(&self, id: u64) -> u64 {
        let h = self.half_bits;
        if h == 0 {
            return id;
        }
        // h ≤ 32, so the shifts stay below 64 bits.
        let mask = (1u64 << h) - 1;
        let (mut left, mut right) = (id >> h, id & mask);
        for key in self.keys {
            let f = mix64(right ^ key) & mask;
            (left, right) = (right, left ^ f);
        }
        (left << h) | right
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_size_gets_a_permutation() {
        for n in [1u64, 2, 3, 5, 6, 7, 16, 17, 100, 1000, 4097] {
            let order = GridOrder::new(n, 9);
            let ids: BTreeSet<u64> = (0..n).map(|p| order.at(p)).collect();
            assert_eq!(ids.len() as u64, n, "n = {n}");
            assert!(ids.iter().all(|&i| i < n));
        }
    }

    #[test]
    fn the_seed_decides_the_order() {
        let a: Vec<u64> = (0..20).map(|p| GridOrder::new(20, 1).at(p)).collect();
        let b: Vec<u64> = (0..20).map(|p| GridOrder::new(20, 1).at(p)).collect();
        let c: Vec<u64> = (0..20).map(|p| GridOrder::new(20, 2).at(p)).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(
            a,
            (0..20).collect::<Vec<_>>(),
            "shuffled, not the product order"
        );
    }

    #[test]
    fn the_largest_domains_work() {
        let order = GridOrder::new(u64::MAX, 3);
        let ids: BTreeSet<u64> = (0..1000).map(|p| order.at(p)).collect();
        assert_eq!(ids.len(), 1000);
        assert!(ids.iter().all(|&i| i < u64::MAX));
        assert_eq!(GridOrder::new(1, 3).at(5), 0);
    }
}
