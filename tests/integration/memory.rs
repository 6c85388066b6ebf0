//! Peak heap measurement for the bad-input tests. The integration binary's
//! global allocator is `allocation-counter`'s, which counts only what the
//! *calling thread* allocates, so a measurement is not disturbed by other
//! tests running in parallel. Code measured this way must do its work on
//! the calling thread: `screen` does for one attachment (several are
//! analysed on scoped threads), `Pack::load` and `convert` always do.

/// One mebibyte.
pub(crate) const MIB: u64 = 1 << 20;

/// Runs `f` and returns its result with the most bytes this thread held
/// at once while it ran (freed memory allocated before the call does not
/// count; the result itself does).
pub(crate) fn peak<T>(f: impl FnOnce() -> T) -> (T, u64) {
    let mut out = None;
    let info = allocation_counter::measure(|| out = Some(f()));
    (out.expect("the closure ran"), info.bytes_max)
}

/// Runs `f` and asserts that its peak heap stays within `bound` bytes
/// (`GATEPOST_PEAKS=1` prints every measurement, to re-tune the bounds).
#[track_caller]
pub(crate) fn within<T>(what: &str, bound: u64, f: impl FnOnce() -> T) -> T {
    let (out, peak) = peak(f);
    if std::env::var_os("GATEPOST_PEAKS").is_some() {
        eprintln!(
            "peak heap {what}: {:.2} MiB (bound {:.0} MiB)",
            peak as f64 / MIB as f64,
            bound as f64 / MIB as f64
        );
    }
    assert!(
        peak <= bound,
        "{what}: peak heap {:.1} MiB, over the {:.1} MiB bound",
        peak as f64 / MIB as f64,
        bound as f64 / MIB as f64
    );
    out
}
