//! The pages people use every day, through the real server: the one-time notices after each change (and forged
//! ones that show nothing), "Your sessions", "Connected applications", and confirming it is you without being asked
//! for what was just proven.
mod apps;
mod notices;
mod security;
mod sessions;
