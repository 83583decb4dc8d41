//! A deadline for reading a request body. actix-web bounds the time to receive a request's head
//! (`client_request_timeout`) but not its body: a client that declares `Content-Length: 100` and then sends
//! a byte a minute holds a connection and a handler for as long as it likes. Here every request body must
//! have arrived within `request_read_timeout_secs` of its head; when it has not, whatever the handler made of
//! the failed read is replaced by `408 Request Timeout`, and the connection is closed (its remaining bytes
//! will never be read).
use actix_web::HttpMessage;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::{ConnectionType, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes};
use futures_util::Stream;
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use super::pages;
use crate::http::AppState;

const MESSAGE: &str = "The request arrived too slowly and was not processed. Please try again.";

/// The middleware: wraps the body (when there is one) in a [`Deadline`] and answers `408` when it expired.
pub async fn read_deadline(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let limit = req
        .app_data::<web::Data<AppState>>()
        .map(|state| Duration::from_secs(state.config.request_read_timeout_secs));
    let payload = req.take_payload();
    let expired = Rc::new(Cell::new(false));
    match (limit, payload) {
        // No body, nothing to wait for.
        (_, Payload::None) => req.set_payload(Payload::None),
        (Some(limit), payload) => {
            let wrapped: Pin<Box<dyn Stream<Item = Result<Bytes, PayloadError>>>> = Box::pin(Deadline {
                inner: payload,
                timer: Some(Box::pin(tokio::time::sleep(limit))),
                expired: expired.clone(),
            });
            req.set_payload(Payload::from(wrapped));
        }
        (None, payload) => req.set_payload(payload),
    }
    let res = next.call(req).await?;
    if !expired.get() {
        return Ok(res.map_into_left_body());
    }
    let (req, _) = res.into_parts();
    let mut response = pages::error_page(StatusCode::REQUEST_TIMEOUT, MESSAGE);
    response.head_mut().set_connection_type(ConnectionType::Close);
    Ok(ServiceResponse::new(req, response).map_into_right_body())
}

/// A request body that fails with `TimedOut` once its deadline passes before its end.
struct Deadline {
    inner: Payload,
    /// Dropped once the body has ended: a fully read body never expires.
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
    expired: Rc<Cell<bool>>,
}

impl Stream for Deadline {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.expired.get() {
            return Poll::Ready(None);
        }
        match Pin::new(&mut this.inner).poll_next(cx) {
            Poll::Ready(None) => {
                this.timer = None;
                Poll::Ready(None)
            }
            Poll::Ready(Some(item)) => {
                if this.timer.as_mut().is_some_and(|t| t.as_mut().poll(cx).is_ready()) {
                    return Poll::Ready(Some(Err(this.expire())));
                }
                Poll::Ready(Some(item))
            }
            Poll::Pending => {
                if this.timer.as_mut().is_some_and(|t| t.as_mut().poll(cx).is_ready()) {
                    return Poll::Ready(Some(Err(this.expire())));
                }
                Poll::Pending
            }
        }
    }
}

impl Deadline {
    fn expire(&mut self) -> PayloadError {
        self.expired.set(true);
        self.timer = None;
        PayloadError::Io(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            "the request body did not arrive in time",
        ))
    }
}
