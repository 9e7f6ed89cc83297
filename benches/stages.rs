//! Criterion benches of the hot stages, on a synthetic briefing of 500 sources
//! (`benches/synth`): ingesting one source of each kind (text dump, HTML page,
//! markdown) and all of them (the mix of a real build), resolving every citation with its quote checks, and rendering every page.
//!
//! `cargo bench --bench stages`.

#[path = "synth/mod.rs"]
mod synth;

use briefing::cache::BuildCache;
use briefing::ingest::SourceFile;
use briefing::parse::Site;
use briefing::{load, parse, provenance, render, resolve, theme};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const SOURCES: usize = 500;

/// The synthetic briefing, written to a temporary folder, and parsed.
struct Fixture {
    dir: tempfile::TempDir,
    site: Site,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("a temporary folder");
    synth::generate(dir.path(), SOURCES).expect("the synthetic briefing");
    let mut cache = BuildCache::new();
    let mut diagnostics = Vec::new();
    let content = load::load(
        dir.path(),
        &mut cache.files,
        &mut cache.sources,
        &mut diagnostics,
    )
    .expect("the content loads");
    let site =
        parse::parse(content, &mut cache.sources, &mut diagnostics).expect("the content parses");
    Fixture { dir, site }
}

fn source_file(root: &Path, name: &str) -> SourceFile {
    let path = PathBuf::from("content/sources").join(name);
    let bytes: Arc<[u8]> = std::fs::read(root.join(&path))
        .expect("a generated source")
        .into();
    SourceFile {
        path,
        bytes,
        sidecar: None,
    }
}

fn stages(c: &mut Criterion) {
    let fixture = fixture();
    let root = fixture.dir.path();
    // synth writes source i as HTML when i % 10 == 3, markdown when i % 10 == 7.
    for (kind, name) in [
        ("text", "s000000.txt"),
        ("html", "s000003.html"),
        ("markdown", "s000007.md"),
    ] {
        let file = source_file(root, name);
        c.bench_function(&format!("ingest one {kind} source"), |b| {
            b.iter(|| {
                let mut warnings = Vec::new();
                black_box(briefing::ingest::ingest(&file, None, &mut warnings)).ok()
            })
        });
    }

    // The whole mix, as a build ingests it, but on one thread: the figure is CPU time.
    let files: Vec<SourceFile> = fixture
        .site
        .sources
        .iter()
        .map(|source| source_file(root, &source.path.file_name().unwrap().to_string_lossy()))
        .collect();
    c.bench_function(&format!("ingest all {SOURCES} sources"), |b| {
        b.iter(|| {
            let mut warnings = Vec::new();
            for file in &files {
                black_box(briefing::ingest::ingest(file, None, &mut warnings)).ok();
            }
        })
    });

    let site = &fixture.site;
    c.bench_function(
        &format!("resolve and check the quotes of {SOURCES} sources"),
        |b| {
            b.iter(|| {
                let mut diagnostics = Vec::new();
                black_box(resolve::resolve(site, &mut diagnostics))
            })
        },
    );

    let mut diagnostics = Vec::new();
    let resolved = resolve::resolve(site, &mut diagnostics);
    let provenance = provenance::analyze(site, &resolved, &mut diagnostics);
    let theme = theme::Theme::load(root, &site.config.theme).expect("the default theme");
    let assets = theme.published_assets(true);
    let mut tera = render::compile(&theme).expect("the templates compile");
    let renderer = render::Renderer::new(site, &resolved, &provenance, &assets, &mut tera, false);
    c.bench_function(&format!("render the {} pages", SOURCES + 5), |b| {
        b.iter(|| {
            let memory = briefing::write::InMemory::default();
            black_box(renderer.render_pages(&memory).is_ok());
            memory.into_files()
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = stages
}
criterion_main!(benches);
