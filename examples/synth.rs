//! Writes a synthetic briefing: `cargo run --release --example synth -- N DIR`.

#[path = "../benches/synth/mod.rs"]
mod synth;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .expect("usage: synth N DIR");
    let dir = std::path::PathBuf::from(args.next().expect("usage: synth N DIR"));
    synth::generate(&dir, n).expect("could not write the briefing");
    println!("wrote a briefing of {n} sources to {}", dir.display());
}
