//! The wasm-bindgen surface. JavaScript (`js/index.js`) drives it; nothing here knows ASL rules.
//!
//! Values cross the boundary as JSON text: one string per call, parsed once on each side.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;

thread_local! {
    /// The message of the last panic, kept for JS to read after the trap (`takePanicMessage`).
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs once when the module is instantiated: routes Rust panics to `console.error`, and keeps
/// the message so that the JS wrapper can put it in the error it raises.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let message = format!("asl-sim panicked: {info}");
        web_sys::console::error_1(&JsValue::from_str(&message));
        LAST_PANIC.with(|last| *last.borrow_mut() = Some(message));
    }));
}

/// The message of the last Rust panic, if any, cleared once read.
#[wasm_bindgen(js_name = takePanicMessage)]
pub fn take_panic_message() -> Option<String> {
    LAST_PANIC.with(|last| last.borrow_mut().take())
}

/// The crate version, as in Cargo.toml.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
