//! OpenTelemetry traces: `gatehouse serve` with `otlp_endpoint` sends its spans over OTLP/HTTP (JSON) to a
//! collector — here a sink that records what it is sent — with the request span (carrying the request id the
//! response showed), the store calls under it, and the service's name and version; and it flushes at SIGTERM.
use crate::cli::common::command;
use crate::common::*;
use std::process::{Command, Stdio};
use std::time::Duration;

#[tokio::test]
async fn serve_sends_request_and_store_spans_to_the_collector() {
    let collector = HttpSink::start(200, "{}").await;
    let data = tempfile::tempdir().unwrap();
    let db = TestDb::new().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = command(data.path(), &db.url)
        .arg("serve")
        .env("GATEHOUSE_LISTEN", format!("127.0.0.1:{port}"))
        .env("GATEHOUSE_PUBLIC_URL", &base)
        .env("GATEHOUSE_OTLP_ENDPOINT", &collector.url)
        .env("GATEHOUSE_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let mut request_id = None;
    for _ in 0..100 {
        if let Ok(response) = client.get(format!("{base}/login")).send().await {
            assert_eq!(response.status(), 200);
            request_id = response
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let request_id = request_id.expect("the server answered with a request id");
    // A sign-in attempt through the form: password check, throttling and audit in the store.
    let browser = Browser::new(&base);
    assert_eq!(browser.login("nobody", "wrong-password-here").await.status, 401);

    // SIGTERM: the batch still buffered is sent before the process ends.
    let pid = child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    for _ in 0..150 {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(child.try_wait().unwrap().is_some_and(|s| s.success()));

    let sent = collector.received(1).await;
    assert!(
        sent.iter().all(|r| r.method == "POST" && r.path == "/v1/traces"),
        "{sent:?}"
    );
    assert!(
        sent.iter()
            .all(|r| r.header("content-type") == Some("application/json")),
        "OTLP/HTTP with JSON bodies"
    );
    let all: String = sent.iter().map(|r| r.body.as_str()).collect();
    let spans: Vec<serde_json::Value> = sent
        .iter()
        .filter_map(|r| serde_json::from_str::<serde_json::Value>(&r.body).ok())
        .flat_map(|v| {
            v["resourceSpans"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .flat_map(|rs| rs["scopeSpans"].as_array().cloned().unwrap_or_default())
                .flat_map(|ss| ss["spans"].as_array().cloned().unwrap_or_default())
        })
        .collect();
    assert!(!spans.is_empty(), "{all}");
    assert!(all.contains("\"gatehouse\""), "the service is named: {all}");
    let attribute = |span: &serde_json::Value, key: &str| {
        span["attributes"]
            .as_array()
            .and_then(|a| a.iter().find(|kv| kv["key"] == key))
            .and_then(|kv| kv["value"]["stringValue"].as_str().map(str::to_string))
    };
    let request = spans
        .iter()
        .find(|s| attribute(s, "request_id").as_deref() == Some(request_id.as_str()))
        .unwrap_or_else(|| panic!("a request span with request_id {request_id}: {all}"));
    assert_eq!(attribute(request, "http.route").as_deref(), Some("/login"), "{request}");
    // Store calls are spans inside a request's trace.
    let store: Vec<&serde_json::Value> = spans.iter().filter(|s| s["name"] == "store").collect();
    assert!(!store.is_empty(), "store spans: {all}");
    let traces: std::collections::HashSet<&str> = spans
        .iter()
        .filter(|s| s["name"] != "store")
        .filter_map(|s| s["traceId"].as_str())
        .collect();
    assert!(
        store
            .iter()
            .any(|s| s["traceId"].as_str().is_some_and(|t| traces.contains(t))),
        "a store span belongs to a request's trace: {all}"
    );
}
