//! The server as a whole: hostile and malformed input, a database outage, password hashing past its queue, slow
//! clients, two instances on one database, every template rendering.
mod bad_input;
mod branding;
mod catalogue;
mod hash_pool;
mod instances;
mod mail_language;
mod metrics;
mod read_timeout;
mod templates;
