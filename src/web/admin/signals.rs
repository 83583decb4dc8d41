//! `/admin/shared-signals`: the Shared Signals receivers' streams as an operator watches them, read-only — the
//! receiver client, where it pushes (the host only: the path may carry the receiver's secrets), the stream's
//! status, its outbox (waiting, given up, the last error) and when a SET last went out. The same facts as
//! `gatehouse ssf streams`; streams belong to their receivers, who manage them at `/ssf/…`. Administrators only
//! (`Permission::ManageClients`: a receiver is a client).
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::json;

use super::{Need, context, gate, label, render, rfc3339};
use crate::core::delegation::Permission;
use crate::http::AppState;
use crate::http::error::WebError;

/// The host (and port) a stream pushes to.
fn endpoint_host(endpoint_url: &str) -> String {
    match url::Url::parse(endpoint_url) {
        Ok(url) => match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_string(),
            (None, _) => String::new(),
        },
        Err(_) => String::new(),
    }
}

pub async fn list(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    let console = match gate(
        &req,
        &state,
        "/admin/shared-signals",
        Need::Look,
        Permission::ManageClients,
    )
    .await?
    {
        Ok(console) => console,
        Err(answer) => return Ok(answer),
    };
    let store = state.store.as_ref();
    let mut rows = Vec::new();
    for stream in store.ssf_streams().await? {
        let backlog = store.ssf_backlog(&stream.id).await?;
        rows.push(json!({
            "id": stream.id, "client_id": stream.client_id, "path": super::clients::client_path(&stream.client_id), "host": endpoint_host(&stream.endpoint_url),
            "status": stream.status.as_str(), "status_text": label("admin-signals-status", stream.status.as_str()),
            "reason": stream.status_reason, "pending": backlog.pending, "failed": backlog.failed,
            "last_error": backlog.last_error, "last_delivery": backlog.last_delivered_at.map(rfc3339),
        }));
    }
    let mut ctx = context(&req, &state, &console, "signals");
    ctx.insert("streams", &rows);
    Ok(render(&req, &state, StatusCode::OK, "admin/signals.html", ctx))
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_the_host_of_an_endpoint_is_shown() {
        assert_eq!(
            super::endpoint_host("https://rp.example/ssf/events?key=secret"),
            "rp.example"
        );
        assert_eq!(super::endpoint_host("http://127.0.0.1:8080/events"), "127.0.0.1:8080");
        assert_eq!(super::endpoint_host("not a url"), "");
    }
}
