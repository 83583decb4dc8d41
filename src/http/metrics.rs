//! Prometheus metrics, on a listener of their own (`metrics_listen`; off by default, never the public port).
//!
//! Instrumented code uses the `metrics` facade (`metrics::counter!`, `histogram!`), which does nothing until a
//! recorder is installed: a server without `metrics_listen` pays for no bookkeeping. The first server in a process
//! that serves metrics installs the Prometheus recorder (the facade's recorder is per process, like `tracing`'s
//! subscriber); later ones in the same process (tests) share it. What is recorded where:
//! - `gatehouse_http_requests_total{method,route,status}`, `gatehouse_http_request_duration_seconds{method,route}`:
//!   [`observe`], with the route's pattern (`/users/{id}`), never the raw path, so labels stay few;
//! - `gatehouse_audit_events_total{kind,outcome}`, `gatehouse_sign_ins_total{step,factor,outcome}`,
//!   `gatehouse_lockouts_total{what}`, `gatehouse_factor_resets_total{event,outcome}`: `core::audit::record`;
//! - `gatehouse_sms_total{driver,outcome}`, `gatehouse_mails_total{transport,outcome}`: `notify`;
//! - `gatehouse_group_commit_batch_size`, `gatehouse_group_commit_wait_seconds`,
//!   `gatehouse_sqlite_checkpoint_seconds`, `gatehouse_sqlite_background_checkpoint_seconds`: the store's group
//!   commit (`store::appender`);
//! - `gatehouse_db_connections{state}`, `gatehouse_password_hash_slots{state}`: read at each scrape.
use std::sync::OnceLock;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServerHandle, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{App, HttpResponse, HttpServer, web};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use super::AppState;

/// Request latencies: from a cached token answer to a slow argon2id queue.
const LATENCY_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Rows per group commit.
const BATCH_BUCKETS: [f64; 10] = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0];

static RECORDER: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// The process's Prometheus recorder, installed on first use; `None` if another recorder was installed first.
fn recorder() -> Option<&'static PrometheusHandle> {
    RECORDER
        .get_or_init(|| {
            let built = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &LATENCY_BUCKETS)
                .and_then(|b| b.set_buckets_for_metric(Matcher::Suffix("_batch_size".into()), &BATCH_BUCKETS))
                .and_then(|b| b.install_recorder());
            match built {
                Ok(handle) => Some(handle),
                Err(e) => {
                    tracing::warn!(error = %e, "metrics: cannot install the Prometheus recorder");
                    None
                }
            }
        })
        .as_ref()
}

/// Counts and times every request by method, route pattern and status.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = method_label(req.method());
    let response = next.call(req).await?;
    let route = response
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_string());
    let status = response.status().as_u16().to_string();
    metrics::counter!("gatehouse_http_requests_total", "method" => method, "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("gatehouse_http_request_duration_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    Ok(response)
}

/// Methods by name; anything unusual as "other", so a client cannot invent labels.
fn method_label(method: &actix_web::http::Method) -> &'static str {
    use actix_web::http::Method;
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// `GET /metrics`: the gauges read now, then everything in the Prometheus text format.
async fn scrape(state: web::Data<AppState>) -> HttpResponse {
    let Some(handle) = recorder() else {
        return HttpResponse::ServiceUnavailable().body("metrics recorder unavailable\n");
    };
    if let Some((open, idle)) = state.store.pool_use() {
        metrics::gauge!("gatehouse_db_connections", "state" => "idle").set(idle as f64);
        metrics::gauge!("gatehouse_db_connections", "state" => "in_use").set(open.saturating_sub(idle) as f64);
    }
    let (places, taken) = (
        state.passwords.workers() + state.passwords.queue(),
        state.passwords.in_use(),
    );
    metrics::gauge!("gatehouse_password_hash_slots", "state" => "taken").set(taken as f64);
    metrics::gauge!("gatehouse_password_hash_slots", "state" => "capacity").set(places as f64);
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header(("cache-control", "no-store"))
        .body(handle.render())
}

/// Starts the metrics listener on `listener` (one worker; it only renders text) and installs the recorder.
pub fn serve(
    state: web::Data<AppState>,
    listener: std::net::TcpListener,
    handle_signals: bool,
) -> std::io::Result<ServerHandle> {
    recorder();
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .route("/metrics", web::get().to(scrape))
            .default_service(web::to(HttpResponse::NotFound))
    })
    .workers(1)
    .listen(listener)?;
    if !handle_signals {
        server = server.disable_signals();
    }
    let server = server.run();
    let handle = server.handle();
    tokio::spawn(server);
    Ok(handle)
}
