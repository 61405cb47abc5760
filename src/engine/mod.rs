//! The sans-IO interpreter: runs the typed model, asking `query` for values.

pub mod choice;
