//! What the generator's benches time: wall and CPU time of the best runs.

use std::time::{Duration, Instant};

/// The CPU time of this process so far, every thread's (other programs
/// loading the machine stretch the wall time, not this).
pub fn cpu() -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// The best wall time of `runs`, the least CPU time, and the last result.
pub fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, Duration, T) {
    let mut best = Duration::MAX;
    let mut least = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let (start, start_cpu) = (Instant::now(), cpu());
        let out = f();
        best = best.min(start.elapsed());
        least = least.min(cpu() - start_cpu);
        last = Some(out);
    }
    (best, least, last.expect("at least one run"))
}
