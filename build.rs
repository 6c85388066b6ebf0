//! Compiles `proto/` with protox (pure Rust: no system `protoc`), generates
//! the prost messages, the tonic service, the proto3 JSON mapping (pbjson)
//! and the encoded descriptor set that server reflection serves.

use std::{env, fs, path::PathBuf};

use prost::Message;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let proto = "gatepost/v1/gatepost.proto";
    println!("cargo:rerun-if-changed=proto");
    let fds = protox::compile([proto], ["proto"])?;
    let out = PathBuf::from(env::var("OUT_DIR")?);
    let descriptor = out.join("gatepost_descriptor.bin");
    fs::write(&descriptor, fds.encode_to_vec())?;

    tonic_prost_build::configure()
        .extern_path(".google.protobuf.Timestamp", "::pbjson_types::Timestamp")
        .compile_fds(fds)?;

    pbjson_build::Builder::new()
        .register_descriptors(&fs::read(&descriptor)?)?
        .extern_path(".google.protobuf.Timestamp", "::pbjson_types::Timestamp")
        .emit_fields()
        .build(&[".gatepost.v1"])?;
    Ok(())
}
