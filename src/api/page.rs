//! Cursor pagination: a page of items and, when more follow, the opaque cursor of the next page. A cursor is the
//! position after the last item (base64url), so pages stay stable while rows are added before or after them.
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use utoipa::ToSchema;

use super::problem::Problem;

#[derive(Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

pub const DEFAULT_LIMIT: u64 = 50;
pub const MAX_LIMIT: u64 = 200;

/// The page size asked for, within 1–`MAX_LIMIT`.
pub fn limit(asked: Option<u64>) -> Result<u64, Problem> {
    match asked {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(Problem::field("limit", format!("between 1 and {MAX_LIMIT}"))),
    }
}

pub struct Cursor;

impl Cursor {
    pub fn encode(position: &str) -> String {
        URL_SAFE_NO_PAD.encode(position.as_bytes())
    }

    /// The position a cursor stands for; 400 naming `cursor` when it is not one of ours.
    pub fn decode(cursor: Option<&str>) -> Result<Option<String>, Problem> {
        let Some(cursor) = cursor else {
            return Ok(None);
        };
        let bad = || Problem::field("cursor", "not a cursor from this API");
        if cursor.len() > 512 {
            return Err(bad());
        }
        let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
        let text = String::from_utf8(bytes).map_err(|_| bad())?;
        if text.is_empty() || text.chars().any(char::is_control) {
            return Err(bad());
        }
        Ok(Some(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_foreign_text_is_refused() {
        let cursor = Cursor::encode("alice");
        assert_eq!(Cursor::decode(Some(&cursor)).unwrap(), Some("alice".into()));
        assert!(Cursor::decode(Some("***")).is_err());
        assert!(Cursor::decode(Some(&URL_SAFE_NO_PAD.encode([0xff, 0xfe]))).is_err());
        assert_eq!(Cursor::decode(None).unwrap(), None);
        assert!(limit(Some(0)).is_err() && limit(Some(201)).is_err());
        assert_eq!(limit(None).unwrap(), DEFAULT_LIMIT);
    }
}
