//! The server as a whole: hostile and malformed input, a database outage, two instances on one database, every template
//! rendering.
mod bad_input;
mod instances;
mod templates;
