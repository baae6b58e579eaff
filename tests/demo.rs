//! The demo school's files are exactly what the generator makes: they cannot drift from it.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn demo_school_is_what_the_generator_makes() {
    // cargo builds examples for `cargo test`, beside the test binaries' deps folder.
    let exe = std::env::current_exe().unwrap();
    let examples = exe.parent().unwrap().parent().unwrap().join("examples");
    let generator: PathBuf = examples.join(format!("gen_demo{}", std::env::consts::EXE_SUFFIX));
    assert!(generator.exists(), "{} not built", generator.display());
    let out = tempfile::tempdir().unwrap();
    let status = Command::new(&generator).arg(out.path()).output().unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let committed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo-school");
    for f in [
        "pupils.csv",
        "attendance.csv",
        "results.csv",
        "exclusions.csv",
        "activities.csv",
    ] {
        let made = std::fs::read(out.path().join(f)).unwrap();
        let kept = std::fs::read(committed.join(f)).unwrap();
        assert!(
            made == kept,
            "{f} differs from the generator's output: run `cargo run --example gen_demo -- fixtures/demo-school`"
        );
    }
}
