//! The storage conformance suite: every backend (SQLite always, PostgreSQL when `GATEHOUSE_TEST_DATABASE_URL` is set)
//! must pass it.
pub(crate) mod accounts;
mod grants;
mod protocols;
