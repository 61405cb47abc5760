//! The allocator for wasm: the standard one (dlmalloc) asks the host for more memory 64 KiB
//! at a time, and in V8 each such `memory.grow` gets slower as memory grows (it can trigger a
//! full garbage collection): a long execution spent a third of its time growing memory. This
//! wrapper keeps the standard allocator but, whenever it had to grow memory, reserves as much
//! again at once (allocating one block as large as the heap and freeing it), so memory grows
//! in doubling steps and rarely. Untouched pages cost the host nothing until written.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, Ordering};

pub struct DoublingAlloc;

/// Set while the wrapper reserves memory, so the reservation does not reserve again.
static RESERVING: AtomicBool = AtomicBool::new(false);

/// The most reserved at once (the heap then grows in steps of this size).
const MAX_STEP: usize = 256 << 20;

fn pages() -> usize {
    core::arch::wasm32::memory_size(0)
}

/// After the standard allocator grew memory, grow ahead by the heap's size.
unsafe fn reserve_after_growth(pages_before: usize) {
    let after = pages();
    if after <= pages_before || RESERVING.swap(true, Ordering::Relaxed) {
        return;
    }
    let bytes = (after * 65536).min(MAX_STEP);
    if let Ok(layout) = Layout::from_size_align(bytes, 16) {
        let block = unsafe { System.alloc(layout) };
        if !block.is_null() {
            unsafe { System.dealloc(block, layout) };
        }
    }
    RESERVING.store(false, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for DoublingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let before = pages();
        let p = unsafe { System.alloc(layout) };
        unsafe { reserve_after_growth(before) };
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let before = pages();
        let p = unsafe { System.alloc_zeroed(layout) };
        unsafe { reserve_after_growth(before) };
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let before = pages();
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        unsafe { reserve_after_growth(before) };
        p
    }
}

#[global_allocator]
static ALLOC: DoublingAlloc = DoublingAlloc;
