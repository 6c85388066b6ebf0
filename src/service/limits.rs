//! Limits and the worker pool. Admission is a semaphore taken with
//! `try_acquire`, so overload is shed at once with RESOURCE_EXHAUSTED
//! instead of queueing without bound. Work that grows with the request
//! (big posts, attachments, Rescan batches) runs on the fixed-size rayon
//! pool and comes back over a oneshot, so the async workers stay free for
//! health checks and small calls. Deadlines (`grpc-timeout`) are checked
//! before pooled work starts: once running it cannot be cancelled.
//! A request over `--max-request-bytes` is refused with RESOURCE_EXHAUSTED,
//! as gRPC's own implementations do, rather than tonic's OUT_OF_RANGE.

use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tonic::codegen::{BoxFuture, Service, http};
use tonic::metadata::MetadataMap;
use tonic::server::NamedService;
use tonic::{Code, Status};

use crate::post::Request;

/// Posts with more text than this (bytes, all fields) or any attachment
/// are screened on the pool rather than inline.
const INLINE_BYTES: usize = 64 << 10;

/// A slot for one call, or RESOURCE_EXHAUSTED.
pub(super) fn admit(permits: &Arc<Semaphore>) -> Result<OwnedSemaphorePermit, Status> {
    Arc::clone(permits).try_acquire_owned().map_err(|_| {
        Status::resource_exhausted("server is at its concurrency limit; retry with backoff")
    })
}

/// When the call must be answered by, from its `grpc-timeout` header
/// (measured from when the handler starts).
pub(super) fn deadline(metadata: &MetadataMap) -> Option<Instant> {
    let v = metadata.get("grpc-timeout")?.to_str().ok()?;
    if v.len() < 2 || v.len() > 9 {
        return None;
    }
    let (digits, unit) = v.split_at(v.len() - 1);
    let n: u64 = digits.parse().ok()?;
    let d = match unit {
        "H" => Duration::from_secs(n.saturating_mul(3600)),
        "M" => Duration::from_secs(n.saturating_mul(60)),
        "S" => Duration::from_secs(n),
        "m" => Duration::from_millis(n),
        "u" => Duration::from_micros(n),
        "n" => Duration::from_nanos(n),
        _ => return None,
    };
    Instant::now().checked_add(d)
}

/// DEADLINE_EXCEEDED if `deadline` has passed.
pub(super) fn check(deadline: Option<Instant>) -> Result<(), Status> {
    match deadline {
        Some(d) if Instant::now() >= d => Err(Status::deadline_exceeded(
            "deadline exceeded before the work started",
        )),
        _ => Ok(()),
    }
}

/// Whether a request is big enough to screen on the pool.
pub(super) fn is_heavy(request: &Request) -> bool {
    let p = &request.post;
    !p.attachments.is_empty()
        || p.text.len()
            + p.links.iter().map(String::len).sum::<usize>()
            + p.attachments
                .iter()
                .map(|a| a.alt_text.len())
                .sum::<usize>()
            > INLINE_BYTES
}

/// Runs `work` on the rayon pool and waits for it without blocking the
/// async worker.
pub(super) async fn on_pool<R: Send + 'static>(
    work: impl FnOnce() -> R + Send + 'static,
) -> Result<R, Status> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    rayon::spawn(move || {
        let _ = tx.send(work());
    });
    rx.await
        .map_err(|_| Status::internal("screening worker failed"))
}

/// RESOURCE_EXHAUSTED for a message tonic refused as longer than the
/// server's limit; any other status unchanged.
pub(super) fn too_large(status: Status) -> Status {
    if status.code() == Code::OutOfRange
        && status
            .message()
            .contains("decoded message length too large")
    {
        Status::resource_exhausted(format!(
            "{} (set by gatepost serve --max-request-bytes)",
            status.message()
        ))
    } else {
        status
    }
}

/// A gRPC service whose calls refused before the handler ran (tonic
/// decodes a unary request first) answer as [`too_large`] says. Streamed
/// requests are mapped by their handlers.
#[derive(Debug, Clone)]
pub(super) struct TooLarge<S>(pub S);

impl<S: NamedService> NamedService for TooLarge<S> {
    const NAME: &'static str = S::NAME;
}

impl<S, B, R> Service<http::Request<B>> for TooLarge<S>
where
    S: Service<http::Request<B>, Response = http::Response<R>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<S::Response, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let call = self.0.call(request);
        Box::pin(async move {
            let mut response = call.await?;
            let Some(status) = response.extensions_mut().remove::<Status>() else {
                return Ok(response);
            };
            let status = too_large(status);
            if status.code() == Code::ResourceExhausted {
                let headers = response.headers_mut();
                headers.remove("grpc-status");
                headers.remove("grpc-message");
                headers.remove("grpc-status-details-bin");
                let _ = status.add_header(headers);
            }
            response.extensions_mut().insert(status);
            Ok(response)
        })
    }
}
