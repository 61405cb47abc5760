//! The compiled form of an expression: paths already split into steps, predicates attached
//! to the step they filter, parent (`%`) references resolved to the step that records the
//! parent, and tail calls in lambda bodies marked so that recursion runs in a loop.

use super::signature::Signature;
use std::rc::Rc;

#[derive(Debug)]
pub struct Node {
    /// Character offset just after the token that made this node (JSONata's `position`).
    pub pos: usize,
    pub kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Concat,
    And,
    Or,
    In,
    /// `??` (JSONata 2.1): right side when the left is undefined.
    Coalesce,
    /// `?:` (JSONata 2.1): right side when the left is falsy.
    Elvis,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Mod => "%",
            BinOp::Eq => "=",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Concat => "&",
            BinOp::And => "and",
            BinOp::Or => "or",
            BinOp::In => "in",
            BinOp::Coalesce => "??",
            BinOp::Elvis => "?:",
        }
    }
}

#[derive(Debug)]
pub enum Kind {
    Str(Rc<str>),
    Num(f64),
    Bool(bool),
    Null,
    Regex(Rc<super::regex::Pattern>),
    /// A field name; only ever a path step.
    Name(Rc<str>),
    /// `$name`; empty for the context `$`, `$` for the root `$$`.
    Var(Rc<str>),
    Wildcard,
    Descendants,
    /// `%`: reads the binding recorded by an earlier step; the index points into
    /// `Program::parent_labels`.
    Parent(usize),
    Path(Box<Path>),
    Neg(Box<Node>),
    /// Array constructor; `cons` marks one used as a path step (kept whole, not flattened).
    Array(Vec<Node>, bool),
    Range(Box<Node>, Box<Node>),
    /// A standalone object constructor `{k: v}`.
    Object(Box<Group>),
    Binary(BinOp, Box<Node>, Box<Node>),
    Cond(Box<Node>, Box<Node>, Option<Box<Node>>),
    Block(Vec<Node>),
    Bind(Rc<str>, Box<Node>),
    Call(Box<Call>),
    /// `?` in a partial application's argument list.
    Placeholder,
    Apply(Box<Node>, Box<Node>),
    Lambda(Rc<Lambda>),
    Transform(Rc<Transform>),
    /// `^(...)`, only ever a path step.
    Sort(Vec<SortTerm>),
    /// A non-path expression with predicates, a group-by or `[]`.
    Filtered(Box<Filtered>),
    /// A function call in tail position of a lambda body: evaluates to a thunk that the
    /// caller's apply loop runs, so deep recursion does not grow the stack.
    TailCall(Rc<Node>),
}

#[derive(Debug)]
pub struct Call {
    pub proc: Node,
    pub args: Vec<Node>,
    pub partial: bool,
}

#[derive(Debug)]
pub struct Path {
    pub steps: Vec<Step>,
    /// `[]` somewhere in the path: a singleton result stays an array.
    pub keep_singleton: bool,
    pub group: Option<Group>,
    /// The path's result must stay a tuple stream (it carries parent bindings outward).
    pub tuple: bool,
}

#[derive(Debug)]
pub struct Step {
    pub node: Node,
    pub stages: Vec<Stage>,
    /// `@$v`: bind each result to `$v` and keep the context.
    pub focus: Option<Rc<str>>,
    /// `#$i`: bind each result's position.
    pub index: Option<Rc<str>>,
    /// Label under which this step records its input for a later `%`.
    pub ancestor: Option<Rc<str>>,
    /// This step needs the tuple-stream evaluation.
    pub tuple: bool,
}

#[derive(Debug)]
pub enum Stage {
    Filter(Node),
    Index(Rc<str>),
}

#[derive(Debug)]
pub struct Group {
    pub pairs: Vec<(Node, Node)>,
}

#[derive(Debug)]
pub struct SortTerm {
    pub expr: Node,
    pub descending: bool,
}

#[derive(Debug)]
pub struct Filtered {
    pub expr: Node,
    pub stages: Vec<Stage>,
    pub group: Option<Group>,
    pub keep_array: bool,
}

#[derive(Debug)]
pub struct Lambda {
    pub params: Vec<Rc<str>>,
    pub signature: Option<Signature>,
    pub body: Node,
}

#[derive(Debug)]
pub struct Transform {
    pub pattern: Node,
    pub update: Node,
    pub delete: Option<Node>,
}
