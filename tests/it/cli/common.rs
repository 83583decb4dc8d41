//! The harness for running the `gatehouse` binary: a data directory and database per `Cli`, and its output.
use crate::common::*;
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

pub(crate) struct Cli {
    data: tempfile::TempDir,
    db: TestDb,
}

pub(crate) struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }
}

pub(crate) fn command(data: &Path, db_url: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gatehouse"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("GATEHOUSE_DATA_DIR", data)
        .env("GATEHOUSE_DATABASE_URL", db_url)
        .env("USER", "tester");
    cmd
}

impl Cli {
    pub(crate) async fn new() -> Cli {
        Cli {
            data: tempfile::tempdir().unwrap(),
            db: TestDb::new().await,
        }
    }

    /// On a given database (e.g. each of `TestDb::all()`).
    pub(crate) fn on(db: TestDb) -> Cli {
        Cli {
            data: tempfile::tempdir().unwrap(),
            db,
        }
    }

    /// The data directory the commands use (its `mail/` holds the mails they send).
    pub(crate) fn data_dir(&self) -> &Path {
        self.data.path()
    }

    /// The database the commands use, to start a server on it too.
    pub(crate) fn db_url(&self) -> &str {
        &self.db.url
    }

    pub(crate) fn run_with(&self, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Out {
        let mut cmd = command(self.data.path(), &self.db.url);
        cmd.args(args)
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn gatehouse");
        if let Some(input) = stdin {
            child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        } else {
            drop(child.stdin.take());
        }
        let out = child.wait_with_output().unwrap();
        Out {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into(),
            stderr: String::from_utf8_lossy(&out.stderr).into(),
        }
    }

    pub(crate) fn run(&self, args: &[&str]) -> Out {
        self.run_with(args, None, &[])
    }

    pub(crate) fn ok(&self, args: &[&str]) -> Value {
        let out = self.run(args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        out.json()
    }

    pub(crate) fn fails(&self, args: &[&str], message: &str) {
        let out = self.run(args);
        assert_eq!(out.code, 1, "{args:?} should fail: {}", out.stdout);
        assert!(
            out.stderr.contains(message),
            "{args:?}: expected '{message}' in: {}",
            out.stderr
        );
    }
}
