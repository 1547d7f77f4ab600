//! Allocation of buffers whose size comes from the caller's numbers (a class count, a sample
//! count): the size is computed with checked arithmetic and reserved fallibly, so a size that
//! does not fit is [`Error::TooLarge`] instead of an abort.

use crate::{Error, Result};

/// An empty vector with room for `len` items, or [`Error::TooLarge`] describing the buffer
/// as `what` with the remedy `fix` when the memory cannot be reserved.
fn reserved<T>(len: usize, what: impl FnOnce() -> String, fix: &str) -> Result<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| Error::TooLarge {
        what: what(),
        fix: fix.to_owned(),
    })?;
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
        assert_eq!(e, "a buffer does not fit in memory; ask for less");
        // 2^61 indices are 16 EiB: more than any address space.
        let what = || "2^61 row indices".to_owned();
        let e = try_range(1 << 61, what, "pass the real count").unwrap_err();
        assert_eq!(
            e.to_string(),
            "2^61 row indices does not fit in memory; pass the real count"
        );
        assert_eq!(product_within(3, 4, 12), Some(12));
        assert_eq!(product_within(3, 4, 11), None);
        assert_eq!(product_within(usize::MAX, 2, usize::MAX), None);
    }
}
