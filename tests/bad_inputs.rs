//! The bad-input suite: hostile and broken files ingested beside the real
//! seed by the real binary, in one run. Each file gets a clear error (an
//! `error:` line naming it) or a correct read; the seed is stored whatever
//! the others hold; nothing panics, aborts or hangs.
//!
//! Every input is generated here (nothing big is committed). Each case says
//! what is acceptable:
//!
//! - `Refused`: the file must not be stored and an `error:` line names it;
//! - `Read`: the file must be stored (and a few are checked for content);
//! - `Either`: a clear error or a read; if it is not stored, an `error:`
//!   line must name it;
//! - `Skipped`: not a regular file (a directory, a symlink loop); it must not
//!   be stored, and an error line naming it is allowed but not required.
//!
//! The inputs that used to hang, blow the stack or take quadratic time are
//! also run one by one under a watchdog that kills the binary after 60 s.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use duckdb::Connection;

const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/seed-2022.txt");

/// How long one ingest of one hostile file may run before it counts as a hang.
const HANG_LIMIT: Duration = Duration::from_secs(60);

/// How long the ingest of every hostile file together may run. Not a timing
/// assertion: it only keeps a hang from stalling the suite forever.
const SUITE_LIMIT: Duration = Duration::from_secs(180);

/// The size of the file that must be refused by the size cap (`max_file_mb`,
/// 64 by default) without being read.
const HUGE_BYTES: u64 = 200 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Refused,
    Read,
    Either,
    Skipped,
}

struct Case {
    /// The file name inside `data/`; its stem is the document id.
    name: String,
    expect: Expect,
}

impl Case {
    fn id(&self) -> String {
        Path::new(&self.name).file_stem().unwrap().to_string_lossy().into_owned()
    }
}

// ---------------------------------------------------------------------------
// Generating the inputs
// ---------------------------------------------------------------------------

/// A reproducible byte stream (xorshift64), so the "random" files are the
/// same on every run.
fn noise(len: usize, mut state: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

const TITLE: &str = "某区科委2022年度日常履职考核事项完成情况自查表";
const HEADER: &str = "考评维度\t自查内容（年度任务）\t落实情况\t存在问题及原因";

/// A self-check table in the seed's layout: title, header, and one data row
/// per (task, status) pair.
fn table(rows: &[(impl AsRef<str>, impl AsRef<str>)]) -> String {
    let mut t = format!("{TITLE}\n{HEADER}\n");
    for (task, status) in rows {
        t.push_str(&format!("\t{}\t{}\t无\n", task.as_ref(), status.as_ref()));
    }
    t
}

/// Filler rows of ordinary text whose figures are all 100 or more.
fn filler_rows(n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| {
            let k = 100 + i;
            (
                format!("推进重点工作，完成年度任务{k}项"),
                format!("已推进重点工作，新建平台{k}个，形成工作台账并定期梳理报送工作进展，相关工作按计划推进。"),
            )
        })
        .collect()
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    text.encode_utf16().flat_map(|u| if big_endian { u.to_be_bytes() } else { u.to_le_bytes() }).collect()
}

/// A ZIP archive shaped like a .docx: local headers, a stored XML part whose
/// text is a perfectly good table, a deflated-looking part, the central
/// directory and its end record.
fn docx_like() -> Vec<u8> {
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document><w:body><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:body></w:document>",
        table(&[("新建平台10个", "完成9个")])
    );
    let parts: [(&str, Vec<u8>, u16); 2] =
        [("word/document.xml", xml.into_bytes(), 0), ("[Content_Types].xml", noise(3000, 0x5eed), 8)];
    let mut zip = Vec::new();
    let mut central = Vec::new();
    for (name, data, method) in &parts {
        let offset = zip.len() as u32;
        let mut header = Vec::new();
        header.extend_from_slice(&20u16.to_le_bytes()); // version needed
        header.extend_from_slice(&6u16.to_le_bytes()); // flags
        header.extend_from_slice(&method.to_le_bytes());
        header.extend_from_slice(&[0, 0, 0x21, 0]); // time, date
        header.extend_from_slice(&0xdead_beefu32.to_le_bytes()); // crc-32
        header.extend_from_slice(&(data.len() as u32).to_le_bytes());
        header.extend_from_slice(&(data.len() as u32).to_le_bytes());
        header.extend_from_slice(&(name.len() as u16).to_le_bytes());
        header.extend_from_slice(&0u16.to_le_bytes());
        zip.extend_from_slice(b"PK\x03\x04");
        zip.extend_from_slice(&header);
        zip.extend_from_slice(name.as_bytes());
        zip.extend_from_slice(data);
        central.extend_from_slice(b"PK\x01\x02\x14\x00");
        central.extend_from_slice(&header);
        central.extend_from_slice(&[0; 8]);
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let central_at = zip.len() as u32;
    zip.extend_from_slice(&central);
    zip.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    zip.extend_from_slice(&(parts.len() as u16).to_le_bytes());
    zip.extend_from_slice(&(parts.len() as u16).to_le_bytes());
    zip.extend_from_slice(&(central.len() as u32).to_le_bytes());
    zip.extend_from_slice(&central_at.to_le_bytes());
    zip.extend_from_slice(&0u16.to_le_bytes());
    zip
}

/// Controls inside cells that are not the table's own separators (tab,
/// line feed, carriage return), DEL, and the bidi and invisible format
/// characters.
fn controls() -> String {
    let mut s: String = (1u8..0x20).filter(|b| !matches!(b, b'\t' | b'\n' | b'\r')).map(char::from).collect();
    s.push('\u{7f}');
    s.push_str("\u{202e}反向\u{202c}\u{202d}\u{2066}隔离\u{2069}\u{200b}\u{200f}\u{feff}");
    s
}

/// An otherwise valid table with `inside` once in a status cell (and bidi
/// overrides in its task), in the middle of 30 ordinary rows; that row
/// (row 16) holds the only figure of value 9. The controls stay well under
/// one byte in a hundred, as in a real file with a few stray characters.
fn table_with_controls(inside: &str) -> String {
    let filler = filler_rows(30);
    let mut rows: Vec<(String, String)> = filler[..15].to_vec();
    rows.push((
        "推进\u{202e}产业协同\u{202c}创新平台\u{2067}建设\u{2069}，按计划完成".to_owned(),
        format!("新建产业协同创新平台9个，相关工作按{inside}计划推进，形成工作台账。"),
    ));
    rows.extend_from_slice(&filler[15..]);
    table(&rows)
}

/// The seed with bytes spliced in at a char boundary near its middle.
fn seed_with(bytes: &[u8]) -> Vec<u8> {
    let seed = std::fs::read_to_string(SEED).unwrap();
    let mut at = seed.len() / 2;
    while !seed.is_char_boundary(at) {
        at += 1;
    }
    let mut out = seed.as_bytes()[..at].to_vec();
    out.extend_from_slice(bytes);
    out.extend_from_slice(&seed.as_bytes()[at..]);
    out
}

/// Stems and branches (甲子, 乙丑, …): names free of numerals.
fn names(n: usize) -> Vec<String> {
    const STEMS: [char; 10] = ['甲', '乙', '丙', '丁', '戊', '己', '庚', '辛', '壬', '癸'];
    const BRANCHES: [char; 12] = ['子', '丑', '寅', '卯', '辰', '巳', '午', '未', '申', '酉', '戌', '亥'];
    (0..n).map(|i| format!("{}{}园区", STEMS[i % 10], BRANCHES[i % 12])).collect()
}

/// The inputs that used to hang, abort or take quadratic time, each a table
/// with the hostile text in its cells.
fn slow_inputs() -> Vec<(&'static str, Vec<u8>)> {
    let list: Vec<String> = (1..=40).map(|i| i.to_string()).collect();
    let list40 = format!("分别为{}个", list.join("、"));
    let named40 = format!("{}分别新建平台{}个", names(40).join("、"), list.join("、"));
    let quotes: String = (1..=20_000).map(|i| format!("“{i}个")).collect();
    let clauses = "目标10个，完成9个；".repeat(2000);
    vec![
        ("baifenzhi.txt", table(&[("提高比例", &format!("{}5", "百分之".repeat(20_000)))]).into_bytes()),
        ("list40.txt", table(&[("新建平台", &list40), ("各园区新建平台", &named40)]).into_bytes()),
        ("comments.txt", table(&[("新建平台", &format!("{}完成9个", "<!--".repeat(80_000)))]).into_bytes()),
        ("book-titles.txt", table(&[("学习文件", &"《》1个".repeat(40_000))]).into_bytes()),
        ("open-quotes.txt", table(&[("开展活动", &quotes)]).into_bytes()),
        ("clauses.txt", table(&[(&clauses, &clauses)]).into_bytes()),
    ]
}

/// The cases, as their files are written.
struct Inputs {
    data: PathBuf,
    cases: Vec<Case>,
}

impl Inputs {
    fn write(&mut self, name: &str, expect: Expect, bytes: impl AsRef<[u8]>) {
        std::fs::write(self.data.join(name), bytes).unwrap();
        self.note(name, expect);
    }
    fn note(&mut self, name: &str, expect: Expect) {
        self.cases.push(Case { name: name.to_owned(), expect });
    }
}

/// Writes every hostile file into `data` and returns the cases.
fn write_hostile_files(data: &Path) -> Vec<Case> {
    let mut f = Inputs { data: data.to_owned(), cases: Vec::new() };
    let seed = std::fs::read_to_string(SEED).unwrap();
    let traditional = "市科委年度自查表\n考評維度\t自查內容（年度任務）\t落實情況\t存在問題及原因\n\t推動產業協同創新平臺建設\t新建九個平臺，完成情況良好，經費撥付到位。\t無\n\t實施卓越工程師培養計劃\t支持六十五家機構，開展專題培訓，參與人數眾多。\t無\n";
    let japanese = "年度報告書\n評価項目\t自己点検内容\t実施状況\t問題点\n\tプラットフォームの新設\tプラットフォームを九つ新設しました。\tなし\n\t技術者の育成\t研修をおこないました。\tなし\n";
    let french = "Rapport annuel 2022 : tâches achevées\nCatégorie\tTâche prévue\tRésultat obtenu\tProblème rencontré\n\tCréer dix plateformes\tNeuf plateformes créées, réussite élevée\tAucune difficulté\n\tFormer des ingénieurs\tSoixante-cinq équipes formées à Besançon\tRésolu\n";

    // Nothing, or nothing but whitespace.
    f.write("empty.txt", Expect::Refused, b"");
    f.write("whitespace.txt", Expect::Refused, " \t \r\n\n\t\t\n   \n\u{3000}\u{3000}\u{a0}\n");

    // Binary.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0\0\0\x01\0\x08\x06\0\0\0".to_vec();
    png.extend_from_slice(&noise(8192, 0x1234_5678_9abc_def1));
    f.write("png-image.txt", Expect::Refused, png);
    f.write("nul-bytes.txt", Expect::Refused, [0u8; 4096]);
    f.write("word-export.txt", Expect::Refused, docx_like());

    // Encodings we do not read, or do not read without a byte-order mark.
    let report =
        table(&[("新建产业协同创新平台10个", "新建产业协同创新平台9个"), ("支持技术转移机构70家", "支持65家")]);
    f.write("utf16le-nobom.txt", Expect::Refused, utf16(&report, false));
    f.write("utf16be-nobom.txt", Expect::Refused, utf16(&report, true));
    f.write("shift-jis.txt", Expect::Refused, encoding_rs::SHIFT_JIS.encode(japanese).0);
    f.write("latin1.txt", Expect::Refused, encoding_rs::WINDOWS_1252.encode(french).0);
    f.write("utf8-broken.txt", Expect::Either, seed_with(b"\xff"));

    // Encodings we do read: checked against the seed below. Big5 (a
    // traditional-Chinese table) reads too.
    f.write("big5.txt", Expect::Read, encoding_rs::BIG5.encode(traditional).0);
    let (gb, _, unmappable) = encoding_rs::GB18030.encode(&seed);
    assert!(!unmappable);
    f.write("seed-gb18030.txt", Expect::Read, gb);
    f.write("seed-bom.txt", Expect::Read, [&b"\xef\xbb\xbf"[..], seed.as_bytes()].concat());

    // Size: one 1 MB cell; a 200 MB file (sparse, all NUL) the size cap refuses.
    let clause = "新建产业协同创新平台9个，完成投资12.5亿元，同比增长15.6%；";
    let long_cell = clause.repeat((1 << 20) / clause.len() + 1);
    f.write("one-mb-cell.txt", Expect::Either, table(&[("推进平台建设", &long_cell)]));
    let huge = File::create(data.join("huge-200mb.txt")).unwrap();
    huge.set_len(HUGE_BYTES).unwrap();
    f.note("huge-200mb.txt", Expect::Refused);

    // Controls inside cells of a valid table: read. A NUL inside a cell is
    // a fair sign of a binary file: either.
    f.write("controls.txt", Expect::Read, table_with_controls(&controls()));
    f.write("control-nul.txt", Expect::Either, table_with_controls("\u{0}"));

    // Markup and punctuation bombs, lists and clause floods.
    f.write("nested-p.txt", Expect::Either, table(&[("新建平台", &format!("{}新建9个平台", "<p>".repeat(100_000)))]));
    for (name, bytes) in slow_inputs() {
        f.write(name, Expect::Either, bytes);
    }

    // Other formats' bombs: tables nested 20,000 deep, spans of a million
    // cells, a PDF whose catalogue nests arrays 300,000 deep, a ZIP that is
    // only a local header.
    let nested = format!(
        "<html><body>{}{}</body></html>",
        "<table><tr><td>任务".repeat(20_000),
        "</td></tr></table>".repeat(20_000)
    );
    f.write("nested-tables.html", Expect::Either, nested);
    let spans = format!(
        "<html><body><table>{}</table></body></html>",
        "<tr><td rowspan=65534 colspan=1000>完成9个</td></tr>".repeat(3000)
    );
    f.write("spans.html", Expect::Either, spans);
    f.write("deep-arrays.pdf", Expect::Refused, deep_pdf());
    f.write("zip-header.docx", Expect::Refused, b"PK\x03\x04word/document.xml");

    // Shapes: very wide, very long, no data, only a title.
    let wide_line = |i: usize| format!("\t新建平台{}个\t完成\t无{}\n", 100 + i, "\tx".repeat(4997));
    f.write("wide.txt", Expect::Either, (0..20).map(wide_line).collect::<String>());
    f.write("many-rows.txt", Expect::Either, "完成9个\n".repeat(100_000));
    f.write("header-only.txt", Expect::Refused, format!("{TITLE}\n{HEADER}\n"));
    f.write("title-only.txt", Expect::Refused, format!("\n{TITLE}\n\n"));
    f.write("ten-thousand-lines.txt", Expect::Either, "1\t2\t3\n".repeat(10_000));

    // A name with spaces, brackets and Chinese: read.
    f.write("报告 (副本).txt", Expect::Read, table(&[("新建平台10个", "完成9个"), ("支持机构70家", "支持65家")]));

    // Excel quoting with a quote that never closes.
    let quoted = format!(
        "{TITLE}\n{HEADER}\n\t\"新建平台\n跨行任务\"\t\"完成9个，\"\"两区\"\"建设\"\t无\n\t支持机构\t\"未闭合的引号，支持65家机构\t无\n\t任务三\t完成3个\t无\n"
    );
    f.write("unclosed-quote.txt", Expect::Either, quoted);

    // Mixed line ends: CRLF, CR alone, LF; four data rows.
    let mixed = format!(
        "{TITLE}\r\n{HEADER}\r\n\t任务一\t完成1个\t无\r\t任务二\t完成2个\t无\n\t任务三\t完成3个\t无\r\n\t任务四\t完成4个\t无\r"
    );
    f.write("mixed-line-ends.txt", Expect::Read, mixed);

    // A directory named like a report, and symlink loops.
    std::fs::create_dir(data.join("folder.txt")).unwrap();
    f.note("folder.txt", Expect::Skipped);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("loop-b.txt", data.join("loop-a.txt")).unwrap();
        std::os::unix::fs::symlink("loop-a.txt", data.join("loop-b.txt")).unwrap();
        std::os::unix::fs::symlink(".", data.join("loop-dir.txt")).unwrap();
        for name in ["loop-a.txt", "loop-b.txt", "loop-dir.txt"] {
            f.note(name, Expect::Skipped);
        }
    }
    f.cases
}

// ---------------------------------------------------------------------------
// Running the binary under a watchdog
// ---------------------------------------------------------------------------

struct Run {
    /// `None` when the watchdog had to kill it.
    status: Option<ExitStatus>,
    elapsed: Duration,
    stdout: String,
    stderr: String,
}

/// `zhibiao ingest data --db test.duckdb` in `dir`, killed after `limit`.
/// Output goes to files, not pipes, so a chatty child never blocks.
fn ingest_watched(dir: &Path, limit: Duration) -> Run {
    let (out_path, err_path) = (dir.join("stdout.log"), dir.join("stderr.log"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhibiao"))
        .args(["ingest", "data", "--db", "test.duckdb"])
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(File::create(&out_path).unwrap())
        .stderr(File::create(&err_path).unwrap())
        .spawn()
        .expect("run zhibiao");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for zhibiao") {
            break Some(status);
        }
        if started.elapsed() >= limit {
            child.kill().expect("kill zhibiao");
            child.wait().expect("reap zhibiao");
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let read = |p: &PathBuf| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned();
    Run { status, elapsed: started.elapsed(), stdout: read(&out_path), stderr: read(&err_path) }
}

/// The `error:` lines of stderr that name `name`.
fn error_lines<'a>(stderr: &'a str, name: &str) -> Vec<&'a str> {
    stderr.lines().filter(|l| l.starts_with("error:") && l.contains(name)).collect()
}

/// Problems with how the process ended: it must have exited by itself with
/// `expected` and without a panic message.
fn ending_problems(run: &Run, limit: Duration, expected: &[i32]) -> Vec<String> {
    let mut problems = Vec::new();
    match run.status {
        None => problems.push(format!("still running after {limit:?}: killed by the watchdog (a hang)")),
        Some(status) if status.code().is_none() => {
            problems.push(format!("ended by a signal, not an exit code: {status} (an abort or a crash)"))
        }
        Some(status) if !expected.contains(&status.code().unwrap()) => {
            problems.push(format!("exit code {:?}, expected one of {expected:?}", status.code()))
        }
        Some(_) => {}
    }
    for word in ["panicked", "RUST_BACKTRACE"] {
        if run.stderr.contains(word) {
            problems.push(format!("stderr mentions {word:?}"));
        }
    }
    problems
}

fn count(conn: &Connection, sql: &str, id: &str) -> i64 {
    conn.query_row(sql, duckdb::params![id], |r| r.get(0)).unwrap()
}

fn tail(s: &str, chars: usize) -> String {
    let n = s.chars().count();
    s.chars().skip(n.saturating_sub(chars)).collect()
}

// ---------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------

#[test]
fn hostile_files_are_named_or_read_and_the_seed_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::copy(SEED, data.join("seed-2022.txt")).unwrap();
    let cases = write_hostile_files(&data);
    assert!(cases.len() >= 25, "{} cases", cases.len());
    for a in &cases {
        for b in &cases {
            assert!(
                std::ptr::eq(a, b) || !b.name.contains(&a.name),
                "{} contains {}: an error line naming one would seem to name the other",
                b.name,
                a.name
            );
        }
    }

    let run = ingest_watched(dir.path(), SUITE_LIMIT);
    let mut problems: Vec<String> =
        ending_problems(&run, SUITE_LIMIT, &[1]).into_iter().map(|p| format!("the ingest run: {p}")).collect();

    // Every refused file is named on its own error line.
    let db = dir.path().join("test.duckdb");
    let conn = (run.status.is_some() && db.exists()).then(|| Connection::open(&db).unwrap());
    if conn.is_none() {
        problems.push("the ingest run left no database to check".to_owned());
    }
    let stored_ids: Vec<String> = conn.as_ref().map_or_else(Vec::new, |conn| {
        let mut stmt = conn.prepare("SELECT id FROM documents ORDER BY id").unwrap();
        stmt.query_map([], |r| r.get::<_, String>(0)).unwrap().map(Result::unwrap).collect()
    });
    let known: Vec<String> = cases.iter().map(Case::id).chain(["seed-2022".to_owned()]).collect();
    for id in &stored_ids {
        if !known.contains(id) {
            problems.push(format!("a document nobody asked for is stored: {id:?}"));
        }
    }
    if conn.is_some() {
        for case in &cases {
            let stored = stored_ids.contains(&case.id());
            let lines = error_lines(&run.stderr, &case.name);
            let own_line = lines.iter().any(|l| cases.iter().all(|o| o.name == case.name || !l.contains(&o.name)));
            // What happened to each file, for `--nocapture` readers.
            let outcome =
                if stored { "stored".to_owned() } else { lines.first().map_or("not stored", |l| l).to_owned() };
            eprintln!("{:<24} {:<8} {outcome}", case.name, format!("{:?}", case.expect));
            match (case.expect, stored) {
                (Expect::Refused | Expect::Skipped, true) => {
                    problems.push(format!("{}: stored, but it must be refused", case.name))
                }
                (Expect::Read, false) => {
                    problems.push(format!("{}: not stored, but it must be read; its error lines: {lines:?}", case.name))
                }
                (Expect::Refused | Expect::Either, false) if !own_line => problems.push(format!(
                    "{}: not stored, and no `error:` line of its own names it (lines naming it: {lines:?})",
                    case.name
                )),
                _ => {}
            }
        }
    }

    // The 200 MB file is refused by the size cap, which the error names.
    let huge = error_lines(&run.stderr, "huge-200mb.txt");
    if run.status.is_some() && !huge.iter().any(|l| l.contains("64")) {
        problems.push(format!("huge-200mb.txt: no error line names the size limit (64 MB): {huge:?}"));
    }

    // The seed and the files that must read, read correctly.
    if let Some(conn) = &conn {
        let docs = |id: &str| count(conn, "SELECT count(*) FROM documents WHERE id = ?", id);
        let rows = |id: &str| count(conn, "SELECT count(*) FROM rows WHERE doc_id = ?", id);
        let figures = |id: &str| count(conn, "SELECT count(*) FROM figures WHERE doc_id = ?", id);
        let seed_figures = figures("seed-2022");
        if docs("seed-2022") != 1 || seed_figures <= 100 || rows("seed-2022") != 31 {
            problems.push(format!(
                "seed-2022: {} documents, {} rows, {seed_figures} figures; expected 1, 31, more than 100",
                docs("seed-2022"),
                rows("seed-2022")
            ));
        }
        for (id, encoding) in [("seed-gb18030", "gb18030"), ("seed-bom", "UTF-8")] {
            if docs(id) == 1 {
                let read_as: String = conn
                    .query_row("SELECT encoding FROM documents WHERE id = ?", duckdb::params![id], |r| r.get(0))
                    .unwrap();
                if read_as != encoding || rows(id) != 31 || figures(id) != seed_figures {
                    problems.push(format!(
                        "{id}: read as {read_as} with {} rows and {} figures; expected {encoding}, 31 rows, {seed_figures} figures like the seed",
                        rows(id),
                        figures(id)
                    ));
                }
            }
        }
        if docs("controls") == 1 {
            let nines =
                count(conn, "SELECT count(*) FROM figures WHERE doc_id = ? AND value = 9 AND \"row\" = 16", "controls");
            if rows("controls") != 31 || nines < 1 {
                problems.push(format!(
                    "controls: {} rows, {nines} figures of 9 in row 16; expected 31 rows and the 9个 of row 16",
                    rows("controls")
                ));
            }
        }
        if docs("报告 (副本)") == 1 && rows("报告 (副本)") != 2 {
            problems.push(format!("报告 (副本): {} rows, expected 2", rows("报告 (副本)")));
        }
        if docs("mixed-line-ends") == 1 {
            let with_cr = count(
                conn,
                "SELECT count(*) FROM rows WHERE doc_id = ? AND contains(task || status || issue, chr(13))",
                "mixed-line-ends",
            );
            if rows("mixed-line-ends") != 4 || with_cr != 0 {
                problems.push(format!(
                    "mixed-line-ends: {} rows ({with_cr} holding a carriage return); expected 4 rows, none",
                    rows("mixed-line-ends")
                ));
            }
        }
    }

    assert!(
        problems.is_empty(),
        "{} problems:\n- {}\n\nstdout:\n{}\nstderr (last 4000 chars):\n{}",
        problems.len(),
        problems.join("\n- "),
        run.stdout,
        tail(&run.stderr, 4000)
    );
    eprintln!("ingest of {} hostile files and the seed took {:?}", cases.len(), run.elapsed);
}

#[test]
fn inputs_that_used_to_hang_or_abort_each_finish() {
    let handles: Vec<_> = slow_inputs()
        .into_iter()
        .map(|(name, bytes)| {
            std::thread::spawn(move || {
                let dir = tempfile::tempdir().unwrap();
                std::fs::create_dir(dir.path().join("data")).unwrap();
                std::fs::write(dir.path().join("data").join(name), bytes).unwrap();
                let run = ingest_watched(dir.path(), HANG_LIMIT);
                let mut problems = ending_problems(&run, HANG_LIMIT, &[0, 1]);
                if run.status.is_some_and(|s| s.code() == Some(1)) && error_lines(&run.stderr, name).is_empty() {
                    problems.push("exit code 1 but no `error:` line names the file".to_owned());
                }
                (name, run, problems)
            })
        })
        .collect();
    let mut report = Vec::new();
    for handle in handles {
        let (name, run, problems) = handle.join().unwrap();
        eprintln!("{name}: {:?}, {:?}", run.status, run.elapsed);
        for p in problems {
            report.push(format!("{name}: {p}\n  stderr: {}", tail(&run.stderr, 600).trim_end()));
        }
    }
    assert!(report.is_empty(), "{}", report.join("\n"));
}

/// A PDF with a valid cross-reference table whose catalogue nests arrays
/// 300,000 deep: a parser that recurses per level overflows its stack.
fn deep_pdf() -> Vec<u8> {
    let deep = format!("{}{}", "[".repeat(300_000), "]".repeat(300_000));
    let objects = [
        format!("<< /Type /Catalog /Pages 2 0 R /X {deep} >>"),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] >>".to_owned(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    out
}
