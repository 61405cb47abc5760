//! Workflow variables (`Assign`): one frame per scope. A Parallel branch or Map iteration
//! gets a frame of its own whose parent is the outer scope: it reads outer variables,
//! assigns only its own, and its variables vanish with it.

use crate::query::Variables;
use crate::value::{Map, Value};
use std::cell::RefCell;
use std::rc::Rc;

#[derive(Default)]
pub struct VarFrame {
    vars: RefCell<Map>,
    parent: Option<Rc<VarFrame>>,
}

impl VarFrame {
    pub fn root() -> Rc<VarFrame> {
        Rc::new(VarFrame::default())
    }

    pub fn child(parent: &Rc<VarFrame>) -> Rc<VarFrame> {
        Rc::new(VarFrame { vars: RefCell::new(Map::default()), parent: Some(parent.clone()) })
    }

    pub fn set(&self, name: Rc<str>, value: Value) {
        self.vars.borrow_mut().insert(name, value);
    }

    /// Every variable visible here, innermost first winning (for the page's inspector).
    pub fn visible(&self) -> Map {
        let mut out = match &self.parent {
            Some(p) => p.visible(),
            None => Map::default(),
        };
        for (k, v) in self.vars.borrow().iter() {
            out.insert(k.clone(), v.clone());
        }
        out
    }
}

impl Variables for VarFrame {
    fn get(&self, name: &str) -> Option<Value> {
        if let Some(v) = self.vars.borrow().get(name) {
            return Some(v.clone());
        }
        self.parent.as_ref()?.get(name)
    }
}
