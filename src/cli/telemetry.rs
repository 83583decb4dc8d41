//! Logging and, when `otlp_endpoint` is set, OpenTelemetry traces over OTLP/HTTP (JSON).
//!
//! One `tracing` subscriber feeds both: the log lines (text or JSON) and, as spans, the request spans of
//! tracing-actix-web (whose `request_id` is the `X-Request-Id` each response carries, and which continues a trace
//! an upstream proxy started with `traceparent`), the store's calls (`store`, with the call's name) and outbound
//! calls (`outbound`: SMS gateways, Shared Signals pushes, back-channel logout). The exporter batches on a thread of
//! its own, so an unreachable collector never slows a request; [`Telemetry`]'s drop flushes what is left at exit.
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::config::Config;

/// Keeps the trace exporter alive; dropping it sends the spans still buffered.
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        if let Some(provider) = self.provider.take()
            && let Err(e) = provider.shutdown()
        {
            eprintln!("traces: the last spans could not be sent: {e}");
        }
    }
}

fn exporter(endpoint: &url::Url) -> Result<SdkTracerProvider, String> {
    let url = format!("{}/v1/traces", endpoint.as_str().trim_end_matches('/'));
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpJson)
        .with_endpoint(url)
        .build()
        .map_err(|e| e.to_string())?;
    let resource = opentelemetry_sdk::Resource::builder()
        .with_service_name("gatehouse")
        .with_attribute(opentelemetry::KeyValue::new("service.version", super::VERSION))
        .build();
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource)
        .build())
}

/// Installs the process's subscriber. Commands other than `serve` keep standard output for their results, log
/// only warnings and send no traces.
pub fn init(config: &Config, serving: bool) -> Telemetry {
    let default = if serving { config.log_level.as_str() } else { "warn" };
    let directives = std::env::var("GATEHOUSE_LOG")
        .ok()
        .filter(|d| EnvFilter::try_new(d).is_ok())
        .unwrap_or_else(|| default.to_string());
    // Colours only on a terminal: escape codes in a log file are noise for readers and for log shippers.
    let fmt = tracing_subscriber::fmt::layer()
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    let fmt = if config.log_format == "json" {
        fmt.json().boxed()
    } else {
        fmt.boxed()
    };
    let provider = match (&config.otlp_endpoint, serving) {
        (Some(endpoint), true) => match exporter(endpoint) {
            Ok(provider) => Some(provider),
            Err(e) => {
                eprintln!("traces: cannot export to {endpoint}: {e}; continuing without traces");
                None
            }
        },
        _ => None,
    };
    // Each layer filters for itself: the store's spans are `debug`, so without a collector they are never created
    // (no cost on the request path), and with one they go to the traces but not into the log.
    let traces = provider.as_ref().map(|p| {
        tracing_opentelemetry::layer()
            .with_tracer(p.tracer("gatehouse"))
            .with_filter(EnvFilter::new(format!("{directives},gatehouse::store=debug")))
    });
    let _ = tracing_subscriber::registry()
        .with(fmt.with_filter(EnvFilter::new(&directives)))
        .with(traces)
        .try_init();
    Telemetry { provider }
}
