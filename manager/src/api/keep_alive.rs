//! Keep-alive honesty. A response sent before the request's body was read to its end (a 415,
//! 413, 431 or 408, a fail-fast or shed 503) leaves the rest of the body on the connection, and
//! hyper closes the connection after such a response without saying so: the client takes the
//! connection for a good one and loses its next request on it. So a small body that is already
//! on its way is read to its end and the connection stays open (as nginx's lingering close
//! does); otherwise the response says `Connection: close`, which hyper honours.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use hyper::body::{Body as HttpBody, Frame, SizeHint};

/// The largest body read after an early answer to keep the connection: a typical API request.
const LINGER_MAX_BYTES: u64 = 64 * 1024;
/// How long that read may take; the answer waits for it. A body sent right after its head
/// arrives well within it; one that is not coming is not waited for.
const LINGER_TIMEOUT: Duration = Duration::from_millis(200);

/// Outermost middleware: see the module's documentation.
pub async fn close_unless_body_read(request: Request, next: Next) -> Response {
    let Some(length) = body_length(&request) else { return next.run(request).await };
    let (parts, body) = request.into_parts();
    let unread = Arc::new(Unread::default());
    let tracked = Tracked { body: Some(body), unread: unread.clone() };
    let mut response = next.run(Request::from_parts(parts, Body::new(tracked))).await;
    if unread.ended.load(Ordering::Acquire) {
        return response;
    }
    let left = unread.body.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
    let lingered = match left {
        Some(body) if length.is_some_and(|length| length <= LINGER_MAX_BYTES) => read_to_end(body).await,
        _ => false,
    };
    if !lingered {
        response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// `None` when the request has no body; else its declared length (`None` inside when chunked).
fn body_length(request: &Request) -> Option<Option<u64>> {
    let headers = request.headers();
    if headers.contains_key(header::TRANSFER_ENCODING) {
        return Some(None);
    }
    let length = headers.get(header::CONTENT_LENGTH)?.to_str().ok()?.trim().parse::<u64>().ok()?;
    (length > 0).then_some(Some(length))
}

/// Reads what is left of a small body within [`LINGER_TIMEOUT`]; whether it reached the end.
async fn read_to_end(mut body: Body) -> bool {
    let read = async {
        let mut total = 0u64;
        while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
            let frame = frame.ok()?;
            total += frame.data_ref().map_or(0, |data| data.len() as u64);
            if total > LINGER_MAX_BYTES {
                return None;
            }
        }
        Some(())
    };
    matches!(tokio::time::timeout(LINGER_TIMEOUT, read).await, Ok(Some(())))
}

/// What the handlers left of the request's body.
#[derive(Default)]
struct Unread {
    /// The body was read to its end.
    ended: AtomicBool,
    /// The body, given back when the handlers dropped it before its end.
    body: Mutex<Option<Body>>,
}

/// The request's body as the handlers see it; it gives the body back when dropped unfinished.
struct Tracked {
    body: Option<Body>,
    unread: Arc<Unread>,
}

impl HttpBody for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let Some(body) = self.body.as_mut() else { return Poll::Ready(None) };
        let polled = Pin::new(body).poll_frame(cx);
        if let Poll::Ready(None) = polled {
            self.unread.ended.store(true, Ordering::Release);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.body.as_ref().is_none_or(HttpBody::is_end_stream)
    }

    fn size_hint(&self) -> SizeHint {
        self.body.as_ref().map_or_else(|| SizeHint::with_exact(0), HttpBody::size_hint)
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        let Some(body) = self.body.take() else { return };
        if body.is_end_stream() {
            self.unread.ended.store(true, Ordering::Release);
        } else {
            *self.unread.body.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(body);
        }
    }
}

impl std::fmt::Debug for Tracked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tracked").field("ended", &self.unread.ended.load(Ordering::Relaxed)).finish()
    }
}

impl std::fmt::Debug for Unread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Unread").field("ended", &self.ended.load(Ordering::Relaxed)).finish()
    }
}
