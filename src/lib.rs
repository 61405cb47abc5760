//! asl-sim: an Amazon States Language engine.
//!
//! Text flows one way: `definition` turns it into a typed model (and diagnostics), `engine`
//! runs the model as a sans-IO state machine that asks `query` for values, `drivers` supply
//! the IO (task calls, time), and `wasm` exposes it all to JavaScript.

/// JSON values shared cheaply between data-flow stages; parsing with positions; AWS-compact text.
pub mod value;
/// Definition text -> typed model, with diagnostics in AWS's shape.
pub mod definition;
/// JSONPath, payload templates, intrinsic functions, JSONata: everything that reads or builds values.
pub mod query;
/// The sans-IO interpreter: executions, states, errors and retries, history, clock.
pub mod engine;
/// The seeded random source behind jitter, tokens, UUIDs and random functions.
pub mod random;
/// IO around the core: Rust closures and mocks.
pub mod drivers;
/// What JavaScript calls (plain exports, see `wasm/abi.rs`), built only for wasm32.
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use value::Value;
