//! The pages people use every day, through the real server: the one-time notices after each change (and forged
//! ones that show nothing), "Your sessions", "Connected applications", changing the phone number of an SMS factor,
//! a flagged security key on the security page and at sign-in, confirming it is you without being asked for
//! what was just proven, and being ready to lose a factor (recovery codes after the first, a second key for an
//! administrator).
mod apps;
mod notices;
mod phone;
mod readiness;
mod security;
mod sessions;
