//! The one domain error. `http::error` maps it to HTTP statuses and pages; the CLI maps it to messages
//! and exit codes.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that can never succeed as given: the message tells the person what to change.
    #[error("{0}")]
    Invalid(String),
    /// Wrong password or unknown account: deliberately the same for both.
    #[error("Invalid username or password.")]
    InvalidCredentials,
    #[error("This account is disabled. Contact your administrator.")]
    AccountDisabled,
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    /// A single-use link that is unknown, used or expired: one message for all three.
    #[error("This link is invalid, has expired or has already been used.")]
    InvalidLink,
    /// A second-factor code that is wrong, malformed or already used; the message says which for the user.
    #[error("{0}")]
    WrongCode(String),
    #[error("Too many attempts. Wait {retry_after_secs} seconds, then try again.")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("This factor is locked after too many wrong codes until {} UTC. Use another factor, or wait.", until.format("%H:%M"))]
    FactorLocked { until: chrono::DateTime<chrono::Utc> },
    /// Refused by policy (e.g. a factor kind the user's roles do not accept); the message says what is accepted.
    #[error("{0}")]
    NotAllowed(String),
    /// The action needs a recent sign-in.
    #[error("Please confirm it is you: sign in again to continue.")]
    ReauthenticationRequired,
    #[error("The database is unavailable; try again shortly.")]
    Unavailable(String),
    /// Too much work already in flight (password hashing past its queue); nothing was done, so the same
    /// request can simply be sent again.
    #[error("The server is busy right now. Nothing was changed; please try again in a few seconds.")]
    Busy { retry_after_secs: u64 },
    #[error("internal error")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn invalid(msg: impl Into<String>) -> Self {
        Error::Invalid(msg.into())
    }
}

impl crate::i18n::Describe for Error {
    fn message(&self) -> Option<(&'static str, Vec<(&'static str, crate::i18n::Arg)>)> {
        match self {
            Error::TooManyAttempts { retry_after_secs } => {
                Some(("error-too-many-attempts", vec![("seconds", (*retry_after_secs).into())]))
            }
            Error::FactorLocked { until } => Some((
                "error-factor-locked",
                vec![("until", until.format("%H:%M").to_string().into())],
            )),
            Error::NotFound(what) => Some(("error-not-found", vec![("what", what.clone().into())])),
            _ => None,
        }
    }

    fn english(&self) -> String {
        self.to_string()
    }
}
