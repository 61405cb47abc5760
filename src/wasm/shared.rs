//! Big values shared with JavaScript instead of copied across the boundary each time.
//!
//! A payload that goes to a Task handler and comes back (the handler returns part of its
//! input) would otherwise cross as JSON text twice per task: for a 400 KB payload that is
//! milliseconds per task, more than all the engine's own work. So the first time a big array
//! or object crosses to JS, it gets an id on both sides: JS parses it once, freezes it (so
//! that no later change by user code can make the two copies differ), and keeps it under that
//! id. From then on the value crosses in either direction as its id alone: the engine writes
//! a placeholder and tells JS where to put its object; JS writes a reference string (see
//! [`crate::value::parse_with_refs`]) where a handler's answer holds that object.
//!
//! The engine's side is the `Rc` of the array or object: the table keeps it alive, so its
//! address identifies it for as long as the execution lives. The history keeps the engine's
//! values, so what it records never depends on JS objects.

use std::collections::HashMap;

use crate::value::write::{write_members, write_string, Member};
use crate::value::{write_json, Value};

use crate::value::write_uint;

/// Arrays and objects whose JSON text is at least this long are shared; smaller ones cost less
/// to copy than to track.
pub const SHARE_MIN_BYTES: usize = 16 * 1024;

#[derive(Default)]
pub struct SharedValues {
    /// The values by id (the index).
    values: Vec<Value>,
    /// Address of an array's `Vec` or an object's `Map` -> id.
    ids: HashMap<usize, u32>,
}

impl SharedValues {
    pub fn get(&self, id: u32) -> Option<Value> {
        self.values.get(id as usize).cloned()
    }

    /// Writes `v` as JSON, with every nested array or object that JS already holds written as
    /// `null` and listed in `places`, and every big one that JS does not hold yet written out
    /// and listed as new. `places` gets a JSON array of `[id, new (0|1), ...path]`, in writing
    /// order, a part before any that contains it (or stays empty when there are none). A shared
    /// top level is listed with an empty path:
    /// JS gives a handler its own shallow copy of it, so that the handler can change its input's
    /// top level as a Lambda function can.
    pub fn write(&mut self, v: &Value, out: &mut String, places: &mut String) {
        self.write_places(v, out, places, true);
    }

    /// As `write`, but only values JS already holds are replaced: nothing new is shared. For
    /// an execution's output, which no task will read again (so sharing a new part of it would
    /// only cost JS a freeze).
    pub fn write_known(&mut self, v: &Value, out: &mut String, places: &mut String) {
        self.write_places(v, out, places, false);
    }

    fn write_places(&mut self, v: &Value, out: &mut String, places: &mut String, register: bool) {
        if !register && self.values.is_empty() {
            return write_json(v, out);
        }
        let mut path = Vec::new();
        self.write_part(v, out, places, &mut path, register);
        // `places` stays empty (no allocation) when there are none.
        if !places.is_empty() {
            places.push(']');
        }
    }

    fn write_part<'a>(&mut self, v: &'a Value, out: &mut String, places: &mut String, path: &mut Vec<Member<'a>>, register: bool) {
        let address = match v {
            Value::Array(a) => std::rc::Rc::as_ptr(a) as usize,
            Value::Object(o) => std::rc::Rc::as_ptr(o) as usize,
            _ => return write_json(v, out),
        };
        if let Some(&id) = self.ids.get(&address) {
            out.push_str("null");
            place(places, id, false, path);
            return;
        }
        let start = out.len();
        write_members(v, out, |member, item, out| {
            path.push(member);
            self.write_part(item, out, places, path, register);
            path.pop();
        });
        if register && out.len() - start >= SHARE_MIN_BYTES {
            let id = self.values.len() as u32;
            self.values.push(v.clone());
            self.ids.insert(address, id);
            place(places, id, true, path);
        }
    }
}

fn place(places: &mut String, id: u32, new: bool, path: &[Member<'_>]) {
    places.push_str(if places.is_empty() { "[[" } else { ",[" });
    write_uint(id as u64, places);
    places.push_str(if new { ",1" } else { ",0" });
    for step in path {
        places.push(',');
        match step {
            Member::Key(k) => write_string(k, places),
            Member::Index(i) => write_uint(*i as u64, places),
        }
    }
    places.push(']');
}
