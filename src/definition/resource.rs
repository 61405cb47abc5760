//! What a Task's `Resource` ARN names. The kind decides which history events AWS writes
//! (LambdaFunction*, Activity*, or Task* with a service `resourceType`) and how the task ends
//! (at once, after a `.sync` job, or when someone sends the task token back).

#[derive(Debug, Clone, PartialEq)]
pub enum Resource {
    /// `arn:aws:lambda:region:account:function:name[:qualifier]`
    LambdaFunction { arn: String },
    /// `arn:aws:states:region:account:activity:name`
    Activity { arn: String },
    /// `arn:aws:states:::service:action[.sync[:2]|.waitForTaskToken]`, including
    /// `aws-sdk:service:action`.
    Service { resource_type: String, resource: String, pattern: Pattern },
    /// Anything else (kept so that the definition still runs against a handler).
    Other { arn: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    /// Request-response: the call's answer is the result.
    RequestResponse,
    /// `.sync` / `.sync:2`: the call submits a job; its end is the result.
    Sync,
    /// `.waitForTaskToken`: the call submits; the token holder's answer is the result.
    WaitForTaskToken,
}

impl Resource {
    pub fn parse(arn: &str) -> Resource {
        let parts: Vec<&str> = arn.splitn(7, ':').collect();
        if parts.len() >= 6 && parts[0] == "arn" {
            let service = parts[2];
            if service == "lambda" && parts[5] == "function" && parts.len() >= 7 {
                return Resource::LambdaFunction { arn: arn.to_string() };
            }
            if service == "states" && parts[5] == "activity" {
                return Resource::Activity { arn: arn.to_string() };
            }
            if service == "states" && parts[3].is_empty() && parts[4].is_empty() {
                let rest = arn.splitn(6, ':').nth(5).unwrap_or("");
                let (resource_type, resource) = match rest.strip_prefix("aws-sdk:") {
                    Some(sdk) => match sdk.split_once(':') {
                        Some((svc, action)) => (format!("aws-sdk:{svc}"), action.to_string()),
                        None => (String::new(), String::new()),
                    },
                    None => match rest.split_once(':') {
                        Some((svc, action)) => (svc.to_string(), action.to_string()),
                        None => (String::new(), String::new()),
                    },
                };
                if !resource_type.is_empty() && !resource.is_empty() {
                    let pattern = if resource.ends_with(".waitForTaskToken") {
                        Pattern::WaitForTaskToken
                    } else if resource.ends_with(".sync") || resource.contains(".sync:") {
                        Pattern::Sync
                    } else {
                        Pattern::RequestResponse
                    };
                    return Resource::Service { resource_type, resource, pattern };
                }
            }
        }
        Resource::Other { arn: arn.to_string() }
    }

    pub fn pattern(&self) -> Pattern {
        match self {
            Resource::Service { pattern, .. } => *pattern,
            _ => Pattern::RequestResponse,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_arns() {
        assert!(matches!(Resource::parse("arn:aws:lambda:us-east-1:111111111111:function:f"), Resource::LambdaFunction { .. }));
        assert!(matches!(Resource::parse("arn:aws:states:us-east-1:111111111111:activity:a"), Resource::Activity { .. }));
        assert_eq!(
            Resource::parse("arn:aws:states:::sqs:sendMessage.waitForTaskToken"),
            Resource::Service { resource_type: "sqs".into(), resource: "sendMessage.waitForTaskToken".into(), pattern: Pattern::WaitForTaskToken }
        );
        assert_eq!(
            Resource::parse("arn:aws:states:::aws-sdk:s3:getObject"),
            Resource::Service { resource_type: "aws-sdk:s3".into(), resource: "getObject".into(), pattern: Pattern::RequestResponse }
        );
        assert_eq!(Resource::parse("arn:aws:states:::states:startExecution.sync:2").pattern(), Pattern::Sync);
        assert!(matches!(Resource::parse("whatever"), Resource::Other { .. }));
    }
}
