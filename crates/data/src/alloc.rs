//! Allocation of buffers whose size comes from the caller's numbers (a class count, a sample
//! count): the size is computed with checked arithmetic, bounded, and reserved fallibly, so
//! an absurd size is [`Error::TooLarge`] instead of an abort or a machine swapping.

use crate::{Error, Result};

/// Most entries of a buffer sized from a caller's number (2³², e.g. 32 GiB of row
/// indices): beyond it the number is a mistake, whatever the memory.
pub(crate) const MAX_LEN: usize = 1 << 32;

/// An empty vector with room for `len` items, or [`Error::TooLarge`] describing the buffer
/// as `what` with the remedy `fix` when `len` exceeds [`MAX_LEN`] or the memory cannot be
/// reserved.
fn reserved<T>(len: usize, what: impl FnOnce() -> String, fix: &str) -> Result<Vec<T>> {
    let mut v = Vec::new();
    if len > MAX_LEN || v.try_reserve_exact(len).is_err() {
        return Err(Error::TooLarge {
            what: what(),
            fix: fix.to_owned(),
        });
    }
    Ok(v)
}

/// `len` copies of `value`, reserved as [`reserved`].
pub(crate) fn try_filled<T: Clone>(
    len: usize,
    value: T,
    what: impl FnOnce() -> String,
    fix: &str,
) -> Result<Vec<T>> {
    let mut v = reserved(len, what, fix)?;
    v.resize(len, value);
    Ok(v)
}

/// `0..n` as a vector, reserved as [`reserved`].
pub(crate) fn try_range(n: usize, what: impl FnOnce() -> String, fix: &str) -> Result<Vec<usize>> {
    let mut v = reserved(n, what, fix)?;
    v.extend(0..n);
    Ok(v)
}

/// `a · b`, or `None` when the product exceeds `limit` or `usize`.
pub(crate) fn product_within(a: usize, b: usize, limit: usize) -> Option<usize> {
    a.checked_mul(b).filter(|&p| p <= limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_that_fit_and_sizes_that_do_not() {
        assert_eq!(try_filled(3, 1.5f32, String::new, "").unwrap(), [1.5; 3]);
        assert_eq!(try_range(4, String::new, "").unwrap(), [0, 1, 2, 3]);
        let e = try_filled(usize::MAX, 0f32, || "a buffer".to_owned(), "ask for less")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "a buffer is too large; ask for less");
        // Just over the bound: an error before any memory is asked for.
        assert!(try_filled(MAX_LEN + 1, 0u8, String::new, "").is_err());
        // 2^61 indices are 16 EiB: more than any address space.
        let what = || "2^61 row indices".to_owned();
        let e = try_range(1 << 61, what, "pass the real count").unwrap_err();
        assert_eq!(
            e.to_string(),
            "2^61 row indices is too large; pass the real count"
        );
        assert_eq!(product_within(3, 4, 12), Some(12));
        assert_eq!(product_within(3, 4, 11), None);
        assert_eq!(product_within(usize::MAX, 2, usize::MAX), None);
    }
}
