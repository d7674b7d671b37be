//! End to end in a real browser: the real binary serves the seed on a free
//! port, headless Chromium (Debian's `chromium`, with a CJK font such as
//! `fonts-noto-cjk`; `.ci/run` installs both) loads the overview, and the
//! page it built must hold the charts and their Chinese labels.
//!
//! Screenshots are left in the test's temporary target folder for a person
//! to look at (the path is printed with `--nocapture`).
//!
//! Without Chromium the test fails, saying what to install; set
//! `ZHIBIAO_SKIP_BROWSER=1` to skip it knowingly.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The server process, stopped when the test ends however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(dir: &Path) -> (Server, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args(["serve", "--bind", "127.0.0.1:0", "--db", "browser.duckdb", "--data", "data"])
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start zhibiao serve");
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("zhibiao serving ") {
                let _ = tx.send(url.trim_end_matches('/').to_owned());
            }
        }
    });
    let url = rx.recv_timeout(Duration::from_secs(120)).expect("the server prints its address");
    (server, url)
}

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"].iter().find_map(|name| {
        let out = Command::new("sh").args(["-c", &format!("command -v {name}")]).output().ok()?;
        out.status.success().then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
    })
}

fn browse(chrome: &Path, profile: &Path, args: &[&str], url: &str) -> String {
    let started = Instant::now();
    let out = Command::new(chrome)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
        .args(["--disable-dev-shm-usage", "--disable-component-update", "--disable-sync", "--hide-scrollbars"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "chromium failed after {:?}: {}",
        started.elapsed(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn overview_in_headless_chromium() {
    let Some(chrome) = chromium() else {
        if std::env::var_os("ZHIBIAO_SKIP_BROWSER").is_some() {
            eprintln!("SKIPPED: no chromium, and ZHIBIAO_SKIP_BROWSER is set");
            return;
        }
        panic!(
            "this test needs Debian's chromium and a CJK font: apt-get install chromium fonts-noto-cjk (.ci/run does)"
        );
    };
    let fonts = Command::new("fc-list").arg(":lang=zh").output().expect("fc-list (fontconfig)");
    assert!(
        !String::from_utf8_lossy(&fonts.stdout).trim().is_empty(),
        "no CJK font is installed, so every Chinese label would render as boxes: apt-get install fonts-noto-cjk"
    );

    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    for f in ["seed-2022.txt", "metrics.toml"] {
        std::fs::copy(format!("{ROOT}/data/{f}"), dir.path().join("data").join(f)).unwrap();
    }
    std::fs::copy(format!("{ROOT}/tests/fixtures/kw-2021.txt"), dir.path().join("data/kw-2021.txt")).unwrap();
    let (_server, url) = start(dir.path());
    let profile = dir.path().join("chromium-profile");

    let dom = browse(&chrome, &profile, &["--dump-dom"], &format!("{url}/d/overview"));
    assert!(dom.contains("<h1>目标完成情况总览</h1>"), "the overview loaded:\n{}", &dom[..dom.len().min(2000)]);
    let charts = dom.matches("<svg class=\"chart\"").count();
    assert!(charts >= 2, "the attainment and bullet charts are on the page ({charts} found)");
    for label in ["产业协同创新平台", "技术转移机构", "工程技术人才支持比例"] {
        assert!(dom.contains(&format!(">{label} 2022年</text>")), "{label} is drawn as chart text");
    }
    assert!(dom.contains("<title>产业协同创新平台 2022年"), "marks carry tooltips");

    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    for (page, size, name) in [
        ("/d/overview", "1280,1800", "overview.png"),
        ("/d/trends", "1280,1800", "trends.png"),
        ("/d/overview", "390,1600", "overview-phone.png"),
        ("/docs/seed-2022/rows/19", "1280,1200", "row.png"),
    ] {
        let file = shots.join(name);
        let _ = std::fs::remove_file(&file);
        browse(
            &chrome,
            &profile,
            &[&format!("--window-size={size}"), &format!("--screenshot={}", file.display())],
            &format!("{url}{page}"),
        );
        let bytes = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
        assert!(bytes > 20_000, "{name} is a real screenshot ({bytes} bytes)");
        println!("screenshot: {}", file.display());
    }
}
