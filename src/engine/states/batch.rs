//! A Distributed Map's `ItemBatcher`: each child execution gets a batch of items instead of
//! one, as `{"BatchInput": ..., "Items": [...]}` (`BatchInput` only when the field is set).
//! Items go through `ItemSelector` one by one first; a batch then takes items in order until
//! `MaxItemsPerBatch` or `MaxInputBytesPerBatch` (at most 256 KiB, the size of the child's
//! whole input) would be passed.

use crate::definition::model::{ItemBatcher, Map, Seconds};
use crate::engine::execution::{Execution, FiberId};
use crate::query::QueryError;
use crate::value::{Value, MAX_DEPTH};

/// AWS's ceiling on a batch's size, and the limit when none is given.
const MAX_BATCH_BYTES: u64 = 256 * 1024;

/// An `ItemBatcher` with its paths and expressions resolved against the Map state's input.
pub(super) struct Batching {
    /// At most this many items per batch (`None`: no count limit).
    max_items: Option<u64>,
    max_chars: u64,
    input: Option<Value>,
}

impl Execution {
    /// Resolves the batcher's limits and evaluates its `BatchInput` (once for all batches).
    pub(super) fn batching(&mut self, fid: FiberId, b: &ItemBatcher, effective: &Value) -> Result<Batching, QueryError> {
        let max_items = self.batch_limit(fid, b.max_items.as_ref(), "MaxItemsPerBatch", effective)?;
        let max_bytes = self.batch_limit(fid, b.max_bytes.as_ref(), "MaxInputBytesPerBatch", effective)?;
        let input = if let Some(jv) = &b.batch_input_jsonata {
            let ctx = self.context(fid, None);
            let states = self.states_var(fid, effective, ctx, None, None);
            Some(self.eval_jsonata(fid, jv, "BatchInput", &states)?)
        } else if let Some(t) = &b.batch_input {
            let ctx = self.context(fid, None);
            Some(self.eval_template(fid, t, effective, &ctx)?)
        } else {
            None
        };
        Ok(Batching { max_items, max_chars: max_bytes.map_or(MAX_BATCH_BYTES, |m| m.min(MAX_BATCH_BYTES)), input })
    }

    /// A limit given literally, by a path or by JSONata; 0 (or none) sets no limit.
    fn batch_limit(&mut self, fid: FiberId, s: Option<&Seconds>, field: &str, effective: &Value) -> Result<Option<u64>, QueryError> {
        Ok(self.map_count(fid, s, field, effective)?.filter(|&n| n > 0))
    }

    /// The children's inputs: the selected items, in order, cut into batches.
    pub(super) fn batch_items(&mut self, fid: FiberId, m: &Map, batching: &Batching, items: &[Value]) -> Result<Vec<Value>, QueryError> {
        // `{"Items":[]}`, and `"BatchInput":...,` before it when there is one.
        let empty = 12 + batching.input.as_ref().map_or(0, |v| 14 + self.chars(v));
        let mut batches = Vec::new();
        let mut batch: Vec<Value> = Vec::new();
        let mut size = empty;
        for (index, item) in items.iter().enumerate() {
            let selected = self.select_item(fid, m, index, item)?;
            let chars = self.chars(&selected);
            let full = batching.max_items.is_some_and(|n| batch.len() as u64 >= n);
            // An item too big for any batch still goes, alone, in one of its own.
            let too_big = !batch.is_empty() && size + 1 + chars > batching.max_chars;
            if full || too_big {
                batches.push(self.batch_value(batching, std::mem::take(&mut batch)));
                size = empty;
            }
            size += chars + usize::from(!batch.is_empty()) as u64;
            batch.push(selected);
        }
        if !batch.is_empty() {
            batches.push(self.batch_value(batching, batch));
        }
        Ok(batches)
    }

    fn chars(&self, v: &Value) -> u64 {
        self.measurer.measure(v, MAX_DEPTH).map_or(0, |s| s.chars as u64)
    }

    fn batch_value(&self, batching: &Batching, items: Vec<Value>) -> Value {
        let items = Value::array(items);
        match &batching.input {
            Some(input) => Value::from_pairs([("BatchInput", input.clone()), ("Items", items)]),
            None => Value::from_pairs([("Items", items)]),
        }
    }
}
