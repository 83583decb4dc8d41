use super::schema::Kind;
use scim_v2::filter::Filter;
pub fn equality_lookup(_f: &Filter, _k: Kind) -> Option<(&'static str, String)> {
    None
}
