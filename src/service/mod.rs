//! The gRPC service: `gatepost.v1.Screening` over tonic, with standard
//! health checking and server reflection. [`serve`] takes a listener that
//! is already bound and a shutdown future, so the binary passes
//! [`crate::shutdown::signal`] and tests pass a oneshot.
//!
//! The handlers are adapters: they check the caller and the limits, convert
//! with [`crate::convert`], and call the same [`crate::screen`] as the CLI.
//! The pack lives in [`State`] as an immutable snapshot that a reload swaps
//! whole; each request takes one `Arc` of it when it starts.

mod auth;
mod limits;
pub mod metrics;
mod reload;
mod rescan;
mod screening;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use arc_swap::ArcSwap;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Identity, Server, ServerTlsConfig};
use tonic_health::ServingStatus;

pub use auth::{TOKENS_FILE, Tokens, hash_hex};
pub use reload::{Policy, Refused};

use crate::Date;
use crate::proto::v1::screening_server::ScreeningServer;
use crate::screen::Options;

/// The most posts one Rescan stream holds between reading them and
/// handing their results to the transport (plus a fixed buffer of
/// answered results): the stream's memory bound.
pub const RESCAN_MAX_HELD: usize = (rescan::IN_FLIGHT + 2) * rescan::BATCH;

/// The fully qualified name health checks and reflection report.
pub const SERVICE_NAME: &str = "gatepost.v1.Screening";

/// Everything `serve` needs besides the listener; read and checked before
/// the runtime starts.
#[derive(Debug, Clone)]
pub struct Config {
    /// The policy pack directory (and its optional `tokens.toml`).
    pub policy_dir: PathBuf,
    /// Judge consent expiry as of this date instead of today.
    pub as_of: Option<Date>,
    /// Largest request message accepted, in bytes.
    pub max_request_bytes: usize,
    /// Most RPCs served at once; more are shed with RESOURCE_EXHAUSTED.
    pub max_concurrent: usize,
    /// How long shutdown waits for calls in flight before closing them.
    pub grace: Duration,
    /// Poll the pack directory for changes this often; `None` to not watch.
    pub watch: Option<Duration>,
    /// PEM certificate chain and private key, to serve over TLS.
    pub tls: Option<(Vec<u8>, Vec<u8>)>,
}

impl Config {
    /// Defaults for a pack directory: 32 MiB requests, 1024 concurrent
    /// calls, 10 s grace, no watching, no TLS.
    pub fn new(policy_dir: impl Into<PathBuf>) -> Config {
        Config {
            policy_dir: policy_dir.into(),
            as_of: None,
            max_request_bytes: 32 << 20,
            max_concurrent: 1024,
            grace: Duration::from_secs(10),
            watch: None,
            tls: None,
        }
    }
}

/// The running service's state: the current policy, limits and metrics.
#[derive(Debug)]
pub struct State {
    config: Config,
    policy: ArcSwap<Policy>,
    reload_lock: tokio::sync::Mutex<()>,
    permits: Arc<Semaphore>,
    require_tokens: AtomicBool,
    /// Counters and histograms for `/metrics`.
    pub metrics: metrics::Metrics,
}

impl State {
    /// Loads and compiles the pack (and its tokens). Blocking: call it
    /// before the runtime starts, or from a blocking thread.
    ///
    /// # Errors
    ///
    /// Every problem in the pack or its `tokens.toml`, one per line.
    pub fn load(config: Config) -> Result<State, Refused> {
        let policy = reload::load(&config.policy_dir)?;
        Ok(State {
            permits: Arc::new(Semaphore::new(config.max_concurrent.max(1))),
            config,
            policy: ArcSwap::from_pointee(policy),
            reload_lock: tokio::sync::Mutex::new(()),
            require_tokens: AtomicBool::new(false),
            metrics: metrics::Metrics::default(),
        })
    }

    /// The policy in force now.
    pub fn policy(&self) -> Arc<Policy> {
        self.policy.load_full()
    }

    /// The configuration the state was loaded with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    fn options(&self) -> Options {
        Options {
            today: self.config.as_of.unwrap_or_else(Date::today),
        }
    }

    /// Whether serving on `addr` is allowed with the tokens configured:
    /// without tokens, only loopback addresses are.
    ///
    /// # Errors
    ///
    /// [`ServeError::NeedTokens`] for a non-loopback address with no tokens.
    pub fn check_exposure(&self, addr: SocketAddr) -> Result<(), ServeError> {
        if self.policy().tokens.is_empty() && !addr.ip().is_loopback() {
            return Err(ServeError::NeedTokens(addr));
        }
        Ok(())
    }
}

/// Why the service could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// No tokens are configured and the address is not loopback.
    #[error(
        "refusing to listen on {0} without tokens: add {TOKENS_FILE} to the pack, or listen on a loopback address"
    )]
    NeedTokens(SocketAddr),
    /// The listener or the transport failed.
    #[error(transparent)]
    Transport(#[from] tonic::transport::Error),
    /// The listener's address could not be read.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The reflection service could not be built.
    #[error("reflection: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
}

/// Serves `gatepost.v1.Screening`, health and reflection on `listener`
/// until `shutdown` completes, then reports NOT_SERVING, stops accepting,
/// and waits up to the configured grace period for calls in flight.
///
/// # Errors
///
/// A listener off loopback with no tokens configured, a bad TLS identity,
/// or a transport failure.
pub async fn serve(
    listener: TcpListener,
    state: Arc<State>,
    shutdown: impl Future<Output = ()>,
) -> Result<(), ServeError> {
    let addr = listener.local_addr()?;
    state.check_exposure(addr)?;
    state
        .require_tokens
        .store(!addr.ip().is_loopback(), Ordering::Relaxed);
    let policy = state.policy();
    if policy.tokens.is_empty() {
        tracing::warn!(
            %addr,
            "no {TOKENS_FILE} in the pack: accepting unauthenticated calls (loopback only)"
        );
    }
    tracing::info!(
        %addr,
        policy_version = %policy.snapshot.version,
        tokens = policy.tokens.len(),
        tls = state.config.tls.is_some(),
        "serving {SERVICE_NAME}"
    );

    let (reporter, health) = tonic_health::server::health_reporter();
    reporter
        .set_service_status(SERVICE_NAME, ServingStatus::Serving)
        .await;
    reporter
        .set_service_status("", ServingStatus::Serving)
        .await;
    // Both reflection versions: grpcurl and most current tools speak v1,
    // but Python's grpc_reflection, Postman and older grpcurl ask v1alpha.
    let reflection = || {
        tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(crate::proto::FILE_DESCRIPTOR_SET)
    };
    let reflection_v1alpha = reflection().build_v1alpha()?;
    let reflection = reflection().build_v1()?;
    let limit = state.config.max_request_bytes;
    let screening = ScreeningServer::new(screening::Screening::new(Arc::clone(&state)))
        .max_decoding_message_size(limit)
        .max_encoding_message_size(limit.max(4 << 20));
    let screening = limits::TooLarge(InterceptedService::new(
        screening,
        auth::Interceptor::new(Arc::clone(&state)),
    ));

    let mut builder = Server::builder()
        .http2_keepalive_interval(Some(Duration::from_secs(30)))
        .http2_keepalive_timeout(Some(Duration::from_secs(20)));
    if let Some((cert, key)) = &state.config.tls {
        builder =
            builder.tls_config(ServerTlsConfig::new().identity(Identity::from_pem(cert, key)))?;
    }
    let router = builder
        .add_service(health)
        .add_service(reflection)
        .add_service(reflection_v1alpha)
        .add_service(screening);

    let watcher = state
        .config
        .watch
        .map(|every| tokio::spawn(reload::watch(Arc::clone(&state), every)));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let incoming = TcpIncoming::from(listener)
        .with_nodelay(Some(true))
        .with_keepalive(Some(Duration::from_secs(60)));
    let mut server = tokio::spawn(router.serve_with_incoming_shutdown(incoming, async {
        let _ = stopped.await;
    }));

    let result = tokio::select! {
        r = &mut server => Some(r),
        () = shutdown => None,
    };
    if let Some(w) = watcher {
        w.abort();
    }
    let result = match result {
        Some(r) => r,
        None => {
            tracing::info!(grace_ms = state.config.grace.as_millis() as u64, "draining");
            reporter
                .set_service_status(SERVICE_NAME, ServingStatus::NotServing)
                .await;
            reporter
                .set_service_status("", ServingStatus::NotServing)
                .await;
            let _ = stop.send(());
            match tokio::time::timeout(state.config.grace, &mut server).await {
                Ok(r) => r,
                Err(_) => {
                    tracing::warn!("grace period over: closing the calls still open");
                    server.abort();
                    return Ok(());
                }
            }
        }
    };
    match result {
        Ok(r) => r.map_err(ServeError::from),
        Err(join) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
        Err(_) => Ok(()),
    }
}
