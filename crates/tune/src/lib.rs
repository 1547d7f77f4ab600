//! Placeholder, replaced in the next commits.
#![deny(missing_docs)]
