//! Request binding as Go's gin binder does it for the file routes: broken JSON is
//! "Parameter error", a value of the wrong JSON type is "JSON marshall error" (70_bad_input
//! "create_with_wrong_type"), and the validator's messages name the Go field
//! ("Uri cannot be empty", "Uris too short"). None of these carry a correlation id.

use super::super::http::ApiErr;

/// A JSON body bound like gin's `ShouldBindJSON` (the one binder of the demo server).
pub use super::super::http::Body as JsonBody;

/// `binding:"required"` on a string: absent or empty → "<Field> cannot be empty".
pub fn required<'a>(value: &'a Option<String>, field: &str) -> Result<&'a str, ApiErr> {
    match value.as_deref() {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(ApiErr::param(format!("{field} cannot be empty"))),
    }
}

/// `binding:"required,min=1"` on a list: absent → "cannot be empty", empty → "too short".
pub fn required_list<'a, T>(value: &'a Option<Vec<T>>, field: &str) -> Result<&'a [T], ApiErr> {
    match value {
        None => Err(ApiErr::param(format!("{field} cannot be empty"))),
        Some(v) if v.is_empty() => Err(ApiErr::param(format!("{field} too short"))),
        Some(v) => Ok(v),
    }
}

/// Requests naming more URIs than this fail with 40074 (C2-520).
pub const MAX_BATCH: usize = 3000;

/// 40074 for oversized batches.
pub fn check_batch_size(n: usize) -> Result<(), ApiErr> {
    if n > MAX_BATCH {
        Err(ApiErr::new(
            40074,
            format!("Maximum allowed batch size: {MAX_BATCH}"),
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_messages_name_the_field() {
        assert_eq!(
            required(&None, "Uri").unwrap_err().msg,
            "Uri cannot be empty"
        );
        assert_eq!(
            required(&Some(String::new()), "Dst").unwrap_err().msg,
            "Dst cannot be empty"
        );
        assert_eq!(required(&Some("x".into()), "Uri").unwrap(), "x");
        let empty: Option<Vec<String>> = Some(vec![]);
        assert_eq!(
            required_list(&empty, "Uris").unwrap_err().msg,
            "Uris too short"
        );
        let none: Option<Vec<String>> = None;
        assert_eq!(
            required_list(&none, "Uris").unwrap_err().msg,
            "Uris cannot be empty"
        );
        assert!(check_batch_size(3000).is_ok());
        assert_eq!(check_batch_size(3001).unwrap_err().code, 40074);
    }
}
