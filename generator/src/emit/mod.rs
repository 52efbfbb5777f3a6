//! Emitters: pure functions from a model (and its plan) to text. They never
//! touch the file system; the CLI writes what they return.

pub mod diagram;
pub mod docs;
pub mod dot;
pub mod mermaid;
pub mod postgres;
pub mod rust;
pub mod svg;

/// `f` of each item, in order, computed on all cores when there are
/// enough items to be worth threads: the result is the same whatever the
/// number of cores. Items are handed out in small batches as threads
/// finish theirs, so that a run of costly items (a rule that does more
/// than the others, large entities) does not leave a core idle.
pub(crate) fn map_in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    map_on_cores(items, items.len() >= 64, f)
}

/// [`map_in_parallel`], on all cores when `worth` says the work is large
/// enough (few items may each be costly: lint's rules over a large model).
pub(crate) fn map_on_cores<T: Sync, R: Send>(
    items: &[T],
    worth: bool,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = if !worth || items.len() < 2 {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    };
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let batch = (items.len() / (threads * 16)).max(1);
    let next = AtomicUsize::new(0);
    let (f, next) = (&f, &next);
    let mut done: Vec<(usize, Vec<R>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        let start = next.fetch_add(batch, Ordering::Relaxed);
                        if start >= items.len() {
                            return done;
                        }
                        let end = (start + batch).min(items.len());
                        done.push((start, items[start..end].iter().map(f).collect::<Vec<R>>()));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    done.sort_unstable_by_key(|(start, _)| *start);
    done.into_iter().flat_map(|(_, part)| part).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn parallel_maps_keep_the_order() {
        let items: Vec<usize> = (0..1_000).collect();
        let doubled = super::map_in_parallel(&items, |i| i * 2);
        assert_eq!(doubled, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        assert_eq!(super::map_in_parallel(&items[..3], |i| *i), [0, 1, 2]);
    }
}
