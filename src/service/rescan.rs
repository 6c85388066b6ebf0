//! The `Rescan` pipeline: a reader task takes posts off the request stream
//! in batches (as many as have already arrived, up to [`BATCH`]), screens
//! each batch on the rayon pool, and queues the batch's oneshot in a
//! bounded channel; a writer task awaits the oneshots in order and streams
//! the results. Output is in input order, all cores work, and a slow reader
//! stops the reading of requests: at most `(IN_FLIGHT + 2) * BATCH +
//! RESPONSES` posts are held per stream, whatever its length.
//!
//! Protocol errors (a second `start`, an empty message) end the stream with
//! INVALID_ARGUMENT after the results already screened; a post that cannot
//! be converted is reported with a `screening.incomplete` finding instead.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Instant;

use tokio::sync::{OwnedSemaphorePermit, mpsc, oneshot};
use tokio_stream::Stream;
use tonic::{Code, Status, Streaming};

use super::State;
use super::limits;
use super::metrics::Rpc;
use super::screening::invalid_argument;
use crate::convert::FieldError;
use crate::proto::v1 as pb;
use crate::rescan::{Scan, Tally};

/// Most posts screened as one pool job.
pub(super) const BATCH: usize = 256;
/// Batches queued or running per stream.
pub(super) const IN_FLIGHT: usize = 8;
/// Responses buffered for the client per stream.
pub(super) const RESPONSES: usize = 1024;

type Out = Result<pb::RescanResponse, Status>;

struct Batch {
    posts: u64,
    results: Vec<pb::PostResult>,
    tally: Tally,
}

/// Starts the pipeline for one stream and returns the response receiver.
pub(super) fn spawn(
    state: Arc<State>,
    stream: Streaming<pb::RescanRequest>,
    scan: Scan,
    deadline: Option<Instant>,
    permit: OwnedSemaphorePermit,
    started: Instant,
) -> mpsc::Receiver<Out> {
    let (tx, rx) = mpsc::channel(RESPONSES);
    tokio::spawn(async move {
        let code = run(
            &state,
            stream,
            Arc::new(scan),
            deadline,
            tx,
            permit,
            started,
        )
        .await;
        state.metrics.request(Rpc::Rescan, code, started.elapsed());
        tracing::info!(
            code = ?code,
            millis = started.elapsed().as_millis() as u64,
            "rescan finished"
        );
    });
    rx
}

/// The next message if one has already arrived.
fn ready_now<S: Stream + Unpin>(stream: &mut S) -> Poll<Option<S::Item>> {
    let mut cx = Context::from_waker(Waker::noop());
    Pin::new(stream).poll_next(&mut cx)
}

fn post_of(message: pb::RescanRequest) -> Result<pb::Post, Status> {
    match message.kind {
        Some(pb::rescan_request::Kind::Post(p)) => Ok(p),
        Some(pb::rescan_request::Kind::Start(_)) => Err(invalid_argument(FieldError {
            field: "start".into(),
            why: "only the first message may be a RescanStart".into(),
        })),
        None => Err(invalid_argument(FieldError {
            field: "post".into(),
            why: "a message with neither start nor post".into(),
        })),
    }
}

async fn run(
    state: &Arc<State>,
    mut stream: Streaming<pb::RescanRequest>,
    scan: Arc<Scan>,
    deadline: Option<Instant>,
    tx: mpsc::Sender<Out>,
    permit: OwnedSemaphorePermit,
    started: Instant,
) -> Code {
    let (batches, mut queued) = mpsc::channel::<oneshot::Receiver<Batch>>(IN_FLIGHT);
    let writer = {
        let state = Arc::clone(state);
        let tx = tx.clone();
        tokio::spawn(async move {
            let mut tally = Tally::default();
            while let Some(rx) = queued.recv().await {
                let Ok(batch) = rx.await else {
                    return Err(Status::internal("rescan worker failed"));
                };
                state.metrics.verdicts(batch.tally.verdicts);
                for (id, n) in batch.tally.by_rule() {
                    state.metrics.rule(id, n);
                }
                tally.merge(&batch.tally);
                for result in batch.results {
                    let message = pb::RescanResponse {
                        kind: Some(pb::rescan_response::Kind::Result(result)),
                    };
                    if tx.send(Ok(message)).await.is_err() {
                        state.metrics.rescan_in_flight(-(batch.posts as i64));
                        return Err(Status::cancelled("the client went away"));
                    }
                }
                state.metrics.rescan_in_flight(-(batch.posts as i64));
            }
            Ok(tally)
        })
    };

    let mut sequence = 0u64;
    let mut ended = false;
    let read: Result<(), Status> = async {
        while !ended {
            let first = match stream.message().await.map_err(limits::too_large)? {
                Some(m) => post_of(m)?,
                None => break,
            };
            let mut posts = Vec::with_capacity(BATCH);
            posts.push(first);
            while posts.len() < BATCH {
                match ready_now(&mut stream) {
                    Poll::Ready(Some(m)) => posts.push(post_of(m.map_err(limits::too_large)?)?),
                    Poll::Ready(None) => {
                        ended = true;
                        break;
                    }
                    Poll::Pending => break,
                }
            }
            limits::check(deadline)?;
            let first_sequence = sequence;
            sequence += posts.len() as u64;
            state.metrics.rescan_in_flight(posts.len() as i64);
            let (done, rx) = oneshot::channel();
            let scan = Arc::clone(&scan);
            rayon::spawn(move || {
                let mut tally = Tally::default();
                let n = posts.len() as u64;
                let results = posts
                    .into_iter()
                    .zip(first_sequence..)
                    .filter_map(|(p, seq)| scan.post(seq, p, &mut tally).result)
                    .collect();
                let _ = done.send(Batch {
                    posts: n,
                    results,
                    tally,
                });
            });
            if batches.send(rx).await.is_err() {
                return Err(Status::cancelled("the client went away"));
            }
        }
        Ok(())
    }
    .await;
    drop(batches);
    let written = writer
        .await
        .unwrap_or_else(|_| Err(Status::internal("rescan writer failed")));
    // The work is done: free the slot before the last message, so a client
    // that has read the whole stream can count on it.
    drop(permit);
    let status = match (read, written) {
        (_, Err(status)) | (Err(status), Ok(_)) => status,
        (Ok(()), Ok(tally)) => {
            let summary = tally.summary(started.elapsed(), scan.policy_version());
            tracing::info!(
                posts = summary.posts_scanned,
                approved = summary.approved,
                review = summary.review,
                rejected = summary.rejected,
                "rescan summary"
            );
            let message = pb::RescanResponse {
                kind: Some(pb::rescan_response::Kind::Summary(summary)),
            };
            let _ = tx.send(Ok(message)).await;
            return Code::Ok;
        }
    };
    let code = status.code();
    let _ = tx.send(Err(status)).await;
    code
}
