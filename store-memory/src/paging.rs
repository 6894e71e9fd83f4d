//! Ordered pages over unordered maps: a bounded max-heap keeps only the smallest keys, so a
//! page costs one pass over the map and clones only what it returns.

use std::collections::BinaryHeap;

use dashmap::DashMap;

struct Candidate<T> {
    key: String,
    item: T,
}

impl<T> PartialEq for Candidate<T> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<T> Eq for Candidate<T> {}
impl<T> PartialOrd for Candidate<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Candidate<T> {
    // String comparison is byte order, as the contract requires (R6).
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key.as_bytes().cmp(other.key.as_bytes())
    }
}

/// The `count` entries with the smallest keys among those strictly after `after` (all of them
/// when `after` is `None`), in order.
fn smallest<V, T>(
    map: &DashMap<String, V>,
    count: usize,
    after: Option<&str>,
    project: impl Fn(&String, &V) -> T,
) -> Vec<T> {
    if count == 0 {
        return Vec::new();
    }
    let mut heap: BinaryHeap<Candidate<T>> = BinaryHeap::new();
    for entry in map.iter() {
        let key = entry.key();
        if after.is_some_and(|after| key.as_bytes() <= after.as_bytes()) {
            continue;
        }
        if heap.len() == count {
            match heap.peek() {
                Some(largest) if key.as_bytes() < largest.key.as_bytes() => {
                    heap.pop();
                }
                _ => continue,
            }
        }
        heap.push(Candidate { item: project(key, entry.value()), key: key.clone() });
    }
    heap.into_sorted_vec().into_iter().map(|candidate| candidate.item).collect()
}

/// Keyset page over string-keyed records: ids strictly after `after`, at most `page_size`.
/// `""` is the smallest string, so it starts from the first record; like every cursor it is
/// exclusive, so a record whose id is `""` is never listed (a sync loop that feeds the last id
/// back as the cursor cannot spin on it).
pub(crate) fn keyset_page<V, T>(
    map: &DashMap<String, V>,
    page_size: usize,
    after: &str,
    project: impl Fn(&String, &V) -> T,
) -> Vec<T> {
    smallest(map, page_size, Some(after), project)
}

/// Offset/limit page over string-keyed records in key order.
pub(crate) fn offset_page<V: Clone>(map: &DashMap<String, V>, offset: usize, limit: usize) -> Vec<V> {
    if limit == 0 {
        return Vec::new();
    }
    let mut page = smallest(map, offset.saturating_add(limit), None, |_, value| value.clone());
    page.drain(..offset.min(page.len()));
    page
}
