use super::{error::ScimError, schema::Kind};
use serde_json::Value;
pub struct ListParams {
    pub filter: Option<scim_v2::filter::Filter>,
}
impl ListParams {
    pub fn from_query(_q: &str) -> Result<Self, ScimError> {
        Ok(ListParams { filter: None })
    }
    pub fn from_search(_b: &Value) -> Result<Self, ScimError> {
        Ok(ListParams { filter: None })
    }
}
pub fn list_response(_k: Kind, r: Vec<Value>, _p: &ListParams) -> Result<Value, ScimError> {
    Ok(Value::Array(r))
}
pub fn project(_k: Kind, v: &Value, _p: &ListParams) -> Value {
    v.clone()
}
