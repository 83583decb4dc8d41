//! The pages people use every day, through the real server: the one-time notices after each change (and forged
//! ones that show nothing), "Your sessions", "Connected applications".
mod apps;
mod notices;
mod sessions;
