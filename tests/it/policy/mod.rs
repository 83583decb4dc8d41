//! Role policies (allowed factors, enforcement dates, strictest wins, the per-user override) and step-up to a level a
//! client or request asks for.
mod recovery;
mod roles;
mod stepup;
