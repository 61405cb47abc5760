//! What the AWS APIs behind the commonly mocked optimized integrations (and a few AWS SDK
//! calls) answer, member by member, so that a mocked answer is checked as AWS's TestState
//! checks it (`fieldValidationMode`): STRICT wants every required member and, for each member
//! present, what the API's model allows (its type, and the enumeration, length or range the
//! model gives it), PRESENT only the latter, NONE nothing. Members the API's model does not
//! name pass, as they do on AWS. The mock of any call not described here is not checked (we
//! would rather let a wrong mock through than refuse a right one).
//!
//! Members are named as Step Functions shows them in a Task's result (PascalCase), in the
//! order of the API's model, which decides which problem is reported first.

use crate::value::Value;

/// How strictly a mocked result is checked against its API's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FieldValidation {
    #[default]
    Strict,
    Present,
    None,
}

impl FieldValidation {
    pub fn parse(s: &str) -> Option<FieldValidation> {
        match s {
            "STRICT" => Some(FieldValidation::Strict),
            "PRESENT" => Some(FieldValidation::Present),
            "NONE" => Some(FieldValidation::None),
            _ => None,
        }
    }
}

pub enum Shape {
    Any,
    Str,
    Num,
    Bool,
    /// A timestamp: AWS takes it as a string.
    Time,
    /// A string with at least this many characters (a blob, as base64 text, is one).
    MinLen(usize),
    /// A number between these bounds, inclusive.
    Range(f64, f64),
    /// A string that is one of these.
    Enum(&'static [&'static str]),
    List(&'static Shape),
    MapOf(&'static Shape),
    Struct(&'static [Member]),
}

pub struct Member {
    name: &'static str,
    shape: Shape,
    required: bool,
}

const fn opt(name: &'static str, shape: Shape) -> Member {
    Member { name, shape, required: false }
}

const fn req(name: &'static str, shape: Shape) -> Member {
    Member { name, shape, required: true }
}

static LAMBDA_INVOKE: Shape = Shape::Struct(&[
    opt("StatusCode", Shape::Num),
    opt("FunctionError", Shape::Str),
    opt("LogResult", Shape::Str),
    opt("Payload", Shape::Any),
    opt("ExecutedVersion", Shape::Str),
]);

static PUT_EVENTS_ENTRY: Shape = Shape::Struct(&[opt("EventId", Shape::Str), opt("ErrorCode", Shape::Str), opt("ErrorMessage", Shape::Str)]);

static PUT_EVENTS: Shape = Shape::Struct(&[opt("FailedEntryCount", Shape::Num), opt("Entries", Shape::List(&PUT_EVENTS_ENTRY))]);

static START_EXECUTION: Shape = Shape::Struct(&[req("ExecutionArn", Shape::Str), req("StartDate", Shape::Time)]);

static DATA_DETAILS: [Member; 1] = [opt("Included", Shape::Bool)];

/// `.sync` waits for the execution and answers what DescribeExecution would.
static DESCRIBE_EXECUTION: Shape = Shape::Struct(&[
    req("ExecutionArn", Shape::Str),
    req("StateMachineArn", Shape::Str),
    opt("Name", Shape::Str),
    req("Status", Shape::Str),
    req("StartDate", Shape::Time),
    opt("StopDate", Shape::Time),
    // A string for `.sync`, JSON for `.sync:2`.
    opt("Input", Shape::Any),
    opt("InputDetails", Shape::Struct(&DATA_DETAILS)),
    opt("Output", Shape::Any),
    opt("OutputDetails", Shape::Struct(&DATA_DETAILS)),
    opt("TraceHeader", Shape::Str),
    opt("MapRunArn", Shape::Str),
    opt("Error", Shape::Str),
    opt("Cause", Shape::Str),
    opt("StateMachineVersionArn", Shape::Str),
    opt("StateMachineAliasArn", Shape::Str),
    opt("RedriveCount", Shape::Num),
    opt("RedriveDate", Shape::Time),
    opt("RedriveStatus", Shape::Str),
    opt("RedriveStatusReason", Shape::Str),
]);

static ATTRIBUTE_VALUE: Shape = Shape::Struct(&[
    opt("S", Shape::Str),
    opt("N", Shape::Str),
    opt("B", Shape::Str),
    opt("SS", Shape::List(&Shape::Str)),
    opt("NS", Shape::List(&Shape::Str)),
    opt("BS", Shape::List(&Shape::Str)),
    opt("M", Shape::MapOf(&ATTRIBUTE_VALUE)),
    opt("L", Shape::List(&ATTRIBUTE_VALUE)),
    opt("NULL", Shape::Bool),
    opt("BOOL", Shape::Bool),
]);

static CAPACITY: [Member; 3] = [opt("ReadCapacityUnits", Shape::Num), opt("WriteCapacityUnits", Shape::Num), opt("CapacityUnits", Shape::Num)];

static CONSUMED_CAPACITY: [Member; 7] = [
    opt("TableName", Shape::Str),
    opt("CapacityUnits", Shape::Num),
    opt("ReadCapacityUnits", Shape::Num),
    opt("WriteCapacityUnits", Shape::Num),
    opt("Table", Shape::Struct(&CAPACITY)),
    opt("LocalSecondaryIndexes", Shape::MapOf(&Shape::Struct(&CAPACITY))),
    opt("GlobalSecondaryIndexes", Shape::MapOf(&Shape::Struct(&CAPACITY))),
];

static GET_ITEM: Shape = Shape::Struct(&[opt("Item", Shape::MapOf(&ATTRIBUTE_VALUE)), opt("ConsumedCapacity", Shape::Struct(&CONSUMED_CAPACITY))]);

/// PutItem, UpdateItem and DeleteItem answer alike.
static WRITE_ITEM: Shape = Shape::Struct(&[
    opt("Attributes", Shape::MapOf(&ATTRIBUTE_VALUE)),
    opt("ConsumedCapacity", Shape::Struct(&CONSUMED_CAPACITY)),
    opt("ItemCollectionMetrics", Shape::Struct(&[opt("ItemCollectionKey", Shape::MapOf(&ATTRIBUTE_VALUE)), opt("SizeEstimateRangeGB", Shape::List(&Shape::Num))])),
]);

static SNS_PUBLISH: Shape = Shape::Struct(&[opt("MessageId", Shape::Str), opt("SequenceNumber", Shape::Str)]);

static SQS_SEND_MESSAGE: Shape = Shape::Struct(&[
    opt("MD5OfMessageBody", Shape::Str),
    opt("MD5OfMessageAttributes", Shape::Str),
    opt("MD5OfMessageSystemAttributes", Shape::Str),
    opt("MessageId", Shape::Str),
    opt("SequenceNumber", Shape::Str),
]);

/// S3 GetObject through the AWS SDK integration (no member is required).
static S3_GET_OBJECT: Shape = Shape::Struct(&[
    opt("Body", Shape::Any),
    opt("LastModified", Shape::Time),
    opt("ContentLength", Shape::Num),
    opt("ETag", Shape::Str),
    opt("VersionId", Shape::Str),
    opt("ContentType", Shape::Str),
    opt(
        "StorageClass",
        Shape::Enum(&[
            "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER", "DEEP_ARCHIVE", "OUTPOSTS", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE",
            "FSX_OPENZFS",
        ]),
    ),
]);

/// KMS Encrypt through the AWS SDK integration: the ciphertext is a blob of at least 1 byte
/// (the model's maximum of 6144 is not checked here).
static KMS_ENCRYPT: Shape = Shape::Struct(&[opt("CiphertextBlob", Shape::MinLen(1)), opt("KeyId", Shape::Str), opt("EncryptionAlgorithm", Shape::Str)]);

/// Lambda GetFunction through the AWS SDK integration: a function has 128 to 10240 MB.
static LAMBDA_GET_FUNCTION: Shape = Shape::Struct(&[
    opt(
        "Configuration",
        Shape::Struct(&[
            opt("FunctionName", Shape::Str),
            opt("FunctionArn", Shape::Str),
            opt("Runtime", Shape::Str),
            opt("Role", Shape::Str),
            opt("Handler", Shape::Str),
            opt("CodeSize", Shape::Num),
            opt("Description", Shape::Str),
            opt("Timeout", Shape::Num),
            opt("MemorySize", Shape::Range(128.0, 10240.0)),
            opt("LastModified", Shape::Str),
            opt("Version", Shape::Str),
        ]),
    ),
    opt("Tags", Shape::MapOf(&Shape::Str)),
]);

/// The answer's shape for a Task's `Resource`, when it is one described here.
pub fn answer_shape(resource: &str) -> Option<&'static Shape> {
    let call = resource.strip_prefix("arn:aws:states:::")?;
    Some(match call {
        "lambda:invoke" => &LAMBDA_INVOKE,
        "events:putEvents" => &PUT_EVENTS,
        "states:startExecution" => &START_EXECUTION,
        "states:startExecution.sync" | "states:startExecution.sync:2" => &DESCRIBE_EXECUTION,
        "dynamodb:getItem" => &GET_ITEM,
        "dynamodb:putItem" | "dynamodb:updateItem" | "dynamodb:deleteItem" => &WRITE_ITEM,
        "sns:publish" => &SNS_PUBLISH,
        "sqs:sendMessage" => &SQS_SEND_MESSAGE,
        "aws-sdk:s3:getObject" => &S3_GET_OBJECT,
        "aws-sdk:kms:encrypt" => &KMS_ENCRYPT,
        "aws-sdk:lambda:getFunction" => &LAMBDA_GET_FUNCTION,
        _ => return None,
    })
}

/// Checks a mocked result for a Task's `Resource`; the error is AWS's ValidationException
/// message.
pub fn check_mock(resource: &str, result: &Value, mode: FieldValidation) -> Result<(), String> {
    let Some(shape) = answer_shape(resource) else { return Ok(()) };
    if mode == FieldValidation::None {
        return Ok(());
    }
    check(shape, result, None, mode == FieldValidation::Strict).map_err(|m| format!("Mock result schema validation error: {m}"))
}

fn check(shape: &Shape, v: &Value, name: Option<&str>, strict: bool) -> Result<(), String> {
    let wrong = |what: &str| match name {
        Some(n) => Err(format!("Field '{n}' must be {what}")),
        None => Err(format!("The result must be {what}")),
    };
    match (shape, v) {
        (Shape::Any, _) | (Shape::Str | Shape::Time, Value::String(_)) | (Shape::Num, Value::Number(_)) | (Shape::Bool, Value::Bool(_)) => Ok(()),
        (Shape::MinLen(min), Value::String(text)) if text.chars().count() < *min => Err(format!("Field '{}' is smaller than the minimum length", name.unwrap_or("result"))),
        (Shape::MinLen(_), Value::String(_)) => Ok(()),
        (Shape::Enum(values), Value::String(text)) if !values.contains(&&**text) => Err(format!("Field '{}' is not an expected value", name.unwrap_or("result"))),
        (Shape::Enum(_), Value::String(_)) => Ok(()),
        (Shape::Range(min, _), Value::Number(n)) if n.as_f64() < *min => Err(format!("Field '{}' is less than the minimum value", name.unwrap_or("result"))),
        (Shape::Range(_, max), Value::Number(n)) if n.as_f64() > *max => Err(format!("Field '{}' exceeds the maximum value", name.unwrap_or("result"))),
        (Shape::Range(..), Value::Number(_)) => Ok(()),
        (Shape::Range(..), _) => wrong("a number"),
        (Shape::Str | Shape::Time | Shape::MinLen(_) | Shape::Enum(_), _) => wrong("a string"),
        (Shape::Num, _) => wrong("a number"),
        (Shape::Bool, _) => wrong("a boolean"),
        (Shape::List(item), Value::Array(items)) => items.iter().try_for_each(|x| check(item, x, name, strict)),
        (Shape::List(_), _) => wrong("an array"),
        (Shape::MapOf(item), Value::Object(map)) => map.values().try_for_each(|x| check(item, x, name, strict)),
        (Shape::Struct(members), Value::Object(map)) => members.iter().try_for_each(|m| match map.get(m.name) {
            Some(x) => check(&m.shape, x, Some(m.name), strict),
            None if strict && m.required => Err(format!("Required field '{}' is missing", m.name)),
            None => Ok(()),
        }),
        (Shape::MapOf(_) | Shape::Struct(_), _) => wrong("an object"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::parse;

    fn mock(resource: &str, result: &str, mode: FieldValidation) -> Result<(), String> {
        check_mock(&format!("arn:aws:states:::{resource}"), &parse(result).unwrap(), mode)
    }

    #[test]
    fn strict_checks_types_and_required_members() {
        use FieldValidation::*;
        let err = |r, s, m| mock(r, s, m).unwrap_err().trim_start_matches("Mock result schema validation error: ").to_string();
        // Members outside the API's model pass, and an answer with no required member may be empty.
        assert_eq!(mock("events:putEvents", r#"{"random":"json"}"#, Strict), Ok(()));
        assert_eq!(mock("events:putEvents", "{}", Strict), Ok(()));
        assert_eq!(err("events:putEvents", r#"{"Entries":"x"}"#, Strict), "Field 'Entries' must be an array");
        assert_eq!(err("events:putEvents", r#"{"Entries":[{"EventId":["x"]}]}"#, Strict), "Field 'EventId' must be a string");
        assert_eq!(err("states:startExecution", "{}", Strict), "Required field 'ExecutionArn' is missing");
        assert_eq!(err("states:startExecution", r#"{"ExecutionArn":"a","StartDate":true}"#, Strict), "Field 'StartDate' must be a string");
        assert_eq!(err("lambda:invoke", r#"{"StatusCode":"200"}"#, Strict), "Field 'StatusCode' must be a number");
        assert_eq!(mock("lambda:invoke", r#"{"StatusCode":200,"Payload":[1,{"a":null}]}"#, Strict), Ok(()));
        assert_eq!(err("dynamodb:putItem", r#"{"ConsumedCapacity":{"CapacityUnits":"1.5"}}"#, Strict), "Field 'CapacityUnits' must be a number");
        assert_eq!(err("dynamodb:getItem", r#"{"Item":{"id":{"M":{"x":{"N":5}}}}}"#, Strict), "Field 'N' must be a string");
        assert_eq!(err("states:startExecution.sync:2", r#"{"ExecutionArn":"a","StateMachineArn":"b","StartDate":"d"}"#, Strict), "Required field 'Status' is missing");
        // PRESENT checks only the members given; NONE checks nothing.
        assert_eq!(mock("states:startExecution", "{}", Present), Ok(()));
        assert_eq!(err("states:startExecution", r#"{"StartDate":1}"#, Present), "Field 'StartDate' must be a string");
        assert_eq!(mock("states:startExecution", r#"{"StartDate":1}"#, None), Ok(()));
        // AWS SDK calls: enumerations, lengths and ranges of the API's model too.
        assert_eq!(err("aws-sdk:s3:getObject", r#"{"ContentLength":"9000"}"#, Present), "Field 'ContentLength' must be a number");
        assert_eq!(err("aws-sdk:s3:getObject", r#"{"StorageClass":"Papyrus"}"#, Present), "Field 'StorageClass' is not an expected value");
        assert_eq!(mock("aws-sdk:s3:getObject", r#"{"StorageClass":"GLACIER_IR","Body":"x"}"#, Strict), Ok(()));
        assert_eq!(err("aws-sdk:kms:encrypt", r#"{"CiphertextBlob":123}"#, Present), "Field 'CiphertextBlob' must be a string");
        assert_eq!(err("aws-sdk:kms:encrypt", r#"{"CiphertextBlob":""}"#, Present), "Field 'CiphertextBlob' is smaller than the minimum length");
        assert_eq!(err("aws-sdk:lambda:getFunction", r#"{"Configuration":{"MemorySize":127}}"#, Present), "Field 'MemorySize' is less than the minimum value");
        assert_eq!(err("aws-sdk:lambda:getFunction", r#"{"Configuration":{"MemorySize":10241}}"#, Present), "Field 'MemorySize' exceeds the maximum value");
        assert_eq!(mock("aws-sdk:lambda:getFunction", r#"{"Configuration":{"MemorySize":10240}}"#, Strict), Ok(()));
        // Calls not described here, and token tasks (answered by whoever holds the token), pass.
        assert_eq!(mock("ecs:runTask", r#"{"Tasks":5}"#, Strict), Ok(()));
        assert_eq!(mock("lambda:invoke.waitForTaskToken", "7", Strict), Ok(()));
    }
}
