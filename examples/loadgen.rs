//! Load generator for `gatepost serve`.
//!
//! ```text
//! cargo run --release --example loadgen -- screen --concurrency 64 --seconds 10
//! cargo run --release --example loadgen -- rescan --posts 1000000 --streams 2
//! cargo run --release --example loadgen -- jsonl --posts 1000000 > history.jsonl
//! ```
//!
//! `screen` and `rescan` start a server in this process (on its own
//! runtime, with the demo pack) unless `--connect ADDR` names a running
//! one. Posts are text-only, 280 characters, a mix of clean posts, pupils'
//! names, profanity, insults and phone numbers, so every rule path runs.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use gatepost::proto::v1 as pb;
use gatepost::proto::v1::screening_client::ScreeningClient;
use gatepost::service::{self, Config, State};
use tonic::transport::Channel;

#[derive(Parser)]
struct Args {
    #[command(subcommand)]
    mode: Mode,
}

#[derive(Subcommand)]
enum Mode {
    /// Unary ScreenPost at a fixed concurrency for a fixed time.
    Screen {
        #[command(flatten)]
        target: Target,
        /// Requests in flight at once.
        #[arg(long, default_value_t = 64)]
        concurrency: usize,
        /// HTTP/2 connections the requests are spread over.
        #[arg(long, default_value_t = 4)]
        connections: usize,
        /// How long to run.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// Rescan streams of text-only posts.
    Rescan {
        #[command(flatten)]
        target: Target,
        /// Posts per stream.
        #[arg(long, default_value_t = 1_000_000)]
        posts: usize,
        /// Streams run at once (each on its own connection).
        #[arg(long, default_value_t = 1)]
        streams: usize,
    },
    /// The engine alone, one thread, no transport: µs per post.
    Engine {
        /// Pack.
        #[arg(long, default_value = "fixtures/pack")]
        policy: std::path::PathBuf,
        /// Posts to screen.
        #[arg(long, default_value_t = 200_000)]
        posts: usize,
    },
    /// Writes a JSONL history (one Post per line) to stdout, for `gatepost rescan`.
    Jsonl {
        /// Posts to write.
        #[arg(long, default_value_t = 1_000_000)]
        posts: usize,
    },
}

#[derive(clap::Args)]
struct Target {
    /// A running server; otherwise one is started in-process.
    #[arg(long)]
    connect: Option<SocketAddr>,
    /// Pack for the in-process server.
    #[arg(long, default_value = "fixtures/pack")]
    policy: std::path::PathBuf,
    /// Worker threads for the in-process server's runtime.
    #[arg(long, default_value_t = 2)]
    server_threads: usize,
}

const SEEDS: &[&str] = &[
    "Well done to our Year 6 netball team for a brilliant afternoon at the county finals! Thank you to all the parents who came to cheer. Term dates for next year are now online.",
    "Congratulations to Oliver O'Brien for winning the spelling bee this week, and to everyone who took part in the heats.",
    "What a shit day for sports day, the rain never stopped, but the children were fantastic all afternoon.",
    "Those referees were idiots today but our Year 5 football team kept their heads and won 3-1.",
    "Any questions about the trip please call me on 07700 900123 or email mrs.smith@gmail.com before Friday.",
    "Our harvest festival raised £420 for the local food bank. Thank you to every family who donated tins and packets.",
    "Reminder: school photographs are on Tuesday. Please make sure your child is in full uniform.",
    "Lovely to see Amelia Jones and friends performing in the school choir at the town hall last night.",
];

fn text(i: usize) -> String {
    let mut t = String::with_capacity(300);
    let seed = SEEDS[i % SEEDS.len()];
    t.push_str(seed);
    t.push(' ');
    let filler = "We are proud of every pupil at Oakfield and thank our staff and governors. ";
    while t.len() < 280 {
        t.push_str(filler);
    }
    let mut cut = 280;
    while !t.is_char_boundary(cut) {
        cut -= 1;
    }
    t.truncate(cut);
    t
}

fn post(i: usize, texts: &[String]) -> pb::Post {
    pb::Post {
        id: format!("p{i}"),
        text: texts[i % texts.len()].clone(),
        ..Default::default()
    }
}

fn account() -> pb::Account {
    pb::Account {
        platform: "x".into(),
        handle: "@OakfieldPri".into(),
        kind: pb::AccountKind::Official as i32,
    }
}

/// Starts an in-process server on its own runtime and returns its address.
fn start_server(target: &Target) -> (SocketAddr, Option<tokio::runtime::Runtime>) {
    if let Some(addr) = target.connect {
        return (addr, None);
    }
    let mut config = Config::new(&target.policy);
    config.max_concurrent = 100_000;
    let state = Arc::new(State::load(config).expect("pack"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(target.server_threads)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    runtime.spawn(service::serve(listener, state, std::future::pending()));
    (addr, Some(runtime))
}

async fn connect(addr: SocketAddr) -> ScreeningClient<Channel> {
    let channel = Channel::from_shared(format!("http://{addr}"))
        .unwrap()
        .tcp_nodelay(true)
        .connect()
        .await
        .expect("connect");
    ScreeningClient::new(channel)
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    f64::from(sorted[i]) / 1000.0
}

async fn screen(addr: SocketAddr, concurrency: usize, connections: usize, seconds: u64) {
    let texts: Arc<Vec<String>> = Arc::new((0..SEEDS.len()).map(text).collect());
    let mut clients = Vec::new();
    for _ in 0..connections.max(1) {
        clients.push(connect(addr).await);
    }
    // Warm up.
    let mut c = clients[0].clone();
    for i in 0..200 {
        let request = pb::ScreenPostRequest {
            school_id: "oakfield".into(),
            account: Some(account()),
            post: Some(post(i, &texts)),
        };
        c.screen_post(request).await.expect("warm-up call");
    }
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for t in 0..concurrency {
        let mut client = clients[t % clients.len()].clone();
        let texts = Arc::clone(&texts);
        tasks.push(tokio::spawn(async move {
            let mut micros = Vec::with_capacity(1 << 16);
            let mut errors = 0u64;
            let mut i = t;
            while Instant::now() < until {
                let request = pb::ScreenPostRequest {
                    school_id: "oakfield".into(),
                    account: Some(account()),
                    post: Some(post(i, &texts)),
                };
                let sent = Instant::now();
                match client.screen_post(request).await {
                    Ok(_) => micros.push(sent.elapsed().as_micros() as u32),
                    Err(_) => errors += 1,
                }
                i += concurrency;
            }
            (micros, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (m, e) = t.await.unwrap();
        all.extend(m);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort_unstable();
    println!(
        "ScreenPost: {} ok, {errors} errors in {elapsed:.1} s: {:.0} req/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (concurrency {concurrency}, {connections} connections, 280-char text posts)",
        all.len(),
        all.len() as f64 / elapsed,
        percentile(&all, 0.50),
        percentile(&all, 0.99),
        percentile(&all, 1.0),
    );
}

async fn rescan(addr: SocketAddr, posts: usize, streams: usize) {
    let texts: Arc<Vec<String>> = Arc::new((0..SEEDS.len()).map(text).collect());
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..streams.max(1) {
        let mut client = connect(addr).await;
        let texts = Arc::clone(&texts);
        tasks.push(tokio::spawn(async move {
            let start = pb::RescanRequest {
                kind: Some(pb::rescan_request::Kind::Start(pb::RescanStart {
                    school_id: "oakfield".into(),
                    account: Some(account()),
                    only_failing: false,
                })),
            };
            let body = (0..posts).map(move |i| pb::RescanRequest {
                kind: Some(pb::rescan_request::Kind::Post(post(i, &texts))),
            });
            let outbound = tokio_stream::iter(std::iter::once(start).chain(body));
            let mut inbound = client.rescan(outbound).await.expect("rescan").into_inner();
            let mut results = 0u64;
            let mut summary = None;
            while let Some(m) = inbound.message().await.expect("rescan stream") {
                match m.kind {
                    Some(pb::rescan_response::Kind::Result(_)) => results += 1,
                    Some(pb::rescan_response::Kind::Summary(s)) => summary = Some(s),
                    None => {}
                }
            }
            (results, summary.expect("no summary"))
        }));
    }
    let mut total = 0;
    for t in tasks {
        let (results, s) = t.await.unwrap();
        assert_eq!(results, s.posts_scanned);
        println!(
            "  stream: {} posts, approved {}, review {}, rejected {}, server elapsed {} ms",
            s.posts_scanned, s.approved, s.review, s.rejected, s.elapsed_ms
        );
        total += results;
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "Rescan: {total} posts in {elapsed:.2} s: {:.0} posts/s ({streams} stream(s), 280-char text posts)",
        total as f64 / elapsed
    );
}

fn main() {
    let args = Args::parse();
    match args.mode {
        Mode::Jsonl { posts } => {
            use std::io::Write;
            let texts: Vec<String> = (0..SEEDS.len()).map(text).collect();
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            for i in 0..posts {
                serde_json::to_writer(&mut out, &post(i, &texts)).unwrap();
                out.write_all(b"\n").unwrap();
            }
        }
        Mode::Engine { policy, posts } => {
            let pack = gatepost::Pack::load(&policy).expect("pack");
            let snapshot = gatepost::Snapshot::build(&pack).expect("snapshot");
            let texts: Vec<String> = (0..SEEDS.len()).map(text).collect();
            let requests: Vec<gatepost::Request> = (0..SEEDS.len())
                .map(|i| {
                    gatepost::convert::request(pb::ScreenPostRequest {
                        school_id: "oakfield".into(),
                        account: Some(account()),
                        post: Some(post(i, &texts)),
                    })
                    .unwrap()
                })
                .collect();
            let options = gatepost::Options::default();
            let started = Instant::now();
            let mut findings = 0;
            for i in 0..posts {
                let r =
                    gatepost::screen(&snapshot, &requests[i % requests.len()], options).unwrap();
                findings += r.findings.len();
            }
            let secs = started.elapsed().as_secs_f64();
            for (i, r) in requests.iter().enumerate() {
                let t = Instant::now();
                for _ in 0..2000 {
                    let _ = gatepost::screen(&snapshot, r, options);
                }
                println!(
                    "  seed {i}: {:.2} µs",
                    t.elapsed().as_secs_f64() * 1e6 / 2000.0
                );
            }
            println!(
                "engine: {posts} posts in {secs:.2} s: {:.2} µs/post, {:.0} posts/s on one thread ({findings} findings)",
                secs * 1e6 / posts as f64,
                posts as f64 / secs
            );
        }
        Mode::Screen {
            target,
            concurrency,
            connections,
            seconds,
        } => {
            let (addr, _server) = start_server(&target);
            client_runtime().block_on(screen(addr, concurrency, connections, seconds));
        }
        Mode::Rescan {
            target,
            posts,
            streams,
        } => {
            let (addr, _server) = start_server(&target);
            client_runtime().block_on(rescan(addr, posts, streams));
        }
    }
}

fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}
