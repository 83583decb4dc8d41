//! Time is an input. Checks take `now` as an argument; the running server reads it from a `Clock`,
//! which tests replace to walk past expiry times without waiting.
use chrono::{DateTime, Duration, Utc};
use std::sync::Mutex;

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Wall-clock time shifted by an adjustable offset; lets tests fast-forward a running server.
#[derive(Default)]
pub struct OffsetClock {
    offset: Mutex<Duration>,
}

impl OffsetClock {
    pub fn advance(&self, by: Duration) {
        if let Ok(mut offset) = self.offset.lock() {
            *offset += by;
        }
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> DateTime<Utc> {
        let offset = self.offset.lock().map(|o| *o).unwrap_or_default();
        Utc::now() + offset
    }
}
