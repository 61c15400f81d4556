//! How the console asks the C allocator to keep its resident memory near what it holds: thousands
//! of tenants' data are replaced whole on every refresh, and glibc's defaults keep what they free.

/// Sources build their results on the runtime's workers and the console frees them on its own
/// thread; glibc gives each thread an arena of its own, so every arena keeps the holes the others'
/// frees leave: at 10,000 tenants some 30 MB of resident memory. A handful of threads contend
/// little for one arena.
///
/// The buffers of a fetch and of the rows of thousands of tenants are large and replaced whole.
/// glibc maps a block of 128 KiB or more on its own and gives it back when freed, but raises that
/// threshold each time such a block is freed (up to 32 MiB), after which the next ones come from
/// the heap and leave holes there; a threshold set once stays put ("Dynamic adjustment of the mmap
/// threshold is disabled if any of the … M_MMAP_THRESHOLD … parameters is set":
/// <https://man7.org/linux/man-pages/man3/mallopt.3.html>). At 10,000 tenants some 10 MB of
/// resident memory.
pub fn configure_malloc() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; called before the runtime's threads start.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

/// Gives back to the system the pages that data a refresh replaced leaves free. On its own glibc
/// returns free memory only from the top of its heap; what is freed below a block still in use
/// stays resident. `malloc_trim` "frees memory in all arenas and in all chunks with whole free
/// pages" (<https://man7.org/linux/man-pages/man3/malloc_trim.3.html>).
pub fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages; it touches no memory in use.
    unsafe {
        libc::malloc_trim(0);
    }
}
