//! The SQLite campaign store.
