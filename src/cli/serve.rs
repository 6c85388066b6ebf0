//! `gatepost serve`: the only place a tokio runtime is built. The pack,
//! its tokens, the TLS files and the exposure rule (no tokens means
//! loopback only) are all checked before the runtime starts, so a bad
//! configuration exits with status 2 and a message instead of a half-up
//! server.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::ValueEnum;

use crate::Date;
use crate::service::{self, Config, State};

/// How logs are written (to stderr).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum LogFormat {
    /// One human-readable line per event.
    Text,
    /// One JSON object per event.
    Json,
}

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// The policy pack directory (and its optional tokens.toml).
    #[arg(long, value_name = "DIR", default_value = "fixtures/pack")]
    policy: PathBuf,
    /// Address for gRPC.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:50051")]
    listen: SocketAddr,
    /// Address for Prometheus metrics (GET /metrics); none if not given.
    #[arg(long, value_name = "ADDR")]
    metrics_listen: Option<SocketAddr>,
    /// Log format. The level comes from GATEPOST_LOG (default "info").
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// PEM certificate chain: serve over TLS (with --tls-key).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Largest request message accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 32 << 20)]
    max_request_bytes: usize,
    /// Most calls served at once; more get RESOURCE_EXHAUSTED.
    #[arg(long, value_name = "N", default_value_t = 1024)]
    max_concurrent: usize,
    /// Judge consent expiry as of this date (YYYY-MM-DD) instead of today.
    #[arg(long, value_name = "DATE")]
    as_of: Option<Date>,
    /// Seconds to let calls in flight finish on SIGTERM or Ctrl-C.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    grace: u64,
    /// Seconds between checks of the pack directory for changes (0: off).
    #[arg(long, value_name = "SECONDS", default_value_t = 2)]
    watch_interval: u64,
}

fn init_logs(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("GATEPOST_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

pub(super) fn run(args: Args) -> anyhow::Result<ExitCode> {
    init_logs(args.log_format);
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some((
            std::fs::read(cert).with_context(|| format!("{}: cannot read", cert.display()))?,
            std::fs::read(key).with_context(|| format!("{}: cannot read", key.display()))?,
        )),
        _ => None,
    };
    let config = Config {
        policy_dir: args.policy.clone(),
        as_of: args.as_of,
        max_request_bytes: args.max_request_bytes,
        max_concurrent: args.max_concurrent,
        grace: Duration::from_secs(args.grace),
        watch: (args.watch_interval > 0).then(|| Duration::from_secs(args.watch_interval)),
        tls,
    };
    let state = State::load(config).map_err(|refused| {
        anyhow::anyhow!(
            "policy pack {} is invalid:\n{refused}",
            args.policy.display()
        )
    })?;
    state.check_exposure(args.listen)?;
    let state = Arc::new(state);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("gatepost-io")
        .build()
        .context("cannot start the runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        if let Some(addr) = args.metrics_listen {
            let metrics = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("cannot listen on {addr} for metrics"))?;
            tracing::info!(%addr, "metrics on /metrics");
            tokio::spawn(service::metrics::serve(
                metrics,
                Arc::clone(&state),
                std::future::pending(),
            ));
        }
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let mut hangup = signal(SignalKind::hangup()).context("cannot watch SIGHUP")?;
            let state = Arc::clone(&state);
            tokio::spawn(async move {
                while hangup.recv().await.is_some() {
                    let _ = state.reload("SIGHUP").await;
                }
            });
        }
        service::serve(listener, state, crate::shutdown::signal()).await?;
        tracing::info!("stopped");
        Ok(ExitCode::SUCCESS)
    })
}
