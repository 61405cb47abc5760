//! IO around the sans-IO core: who answers tasks and how time passes.

pub mod native;
pub mod conformance;
pub mod mocks;
