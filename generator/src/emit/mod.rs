//! Emitters: pure functions from a model (and its plan) to text. They never
//! touch the file system; the CLI writes what they return.

pub mod diagram;
pub mod docs;
pub mod dot;
pub mod mermaid;
pub mod postgres;
pub mod rust;
pub mod svg;

/// `f` of each item, in order, computed in contiguous chunks on all cores
/// when there are enough items to be worth threads: the result is the
/// same whatever the number of cores.
pub(crate) fn map_in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = if items.len() < 64 {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    };
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
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
