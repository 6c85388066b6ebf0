//! Image pipeline benchmarks (filled in below).

fn main() {}
