//! The HTTP/1.1 server: hyper, with the limits axum's `serve` does not offer. A client that
//! sends its request head too slowly (slowloris) or idles on a keep-alive connection is
//! disconnected after `header_read_timeout_ms`; connections beyond `max_connections` are
//! answered 503 and closed instead of piling up until `accept` fails for want of file
//! descriptors; on shutdown, in-flight requests finish.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

use crate::config::ApiConfig;
use crate::parse_errors::JsonParseErrors;

/// How long shutdown waits for in-flight requests beyond the request timeout.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);
/// How long `accept` pauses after failing (out of file descriptors, say) before trying again.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);
/// How long an over-limit connection may take to receive its 503.
const REFUSAL_TIMEOUT: Duration = Duration::from_secs(1);

/// Serves `app` on `listener` until `shutdown` completes, then lets in-flight requests finish.
pub async fn serve(listener: TcpListener, app: Router, limits: &ApiConfig, shutdown: impl Future<Output = ()>) {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(Duration::from_millis(limits.header_read_timeout_ms))
        // hyper's own limit on the number of headers answers 431 without a body; it is set so
        // that any head within `max_header_bytes` fits, and `limits::limit_head` answers the rest.
        .max_headers((limits.max_header_bytes / 4).max(100));
    let connections = Arc::new(Semaphore::new(limits.max_connections));
    let refusal = refusal(limits.retry_after_s);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(err) => {
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(permit) = connections.clone().try_acquire_owned() else {
            tracing::debug!("connection limit reached: answering 503");
            tokio::spawn(refuse(stream, refusal.clone()));
            continue;
        };
        let _ = stream.set_nodelay(true);
        let connection =
            http.serve_connection(TokioIo::new(JsonParseErrors::new(stream)), TowerToHyperService::new(app.clone()));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(error = %err, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    let grace = Duration::from_millis(limits.request_timeout_ms) + SHUTDOWN_GRACE;
    if tokio::time::timeout(grace, graceful.shutdown()).await.is_err() {
        tracing::warn!("connections still open after the shutdown grace period; closing them");
    }
}

/// The whole answer to a connection over the limit.
fn refusal(retry_after_s: u64) -> Arc<[u8]> {
    let body = r#"{"status":"Service Unavailable","error":"too many connections; retry later"}"#;
    let retry_after = retry_after_s.max(1);
    format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: {retry_after}\r\n\
         connection: close\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
    .into()
}

async fn refuse(mut stream: TcpStream, refusal: Arc<[u8]>) {
    let answer = async {
        stream.write_all(&refusal).await?;
        stream.shutdown().await?;
        // Reading what the client sent until it closes, so that the close is not a reset that
        // could discard the answer before the client reads it.
        let mut sink = [0u8; 1024];
        while stream.read(&mut sink).await? > 0 {}
        Ok::<(), std::io::Error>(())
    };
    let _ = tokio::time::timeout(REFUSAL_TIMEOUT, answer).await;
}
