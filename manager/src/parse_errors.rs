//! hyper answers a request it cannot parse (a malformed request line, a byte a URI may not hold,
//! a head larger than its read buffer) by itself, with an empty body, before any service sees
//! it. [`JsonParseErrors`] wraps a connection so that those answers carry the JSON body (with a
//! request id) that every other error answer has. It recognises them safely: a 4xx head with
//! `content-length: 0` written alone is always hyper's own, since every 4xx the router makes has
//! a JSON body.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

#[derive(Debug)]
pub struct JsonParseErrors<T> {
    inner: T,
    /// The rewritten answer, and how much of it is written.
    pending: Vec<u8>,
    written: usize,
}

impl<T> JsonParseErrors<T> {
    pub fn new(inner: T) -> Self {
        JsonParseErrors { inner, pending: Vec::new(), written: 0 }
    }
}

impl<T: AsyncWrite + Unpin> JsonParseErrors<T> {
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.written < self.pending.len() {
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &self.pending[self.written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.written += n;
        }
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for JsonParseErrors<T> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for JsonParseErrors<T> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        ready!(self.poll_pending(cx))?;
        if let Some(answer) = with_json_body(buf) {
            // The original is taken whole; the rewrite goes out on this and later polls.
            self.pending = answer;
            self.written = 0;
            if let Poll::Ready(Err(err)) = self.poll_pending(cx) {
                return Poll::Ready(Err(err));
            }
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// hyper's bodiless answer to an unparsable request, with a JSON body; `None` for anything else.
fn with_json_body(written: &[u8]) -> Option<Vec<u8>> {
    const EMPTY: &[u8] = b"\r\ncontent-length: 0\r\n";
    let head = std::str::from_utf8(written).ok()?;
    let head = head.strip_suffix("\r\n\r\n")?;
    if head.contains("\r\n\r\n") || !written.windows(EMPTY.len()).any(|window| window == EMPTY) {
        return None;
    }
    let status_line = head.lines().next()?;
    let mut words = status_line.splitn(3, ' ');
    let (_version, code, reason) = (words.next()?, words.next()?, words.next().unwrap_or("Error"));
    if !code.starts_with('4') {
        return None;
    }
    let error = match code {
        "431" => "the request line and headers are too large",
        "414" => "the request URI is too long",
        _ => "the request is not valid HTTP/1.1 (a malformed request line or header, or a byte a URI may not hold)",
    };
    let request_id = uuid::Uuid::new_v4().to_string();
    tracing::debug!(request_id, status = code, "unparsable request");
    let body = serde_json::json!({ "status": reason, "error": error, "request_id": request_id }).to_string();
    let mut rest = head.replacen("\r\ncontent-length: 0", "", 1);
    // hyper closes the connection after an unparsable request: the answer must say so, or the
    // client sends its next request into a closed connection.
    if !rest.to_ascii_lowercase().contains("\r\nconnection: close") {
        rest.push_str("\r\nconnection: close");
    }
    Some(
        format!(
            "{rest}\r\ncontent-type: application/json\r\nx-request-id: {request_id}\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hypers_answer_says_that_it_closes_the_connection() {
        let hyper = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        let answer = String::from_utf8(with_json_body(hyper).unwrap()).unwrap();
        let (head, _) = answer.split_once("\r\n\r\n").unwrap();
        assert_eq!(head.matches("connection: close").count(), 1, "{head}");
    }

    #[test]
    fn hypers_bodiless_4xx_gets_a_json_body() {
        let hyper = b"HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        let answer = String::from_utf8(with_json_body(hyper).unwrap()).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ndate: x\r\n"), "{head}");
        assert!(head.contains(&format!("content-length: {}", body.len())), "{head}");
        let body: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(body["status"], "Bad Request");
        assert!(body["request_id"].as_str().is_some_and(|id| head.contains(id)));
    }

    #[test]
    fn other_answers_pass_unchanged() {
        let ok = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
        assert!(with_json_body(ok).is_none());
        let with_body = b"HTTP/1.1 404 Not Found\r\ncontent-length: 2\r\n\r\n{}";
        assert!(with_json_body(with_body).is_none());
        let head_only = b"HTTP/1.1 404 Not Found\r\ncontent-length: 74\r\n\r\n";
        assert!(with_json_body(head_only).is_none());
        assert!(with_json_body(b"{\"partial\": ").is_none());
    }
}
