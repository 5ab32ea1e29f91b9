//! A tiny deterministic generator for the probabilistic failure rules. The seed comes from
//! the shell, so the protocol crate reads no randomness of its own and tests are repeatable.

/// SplitMix64 (Steele, Lea, Flood 2014): small, fast, good enough for "fail 30% of sessions".
#[derive(Debug, Clone)]
pub(crate) struct SplitMix64(u64);

impl SplitMix64 {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// `true` with a probability of `ppm` parts per million; 0 never, 1,000,000 always.
    pub(crate) fn chance_ppm(&mut self, ppm: u32) -> bool {
        // The high bits of a 64 x 20-bit product: uniform over 0..1_000_000 without a
        // modulo's bias (Lemire 2019).
        let draw = (u128::from(self.next_u64()) * 1_000_000) >> 64;
        draw < u128::from(ppm)
    }
}
