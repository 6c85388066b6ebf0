//! Load generator for `gatepost serve`.
//!
//! ```text
//! cargo run --release --example loadgen -- screen --concurrency 64 --seconds 10
//! cargo run --release --example loadgen -- rescan --posts 1000000 --streams 2
//! cargo run --release --example loadgen -- jsonl --posts 1000000 > history.jsonl
//! cargo build --release && cargo run --release --example loadgen -- soak --seconds 300
//! ```
//!
//! `screen` and `rescan` start a server in this process (on its own
//! runtime, with the demo pack) unless `--connect ADDR` names a running
//! one. Posts are text-only, 280 characters, a mix of clean posts, pupils'
//! names, profanity, insults and phone numbers, so every rule path runs.
//!
//! `soak` runs `gatepost serve` as a child process (so its memory can be
//! read from /proc), measures its capacity closed-loop, then offers a
//! multiple of it open-loop for a fixed time, with photos among the posts:
//! it reports shedding, the latency of accepted calls, the server's RSS
//! over time, and every answer that differs from the engine's own. It
//! stops by itself and only talks to loopback.

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
    /// Overload soak against a `gatepost serve` child process.
    Soak(SoakArgs),
    /// Writes a JSONL history (one Post per line) to stdout, for `gatepost rescan`.
    Jsonl {
        /// Posts to write.
        #[arg(long, default_value_t = 1_000_000)]
        posts: usize,
    },
}

#[derive(clap::Args)]
struct SoakArgs {
    /// The `gatepost` binary (default: beside this example's directory).
    #[arg(long)]
    server_bin: Option<std::path::PathBuf>,
    /// Pack the server loads.
    #[arg(long, default_value = "fixtures/pack")]
    policy: std::path::PathBuf,
    /// The server's `--max-concurrent`: calls beyond it are shed.
    #[arg(long, default_value_t = 16)]
    max_concurrent: usize,
    /// Seconds of closed-loop load (at `max_concurrent`) to measure capacity.
    #[arg(long, default_value_t = 20)]
    probe_seconds: u64,
    /// Offered load as a multiple of the measured capacity.
    #[arg(long, default_value_t = 2.0)]
    factor: f64,
    /// Length of the soak, in seconds.
    #[arg(long, default_value_t = 300)]
    seconds: u64,
    /// Seconds per report line.
    #[arg(long, default_value_t = 15)]
    window: u64,
    /// Client deadline per call, in milliseconds; a call that misses it counts as lost.
    #[arg(long, default_value_t = 5000)]
    deadline_ms: u64,
    /// Every this many posts carries a photo (decoded, face-checked on the server's pool).
    #[arg(long, default_value_t = 4)]
    photo_every: usize,
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
        Mode::Soak(args) => soak::run(args),
    }
}

fn client_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

mod soak {
    //! Overload soak: capacity probe, then open-loop load at a multiple of it.

    use std::collections::HashMap;
    use std::process::{Child, Command, Stdio};
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicU64, Ordering};

    use tonic::Code;

    use super::*;

    /// The date the server and the engine judge consent on.
    const AS_OF: &str = "2026-11-21";

    struct Kill(Child);

    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    fn rss_kib(pid: u32) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    /// The posts sent, each with the answer the engine gives in-process.
    fn workload(args: &SoakArgs) -> Vec<(pb::ScreenPostRequest, pb::ScreenPostResponse)> {
        let texts: Vec<String> = (0..SEEDS.len()).map(text).collect();
        let mut photos: Vec<Vec<u8>> = std::fs::read_dir("fixtures/images")
            .expect("fixtures/images")
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
            .map(|p| std::fs::read(p).unwrap())
            .collect();
        photos.sort();
        let pack = gatepost::Pack::load(&args.policy).expect("pack");
        let snapshot = gatepost::Snapshot::build(&pack).expect("snapshot");
        let options = gatepost::Options {
            today: gatepost::Date::parse_iso(AS_OF).unwrap(),
        };
        let every = args.photo_every.max(1);
        (0..SEEDS.len() * every)
            .map(|i| {
                let mut p = post(i, &texts);
                if i % every == every - 1 {
                    p.attachments.push(pb::Attachment {
                        filename: "photo.jpg".into(),
                        media_type: "image/jpeg".into(),
                        content: photos[i / every % photos.len()].clone(),
                        alt_text: "Our pupils at sports day".into(),
                        depicted_pupil_ids: Vec::new(),
                        people_attested: false,
                    });
                }
                let wire = pb::ScreenPostRequest {
                    school_id: "oakfield".into(),
                    account: Some(account()),
                    post: Some(p),
                };
                let request = gatepost::convert::request(wire.clone()).unwrap();
                let report = gatepost::screen(&snapshot, &request, options).unwrap();
                (wire, gatepost::convert::response(&report, &request.post.id))
            })
            .collect()
    }

    #[derive(Default)]
    struct Window {
        sent: u64,
        ok: Vec<u32>,
        ok_text: Vec<u32>,
        ok_photo: Vec<u32>,
        shed: u64,
        lost: u64,
        wrong: u64,
        other: HashMap<String, u64>,
    }

    pub(super) fn run(args: SoakArgs) {
        let bin = args.server_bin.clone().unwrap_or_else(|| {
            let exe = std::env::current_exe().unwrap();
            exe.parent().unwrap().parent().unwrap().join("gatepost")
        });
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let child = Command::new(&bin)
            .args(["serve", "--policy"])
            .arg(&args.policy)
            .args(["--listen", &addr.to_string(), "--as-of", AS_OF])
            .args(["--max-concurrent", &args.max_concurrent.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let server = Kill(child);
        let pid = server.0.id();
        let work = Arc::new(workload(&args));
        println!(
            "soak: server {} (pid {pid}) on {addr}, --max-concurrent {}, {} distinct posts (1 in {} with a photo)",
            bin.display(),
            args.max_concurrent,
            work.len(),
            args.photo_every
        );
        client_runtime().block_on(async move {
            let mut clients = Vec::new();
            for _ in 0..50 {
                if let Ok(c) = Channel::from_shared(format!("http://{addr}")).unwrap().tcp_nodelay(true).connect().await {
                    clients.push(ScreeningClient::new(c));
                    break;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            assert!(!clients.is_empty(), "the server never listened");
            for _ in 0..3 {
                clients.push(connect(addr).await);
            }
            let deadline = Duration::from_millis(args.deadline_ms);
            let call = move |mut client: ScreeningClient<Channel>, i: usize, work: Arc<Vec<(pb::ScreenPostRequest, pb::ScreenPostResponse)>>| async move {
                let (wire, expected) = &work[i % work.len()];
                let mut request = tonic::Request::new(wire.clone());
                request.set_timeout(deadline);
                let sent = Instant::now();
                let result = client.screen_post(request).await;
                let micros = sent.elapsed().as_micros() as u32;
                let photo = wire.post.as_ref().is_some_and(|p| !p.attachments.is_empty());
                match result {
                    Ok(r) => Ok((micros, r.into_inner() == *expected, photo)),
                    Err(s) => Err(s.code()),
                }
            };

            // Capacity: closed loop at the server's own limit (nothing shed).
            let rss_start = rss_kib(pid);
            let probe_until = Instant::now() + Duration::from_secs(args.probe_seconds);
            let done = Arc::new(AtomicU64::new(0));
            let probe_lat = Arc::new(Mutex::new(Vec::new()));
            let mut tasks = Vec::new();
            for t in 0..args.max_concurrent {
                let client = clients[t % clients.len()].clone();
                let (work, done, lat) = (Arc::clone(&work), Arc::clone(&done), Arc::clone(&probe_lat));
                tasks.push(tokio::spawn(async move {
                    let mut i = t;
                    while Instant::now() < probe_until {
                        if let Ok((us, _, _)) = call(client.clone(), i, Arc::clone(&work)).await {
                            done.fetch_add(1, Ordering::Relaxed);
                            lat.lock().unwrap().push(us);
                        }
                        i += 7;
                    }
                }));
            }
            let probe_started = Instant::now();
            for t in tasks {
                t.await.unwrap();
            }
            let capacity = done.load(Ordering::Relaxed) as f64 / probe_started.elapsed().as_secs_f64();
            let mut pl = probe_lat.lock().unwrap().clone();
            pl.sort_unstable();
            println!(
                "capacity: {capacity:.0} req/s closed-loop at concurrency {} (latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms); RSS {} MiB",
                args.max_concurrent,
                percentile(&pl, 0.5),
                percentile(&pl, 0.99),
                percentile(&pl, 1.0),
                rss_kib(pid) / 1024
            );

            // The soak: open loop at factor × capacity.
            let rate = capacity * args.factor;
            println!(
                "soak: offering {rate:.0} req/s ({}× capacity) for {} s; RSS before the probe {} MiB",
                args.factor,
                args.seconds,
                rss_start / 1024
            );
            println!("{:>6} {:>8} {:>8} {:>8} {:>6} {:>6} {:>9} {:>9} {:>9} {:>9}", "t (s)", "offered", "ok", "shed", "lost", "wrong", "p50 ms", "p99 ms", "max ms", "RSS MiB");
            let window = Arc::new(Mutex::new(Window::default()));
            let total = Arc::new(Mutex::new(Window::default()));
            let in_flight = Arc::new(AtomicU64::new(0));
            let started = Instant::now();
            let until = started + Duration::from_secs(args.seconds);
            let mut next_report = started + Duration::from_secs(args.window);
            let mut sent = 0u64;
            let mut rss = Vec::new();
            let mut tick = tokio::time::interval(Duration::from_millis(2));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
            loop {
                tick.tick().await;
                let now = Instant::now();
                if now >= until {
                    break;
                }
                let due = (now.duration_since(started).as_secs_f64() * rate) as u64;
                while sent < due {
                    let i = sent as usize;
                    sent += 1;
                    window.lock().unwrap().sent += 1;
                    let client = clients[i % clients.len()].clone();
                    let (work, window, in_flight) = (Arc::clone(&work), Arc::clone(&window), Arc::clone(&in_flight));
                    in_flight.fetch_add(1, Ordering::Relaxed);
                    tokio::spawn(async move {
                        let outcome = call(client, i, work).await;
                        let mut w = window.lock().unwrap();
                        match outcome {
                            Ok((us, right, photo)) => {
                                w.ok.push(us);
                                if photo {
                                    w.ok_photo.push(us);
                                } else {
                                    w.ok_text.push(us);
                                }
                                if !right {
                                    w.wrong += 1;
                                }
                            }
                            Err(Code::ResourceExhausted) => w.shed += 1,
                            Err(Code::DeadlineExceeded | Code::Cancelled) => w.lost += 1,
                            Err(c) => *w.other.entry(format!("{c:?}")).or_default() += 1,
                        }
                        in_flight.fetch_sub(1, Ordering::Relaxed);
                    });
                }
                if now >= next_report {
                    next_report += Duration::from_secs(args.window);
                    let w = std::mem::take(&mut *window.lock().unwrap());
                    let r = rss_kib(pid);
                    rss.push(r);
                    report_line(now.duration_since(started).as_secs(), &w, r);
                    merge(&mut total.lock().unwrap(), w);
                }
            }
            // Every call sent gets its answer before the totals are taken.
            let drain_until = Instant::now() + deadline + Duration::from_secs(2);
            while in_flight.load(Ordering::Relaxed) > 0 && Instant::now() < drain_until {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let unanswered = in_flight.load(Ordering::Relaxed);
            let w = std::mem::take(&mut *window.lock().unwrap());
            let r = rss_kib(pid);
            rss.push(r);
            report_line(started.elapsed().as_secs(), &w, r);
            let mut t = std::mem::take(&mut *total.lock().unwrap());
            merge(&mut t, w);
            t.ok.sort_unstable();
            t.ok_text.sort_unstable();
            t.ok_photo.sort_unstable();
            let answered = t.ok.len() as u64 + t.shed + t.lost + t.other.values().sum::<u64>();
            let secs = args.seconds as f64;
            println!(
                "total: offered {} ({:.0} req/s), ok {} ({:.0} req/s), shed {} ({:.1}%), lost {}, wrong {}, other errors {:?}, unanswered {unanswered}",
                t.sent,
                t.sent as f64 / secs,
                t.ok.len(),
                t.ok.len() as f64 / secs,
                t.shed,
                100.0 * t.shed as f64 / t.sent.max(1) as f64,
                t.lost,
                t.wrong,
                t.other,
            );
            println!(
                "accepted latency: p50 {:.2} ms, p99 {:.2} ms, p99.9 {:.2} ms, max {:.2} ms (probe p99 {:.2} ms)",
                percentile(&t.ok, 0.5),
                percentile(&t.ok, 0.99),
                percentile(&t.ok, 0.999),
                percentile(&t.ok, 1.0),
                percentile(&pl, 0.99),
            );
            println!(
                "  text posts: {} ok, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; photo posts: {} ok, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
                t.ok_text.len(),
                percentile(&t.ok_text, 0.5),
                percentile(&t.ok_text, 0.99),
                percentile(&t.ok_text, 1.0),
                t.ok_photo.len(),
                percentile(&t.ok_photo, 0.5),
                percentile(&t.ok_photo, 0.99),
                percentile(&t.ok_photo, 1.0),
            );
            let first = rss.first().copied().unwrap_or(0);
            let max = rss.iter().copied().max().unwrap_or(0);
            let last = rss.last().copied().unwrap_or(0);
            println!(
                "server RSS: {} MiB before, {} MiB after the first window, max {} MiB, last {} MiB",
                rss_start / 1024,
                first / 1024,
                max / 1024,
                last / 1024
            );
            let ok = t.wrong == 0 && t.lost == 0 && unanswered == 0 && t.other.is_empty() && answered == t.sent;
            println!("{}", if ok { "PASS: every call answered, none wrongly" } else { "FAIL" });
            if !ok {
                std::process::exit(1);
            }
        });
        drop(server);
    }

    fn merge(total: &mut Window, w: Window) {
        total.sent += w.sent;
        total.ok.extend(w.ok);
        total.ok_text.extend(w.ok_text);
        total.ok_photo.extend(w.ok_photo);
        total.shed += w.shed;
        total.lost += w.lost;
        total.wrong += w.wrong;
        for (k, v) in w.other {
            *total.other.entry(k).or_default() += v;
        }
    }

    fn report_line(t: u64, w: &Window, rss: u64) {
        let mut ok = w.ok.clone();
        ok.sort_unstable();
        println!(
            "{t:>6} {:>8} {:>8} {:>8} {:>6} {:>6} {:>9.2} {:>9.2} {:>9.2} {:>9}",
            w.sent,
            ok.len(),
            w.shed,
            w.lost,
            w.wrong,
            percentile(&ok, 0.5),
            percentile(&ok, 0.99),
            percentile(&ok, 1.0),
            rss / 1024
        );
        for (k, v) in &w.other {
            println!("       {k}: {v}");
        }
    }
}
