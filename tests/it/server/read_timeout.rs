//! A request whose head or body arrives slower than `request_read_timeout_secs` gets `408`, and holds
//! nothing afterwards.
use crate::common::*;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Sends `request` on a fresh connection and waits (at most `wait`) for the first bytes of an answer.
async fn answer_to(addr: std::net::SocketAddr, request: &[u8], wait: Duration) -> (String, Duration) {
    let mut socket = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let started = Instant::now();
    socket.write_all(request).await.expect("send");
    let mut buf = vec![0u8; 4096];
    let read = tokio::time::timeout(wait, socket.read(&mut buf)).await;
    let n = match read {
        Ok(Ok(n)) => n,
        Ok(Err(e)) => panic!("reading the answer: {e}"),
        Err(_) => 0,
    };
    (String::from_utf8_lossy(&buf[..n]).into_owned(), started.elapsed())
}

#[tokio::test]
async fn a_request_slower_than_the_read_timeout_gets_408_and_others_are_served() {
    let db = TestDb::new().await;
    let server = TestServer::start_with(&db.url, None, &[("GATEHOUSE_REQUEST_READ_TIMEOUT_SECS", "1")]).await;
    let addr = server.running.addr;

    // A body that stops after 10 of its declared 100 bytes.
    let partial_body = format!(
        "POST /login HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: 100\r\n\r\nusername=a"
    );
    let (answer, took) = answer_to(addr, partial_body.as_bytes(), Duration::from_secs(10)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.to_ascii_lowercase().contains("connection: close"), "{answer}");
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(4),
        "408 after {took:?}"
    );

    // Headers that never end.
    let partial_head = format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nX-Slow: ");
    let (answer, took) = answer_to(addr, partial_head.as_bytes(), Duration::from_secs(10)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(took < Duration::from_secs(4), "408 after {took:?}");

    // A body that arrives in time is not affected, and the server still serves.
    let health = server.browser().get("/healthz").await;
    assert_eq!(health.status, 200);
    let wrong = server.browser().login("nobody", "not the password").await;
    assert_eq!(wrong.status, 401);
}
