//! Pages over ordered maps. `String`'s order is byte order, as the contract requires (R6).

use std::collections::BTreeMap;
use std::ops::Bound;

/// Keyset page over string-keyed records: ids strictly after `after`, at most `page_size`, in
/// O(log n + page). `""` is the smallest string, so it starts from the first record; like every
/// cursor it is exclusive, so a record whose id is `""` is never listed (a sync loop that feeds
/// the last id back as the cursor cannot spin on it).
pub(crate) fn keyset_page<V, T>(
    map: &BTreeMap<String, V>,
    page_size: usize,
    after: &str,
    project: impl Fn(&String, &V) -> T,
) -> Vec<T> {
    map.range::<str, _>((Bound::Excluded(after), Bound::Unbounded))
        .take(page_size)
        .map(|(key, value)| project(key, value))
        .collect()
}

/// Offset/limit page over string-keyed records in key order: O(log n + offset + limit), since an
/// ordered map cannot jump to the n-th key (a sync loop paging with a cursor does not pay it).
pub(crate) fn offset_page<V: Clone>(map: &BTreeMap<String, V>, offset: usize, limit: usize) -> Vec<V> {
    map.values().skip(offset).take(limit).cloned().collect()
}

/// Keyset page for export: keys strictly after `after` (from the first when `None`), at most
/// `limit`, in key order.
pub(crate) fn export_page<K: Ord, V, T>(
    map: &BTreeMap<K, V>,
    after: Option<K>,
    limit: usize,
    project: impl Fn(&K, &V) -> T,
) -> Vec<T> {
    let from = after.map_or(Bound::Unbounded, Bound::Excluded);
    map.range((from, Bound::Unbounded)).take(limit).map(|(key, value)| project(key, value)).collect()
}
