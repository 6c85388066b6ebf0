//! The generated `gatepost.v1` types (prost), service (tonic) and proto3
//! JSON mapping (pbjson), plus the encoded descriptor set for reflection.
#![allow(missing_docs, unreachable_pub, clippy::all, clippy::pedantic)]

/// `gatepost.v1`.
pub mod v1 {
    tonic::include_proto!("gatepost.v1");
    include!(concat!(env!("OUT_DIR"), "/gatepost.v1.serde.rs"));
}

/// The encoded `FileDescriptorSet` of `proto/`, for server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/gatepost_descriptor.bin"));
