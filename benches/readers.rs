//! Each format's reader on a 10 MB file (issue 11: the slowest above
//! 5 MB/s). Reading only: bytes to a `Document`, no extraction.
//!
//!     cargo bench --profile release --bench readers
//!
//! The inputs are the seed's rows, written in each format until the file
//! holds 10 MB. Each cell's characters are shuffled (a fixed seed), so that
//! the zipped formats (XLSX, DOCX) compress as real text does, about
//! threefold, rather than a hundredfold as the same rows repeated would:
//! a 10 MB workbook is then about 30 MB of XML, as a real one is. The PDF
//! is printed by Chromium from a web page of the same rows; without
//! `chromium` on the PATH that reader is skipped, with a notice.

use std::hint::black_box;
use std::io::Write;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use zhibiao::document::{self, ReadOptions, Row};

const TARGET_BYTES: usize = 10 << 20;

/// A small linear congruential generator: reproducible inputs without a
/// dependency.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

/// Endless rows: the seed's, their characters shuffled within each cell.
fn rows() -> impl Iterator<Item = Row> {
    let seed = document::parse("seed", include_bytes!("../data/seed-2022.txt")).unwrap();
    let mut rng = Lcg(42);
    seed.rows.into_iter().cycle().map(move |mut row| {
        for cell in [&mut row.task, &mut row.status, &mut row.issue] {
            let mut chars: Vec<char> = cell.chars().filter(|c| !matches!(c, '|' | '\t' | '<' | '>' | '&')).collect();
            for i in (1..chars.len()).rev() {
                chars.swap(i, rng.next(i + 1));
            }
            *cell = chars.into_iter().collect();
        }
        row
    })
}

const TITLE: &str = "市科委、中关村管委会2022年度日常履职考核事项完成情况自查表";
const HEADER: [&str; 4] = ["考评维度", "自查内容（年度任务）", "落实情况", "存在问题及原因"];

fn cells(r: &Row) -> [&str; 4] {
    [&r.dimension, &r.task, &r.status, &r.issue]
}

fn tsv() -> Vec<u8> {
    let mut out = format!("{TITLE}\n{}\n", HEADER.join("\t"));
    for r in rows() {
        if out.len() > TARGET_BYTES {
            break;
        }
        out.push_str(&cells(&r).map(|c| c.replace('\n', " ")).join("\t"));
        out.push('\n');
    }
    out.into_bytes()
}

fn csv() -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    w.write_record([TITLE]).unwrap();
    w.write_record(HEADER).unwrap();
    let mut written = 0;
    for r in rows() {
        if written > TARGET_BYTES {
            break;
        }
        written += cells(&r).iter().map(|c| c.len() + 3).sum::<usize>();
        w.write_record(cells(&r)).unwrap();
    }
    w.into_inner().unwrap()
}

fn markdown() -> Vec<u8> {
    let mut out = format!("# {TITLE}\n\n| {} |\n|---|---|---|---|\n", HEADER.join(" | "));
    for r in rows() {
        if out.len() > TARGET_BYTES {
            break;
        }
        out.push_str(&format!("| {} |\n", cells(&r).map(|c| c.replace('\n', "<br>")).join(" | ")));
    }
    out.into_bytes()
}

fn html_rows(limit: usize) -> String {
    let mut out = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{TITLE}</title></head><body>\
         <div class=\"nav\"><a href=\"/\">首页</a> &gt; 政务公开</div><h1>{TITLE}</h1>\
         <table border=\"1\"><thead><tr>{}</tr></thead><tbody>\n",
        HEADER.map(|h| format!("<th>{h}</th>")).join("")
    );
    for r in rows() {
        if out.len() > limit {
            break;
        }
        out.push_str("<tr>");
        for c in cells(&r) {
            out.push_str(&format!("<td><p><span>{}</span></p></td>", c.replace('\n', "</span></p><p><span>")));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table><div class=\"footer\">京ICP备05012345号</div></body></html>");
    out
}

fn prose() -> Vec<u8> {
    let mut out = format!("{TITLE}\n\n现将各项任务落实情况报告如下。\n\n");
    for (i, r) in rows().enumerate() {
        if out.len() > TARGET_BYTES {
            break;
        }
        out.push_str(&format!("第{}项：{}\n工作进展：{}\n存在问题：{}\n\n", i + 1, r.task, r.status, r.issue));
    }
    out.into_bytes()
}

fn xlsx() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, TITLE).unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    // About three bytes of text to one byte of file, checked below.
    let mut text = 0;
    for (i, r) in rows().enumerate() {
        if text > 3 * TARGET_BYTES {
            break;
        }
        for (c, cell) in cells(&r).iter().enumerate() {
            text += cell.len();
            sheet.write_string(i as u32 + 2, c as u16, *cell).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

fn docx() -> Vec<u8> {
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let cell = |text: &str| {
        let paragraphs: String = text
            .split('\n')
            .map(|p| format!("<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>", esc(p)))
            .collect();
        format!("<w:tc>{}</w:tc>", if paragraphs.is_empty() { "<w:p/>".to_owned() } else { paragraphs })
    };
    let mut body = format!("<w:p><w:r><w:t>{TITLE}</w:t></w:r></w:p><w:tbl><w:tr>{}</w:tr>", HEADER.map(cell).join(""));
    for r in rows() {
        if body.len() > 3 * TARGET_BYTES {
            break;
        }
        body.push_str(&format!("<w:tr>{}</w:tr>", cells(&r).map(cell).join("")));
    }
    body.push_str("</w:tbl>");
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (name, content) in [
        (
            "[Content_Types].xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
             <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
             <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
             <Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>",
        ),
        (
            "_rels/.rels",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
             <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>",
        ),
        ("word/document.xml", document.as_str()),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A PDF of about 10 MB printed by Chromium, kept beside the build between
/// runs; `None` without Chromium.
fn pdf() -> Option<Vec<u8>> {
    let dir = std::env::temp_dir().join("zhibiao-bench-readers");
    let pdf = dir.join("rows.pdf");
    if let Ok(bytes) = std::fs::read(&pdf) {
        return Some(bytes);
    }
    std::fs::create_dir_all(&dir).ok()?;
    let page = dir.join("rows.html");
    // Chromium embeds each glyph once: the file grows with pages, about
    // 25 KB a page of text here; 2 MB of HTML prints to about 10 MB.
    std::fs::write(&page, html_rows(2 << 20)).ok()?;
    let profile = dir.join("profile");
    let status = std::process::Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--user-data-dir={}", profile.display()),
            &format!("--print-to-pdf={}", pdf.display()),
            &format!("file://{}", page.display()),
        ])
        .stderr(std::process::Stdio::null())
        .status()
        .ok()?;
    status.success().then(|| std::fs::read(&pdf).ok()).flatten()
}

fn bench(c: &mut Criterion) {
    let mut inputs: Vec<(&str, &str, Vec<u8>)> = vec![
        ("tab-separated", "txt", tsv()),
        ("CSV", "csv", csv()),
        ("Markdown", "md", markdown()),
        ("HTML", "html", html_rows(TARGET_BYTES).into_bytes()),
        ("prose", "txt", prose()),
        ("XLSX", "xlsx", xlsx()),
        ("DOCX", "docx", docx()),
    ];
    match pdf() {
        Some(bytes) => inputs.push(("PDF", "pdf", bytes)),
        None => eprintln!("PDF reader skipped: chromium is not on the PATH to print its input"),
    }
    let mut group = c.benchmark_group("readers");
    group.sample_size(10);
    let options = ReadOptions::default();
    for (name, ext, bytes) in &inputs {
        let doc = document::parse_file("bench", Some(ext), bytes, &options).unwrap();
        eprintln!(
            "{name}: {:.1} MB, {} rows, read as {:?}",
            bytes.len() as f64 / (1 << 20) as f64,
            doc.rows.len(),
            doc.format
        );
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(format!("{name} ({:.0} MB)", bytes.len() as f64 / (1 << 20) as f64), |b| {
            b.iter(|| document::parse_file("bench", Some(ext), black_box(bytes), &options).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
