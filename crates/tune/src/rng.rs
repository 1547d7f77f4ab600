//! Seeded random streams: one per trial, derived from the study seed and the trial number.

use rand_xoshiro::Xoshiro256PlusPlus;
use rand_xoshiro::rand_core::{Rng as _, SeedableRng};

/// The random generator handed to samplers.
pub type TrialRng = Xoshiro256PlusPlus;

/// SplitMix64 finalizer: a bijective mix of 64 bits.
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The generator of trial `number` in a study seeded with `study_seed`.
///
/// Trials get independent streams whatever the order in which workers run them, which makes a
/// seeded study reproducible with one worker and keeps parallel trials statistically sound.
pub fn trial_rng(study_seed: u64, number: u64) -> TrialRng {
    TrialRng::seed_from_u64(mix64(study_seed ^ mix64(number.wrapping_add(0x5EED))))
}

/// A generator for any other purpose, from an explicit seed.
pub fn rng_from_seed(seed: u64) -> TrialRng {
    TrialRng::seed_from_u64(seed)
}

/// A uniform draw in `[0, 1)` with 53 random bits.
pub fn uniform01(rng: &mut TrialRng) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A uniform integer in `0..n` (`n > 0`), by Lemire's multiply-shift (bias below 2^-64·n).
pub fn below(rng: &mut TrialRng, n: u64) -> u64 {
    ((rng.next_u64() as u128 * n as u128) >> 64) as u64
}

/// A uniform integer in `0..=n_max`, also for `n_max = u64::MAX` (the whole `u64` range);
/// the same draw as `below(rng, n_max + 1)` otherwise.
pub fn below_inclusive(rng: &mut TrialRng, n_max: u64) -> u64 {
    match n_max.checked_add(1) {
        Some(n) => below(rng, n),
        None => rng.next_u64(),
    }
}

/// A seed from the operating system's hash randomness, for studies created without a seed.
pub(crate) fn entropy_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(crate::frozen_trial::now_secs().to_bits());
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_differ_per_trial_and_repeat_per_seed() {
        let a: Vec<f64> = (0..3).map(|n| uniform01(&mut trial_rng(7, n))).collect();
        let b: Vec<f64> = (0..3).map(|n| uniform01(&mut trial_rng(7, n))).collect();
        assert_eq!(a, b);
        assert!(a[0] != a[1] && a[1] != a[2]);
        assert_ne!(uniform01(&mut trial_rng(8, 0)), a[0]);
    }

    #[test]
    fn uniform_and_below_stay_in_range() {
        let mut rng = rng_from_seed(1);
        for _ in 0..10_000 {
            let u = uniform01(&mut rng);
            assert!((0.0..1.0).contains(&u));
            assert!(below(&mut rng, 3) < 3);
        }
    }
}
