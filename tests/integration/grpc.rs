//! The gRPC service end to end over loopback with the generated tonic
//! client: parity with `check`, Rescan, auth, reload, status codes, limits,
//! health, reflection and TLS. Each test starts its own server on
//! 127.0.0.1:0 and stops it with a oneshot.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use gatepost::proto::v1 as pb;
use gatepost::proto::v1::screening_client::ScreeningClient;
use gatepost::service::{self, State};
use gatepost::{Date, Options, Pack, Snapshot, convert, screen};

use super::server::{Server, config};
use tonic::transport::Channel;
use tonic::{Code, Request};
use tonic_types::StatusExt;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn as_of() -> Date {
    Date::new(2026, 11, 21).unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of the demo pack in a temporary directory.
fn pack_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("pack"), dir.path());
    dir
}

fn request_files() -> Vec<PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(fixtures().join("requests"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn read_request(path: &Path) -> pb::ScreenPostRequest {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn post(id: &str, text: &str) -> pb::Post {
    pb::Post {
        id: id.into(),
        text: text.into(),
        ..Default::default()
    }
}

fn screen_request(school: &str, text: &str) -> pb::ScreenPostRequest {
    pb::ScreenPostRequest {
        school_id: school.into(),
        account: Some(pb::Account {
            platform: "x".into(),
            handle: "@OakfieldPri".into(),
            kind: pb::AccountKind::Official as i32,
        }),
        post: Some(post("p1", text)),
    }
}

fn with_token<T>(message: T, token: Option<&str>) -> Request<T> {
    let mut r = Request::new(message);
    if let Some(t) = token {
        r.metadata_mut()
            .insert("authorization", format!("Bearer {t}").parse().unwrap());
    }
    r
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screen_post_matches_check_on_every_fixture() {
    let server = Server::start(config(&fixtures().join("pack"))).await;
    let mut client = server.client().await;
    let snapshot = Snapshot::build(&Pack::load(&fixtures().join("pack")).unwrap()).unwrap();
    let options = Options { today: as_of() };
    let files = request_files();
    assert!(files.len() >= 20, "fixtures/requests is missing");
    for path in files {
        let wire = read_request(&path);
        let request = convert::request(wire.clone()).unwrap();
        let report = screen(&snapshot, &request, options).unwrap();
        let expected = convert::response(&report, &request.post.id);
        let got = client.screen_post(wire).await.unwrap().into_inner();
        assert_eq!(got, expected, "{}", path.display());
        assert_eq!(got.policy_version, snapshot.version);
    }
    server.stop().await;
}

/// Posts whose verdicts differ: clean, a pupil named without consent,
/// profanity, an insult, a personal mobile number.
fn history_text(i: usize) -> String {
    match i % 10 {
        3 => format!("Well done Oliver O'Brien on the spelling bee, round {i}!"),
        5 => format!("What a shit day for sports day {i}"),
        7 => format!("Call me on 07700 900{:03} about the trip", i % 1000),
        8 => format!("Those refs were idiots today {i}"),
        _ => {
            format!("Lovely weather for the school fair, day {i}. Thank you to all our volunteers!")
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rescan_of_ten_thousand_posts_is_in_order_with_a_correct_summary() {
    const POSTS: usize = 10_000;
    let server = Server::start(config(&fixtures().join("pack"))).await;
    let mut client = server.client().await;
    let account = pb::Account {
        platform: "x".into(),
        handle: "@OakfieldPri".into(),
        kind: pb::AccountKind::Official as i32,
    };

    // What the engine says, post by post.
    let snapshot =
        Arc::new(Snapshot::build(&Pack::load(&fixtures().join("pack")).unwrap()).unwrap());
    let mut expected = gatepost::rescan::Tally::default();
    let mut verdicts = Vec::with_capacity(POSTS);
    for i in 0..POSTS {
        let request = convert::request(pb::ScreenPostRequest {
            school_id: "oakfield".into(),
            account: Some(account.clone()),
            post: Some(post(&format!("h{i}"), &history_text(i))),
        })
        .unwrap();
        let report = screen(&snapshot, &request, Options { today: as_of() }).unwrap();
        expected.add(&report);
        verdicts.push(convert::verdict(report.verdict) as i32);
    }
    assert!(
        expected.verdicts.iter().all(|n| *n > 0),
        "{:?}",
        expected.verdicts
    );

    let start = pb::RescanRequest {
        kind: Some(pb::rescan_request::Kind::Start(pb::RescanStart {
            school_id: "oakfield".into(),
            account: Some(account.clone()),
            only_failing: false,
        })),
    };
    let posts = (0..POSTS).map(|i| pb::RescanRequest {
        kind: Some(pb::rescan_request::Kind::Post(post(
            &format!("h{i}"),
            &history_text(i),
        ))),
    });
    let outbound = tokio_stream::iter(std::iter::once(start).chain(posts));
    let mut inbound = client.rescan(outbound).await.unwrap().into_inner();

    // Read slowly at first, so the server has to hold back.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut next = 0u64;
    let mut summary = None;
    while let Some(message) = inbound.message().await.unwrap() {
        match message.kind.unwrap() {
            pb::rescan_response::Kind::Result(r) => {
                assert!(summary.is_none(), "a result after the summary");
                assert_eq!(r.sequence, next, "out of order");
                assert_eq!(r.post_id, format!("h{next}"));
                assert_eq!(r.verdict, verdicts[next as usize], "post {next}");
                next += 1;
            }
            pb::rescan_response::Kind::Summary(s) => summary = Some(s),
        }
    }
    assert_eq!(next, POSTS as u64);
    let summary = summary.expect("no summary");
    let want = expected.summary(Duration::ZERO, &snapshot.version);
    assert_eq!(summary.posts_scanned, POSTS as u64);
    assert_eq!(
        (summary.approved, summary.review, summary.rejected),
        (want.approved, want.review, want.rejected)
    );
    assert_eq!(summary.findings_by_rule, want.findings_by_rule);
    assert!(
        summary
            .findings_by_rule
            .windows(2)
            .all(|w| w[0].count >= w[1].count)
    );
    assert_eq!(summary.policy_version, snapshot.version);
    // Backpressure: the server never held more than its bound of posts.
    let held = server.state.metrics.rescan_in_flight_max();
    assert!(held > 0);
    assert!(
        held <= service::RESCAN_MAX_HELD as u64,
        "held {held} posts, bound {}",
        service::RESCAN_MAX_HELD
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rescan_only_failing_bad_posts_and_protocol_errors() {
    let server = Server::start(config(&fixtures().join("pack"))).await;
    let mut client = server.client().await;
    let start = |only_failing| pb::RescanRequest {
        kind: Some(pb::rescan_request::Kind::Start(pb::RescanStart {
            school_id: "oakfield".into(),
            account: Some(pb::Account {
                platform: "x".into(),
                handle: "@OakfieldPri".into(),
                kind: 0,
            }),
            only_failing,
        })),
    };
    let wrap = |p: pb::Post| pb::RescanRequest {
        kind: Some(pb::rescan_request::Kind::Post(p)),
    };

    // only_failing: approved posts are counted but not streamed; a post
    // over a limit is reported as screening.incomplete and the scan goes on.
    let mut too_many = post("bad", "fine words");
    too_many.attachments = vec![pb::Attachment::default(); 65];
    let mut messages = vec![start(true)];
    for i in 0..100 {
        messages.push(wrap(post(&format!("h{i}"), &history_text(i))));
    }
    messages.insert(51, wrap(too_many));
    let mut inbound = client
        .rescan(tokio_stream::iter(messages))
        .await
        .unwrap()
        .into_inner();
    let mut results = Vec::new();
    let mut summary = None;
    while let Some(m) = inbound.message().await.unwrap() {
        match m.kind.unwrap() {
            pb::rescan_response::Kind::Result(r) => results.push(r),
            pb::rescan_response::Kind::Summary(s) => summary = Some(s),
        }
    }
    let summary = summary.unwrap();
    assert_eq!(summary.posts_scanned, 101);
    assert_eq!(results.len() as u64, summary.review + summary.rejected);
    assert!(summary.approved > 0);
    assert!(
        results
            .iter()
            .all(|r| r.verdict != pb::Verdict::Approve as i32)
    );
    assert!(results.windows(2).all(|w| w[0].sequence < w[1].sequence));
    let bad = results.iter().find(|r| r.post_id == "bad").unwrap();
    assert_eq!(bad.sequence, 50);
    assert_eq!(bad.verdict, pb::Verdict::Review as i32);
    assert_eq!(bad.findings[0].rule_id, "screening.incomplete");
    assert!(bad.findings[0].reason.contains("post.attachments"));

    // The first message must be a start.
    let mut inbound = client
        .rescan(tokio_stream::iter(vec![wrap(post("x", "hello"))]))
        .await;
    let status = match &mut inbound {
        Err(s) => s.clone(),
        Ok(r) => r.get_mut().message().await.unwrap_err(),
    };
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().starts_with("start:"), "{status:?}");

    // A second start ends the stream, after the results before it.
    let messages = vec![start(false), wrap(post("a", "hello")), start(false)];
    let mut inbound = client
        .rescan(tokio_stream::iter(messages))
        .await
        .unwrap()
        .into_inner();
    let mut seen = 0;
    let status = loop {
        match inbound.message().await {
            Ok(Some(_)) => seen += 1,
            Ok(None) => panic!("stream ended without an error"),
            Err(s) => break s,
        }
    };
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(seen <= 1);

    // Unknown school.
    let unknown = pb::RescanRequest {
        kind: Some(pb::rescan_request::Kind::Start(pb::RescanStart {
            school_id: "nowhere".into(),
            ..Default::default()
        })),
    };
    let status = match client.rescan(tokio_stream::iter(vec![unknown])).await {
        Err(s) => s,
        Ok(r) => r.into_inner().message().await.unwrap_err(),
    };
    assert_eq!(status.code(), Code::NotFound);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_invalid_argument_naming_the_field() {
    let server = Server::start(config(&fixtures().join("pack"))).await;
    let mut client = server.client().await;

    let cases: Vec<(pb::ScreenPostRequest, &str)> = vec![
        (screen_request("", "hello"), "school_id"),
        (
            pb::ScreenPostRequest {
                post: None,
                ..screen_request("oakfield", "hello")
            },
            "post",
        ),
        (
            pb::ScreenPostRequest {
                account: Some(pb::Account {
                    kind: 42,
                    ..Default::default()
                }),
                ..screen_request("oakfield", "hello")
            },
            "account.kind",
        ),
        (
            {
                let mut r = screen_request("oakfield", "hello");
                r.post.as_mut().unwrap().attachments = vec![pb::Attachment::default(); 65];
                r
            },
            "post.attachments",
        ),
    ];
    for (request, field) in cases {
        let status = client.screen_post(request).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{field}: {status:?}");
        assert!(
            status.message().starts_with(&format!("{field}:")),
            "{field}: {status:?}"
        );
        let details = status.get_error_details();
        let violations = &details
            .bad_request()
            .expect("no BadRequest detail")
            .field_violations;
        assert_eq!(violations[0].field, field);
    }

    let status = client
        .screen_post(screen_request("nowhere", "hello"))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert!(status.message().contains("nowhere"));

    let status = client
        .strip_metadata(pb::StripMetadataRequest::default())
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(
        status
            .get_error_details()
            .bad_request()
            .unwrap()
            .field_violations[0]
            .field,
        "content"
    );
    let status = client
        .strip_metadata(pb::StripMetadataRequest {
            content: b"not an image".to_vec(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    // A real strip: the demo crest with a GPS-bearing eXIf chunk added.
    let crest = std::fs::read(fixtures().join("pack/schools/oakfield/logos/crest.png")).unwrap();
    let exif = b"MM\0*\0\0\0\x08\0\x01\x88\x25\0\x04\0\0\0\x01\0\0\0\x1a\0\0\0\0\0\x01\0\x02\0\x05\0\0\0\x03\0\0\0\x2c\0\0\0\0\0\0\0\x33\0\0\0\x01\0\0\0\x1e\0\0\0\x01\0\0\0\0\0\0\0\x01";
    let mut png = crest[..33].to_vec();
    let mut chunk = b"eXIf".to_vec();
    chunk.extend_from_slice(exif);
    png.extend_from_slice(&(exif.len() as u32).to_be_bytes());
    png.extend_from_slice(&chunk);
    png.extend_from_slice(&[0, 0, 0, 0]); // CRC: not checked by readers of eXIf
    png.extend_from_slice(&crest[33..]);
    assert!(!gatepost::image::meta::read(&png).gps.is_empty());
    let r = client
        .strip_metadata(pb::StripMetadataRequest {
            filename: "crest.png".into(),
            media_type: "image/png".into(),
            content: png,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.media_type, "image/png");
    assert_eq!(r.removed, ["PNG eXIf"]);
    assert_eq!(r.content, crest);

    // Not a panic: hostile text of every kind still gets a verdict.
    for text in [
        "\u{0}\u{200b}\u{202e}",
        &"é".repeat(100_000),
        "@@@@ #### ////",
    ] {
        let r = client
            .screen_post(screen_request("oakfield", text))
            .await
            .unwrap()
            .into_inner();
        assert_ne!(r.verdict, pb::Verdict::Unspecified as i32);
    }
    let rules = client
        .list_rules(pb::ListRulesRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(rules.rules.len(), gatepost::rules::catalogue::RULES.len());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_shed_load_and_refuse_big_messages() {
    let mut c = config(&fixtures().join("pack"));
    c.max_concurrent = 1;
    c.max_request_bytes = 64 << 10;
    let server = Server::start(c).await;
    let mut client = server.client().await;

    // Too large is RESOURCE_EXHAUSTED (as gRPC's own servers answer), with
    // the sizes and the setting in the message, whether the request is a
    // unary call or one post in a Rescan stream.
    let big = screen_request("oakfield", &"a".repeat(100 << 10));
    let status = client.screen_post(big).await.unwrap_err();
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert!(
        status.message().contains("too large: found 10")
            && status.message().contains("the limit is: 65536 bytes")
            && status.message().contains("--max-request-bytes"),
        "{status:?}"
    );
    let history = [
        pb::RescanRequest {
            kind: Some(pb::rescan_request::Kind::Start(pb::RescanStart {
                school_id: "oakfield".into(),
                ..Default::default()
            })),
        },
        pb::RescanRequest {
            kind: Some(pb::rescan_request::Kind::Post(post("a", "hello"))),
        },
        pb::RescanRequest {
            kind: Some(pb::rescan_request::Kind::Post(post(
                "b",
                &"a".repeat(100 << 10),
            ))),
        },
    ];
    let mut inbound = client
        .rescan(tokio_stream::iter(history))
        .await
        .unwrap()
        .into_inner();
    let status = loop {
        match inbound.message().await {
            Ok(Some(_)) => continue,
            Ok(None) => panic!("the stream ended without refusing the big post"),
            Err(status) => break status,
        }
    };
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert!(
        status.message().contains("--max-request-bytes"),
        "{status:?}"
    );

    // An open Rescan holds the only slot, so ScreenPost is shed.
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    tx.send(pb::RescanRequest {
        kind: Some(pb::rescan_request::Kind::Start(pb::RescanStart {
            school_id: "oakfield".into(),
            ..Default::default()
        })),
    })
    .await
    .unwrap();
    tx.send(pb::RescanRequest {
        kind: Some(pb::rescan_request::Kind::Post(post("a", "hello"))),
    })
    .await
    .unwrap();
    let mut inbound = client
        .rescan(tokio_stream::wrappers::ReceiverStream::new(rx))
        .await
        .unwrap()
        .into_inner();
    // The first result proves the stream (and its slot) is live.
    assert!(inbound.message().await.unwrap().is_some());
    let status = client
        .screen_post(screen_request("oakfield", "hello"))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::ResourceExhausted);
    drop(tx);
    while inbound.message().await.unwrap().is_some() {}
    // The slot is free again once the stream has ended.
    client
        .screen_post(screen_request("oakfield", "hello"))
        .await
        .unwrap();
    server.stop().await;
}

const OAK: &str = "oak-secret-token";
const RIVER: &str = "river-secret-token";
const ADMIN: &str = "admin-secret-token";

fn sha256_hex(s: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn tokens_toml() -> String {
    format!(
        "[[token]]\nname = \"oak-scheduler\"\nsha256 = \"{}\"\nschools = [\"oakfield\"]\n\n\
         [[token]]\nname = \"river-scheduler\"\nsha256 = \"{}\"\nschools = [\"riverside\"]\n\n\
         [[token]]\nname = \"trust-admin\"\nsha256 = \"{}\"\nschools = [\"*\"]\nadmin = true\n",
        sha256_hex(OAK),
        sha256_hex(RIVER),
        sha256_hex(ADMIN)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_matrix() {
    let pack = pack_copy();
    std::fs::write(pack.path().join("tokens.toml"), tokens_toml()).unwrap();
    let server = Server::start(config(pack.path())).await;
    let mut client = server.client().await;

    let cases = [
        (None, Code::Unauthenticated),
        (Some("wrong-token"), Code::Unauthenticated),
        (Some(RIVER), Code::PermissionDenied),
        (Some(OAK), Code::Ok),
        (Some(ADMIN), Code::Ok),
    ];
    for (token, want) in cases {
        let got = client
            .screen_post(with_token(screen_request("oakfield", "hello"), token))
            .await
            .map_or_else(|s| s.code(), |_| Code::Ok);
        assert_eq!(got, want, "ScreenPost with {token:?}");

        let got = client
            .list_rules(with_token(
                pb::ListRulesRequest {
                    school_id: "oakfield".into(),
                },
                token,
            ))
            .await
            .map_or_else(|s| s.code(), |_| Code::Ok);
        assert_eq!(got, want, "ListRules with {token:?}");

        let start = pb::RescanRequest {
            kind: Some(pb::rescan_request::Kind::Start(pb::RescanStart {
                school_id: "oakfield".into(),
                ..Default::default()
            })),
        };
        let got = match client
            .rescan(with_token(tokio_stream::iter(vec![start]), token))
            .await
        {
            Err(s) => s.code(),
            Ok(r) => {
                let mut s = r.into_inner();
                let mut code = Code::Ok;
                loop {
                    match s.message().await {
                        Ok(Some(_)) => {}
                        Ok(None) => break,
                        Err(e) => {
                            code = e.code();
                            break;
                        }
                    }
                }
                code
            }
        };
        assert_eq!(got, want, "Rescan with {token:?}");
    }

    // Any valid token may list the rules without naming a school.
    let got = client
        .list_rules(with_token(pb::ListRulesRequest::default(), Some(RIVER)))
        .await;
    assert!(got.is_ok());

    // Reload is for admin tokens.
    let status = client
        .reload_policy(with_token(pb::ReloadPolicyRequest {}, Some(OAK)))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);
    let r = client
        .reload_policy(with_token(pb::ReloadPolicyRequest {}, Some(ADMIN)))
        .await
        .unwrap()
        .into_inner();
    assert!(r.reloaded, "{:?}", r.errors);

    // Health needs no token.
    let mut health = tonic_health::pb::health_client::HealthClient::new(server.channel().await);
    let h = health
        .check(tonic_health::pb::HealthCheckRequest {
            service: service::SERVICE_NAME.into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        h.status,
        tonic_health::pb::health_check_response::ServingStatus::Serving as i32
    );
    server.stop().await;
}

/// Runs `gatepost token ARGS` with `stdin`; (stdout, stderr).
fn token_command(args: &[&str], stdin: &str) -> (String, String) {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gatepost"))
        .arg("token")
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    assert!(out.status.success(), "{args:?}: {stderr}");
    (stdout, stderr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn minted_tokens_are_accepted_for_their_schools_only() {
    let (entry, shown) = token_command(
        &["new", "--name", "oak \"sched\"", "--school", "oakfield"],
        "",
    );
    let token = shown.trim().rsplit(' ').next().unwrap().to_string();
    assert!(token.starts_with("gp_") && token.len() > 40, "{shown}");
    assert!(!entry.contains(&token), "the entry must hold only the hash");
    let (again, _) = token_command(&["new", "--name", "x", "--school", "*", "--admin"], "");
    assert_ne!(entry, again, "tokens are random");
    assert!(
        again.contains("schools = [\"*\"]\nadmin = true\n"),
        "{again}"
    );
    // `hash` gives the same sha256 for the token as `new` wrote.
    let (hash, _) = token_command(&["hash"], &format!("{token}\n"));
    assert!(
        entry.contains(&format!("sha256 = \"{}\"", hash.trim())),
        "{entry}"
    );

    let pack = pack_copy();
    std::fs::write(pack.path().join("tokens.toml"), &entry).unwrap();
    let server = Server::start(config(pack.path())).await;
    let mut client = server.client().await;
    for (school, want) in [
        ("oakfield", Code::Ok),
        ("riverside", Code::PermissionDenied),
    ] {
        let got = client
            .screen_post(with_token(screen_request(school, "hello"), Some(&token)))
            .await
            .map_or_else(|s| s.code(), |_| Code::Ok);
        assert_eq!(got, want, "{school}");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_tokens_means_loopback_only() {
    let state = Arc::new(
        tokio::task::spawn_blocking(|| State::load(config(&fixtures().join("pack"))))
            .await
            .unwrap()
            .unwrap(),
    );
    let listener = tokio::net::TcpListener::bind("0.0.0.0:0").await.unwrap();
    let result = service::serve(listener, state, std::future::pending()).await;
    assert!(
        matches!(result, Err(service::ServeError::NeedTokens(_))),
        "{result:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_tokens_file_is_refused_with_its_line() {
    let pack = pack_copy();
    std::fs::write(
        pack.path().join("tokens.toml"),
        "[[token]]\nname = \"a\"\nsha256 = \"abc\"\nschools = [\"oakfield\"]\n",
    )
    .unwrap();
    let refused = State::load(config(pack.path())).unwrap_err();
    assert_eq!(refused.0.len(), 1);
    assert!(
        refused.0[0].starts_with("tokens.toml:1: sha256:"),
        "{refused}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_while_requests_run_loses_none() {
    let pack = pack_copy();
    let server = Server::start(config(pack.path())).await;
    let client = server.client().await;
    let old = server.state.policy().snapshot.version.clone();

    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for w in 0..4 {
        let mut client = client.clone();
        let stop = Arc::clone(&stop);
        workers.push(tokio::spawn(async move {
            let mut versions = std::collections::BTreeSet::new();
            let mut n = 0u64;
            // At least a few calls each, then until told to stop.
            while n < 20 || !stop.load(Ordering::Relaxed) {
                let text = format!("Well done Oliver O'Brien, worker {w} call {n}");
                let r = client
                    .screen_post(screen_request("oakfield", &text))
                    .await
                    .expect("a call failed during reload")
                    .into_inner();
                assert_eq!(r.verdict, pb::Verdict::Reject as i32);
                versions.insert(r.policy_version);
                n += 1;
            }
            (n, versions)
        }));
    }

    // Change the pack: a new pupil.
    let roster = pack.path().join("schools/oakfield/roster.csv");
    let mut text = std::fs::read_to_string(&roster).unwrap();
    text.push_str("P9999,Quentin,,,Blake,Year 2,no,no,,no\n");
    std::fs::write(&roster, text).unwrap();
    let mut admin = client.clone();
    let r = admin
        .reload_policy(pb::ReloadPolicyRequest {})
        .await
        .unwrap()
        .into_inner();
    assert!(r.reloaded, "{:?}", r.errors);
    assert_ne!(r.policy_version, old);
    let new = r.policy_version.clone();
    stop.store(true, Ordering::Relaxed);
    let mut total = 0;
    for w in workers {
        let (n, versions) = w.await.unwrap();
        total += n;
        assert!(
            versions.iter().all(|v| *v == old || *v == new),
            "{versions:?}"
        );
    }
    assert!(total >= 80);

    // The new pack is in force: the new pupil is found, with the new version.
    let r = admin
        .screen_post(screen_request("oakfield", "Congratulations Quentin Blake!"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.policy_version, new);
    assert!(r.findings.iter().any(|f| f.rule_id == "pupil.full_name"));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_pack_reload_is_refused_and_the_old_pack_stays() {
    let pack = pack_copy();
    let server = Server::start(config(pack.path())).await;
    let mut client = server.client().await;
    let old = server.state.policy().snapshot.version.clone();

    let roster = pack.path().join("schools/oakfield/roster.csv");
    let mut text = std::fs::read_to_string(&roster).unwrap();
    text.push_str("P9998,Bad,,,Row,Year 2,perhaps,no,not-a-date,no\n");
    std::fs::write(&roster, text).unwrap();
    let r = client
        .reload_policy(pb::ReloadPolicyRequest {})
        .await
        .unwrap()
        .into_inner();
    assert!(!r.reloaded);
    assert_eq!(r.policy_version, old);
    assert!(!r.errors.is_empty());
    assert!(
        r.errors
            .iter()
            .all(|e| e.starts_with("schools/oakfield/roster.csv:")),
        "{:?}",
        r.errors
    );
    let after = client
        .screen_post(screen_request("oakfield", "hello"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(after.policy_version, old);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_reflection_answer() {
    use tonic_reflection::pb::v1::ServerReflectionRequest;
    use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
    use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;

    let server = Server::start(config(&fixtures().join("pack"))).await;
    let channel = server.channel().await;
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel.clone());
    for name in ["", service::SERVICE_NAME] {
        let h = health
            .check(tonic_health::pb::HealthCheckRequest {
                service: name.into(),
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(
            h.status,
            tonic_health::pb::health_check_response::ServingStatus::Serving as i32
        );
    }

    let mut reflection = ServerReflectionClient::new(channel);
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut inbound = reflection
        .server_reflection_info(tokio_stream::iter(vec![request]))
        .await
        .unwrap()
        .into_inner();
    let response = inbound.message().await.unwrap().unwrap();
    let Some(MessageResponse::ListServicesResponse(list)) = response.message_response else {
        panic!("{response:?}");
    };
    let names: Vec<_> = list.service.iter().map(|s| s.name.as_str()).collect();
    assert!(names.contains(&service::SERVICE_NAME), "{names:?}");

    // The older v1alpha protocol, which many tools still speak.
    use tonic_reflection::pb::v1alpha;
    let mut old =
        v1alpha::server_reflection_client::ServerReflectionClient::new(server.channel().await);
    let request = v1alpha::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(
            v1alpha::server_reflection_request::MessageRequest::FileContainingSymbol(
                service::SERVICE_NAME.into(),
            ),
        ),
    };
    let response = old
        .server_reflection_info(tokio_stream::iter(vec![request]))
        .await
        .unwrap()
        .into_inner()
        .message()
        .await
        .unwrap()
        .unwrap();
    let Some(v1alpha::server_reflection_response::MessageResponse::FileDescriptorResponse(files)) =
        response.message_response
    else {
        panic!("{response:?}");
    };
    assert!(!files.file_descriptor_proto.is_empty());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_serves_with_a_certificate() {
    let tls = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/integration/tls");
    let cert = std::fs::read(tls.join("cert.pem")).unwrap();
    let key = std::fs::read(tls.join("key.pem")).unwrap();
    let mut c = config(&fixtures().join("pack"));
    c.tls = Some((cert.clone(), key));
    let server = Server::start(c).await;
    let channel = Channel::from_shared(format!("https://localhost:{}", server.addr.port()))
        .unwrap()
        .tls_config(
            tonic::transport::ClientTlsConfig::new()
                .ca_certificate(tonic::transport::Certificate::from_pem(cert))
                .domain_name("localhost"),
        )
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut client = ScreeningClient::new(channel);
    let r = client
        .screen_post(screen_request("oakfield", "hello"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.verdict, pb::Verdict::Approve as i32);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watching_the_pack_directory_reloads_it() {
    let pack = pack_copy();
    let mut c = config(pack.path());
    c.watch = Some(Duration::from_millis(20));
    let server = Server::start(c).await;
    let old = server.state.policy().snapshot.version.clone();
    let roster = pack.path().join("schools/oakfield/roster.csv");
    let mut text = std::fs::read_to_string(&roster).unwrap();
    text.push_str("P9997,Wendy,,,Watcher,Year 2,no,no,,no\n");
    std::fs::write(&roster, text).unwrap();
    // Wait (generously) for the poller; this asserts the outcome, not the time.
    let mut version = old.clone();
    for _ in 0..500 {
        version = server.state.policy().snapshot.version.clone();
        if version != old {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_ne!(version, old, "the watcher never reloaded the pack");
    let r = server
        .client()
        .await
        .screen_post(screen_request("oakfield", "Well done Wendy Watcher"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r.policy_version, version);
    assert!(r.findings.iter().any(|f| f.rule_id == "pupil.full_name"));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_reports_not_serving_then_stops() {
    use tonic_health::pb::health_check_response::ServingStatus;
    let mut c = config(&fixtures().join("pack"));
    c.grace = Duration::from_millis(500);
    let server = Server::start(c).await;
    let mut health = tonic_health::pb::health_client::HealthClient::new(server.channel().await);
    let mut watch = health
        .watch(tonic_health::pb::HealthCheckRequest {
            service: service::SERVICE_NAME.into(),
        })
        .await
        .unwrap()
        .into_inner();
    let first = watch.message().await.unwrap().unwrap();
    assert_eq!(first.status, ServingStatus::Serving as i32);
    let mut server = server;
    let _ = server.stop.take().unwrap().send(());
    let next = watch.message().await.unwrap().unwrap();
    assert_eq!(next.status, ServingStatus::NotServing as i32);
    // The open watch stream is cut off after the grace period.
    server.task.take().unwrap().await.unwrap().unwrap();
}
