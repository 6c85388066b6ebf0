//! A whole `ScreenPostRequest` from arbitrary protobuf bytes: decoded with
//! prost, converted (the one place that refuses malformed requests), and
//! screened against the demo pack, attachments and all. The report keeps
//! the invariants in `common`, and its wire form encodes and decodes back.

#![no_main]

mod common;

use gatepost::proto::v1 as pb;
use libfuzzer_sys::fuzz_target;
use prost::Message;

fuzz_target!(|data: &[u8]| {
    let Ok(wire) = pb::ScreenPostRequest::decode(data) else {
        return;
    };
    let request = match gatepost::convert::request(wire) {
        Ok(r) => r,
        Err(e) => {
            assert!(!e.field.is_empty() && !e.why.is_empty());
            return;
        }
    };
    let Ok(report) = gatepost::screen(common::snapshot(), &request, common::options()) else {
        return;
    };
    common::check_report(&request, &report);
    let response = gatepost::convert::response(&report, &request.post.id);
    let bytes = response.encode_to_vec();
    let back = pb::ScreenPostResponse::decode(bytes.as_slice()).expect("our own encoding decodes");
    assert_eq!(back, response);
});
