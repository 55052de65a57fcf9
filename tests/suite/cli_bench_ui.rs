//! `attune bench ui` runs end to end (in the test build, with egui's debug
//! checks on) and reports every figure the quality bars name.

use std::process::Command;

#[test]
fn bench_ui_reports_timeline_filter_save_and_load_figures() {
    let out = Command::new(env!("CARGO_BIN_EXE_attune"))
        .args([
            "bench",
            "ui",
            "--moments",
            "300",
            "--minutes",
            "2",
            "--frames",
            "5",
            "--json",
        ])
        .output()
        .expect("run attune");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["moments"], 300);
    assert_eq!(report["frames"], 3600);
    for key in ["timeline_draw_ms", "filter_ms"] {
        assert!(
            report[key]["p95"].as_f64().is_some_and(|v| v > 0.0),
            "{key}"
        );
    }
    for key in ["timeline_index_ms", "save_ms", "load_ms"] {
        assert!(report[key].as_f64().is_some_and(|v| v > 0.0), "{key}");
    }
    // The filter found something for its queries (the project has words).
    let found: u64 = report["filter_queries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["matches"].as_u64().unwrap())
        .sum();
    assert!(found > 0);
}
