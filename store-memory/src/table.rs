//! A map whose lists are atomic. `DashMap` locks one shard at a time, so an iteration can pass
//! a shard before a write lands there and then see a later write in another shard: a list
//! showing a later write but missing an earlier completed one. Here every write holds a gate
//! shared with other writes, and a whole-map read holds it alone, so a list sees exactly the
//! writes that completed before it and none that started after. Point reads need no gate: one
//! shard lock already makes them atomic. The gate is parking_lot's fair lock, so lists running
//! back to back cannot starve writes, nor writes the lists.

use std::hash::Hash;

use dashmap::DashMap;
use dashmap::mapref::entry::Entry;
use dashmap::mapref::one::Ref;
use parking_lot::RwLock;

#[derive(Debug)]
pub(crate) struct Table<K: Eq + Hash, V> {
    rows: DashMap<K, V>,
    gate: RwLock<()>,
}

impl<K: Eq + Hash, V> Default for Table<K, V> {
    fn default() -> Self {
        Table { rows: DashMap::new(), gate: RwLock::new(()) }
    }
}

impl<K: Eq + Hash, V> Table<K, V> {
    pub(crate) fn get<Q>(&self, key: &Q) -> Option<Ref<'_, K, V>>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.rows.get(key)
    }

    /// Runs a write on the entry of `key`; the entry's shard lock makes it atomic per key.
    pub(crate) fn write<R>(&self, key: K, write: impl FnOnce(Entry<'_, K, V>) -> R) -> R {
        let _gate = self.gate.read();
        write(self.rows.entry(key))
    }

    pub(crate) fn insert(&self, key: K, value: V) {
        self.write(key, |entry| {
            entry.insert(value);
        });
    }

    pub(crate) fn remove(&self, key: K) {
        self.write(key, |entry| {
            if let Entry::Occupied(occupied) = entry {
                occupied.remove();
            }
        });
    }

    /// Reads the whole map with no write in progress.
    pub(crate) fn scan<R>(&self, read: impl FnOnce(&DashMap<K, V>) -> R) -> R {
        let _gate = self.gate.write();
        read(&self.rows)
    }
}
