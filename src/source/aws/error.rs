//! AWS errors in words for the status line: the service's code and message, or what went wrong
//! on the way (timeout, connection refused), never a Rust debug dump.

use std::error::Error;

use aws_runtime::retries::classifiers::THROTTLING_ERRORS;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::ErrorMetadata;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// How a call failed, for calls that change something: whether the service answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallFailure {
    /// The service answered with an error: the call was refused, nothing was done.
    Refused(String),
    /// No answer (timeout, connection, garbled response): it may have been done.
    Unanswered(String),
}

impl std::fmt::Display for CallFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CallFailure::Refused(message) | CallFailure::Unanswered(message) => {
                f.write_str(message)
            }
        }
    }
}

/// [`CallFailure`] by the SDK's error kind, never by its message.
pub fn classify<E, R>(error: &SdkError<E, R>) -> CallFailure
where
    E: ProvideErrorMetadata + Error + 'static,
    R: std::fmt::Debug,
{
    let message = describe(error);
    match error {
        SdkError::ServiceError(_) | SdkError::ConstructionFailure(_) => {
            CallFailure::Refused(message)
        }
        _ => CallFailure::Unanswered(message),
    }
}

/// `AccessDenied: User … is not authorized to perform rds:DescribeIntegrations`.
pub fn describe<E, R>(error: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + Error + 'static,
    R: std::fmt::Debug,
{
    match error {
        SdkError::ServiceError(context) => {
            let e = context.err();
            match (e.code(), e.message()) {
                (Some(code), Some(message)) => format!("{code}: {message}"),
                (Some(code), None) => code.to_string(),
                _ => e.to_string(),
            }
        }
        SdkError::TimeoutError(_) => "timed out".to_string(),
        SdkError::DispatchFailure(failure) => {
            if failure.is_timeout() {
                "timed out".to_string()
            } else if failure.is_io() {
                format!("connection failed: {}", root_cause(error))
            } else {
                format!("request failed: {}", root_cause(error))
            }
        }
        SdkError::ResponseError(_) => format!("bad response: {}", chain(error)),
        SdkError::ConstructionFailure(_) => format!("cannot build request: {}", chain(error)),
        _ => chain(error),
    }
}

/// The error and its sources on one line, for errors that have no service code.
fn chain(error: &dyn Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        let part = inner.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = inner.source();
    }
    text
}

/// The innermost error: "Connection refused (os error 111)" rather than five layers of wrapping.
fn root_cause(error: &dyn Error) -> String {
    let mut cause = error;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    cause.to_string()
}

/// Whether AWS answered that the caller is going too fast, by the error's code: the codes the
/// SDK's own retry classifier treats as throttling (`Throttling`, `ThrottlingException`,
/// `RequestLimitExceeded`, `TooManyRequestsException` …), so both agree on what a throttle is.
pub fn is_throttled<E, R>(error: &SdkError<E, R>) -> bool
where
    E: ProvideErrorMetadata + Error + 'static,
    R: std::fmt::Debug,
{
    match error {
        SdkError::ServiceError(context) => context.err().code().is_some_and(is_throttling_code),
        _ => false,
    }
}

/// Whether an AWS error code says "too fast" (the SDK's retry classifier's list).
pub fn is_throttling_code(code: &str) -> bool {
    THROTTLING_ERRORS.contains(&code)
}

/// The code of an error AWS's model does not name (`Throttling` and its kin are such errors for
/// nearly every operation): the SDK keeps its metadata as the error's source.
pub fn unmodeled_code<'a>(error: &'a (dyn Error + 'static)) -> Option<&'a str> {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if let Some(metadata) = error.downcast_ref::<ErrorMetadata>() {
            return metadata.code();
        }
        cause = error.source();
    }
    None
}

/// Whether an error says the caller may not do this (so the doctor can name the IAM action).
/// Expired or unknown credentials are not that: no policy change would fix them.
pub fn is_access_denied<E, R>(error: &SdkError<E, R>) -> bool
where
    E: ProvideErrorMetadata + Error + 'static,
    R: std::fmt::Debug,
{
    let code = match error {
        SdkError::ServiceError(context) => context.err().code().unwrap_or_default().to_string(),
        _ => return false,
    };
    matches!(
        code.as_str(),
        "AccessDenied" | "AccessDeniedException" | "UnauthorizedOperation"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    use aws_sdk_cloudwatchlogs::operation::start_query::StartQueryError;
    use aws_sdk_cloudwatchlogs::types::error::LimitExceededException;
    use aws_sdk_rds::operation::describe_db_clusters::DescribeDBClustersError;
    use aws_smithy_types::type_erasure::TypeErasedError;

    #[test]
    fn an_attempt_s_unmodeled_code_is_found_through_the_type_erased_error() {
        // As an interceptor sees an attempt's error: type-erased, its operation unknown.
        let throttled = TypeErasedError::new(DescribeDBClustersError::generic(
            ErrorMetadata::builder().code("Throttling").build(),
        ));
        let code = unmodeled_code(&throttled);
        assert_eq!(code, Some("Throttling"));
        assert!(code.is_some_and(is_throttling_code));
        let denied = TypeErasedError::new(DescribeDBClustersError::generic(
            ErrorMetadata::builder().code("AccessDenied").build(),
        ));
        assert!(!unmodeled_code(&denied).is_some_and(is_throttling_code));
        // A modeled error has no metadata as its source: the limiter reads the call's answer.
        let modeled = TypeErasedError::new(StartQueryError::LimitExceededException(
            LimitExceededException::builder().build(),
        ));
        assert_eq!(unmodeled_code(&modeled), None);
    }
}
