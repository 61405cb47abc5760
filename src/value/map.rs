//! The insertion-ordered object behind `Value::Object`.
//!
//! Almost every object the engine builds or copies has a handful of members (a Pass state's
//! `Parameters`, a `ResultPath` merge, the context object), and for those a hash table is pure
//! overhead: a second allocation, a hash per key, and a table to clone on every copy-on-write.
//! So members live in one vector searched by scanning while the object is small; only past
//! `INDEX_FROM` members does a side index (key -> position) appear, so payloads with thousands
//! of keys keep O(1) lookups. The method names and semantics follow `indexmap::IndexMap` (the
//! type this replaced): `insert` on a present key keeps its position, `shift_remove` keeps the
//! order of the rest.

use super::hash::FastBuildHasher;
use super::Value;
use std::borrow::Borrow;
use std::collections::HashMap;
use std::rc::Rc;

/// From this many members on, lookups go through the side index. Below it, comparing a few
/// keys (lengths first) is cheaper than hashing one.
const INDEX_FROM: usize = 9;

type Entry = (Rc<str>, Value);
type Index = HashMap<Rc<str>, usize, FastBuildHasher>;

#[derive(Clone, Default)]
pub struct Map {
    entries: Vec<Entry>,
    /// Key -> position in `entries`; present exactly when `entries.len() >= INDEX_FROM` was
    /// reached once (it is kept when the object shrinks again).
    index: Option<Box<Index>>,
}

impl Map {
    pub fn new() -> Map {
        Map::default()
    }

    pub fn with_capacity(n: usize) -> Map {
        Map { entries: Vec::with_capacity(n), index: None }
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn reserve(&mut self, additional: usize) {
        self.entries.reserve(additional);
    }

    /// A copy with room for `extra` more members (its keys are known distinct: no checks).
    pub fn clone_with_room(&self, extra: usize) -> Map {
        let mut entries = Vec::with_capacity(self.entries.len() + extra);
        entries.extend_from_slice(&self.entries);
        Map { entries, index: self.index.clone() }
    }

    /// Position of `key`, if present.
    #[inline]
    pub fn get_index_of<Q: Borrow<str> + ?Sized>(&self, key: &Q) -> Option<usize> {
        let key = key.borrow();
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self.entries.iter().position(|(k, _)| k.len() == key.len() && **k == *key),
        }
    }

    #[inline]
    pub fn get<Q: Borrow<str> + ?Sized>(&self, key: &Q) -> Option<&Value> {
        self.get_index_of(key).map(|i| &self.entries[i].1)
    }

    pub fn get_key_value<Q: Borrow<str> + ?Sized>(&self, key: &Q) -> Option<(&Rc<str>, &Value)> {
        self.get_index_of(key).map(|i| {
            let (k, v) = &self.entries[i];
            (k, v)
        })
    }

    pub fn get_mut<Q: Borrow<str> + ?Sized>(&mut self, key: &Q) -> Option<&mut Value> {
        self.get_index_of(key).map(|i| &mut self.entries[i].1)
    }

    pub fn contains_key<Q: Borrow<str> + ?Sized>(&self, key: &Q) -> bool {
        self.get_index_of(key).is_some()
    }

    pub fn get_index(&self, i: usize) -> Option<(&Rc<str>, &Value)> {
        self.entries.get(i).map(|(k, v)| (k, v))
    }

    pub fn get_index_mut(&mut self, i: usize) -> Option<(&Rc<str>, &mut Value)> {
        self.entries.get_mut(i).map(|(k, v)| (&*k, v))
    }

    pub fn first(&self) -> Option<(&Rc<str>, &Value)> {
        self.get_index(0)
    }

    pub fn last(&self) -> Option<(&Rc<str>, &Value)> {
        self.entries.last().map(|(k, v)| (k, v))
    }

    /// Inserts or replaces; a present key keeps its position (and its original key text).
    /// Returns the position and the replaced value.
    pub fn insert_full(&mut self, key: Rc<str>, value: Value) -> (usize, Option<Value>) {
        if let Some(i) = self.get_index_of(&key) {
            return (i, Some(std::mem::replace(&mut self.entries[i].1, value)));
        }
        let i = self.entries.len();
        if let Some(index) = &mut self.index {
            index.insert(key.clone(), i);
        } else if i + 1 >= INDEX_FROM {
            let mut index = Index::with_capacity_and_hasher(i + 1, FastBuildHasher::default());
            index.extend(self.entries.iter().enumerate().map(|(j, (k, _))| (k.clone(), j)));
            index.insert(key.clone(), i);
            self.index = Some(Box::new(index));
        }
        self.entries.push((key, value));
        (i, None)
    }

    #[inline]
    pub fn insert(&mut self, key: Rc<str>, value: Value) -> Option<Value> {
        self.insert_full(key, value).1
    }

    /// Removes `key`, keeping the order of the other members (O(n), like IndexMap's).
    pub fn shift_remove<Q: Borrow<str> + ?Sized>(&mut self, key: &Q) -> Option<Value> {
        self.shift_remove_entry(key).map(|(_, v)| v)
    }

    pub fn shift_remove_entry<Q: Borrow<str> + ?Sized>(&mut self, key: &Q) -> Option<(Rc<str>, Value)> {
        let i = self.get_index_of(key)?;
        let removed = self.entries.remove(i);
        if let Some(index) = &mut self.index {
            index.remove(key.borrow());
            for p in index.values_mut() {
                if *p > i {
                    *p -= 1;
                }
            }
        }
        Some(removed)
    }

    pub fn iter(&self) -> Iter<'_> {
        Iter(self.entries.iter())
    }

    pub fn iter_mut(&mut self) -> IterMut<'_> {
        IterMut(self.entries.iter_mut())
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Rc<str>> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut Value> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }
}

/// Same members with equal values, in any order (as IndexMap compared).
impl PartialEq for Map {
    fn eq(&self, other: &Map) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k).is_some_and(|w| v == w))
    }
}

impl std::fmt::Debug for Map {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl FromIterator<(Rc<str>, Value)> for Map {
    fn from_iter<I: IntoIterator<Item = (Rc<str>, Value)>>(iter: I) -> Map {
        let iter = iter.into_iter();
        let mut map = Map::with_capacity(iter.size_hint().0);
        map.extend(iter);
        map
    }
}

impl Extend<(Rc<str>, Value)> for Map {
    fn extend<I: IntoIterator<Item = (Rc<str>, Value)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

/// Members in insertion order, as `(&key, &value)`.
#[derive(Clone)]
pub struct Iter<'a>(std::slice::Iter<'a, Entry>);

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a Rc<str>, &'a Value);
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }
    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    #[inline]
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k, v))
    }
}

impl ExactSizeIterator for Iter<'_> {}

pub struct IterMut<'a>(std::slice::IterMut<'a, Entry>);

impl<'a> Iterator for IterMut<'a> {
    type Item = (&'a Rc<str>, &'a mut Value);
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (&*k, v))
    }
    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for IterMut<'_> {
    #[inline]
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (&*k, v))
    }
}

impl ExactSizeIterator for IterMut<'_> {}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a Rc<str>, &'a Value);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl<'a> IntoIterator for &'a mut Map {
    type Item = (&'a Rc<str>, &'a mut Value);
    type IntoIter = IterMut<'a>;
    fn into_iter(self) -> IterMut<'a> {
        self.iter_mut()
    }
}

impl IntoIterator for Map {
    type Item = (Rc<str>, Value);
    type IntoIter = std::vec::IntoIter<Entry>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(m: &Map) -> Vec<String> {
        m.keys().map(|k| k.to_string()).collect()
    }

    #[test]
    fn insert_keeps_position_of_present_keys_small_and_large() {
        for n in [3, INDEX_FROM - 1, INDEX_FROM, INDEX_FROM + 5, 100] {
            let mut m = Map::default();
            for i in 0..n {
                assert_eq!(m.insert(format!("k{i}").into(), Value::int(i as i64)), None);
            }
            assert_eq!(m.insert("k1".into(), Value::int(-1)), Some(Value::int(1)));
            assert_eq!(m.get_index_of("k1"), Some(1));
            assert_eq!(m.get("k1"), Some(&Value::int(-1)));
            assert_eq!(m.len(), n);
            assert_eq!(keys(&m), (0..n).map(|i| format!("k{i}")).collect::<Vec<_>>());
            assert_eq!(m.get("absent"), None);
        }
    }

    #[test]
    fn shift_remove_keeps_order_and_lookups_right() {
        for n in [4, INDEX_FROM, 40] {
            let mut m: Map = (0..n).map(|i| (Rc::from(format!("k{i}")), Value::int(i as i64))).collect();
            assert_eq!(m.shift_remove("k1"), Some(Value::int(1)));
            assert_eq!(m.shift_remove("k1"), None);
            assert_eq!(m.len(), n - 1);
            for i in (0..n).filter(|&i| i != 1) {
                let pos = if i == 0 { 0 } else { i - 1 };
                assert_eq!(m.get_index_of(&format!("k{i}")), Some(pos), "n={n} i={i}");
                assert_eq!(m.get(&format!("k{i}")), Some(&Value::int(i as i64)));
            }
            m.insert("k1".into(), Value::Null);
            assert_eq!(m.get_index_of("k1"), Some(n - 1));
        }
    }

    #[test]
    fn equality_ignores_order() {
        let a: Map = [("a", 1), ("b", 2)].into_iter().map(|(k, v)| (Rc::from(k), Value::int(v))).collect();
        let b: Map = [("b", 2), ("a", 1)].into_iter().map(|(k, v)| (Rc::from(k), Value::int(v))).collect();
        assert_eq!(a, b);
    }
}
