//! Payload templates (`Parameters`, `ResultSelector`, `ItemSelector`, JSONPath `Assign`):
//! keys ending in `.$` take a path, compiled once.
//! (Minimal version: paths only; intrinsic calls come with the full query layer.)

use super::path::Path;
use super::{QueryError, Scope};
use crate::value::{Map, Value};
use std::rc::Rc;

#[derive(Debug, Clone)]
pub enum Template {
    Literal(Value),
    Path(Path),
    Object(Vec<(Rc<str>, Template)>),
    Array(Vec<Template>),
}

impl Template {
    pub fn compile(v: &Value) -> Result<Template, String> {
        Ok(match v {
            Value::Object(o) => {
                let mut fields = Vec::with_capacity(o.len());
                for (k, item) in o.iter() {
                    if let Some(name) = k.strip_suffix(".$") {
                        let text = item.as_str().ok_or_else(|| format!("The value for the field '{k}' must be a STRING that contains a JSONPath but was an {}", item.type_name()))?;
                        let path = Path::parse(text).map_err(|_| format!("The value for the field '{k}' must be a valid JSONPath or a valid intrinsic function call"))?;
                        fields.push((Rc::from(name), Template::Path(path)));
                    } else {
                        fields.push((k.clone(), Template::compile(item)?));
                    }
                }
                Template::Object(fields)
            }
            Value::Array(a) => Template::Array(a.iter().map(Template::compile).collect::<Result<_, _>>()?),
            other => Template::Literal(other.clone()),
        })
    }

    pub fn evaluate(&self, scope: &Scope) -> Result<Value, QueryError> {
        Ok(match self {
            Template::Literal(v) => v.clone(),
            Template::Path(p) => p.select_required(scope)?,
            Template::Object(fields) => {
                let mut map = Map::with_capacity(fields.len());
                for (k, t) in fields {
                    map.insert(k.clone(), t.evaluate(scope)?);
                }
                Value::object(map)
            }
            Template::Array(items) => Value::array(items.iter().map(|t| t.evaluate(scope)).collect::<Result<_, _>>()?),
        })
    }
}
