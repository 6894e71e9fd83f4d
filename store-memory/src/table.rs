//! An ordered map behind one lock: the stores that list. A list is a range of the map, so a
//! page costs O(log n + page) however many records there are, and it sees exactly the writes
//! that completed before it: a write holds the lock alone, a read shares it. (A sharded map
//! cannot give both: its iteration passes a shard before a write lands there and then sees a
//! later write in another, and it has no order, so every page was a pass over all records.)
//! The lock is parking_lot's, which hands over fairly, so neither reads nor writes starve; every
//! critical section is one map operation and the copies of what it returns.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use parking_lot::{MappedRwLockReadGuard, RwLock, RwLockReadGuard};

#[derive(Debug)]
pub(crate) struct Table<K, V> {
    rows: RwLock<BTreeMap<K, V>>,
}

impl<K, V> Default for Table<K, V> {
    fn default() -> Self {
        Table { rows: RwLock::new(BTreeMap::new()) }
    }
}

impl<K: Ord, V> Table<K, V> {
    pub(crate) fn get<Q>(&self, key: &Q) -> Option<MappedRwLockReadGuard<'_, V>>
    where
        K: std::borrow::Borrow<Q>,
        Q: Ord + ?Sized,
    {
        RwLockReadGuard::try_map(self.rows.read(), |rows| rows.get(key)).ok()
    }

    /// Runs a write on the entry of `key`, with no other read or write in progress.
    pub(crate) fn write<R>(&self, key: K, write: impl FnOnce(Entry<'_, K, V>) -> R) -> R {
        write(self.rows.write().entry(key))
    }

    pub(crate) fn insert(&self, key: K, value: V) {
        self.rows.write().insert(key, value);
    }

    pub(crate) fn remove<Q>(&self, key: &Q)
    where
        K: std::borrow::Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.rows.write().remove(key);
    }

    /// Reads the whole map, in key order, with no write in progress.
    pub(crate) fn scan<R>(&self, read: impl FnOnce(&BTreeMap<K, V>) -> R) -> R {
        read(&self.rows.read())
    }
}
