//! Prometheus metrics on their own listener: off by default, never on the public port, and a scrape after a
//! sign-in shows the request by route, the sign-in by step and outcome, the group commit and the pools.
use crate::common::*;

async fn scrape(url: &str) -> (u16, String) {
    let response = reqwest::get(url).await.expect("scrape");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

/// The value of the first sample of `metric` whose labels contain every one of `labels` (`name="value"`).
fn sample(text: &str, metric: &str, labels: &[&str]) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter(|l| l.starts_with(&format!("{metric}{{")) || l.starts_with(&format!("{metric} ")))
        .find(|l| labels.iter().all(|want| l.contains(want)))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[tokio::test]
async fn metrics_are_served_on_their_own_listener_after_real_traffic() {
    let db = TestDb::new().await;
    let server = TestServer::start_with(&db.url, None, &[("GATEHOUSE_METRICS_LISTEN", "127.0.0.1:0")]).await;
    let metrics = server.running.metrics_addr.expect("a metrics listener");
    assert_ne!(metrics.port(), server.running.addr.port());
    server.add_user("alice", Some(GOOD_PASSWORD)).await;
    let browser = server.browser();
    assert_eq!(browser.login("alice", GOOD_PASSWORD).await.status, 303);
    let stranger = server.browser();
    assert_eq!(stranger.login("alice", "not-her-password-at-all").await.status, 401);

    let (status, text) = scrape(&format!("http://{metrics}/metrics")).await;
    assert_eq!(status, 200, "{text}");
    assert!(
        sample(
            &text,
            "gatehouse_http_requests_total",
            &["route=\"/login\"", "method=\"POST\"", "status=\"303\""]
        )
        .is_some_and(|n| n >= 1.0),
        "{text}"
    );
    assert!(
        text.contains("gatehouse_http_request_duration_seconds_bucket{"),
        "{text}"
    );
    for outcome in ["success", "failure"] {
        assert!(
            sample(
                &text,
                "gatehouse_sign_ins_total",
                &["step=\"password\"", &format!("outcome=\"{outcome}\"")]
            )
            .is_some_and(|n| n >= 1.0),
            "{outcome}: {text}"
        );
    }
    assert!(
        sample(&text, "gatehouse_audit_events_total", &["kind=\"login.password\""]).is_some(),
        "{text}"
    );
    assert!(
        sample(&text, "gatehouse_group_commit_batch_size_count", &[]).is_some_and(|n| n >= 1.0),
        "{text}"
    );
    assert!(
        sample(&text, "gatehouse_db_connections", &["state=\"idle\""]).is_some(),
        "{text}"
    );
    assert!(
        sample(&text, "gatehouse_password_hash_slots", &["state=\"capacity\""]).is_some_and(|n| n >= 1.0),
        "{text}"
    );
    // Every metric line is `name{labels} value` or `name value`: the format Prometheus reads.
    for line in text.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let value = line.rsplit(' ').next().unwrap_or_default();
        assert!(value.parse::<f64>().is_ok(), "{line}");
        assert!(line.starts_with("gatehouse_"), "only our own names: {line}");
    }

    // Nothing else on that listener, and no metrics on the public port.
    assert_eq!(scrape(&format!("http://{metrics}/")).await.0, 404);
    assert_eq!(browser.get("/metrics").await.status, 404);
}

#[tokio::test]
async fn metrics_are_off_by_default_and_never_on_the_public_listener() {
    let server = TestServer::start().await;
    assert!(server.running.metrics_addr.is_none());
    let env = [
        ("GATEHOUSE_LISTEN".to_string(), "127.0.0.1:9555".to_string()),
        ("GATEHOUSE_METRICS_LISTEN".to_string(), "127.0.0.1:9555".to_string()),
    ];
    let err = gatehouse::config::Config::load_from(None, &env).unwrap_err();
    assert!(err.to_string().contains("metrics_listen"), "{err}");
    let env = [("GATEHOUSE_METRICS_LISTEN".to_string(), "everywhere".to_string())];
    let err = gatehouse::config::Config::load_from(None, &env).unwrap_err();
    assert!(err.to_string().contains("metrics_listen"), "{err}");
}
