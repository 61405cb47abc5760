//! How values cross the boundary, without a bindings generator: `js/bindings.js` is the other half.
//!
//! The module imports nothing from JavaScript. That is on purpose: V8 compiles a wrapper for
//! every import (and for every export returning several values) with its optimizing compiler
//! when the module is compiled, which in Node pages in about 3 MiB of compiler code and takes
//! 2–3 ms before the first call, for a process that may only run one small machine.
//!
//! The convention:
//! - A string argument is `(ptr, len, cap)`: JS allocates `cap` bytes with [`asl_alloc`] and
//!   writes `len` bytes of UTF-8 there; the callee owns the block from then on and frees it.
//! - A call that answers text returns a [`Status`] and leaves the text in the out slot
//!   ([`asl_out`]: `[ptr, len, handle]` as three u32), where it stays valid until the next call
//!   that answers text. Calls that create an object put its handle in the third word.
//! - Handles are the addresses of boxed objects; JS frees them with the matching `_free`
//!   export, once.
//! - A Rust panic traps (`panic = "abort"`); `asl_take_panic` (in `mod.rs`) then answers its message.

use std::alloc::{alloc, dealloc, Layout};
use std::cell::{Cell, RefCell};

/// What a call that answers text says about it.
#[repr(u32)]
pub enum Status {
    /// The answer is in the out slot.
    Ok = 0,
    /// The out slot holds a message for the caller (thrown in JS as that string).
    Err = 1,
    /// There is no answer (JS: undefined).
    None = 2,
}

thread_local! {
    /// The text of the last answer; kept alive until the next one replaces it.
    static ANSWER: RefCell<String> = const { RefCell::new(String::new()) };
    /// The out slot JS reads: the answer's address and length, and a handle.
    static SLOT: Cell<[u32; 3]> = const { Cell::new([0; 3]) };
}

/// The out slot's address, read by JS once.
#[no_mangle]
pub extern "C" fn asl_out() -> *const u32 {
    SLOT.with(|slot| slot.as_ptr() as *const u32)
}

/// A block of `len` bytes for JS to write a string argument into (a dangling, aligned address
/// for 0 bytes, as `String` uses). Never null: out of memory traps, so that JS never writes
/// at address 0.
#[no_mangle]
pub extern "C" fn asl_alloc(len: usize) -> *mut u8 {
    if len == 0 {
        return std::ptr::NonNull::dangling().as_ptr();
    }
    let Ok(layout) = Layout::from_size_align(len, 1) else { std::process::abort() };
    let block = unsafe { alloc(layout) };
    if block.is_null() {
        std::alloc::handle_alloc_error(layout);
    }
    block
}

/// Frees a block from [`asl_alloc`] that JS did not pass on.
///
/// # Safety
/// `ptr` came from `asl_alloc(cap)` and was not passed to another call.
#[no_mangle]
pub unsafe extern "C" fn asl_free(ptr: *mut u8, cap: usize) {
    if cap > 0 {
        if let Ok(layout) = Layout::from_size_align(cap, 1) {
            unsafe { dealloc(ptr, layout) };
        }
    }
}

/// Takes a string argument (see the module's convention).
///
/// # Safety
/// `ptr` came from `asl_alloc(cap)`, holds `len` bytes of UTF-8, and is not used again by JS.
pub unsafe fn arg(ptr: *mut u8, len: usize, cap: usize) -> String {
    if cap == 0 {
        return String::new();
    }
    let bytes = unsafe { Vec::from_raw_parts(ptr, len.min(cap), cap) };
    // JS's TextEncoder always writes UTF-8; anything else is replaced rather than trusted.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Puts `text` in the out slot (with `handle` in its third word).
pub fn answer_with(text: String, handle: u32) {
    SLOT.with(|slot| slot.set([text.as_ptr() as u32, text.len() as u32, handle]));
    ANSWER.with(|a| *a.borrow_mut() = text);
}

/// The most room kept for the next answer.
const KEPT_ANSWER_ROOM: usize = 64 * 1024;

/// An answer written straight into the out slot's buffer, whose room is kept from call to
/// call (the replies to task answers, one per task call, need no allocation of their own).
pub fn answer_written(write: impl FnOnce(&mut String)) -> u32 {
    ANSWER.with(|a| {
        let mut text = a.borrow_mut();
        // The room of a big answer (an execution's whole output, say) is not kept for good.
        if text.capacity() > KEPT_ANSWER_ROOM {
            *text = String::new();
        }
        text.clear();
        write(&mut text);
        SLOT.with(|slot| slot.set([text.as_ptr() as u32, text.len() as u32, 0]));
    });
    Status::Ok as u32
}

/// A call's answer: the text and `Ok`, or the message and `Err`.
pub fn answer(result: Result<String, String>) -> u32 {
    match result {
        Ok(text) => {
            answer_with(text, 0);
            Status::Ok as u32
        }
        Err(message) => {
            answer_with(message, 0);
            Status::Err as u32
        }
    }
}

/// An answer that may be missing.
pub fn answer_option(text: Option<String>) -> u32 {
    match text {
        Some(text) => answer(Ok(text)),
        None => Status::None as u32,
    }
}

/// A new object: its handle in the slot, with `text` (say, warnings) beside it.
pub fn answer_object<T>(result: Result<(T, String), String>) -> u32 {
    match result {
        Ok((object, text)) => {
            answer_with(text, Box::into_raw(Box::new(object)) as u32);
            Status::Ok as u32
        }
        Err(message) => answer(Err(message)),
    }
}

/// Frees an object made by [`answer_object`].
///
/// # Safety
/// `handle` is a live handle of a `T`, and is not used again.
pub unsafe fn free<T>(handle: *mut T) {
    if !handle.is_null() {
        drop(unsafe { Box::from_raw(handle) });
    }
}
