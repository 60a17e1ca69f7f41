//! `custom_step_results` in a result: the steps of a "Test Case (Steps)" result, which trcli
//! posts from `testrail_result_step` properties. Checked when the instance has a Step Results
//! result field (type 11), as TestRail only knows the field then; each step must name an
//! active status, and unlike a result, a step may be Untested.
//!
//! The messages follow TestRail's `Field :…` pattern; the exact wording for step results is
//! inferred (../shared/testrail-api.md lists none).

use serde_json::Value;

use super::ApiError;
use crate::sandbox::store::Store;

/// The result field trcli posts step results in.
pub const FIELD: &str = "custom_step_results";

/// The Step Results field type of `get_result_fields`.
const STEP_RESULTS_TYPE: u64 = 11;

/// Check `value` as step results; `field` is how messages name it (`results.custom_…`).
pub fn check(store: &Store, value: &Value, field: &str) -> Result<(), ApiError> {
    let known = store
        .result_fields
        .iter()
        .any(|f| f["system_name"] == FIELD && f["type_id"].as_u64() == Some(STEP_RESULTS_TYPE));
    if !known || value.is_null() {
        return Ok(());
    }
    let bad = |why: &str| ApiError::bad(format!("Field :{field} {why}"));
    let steps = value
        .as_array()
        .ok_or_else(|| bad("is not a valid list of step results."))?;
    for step in steps {
        let step = step
            .as_object()
            .ok_or_else(|| bad("is not a valid list of step results."))?;
        if let Some(content) = step.get("content") {
            if !content.is_string() && !content.is_null() {
                return Err(bad("contains a step whose content is not a string."));
            }
        }
        let status = match step.get("status_id") {
            None | Some(Value::Null) => continue,
            Some(s) => s
                .as_u64()
                .ok_or_else(|| bad("contains an invalid status."))?,
        };
        match store.statuses.get(&status) {
            Some(s) if s.is_active => {}
            _ => return Err(bad("contains an invalid status.")),
        }
    }
    Ok(())
}
