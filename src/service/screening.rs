//! The `gatepost.v1.Screening` handlers: admission, caller scope, proto ⇄
//! domain conversion and the status codes. Screening itself is
//! [`crate::screen`], exactly as `gatepost check` calls it, so the answers
//! are the same. Every call is timed into the metrics with its final code.

use std::sync::Arc;
use std::time::Instant;

use tokio_stream::wrappers::ReceiverStream;
use tonic::{Code, Request, Response, Status, Streaming};
use tonic_types::{ErrorDetails, StatusExt};

use super::State;
use super::auth::Caller;
use super::limits;
use super::metrics::Rpc;
use crate::convert::{self, FieldError};
use crate::proto::v1 as pb;
use crate::rules::catalogue::RULES;
use crate::screen::{ScreenError, screen};

/// How long a Rescan stream may stay open without its first message.
const FIRST_MESSAGE: std::time::Duration = std::time::Duration::from_secs(30);

/// The service implementation.
#[derive(Debug)]
pub(super) struct Screening {
    state: Arc<State>,
}

impl Screening {
    pub(super) fn new(state: Arc<State>) -> Screening {
        Screening { state }
    }

    fn finish<T>(&self, rpc: Rpc, started: Instant, result: &Result<T, Status>) {
        let code = result.as_ref().map_or_else(Status::code, |_| Code::Ok);
        self.state.metrics.request(rpc, code, started.elapsed());
    }

    async fn screen_post_inner(
        &self,
        request: Request<pb::ScreenPostRequest>,
    ) -> Result<Response<pb::ScreenPostResponse>, Status> {
        let started = Instant::now();
        let _permit = limits::admit(&self.state.permits)?;
        let deadline = limits::deadline(request.metadata());
        let caller = Caller::of(&request)?;
        let wire = request.into_inner();
        if !wire.school_id.trim().is_empty() {
            caller.check_school(wire.school_id.trim())?;
        }
        let request = convert::request(wire).map_err(invalid_argument)?;
        let snapshot = Arc::clone(&self.state.policy().snapshot);
        let options = self.state.options();
        let (request, report) = if limits::is_heavy(&request) {
            limits::check(deadline)?;
            limits::on_pool(move || {
                let report = screen(&snapshot, &request, options);
                (request, report)
            })
            .await?
        } else {
            let report = screen(&snapshot, &request, options);
            (request, report)
        };
        let report = report.map_err(not_found)?;
        self.state
            .metrics
            .verdict(report.verdict, report.findings.iter().map(|f| f.rule_id));
        tracing::debug!(
            caller = caller.name(),
            school = %request.school_id,
            post_id = %request.post.id,
            verdict = report.verdict.as_str(),
            rules = ?report.findings.iter().map(|f| f.rule_id).collect::<Vec<_>>(),
            micros = started.elapsed().as_micros() as u64,
            "screened"
        );
        Ok(Response::new(convert::response(&report, &request.post.id)))
    }

    async fn rescan_inner(
        &self,
        request: Request<Streaming<pb::RescanRequest>>,
        started: Instant,
    ) -> Result<Response<ReceiverStream<Result<pb::RescanResponse, Status>>>, Status> {
        let permit = limits::admit(&self.state.permits)?;
        let deadline = limits::deadline(request.metadata());
        let caller = Caller::of(&request)?;
        let mut stream = request.into_inner();
        let first = tokio::time::timeout(FIRST_MESSAGE, stream.message())
            .await
            .map_err(|_| {
                Status::deadline_exceeded("no RescanStart within 30 s of opening the stream")
            })?
            .map_err(limits::too_large)?;
        let start = match first {
            Some(pb::RescanRequest {
                kind: Some(pb::rescan_request::Kind::Start(start)),
            }) => start,
            _ => {
                return Err(invalid_argument(FieldError {
                    field: "start".into(),
                    why: "the first message must be a RescanStart".into(),
                }));
            }
        };
        let school_id = start.school_id.trim().to_string();
        if school_id.is_empty() {
            return Err(invalid_argument(FieldError {
                field: "start.school_id".into(),
                why: "required".into(),
            }));
        }
        caller.check_school(&school_id)?;
        let account = convert::account(start.account, "start.account").map_err(invalid_argument)?;
        let snapshot = Arc::clone(&self.state.policy().snapshot);
        let scan = crate::rescan::Scan::new(
            snapshot,
            &school_id,
            account,
            self.state.options(),
            start.only_failing,
        )
        .map_err(not_found)?;
        tracing::info!(caller = caller.name(), school = %school_id, "rescan started");
        let rx = super::rescan::spawn(
            Arc::clone(&self.state),
            stream,
            scan,
            deadline,
            permit,
            started,
        );
        Ok(Response::new(ReceiverStream::new(rx)))
    }

    async fn list_rules_inner(
        &self,
        request: Request<pb::ListRulesRequest>,
    ) -> Result<Response<pb::ListRulesResponse>, Status> {
        let _permit = limits::admit(&self.state.permits)?;
        let caller = Caller::of(&request)?;
        let school_id = request.into_inner().school_id;
        let school_id = school_id.trim();
        let snapshot = Arc::clone(&self.state.policy().snapshot);
        if !school_id.is_empty() {
            caller.check_school(school_id)?;
            if snapshot.school(school_id).is_none() {
                return Err(not_found(ScreenError::UnknownSchool(school_id.into())));
            }
        }
        Ok(Response::new(pb::ListRulesResponse {
            rules: RULES.iter().map(convert::rule).collect(),
            policy_version: snapshot.version.clone(),
        }))
    }

    async fn reload_inner(
        &self,
        request: Request<pb::ReloadPolicyRequest>,
    ) -> Result<Response<pb::ReloadPolicyResponse>, Status> {
        let caller = Caller::of(&request)?;
        caller.check_admin()?;
        tracing::info!(caller = caller.name(), "reload requested");
        let response = match self.state.reload("ReloadPolicy").await {
            Ok(version) => pb::ReloadPolicyResponse {
                reloaded: true,
                policy_version: version,
                errors: Vec::new(),
            },
            Err(refused) => pb::ReloadPolicyResponse {
                reloaded: false,
                policy_version: self.state.policy().snapshot.version.clone(),
                errors: refused.0,
            },
        };
        Ok(Response::new(response))
    }
}

/// INVALID_ARGUMENT naming the field, as text (`field: why`) and as a
/// `BadRequest` field violation in the rich error details.
pub(super) fn invalid_argument(e: FieldError) -> Status {
    Status::with_error_details(
        Code::InvalidArgument,
        e.to_string(),
        ErrorDetails::with_bad_request_violation(e.field, e.why),
    )
}

/// NOT_FOUND for a school that is not in the pack.
pub(super) fn not_found(e: ScreenError) -> Status {
    match e {
        ScreenError::UnknownSchool(id) => {
            Status::not_found(format!("school_id: no school {id:?} in the policy pack"))
        }
    }
}

#[tonic::async_trait]
impl pb::screening_server::Screening for Screening {
    async fn screen_post(
        &self,
        request: Request<pb::ScreenPostRequest>,
    ) -> Result<Response<pb::ScreenPostResponse>, Status> {
        let started = Instant::now();
        let result = self.screen_post_inner(request).await;
        self.finish(Rpc::ScreenPost, started, &result);
        result
    }

    type RescanStream = ReceiverStream<Result<pb::RescanResponse, Status>>;

    async fn rescan(
        &self,
        request: Request<Streaming<pb::RescanRequest>>,
    ) -> Result<Response<Self::RescanStream>, Status> {
        let started = Instant::now();
        let result = self.rescan_inner(request, started).await;
        // A stream that started is timed when it ends, by the pipeline.
        if result.is_err() {
            self.finish(Rpc::Rescan, started, &result);
        }
        result
    }

    async fn list_rules(
        &self,
        request: Request<pb::ListRulesRequest>,
    ) -> Result<Response<pb::ListRulesResponse>, Status> {
        let started = Instant::now();
        let result = self.list_rules_inner(request).await;
        self.finish(Rpc::ListRules, started, &result);
        result
    }

    async fn strip_metadata(
        &self,
        request: Request<pb::StripMetadataRequest>,
    ) -> Result<Response<pb::StripMetadataResponse>, Status> {
        let started = Instant::now();
        let result = async {
            let _permit = limits::admit(&self.state.permits)?;
            let deadline = limits::deadline(request.metadata());
            Caller::of(&request)?;
            let wire = request.into_inner();
            let bad = |why: String| {
                Status::with_error_details(
                    Code::InvalidArgument,
                    format!("content: {why}"),
                    ErrorDetails::with_bad_request_violation("content", why),
                )
            };
            if wire.content.is_empty() {
                return Err(bad("no image bytes".into()));
            }
            limits::check(deadline)?;
            // Decoding to verify the result is CPU work: off the runtime.
            let stripped = limits::on_pool(move || crate::image::strip(&wire.content)).await?;
            match stripped {
                Ok(s) => Ok(Response::new(pb::StripMetadataResponse {
                    content: s.bytes,
                    media_type: s.format.media_type().to_string(),
                    removed: s.removed,
                })),
                Err(e @ crate::image::StripError::Verify(_)) => {
                    Err(Status::internal(e.to_string()))
                }
                Err(e) => Err(bad(e.to_string())),
            }
        }
        .await;
        self.finish(Rpc::StripMetadata, started, &result);
        result
    }

    async fn reload_policy(
        &self,
        request: Request<pb::ReloadPolicyRequest>,
    ) -> Result<Response<pb::ReloadPolicyResponse>, Status> {
        let started = Instant::now();
        let result = self.reload_inner(request).await;
        self.finish(Rpc::ReloadPolicy, started, &result);
        result
    }
}
