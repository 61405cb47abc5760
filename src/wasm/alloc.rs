//! The allocator for wasm: the standard one (dlmalloc) asks the host for more memory 64 KiB
//! at a time, and in V8 each such `memory.grow` gets slower as memory grows (it can trigger a
//! full garbage collection): a long execution spent a third of its time growing memory. This
//! wrapper keeps the standard allocator but, whenever it had to grow memory, reserves as much
//! again at once (allocating one block as large as the heap and freeing it), so memory grows
//! in doubling steps and rarely. Untouched pages cost the host nothing until written.
//!
//! Small blocks (most of the engine's: `Rc`s of values, map entries, short strings) come from
//! free lists, one per size class of 8 bytes up to 512: dlmalloc's general path (bins, splitting,
//! coalescing) cost a fifth of a task's time in wasm. A freed small block goes back to its
//! class's list and is never returned to dlmalloc: the engine churns the same few sizes, so the
//! lists stay short and memory does not grow for it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::UnsafeCell;
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

/// Size classes: 8, 16, ... 512 bytes.
const GRAIN: usize = 8;
const CLASSES: usize = 64;

/// The head of each class's free list; a free block holds the next one's address.
struct FreeLists(UnsafeCell<[*mut u8; CLASSES]>);

// wasm32 without the atomics feature has one thread: nothing else can touch the lists.
unsafe impl Sync for FreeLists {}

static FREE: FreeLists = FreeLists(UnsafeCell::new([std::ptr::null_mut(); CLASSES]));

/// The slab small blocks are cut from: (next free byte, end).
struct Slab(UnsafeCell<(usize, usize)>);

// As FreeLists: one thread.
unsafe impl Sync for Slab {}

static SLAB: Slab = Slab(UnsafeCell::new((0, 0)));

const SLAB_BYTES: usize = 64 * 1024;

/// A fresh block of `size` bytes (a multiple of GRAIN) from the slab, after a new slab if the
/// current one has no room (its tail, under 512 bytes, is left unused).
unsafe fn slab_alloc(size: usize) -> *mut u8 {
    let slab = SLAB.0.get();
    let (next, end) = unsafe { *slab };
    if end - next >= size {
        unsafe { (*slab).0 = next + size };
        return next as *mut u8;
    }
    // SAFETY: a constant, valid layout.
    let fresh = unsafe { system_alloc(Layout::from_size_align_unchecked(SLAB_BYTES, GRAIN)) };
    if fresh.is_null() {
        return fresh;
    }
    let start = fresh as usize;
    unsafe { *slab = (start + size, start + SLAB_BYTES) };
    fresh
}

/// The size class of a layout, if it is small.
fn class(size: usize, align: usize) -> Option<usize> {
    (size > 0 && size <= GRAIN * CLASSES && align <= GRAIN).then(|| (size - 1) / GRAIN)
}

unsafe fn system_alloc(layout: Layout) -> *mut u8 {
    let before = pages();
    let p = unsafe { System.alloc(layout) };
    unsafe { reserve_after_growth(before) };
    p
}

unsafe impl GlobalAlloc for DoublingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(c) = class(layout.size(), layout.align()) else {
            return unsafe { system_alloc(layout) };
        };
        let heads = FREE.0.get();
        let head = unsafe { (*heads)[c] };
        if head.is_null() {
            return unsafe { slab_alloc((c + 1) * GRAIN) };
        }
        unsafe { (*heads)[c] = *(head as *mut *mut u8) };
        head
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if class(layout.size(), layout.align()).is_none() {
            let before = pages();
            let p = unsafe { System.alloc_zeroed(layout) };
            unsafe { reserve_after_growth(before) };
            return p;
        }
        let p = unsafe { self.alloc(layout) };
        if !p.is_null() {
            unsafe { std::ptr::write_bytes(p, 0, layout.size()) };
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        match class(layout.size(), layout.align()) {
            Some(c) => {
                let heads = FREE.0.get();
                unsafe {
                    *(ptr as *mut *mut u8) = (*heads)[c];
                    (*heads)[c] = ptr;
                }
            }
            None => unsafe { System.dealloc(ptr, layout) },
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let old = class(layout.size(), layout.align());
        let new = class(new_size, layout.align());
        if old.is_none() && new.is_none() {
            let before = pages();
            let p = unsafe { System.realloc(ptr, layout, new_size) };
            unsafe { reserve_after_growth(before) };
            return p;
        }
        if old.is_some() && old == new {
            return ptr; // the block already has room for the class's largest size
        }
        // SAFETY: GlobalAlloc::realloc's contract: new_size rounded up to align fits isize.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        let p = unsafe { self.alloc(new_layout) };
        if !p.is_null() {
            unsafe {
                std::ptr::copy_nonoverlapping(ptr, p, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: DoublingAlloc = DoublingAlloc;
