use super::{error::ScimError, schema::Kind};
pub fn apply(_k: Kind, _r: &mut serde_json::Value, _b: &serde_json::Value) -> Result<(), ScimError> {
    Ok(())
}
