//! How well ingestion reads the labelled corpus (`tests/ingest_corpus/` and the four
//! seeds): precision and recall of the body's lines, and the accuracy of each metadata
//! field. `cargo test --test ingest_quality -- --nocapture` prints the table.

mod common;

use serde_json::Value;
use std::collections::HashMap;

const FIELDS: [&str; 6] = [
    "title",
    "publisher",
    "author",
    "published",
    "updated",
    "url",
];

fn block_texts(value: &Value) -> Vec<String> {
    value["blocks"]
        .as_array()
        .map(|blocks| {
            blocks
                .iter()
                .map(|b| {
                    let text = b["text"].as_str().unwrap_or_default();
                    text.split_whitespace().collect::<Vec<_>>().join(" ")
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Lines both kept and expected, counted as a multiset.
fn matched(kept: &[String], expected: &[String]) -> usize {
    let mut wanted: HashMap<&str, usize> = HashMap::new();
    for line in expected {
        *wanted.entry(line).or_default() += 1;
    }
    kept.iter()
        .filter(|line| match wanted.get_mut(line.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        })
        .count()
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

#[test]
fn body_lines_and_metadata_are_read_with_high_precision_and_recall() {
    let mut table = String::from(
        "article                              kept  true  match  precision  recall  metadata\n",
    );
    let (mut kept_total, mut true_total, mut match_total) = (0, 0, 0);
    let (mut fields_right, mut fields_total) = (0, 0);
    let mut field_right: HashMap<&str, usize> = HashMap::new();
    let corpus = common::labelled_corpus();
    for labelled in &corpus {
        let (extracted, _) = briefing::ingest::inspect(&labelled.article, None)
            .unwrap_or_else(|e| panic!("{}: {e}", labelled.name));
        let got = briefing::ingest::to_json(&extracted);
        let kept = block_texts(&got);
        let truth = block_texts(&labelled.expected);
        let hits = matched(&kept, &truth);
        let right: Vec<&str> = FIELDS
            .into_iter()
            .filter(|f| got[f] == labelled.expected[f])
            .collect();
        for field in &right {
            *field_right.entry(field).or_default() += 1;
        }
        table.push_str(&format!(
            "{:<36} {:>4}  {:>4}  {:>5}  {:>9.3}  {:>6.3}  {}/{}\n",
            labelled.name,
            kept.len(),
            truth.len(),
            hits,
            ratio(hits, kept.len()),
            ratio(hits, truth.len()),
            right.len(),
            FIELDS.len()
        ));
        (kept_total, true_total, match_total) = (
            kept_total + kept.len(),
            true_total + truth.len(),
            match_total + hits,
        );
        fields_right += right.len();
        fields_total += FIELDS.len();
    }
    let precision = ratio(match_total, kept_total);
    let recall = ratio(match_total, true_total);
    let f1 = 2.0 * precision * recall / (precision + recall);
    let accuracy = ratio(fields_right, fields_total);
    table.push_str(&format!(
        "{:<36} {kept_total:>4}  {true_total:>4}  {match_total:>5}  {precision:>9.3}  {recall:>6.3}  {fields_right}/{fields_total}\n",
        format!("all {} articles (F1 {f1:.3})", corpus.len())
    ));
    table.push_str("metadata accuracy by field:");
    for field in FIELDS {
        let right = field_right.get(field).copied().unwrap_or(0);
        table.push_str(&format!(" {field} {right}/{}", corpus.len()));
    }
    println!("{table}\nmetadata accuracy: {accuracy:.3}");
    assert!(
        precision >= 0.95 && recall >= 0.95 && accuracy >= 0.95,
        "ingestion quality fell below 0.95:\n{table}"
    );
}
