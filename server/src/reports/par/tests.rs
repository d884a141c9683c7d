use std::collections::BTreeMap;
use std::io::Read;

use calamine::{Data, Reader, Xlsx};
use tiendo_shared::model::assessment::{EvidenceItem, OfficeCall};
use tiendo_shared::model::criteria::template;
use tiendo_shared::views::par_index;

use super::*;

const PDF: &[u8] = b"%PDF-1.4 ke hoach";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n anh";

fn sha(c: char) -> String {
    c.to_string().repeat(64)
}

fn item(c: char, name: &str, reference: &str) -> EvidenceItem {
    EvidenceItem {
        sha256: sha(c),
        name: name.into(),
        reference: reference.into(),
        task_id: None,
    }
}

fn scoring(unit: &str, mark: Mark) -> Scoring {
    Scoring {
        unit_id: Some(unit.into()),
        mark: Some(mark),
        ..Scoring::default()
    }
}

/// A self-assessment of the template: 1.1.1 full with two files of one name and one missing,
/// 1.1.2 at 1,5 (the office's call, with its reason), 1.5.1 at 0 explained, 2.1.1 not
/// applicable, a bonus point; the rest unscored.
fn assessment(set: &CriteriaSet) -> Assessment {
    let mut a = Assessment {
        agency_id: "so-khcn".into(),
        year: 2025,
        criteria_id: set.id.clone(),
        proposals: "Đề nghị Sở Nội vụ hướng dẫn tiêu chí 3.3".into(),
        ..Assessment::default()
    };
    let mut plan = scoring("vp", Mark::Score(Points(100)));
    plan.evidence = vec![
        item(
            'a',
            "Kế hoạch.pdf",
            "Số 12/KH-SKHCN ngày 10/01/2025 — Kế hoạch CCHC",
        ),
        item('b', "Kế hoạch.pdf", ""),
        // Offered twice: listed once.
        item('a', "Kế hoạch.pdf", ""),
        item('c', "Biên bản\u{202E}fdp.exe", "Biên bản họp"),
    ];
    a.items.insert("1.1.1".into(), plan);
    let mut done = scoring("vp", Mark::Score(Points(300)));
    done.office = Some(OfficeCall {
        mark: Mark::Score(Points(150)),
        reason: "Theo tỷ lệ hoàn thành kế hoạch".into(),
        by: "vanphong".into(),
    });
    done.evidence = vec![item('d', "anh.png", "")];
    a.items.insert("1.1.2".into(), done);
    let mut none = scoring("vp", Mark::Score(Points::ZERO));
    none.explanation = "Chưa có sáng kiến được công nhận".into();
    a.items.insert("1.5.1".into(), none);
    a.items
        .insert("2.1.1".into(), scoring("pc", Mark::NotApplicable));
    a.items
        .insert("9.2".into(), scoring("vp", Mark::Score(Points(100))));
    a
}

struct Fixture {
    set: CriteriaSet,
    assessment: Assessment,
    index: Index,
    units: BTreeMap<String, String>,
}

fn fixture() -> Fixture {
    let set = template::departments("Tỉnh Quảng Ngãi", 2025);
    let assessment = assessment(&set);
    let index = par_index::index(&set, &assessment.marks());
    let units = [("vp".to_string(), "Văn phòng Sở".to_string())].into();
    Fixture {
        set,
        assessment,
        index,
        units,
    }
}

impl Fixture {
    fn filing(&self) -> Filing<'_> {
        Filing {
            set: &self.set,
            assessment: &self.assessment,
            index: &self.index,
            agency_name: "Sở Khoa học và Công nghệ",
            symbol: "SKHCN",
            unit_names: &self.units,
            approved: Some(("Nguyễn Văn A".into(), Date::from_dmy(15, 1, 2026).unwrap())),
            as_of: Date::from_dmy(20, 1, 2026).unwrap(),
        }
    }
}

fn files() -> BTreeMap<String, Vec<u8>> {
    [
        (sha('a'), PDF.to_vec()),
        (sha('b'), PDF.to_vec()),
        (sha('d'), PNG.to_vec()),
    ]
    .into()
}

#[test]
fn the_table_holds_every_row_of_the_set_and_the_areas_say_what_the_index_counts() {
    let fx = fixture();
    let table = rows(&fx.filing());
    assert_eq!(
        table.len(),
        fx.set.items.len() + 2,
        "the rows and two totals"
    );
    let at = |code: &str| table.iter().find(|r| r.code == code).unwrap();
    assert_eq!(at("1.1.1").score, Shown::Points(Points(100)));
    assert_eq!(
        at("1.1.2").score,
        Shown::Points(Points(150)),
        "the office's call"
    );
    assert_eq!(at("1.1").score, Shown::Points(Points(250)));
    assert_eq!(at("1.1").kind, RowKind::Criterion);
    assert!(at("1.1").bold() && !at("1.1.1").bold());
    assert_eq!(at("1").score, Shown::Points(fx.index.areas[0].earned));
    assert_eq!(at("1").score, Shown::Points(Points(250)));
    assert_eq!(at("2.1.1").score, Shown::NotApplicable);
    assert_eq!(at("2.1.2").score, Shown::Unscored);
    assert_eq!(at("8.1").score, Shown::Survey);
    assert_eq!(at("8").score, Shown::Survey, "an area the survey measures");
    assert_eq!(at("9").score, Shown::Points(Points(100)));
    // The 100 points' total stands between the survey's area and the bonus.
    let pos = |pred: &dyn Fn(&Row) -> bool| table.iter().position(pred).unwrap();
    let total = pos(&|r| r.text == "TỔNG ĐIỂM TỰ ĐÁNH GIÁ");
    assert_eq!(table[total].score, Shown::Points(fx.index.earned));
    assert_eq!(
        table[total].explanation, "Điểm tối đa của các tiêu chí áp dụng: 98",
        "2.1.1 (2 points) does not apply"
    );
    assert!(pos(&|r| r.code == "8.3") < total && total < pos(&|r| r.code == "9"));
    let last = table.last().unwrap();
    assert_eq!(last.score, Shown::Points(fx.index.index));
    assert!(
        last.explanation
            .ends_with("chưa gồm điểm điều tra xã hội học")
    );
}

#[test]
fn evidence_explanations_and_units_reach_the_row_cleaned() {
    let fx = fixture();
    let table = rows(&fx.filing());
    let at = |code: &str| table.iter().find(|r| r.code == code).unwrap();
    let plan = at("1.1.1");
    assert_eq!(
        plan.evidence[0],
        "Số 12/KH-SKHCN ngày 10/01/2025 — Kế hoạch CCHC (tệp: Kế hoạch.pdf)"
    );
    assert_eq!(plan.evidence[3], "Biên bản họp (tệp: Biên bảnfdp.exe)");
    assert_eq!(plan.unit, "Văn phòng Sở");
    assert_eq!(at("2.1.1").unit, "pc", "an unnamed unit shows its id");
    assert_eq!(
        at("1.1.2").explanation,
        "Điều chỉnh khi tổng hợp: Theo tỷ lệ hoàn thành kế hoạch"
    );
    assert_eq!(at("1.5.1").explanation, "Chưa có sáng kiến được công nhận");
}

#[test]
fn the_archive_has_a_folder_per_code_and_lists_what_it_does_not_hold() {
    let fx = fixture();
    let f = fx.filing();
    let listed = entries(&f, &files());
    let of = |code: &str| listed.iter().filter(|e| e.code == code).collect::<Vec<_>>();
    let plan = of("1.1.1");
    let paths: Vec<Option<&str>> = plan.iter().map(|e| e.path.as_deref()).collect();
    assert_eq!(
        paths,
        [
            Some("1.1.1/Kế hoạch.pdf"),
            Some("1.1.1/Kế hoạch (2).pdf"),
            // Not stored: listed, not in the archive.
            None
        ]
    );
    assert_eq!(plan[2].file_name, "Biên bảnfdp.exe");
    assert_eq!(of("1.1.2")[0].path.as_deref(), Some("1.1.2/anh.png"));
    // Scored without evidence: one line, with its giải trình.
    let none = of("1.5.1");
    assert_eq!(none.len(), 1);
    assert_eq!(none[0].explanation, "Chưa có sáng kiến được công nhận");
    assert!(none[0].path.is_none() && none[0].file_name.is_empty());
    assert!(
        of("8.1").is_empty(),
        "the survey's rows are not the agency's"
    );

    let bytes = archive(&f, &files()).unwrap();
    let mut zip = ::zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut names: Vec<&str> = zip.file_names().collect();
    names.sort();
    assert_eq!(
        names,
        [
            "1.1.1/Kế hoạch (2).pdf",
            "1.1.1/Kế hoạch.pdf",
            "1.1.2/anh.png",
            INDEX_NAME
        ]
    );
    let mut png = Vec::new();
    zip.by_name("1.1.2/anh.png")
        .unwrap()
        .read_to_end(&mut png)
        .unwrap();
    assert_eq!(png, PNG);
    let mut sheet = Vec::new();
    zip.by_name(INDEX_NAME)
        .unwrap()
        .read_to_end(&mut sheet)
        .unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(sheet)).unwrap();
    let range = book.worksheet_range("Danh mục").unwrap();
    assert_eq!(range.height(), listed.len() + 1);
    let missing = (1..range.height() as u32)
        .find(|r| range.get_value((*r, 4)) == Some(&Data::String("Biên bảnfdp.exe".into())))
        .expect("the missing file has a row");
    assert_eq!(
        range.get_value((missing, 6)),
        Some(&Data::String("Không có tệp trên máy chủ".into()))
    );
}

#[test]
fn the_summary_sheet_has_numbers_and_words_where_no_number_applies() {
    let fx = fixture();
    let bytes = summary_xlsx(&fx.filing()).unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("Tự đánh giá").unwrap();
    let head: Vec<String> = (0..8)
        .map(|c| sheet.get_value((xlsx::HEAD_ROW, c)).unwrap().to_string())
        .collect();
    assert_eq!(head, xlsx::COLUMNS.map(|(h, _)| h));
    let row = |code: &str| {
        (xlsx::HEAD_ROW + 1..sheet.height() as u32)
            .find(|r| sheet.get_value((*r, 1)) == Some(&Data::String(code.into())))
            .unwrap()
    };
    assert_eq!(sheet.get_value((row("1.1.2"), 4)), Some(&Data::Float(1.5)));
    assert_eq!(sheet.get_value((row("1.1.2"), 3)), Some(&Data::Float(3.0)));
    assert_eq!(sheet.get_value((row("1.1"), 4)), Some(&Data::Float(2.5)));
    assert_eq!(
        sheet.get_value((row("2.1.1"), 4)),
        Some(&Data::String("KAD".into()))
    );
    assert_eq!(
        sheet.get_value((row("8.2"), 4)),
        Some(&Data::String("Điều tra XHH".into()))
    );
    assert_eq!(
        sheet.get_value((row("1.1.1"), 7)),
        Some(&Data::String("Văn phòng Sở".into()))
    );
}

#[test]
fn the_same_filing_makes_the_same_files() {
    let fx = fixture();
    let f = fx.filing();
    let make = || {
        (
            summary_xlsx(&f).unwrap(),
            report_docx(&f).unwrap(),
            archive(&f, &files()).unwrap(),
        )
    };
    let first = make();
    // Past a second boundary: no clock in any file.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert!(first == make(), "the files differ");
}

#[test]
fn the_report_names_its_province_agency_and_signer() {
    let fx = fixture();
    let bytes = report_docx(&fx.filing()).unwrap();
    let mut zip = ::zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    for needle in [
        "UBND TỈNH QUẢNG NGÃI",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "Số:      /BC-SKHCN",
        "Quảng Ngãi, ngày 20 tháng 01 năm 2026",
        "chấm điểm Chỉ số cải cách hành chính năm 2025",
        "Đề nghị Sở Nội vụ hướng dẫn tiêu chí 3.3",
        "Nguyễn Văn A",
    ] {
        assert!(xml.contains(needle), "{needle:?} is not in the report");
    }
    assert!(!xml.contains("DỰ THẢO"), "an approved report is no draft");
    assert!(!xml.contains('\u{202E}'));
}

#[test]
fn the_letterhead_reads_the_province_with_or_without_its_kind() {
    assert_eq!(place("Tỉnh Quảng Ngãi"), "Quảng Ngãi");
    assert_eq!(place("Quảng Ngãi"), "Quảng Ngãi");
    assert_eq!(place("Thành phố Huế"), "Huế");
    let with = template::departments("Tỉnh Quảng Ngãi", 2025);
    let without = template::departments("Quảng Ngãi", 2025);
    let city = template::departments("Thành phố Huế", 2025);
    assert_eq!(parent_body(&with), "UBND TỈNH QUẢNG NGÃI");
    assert_eq!(parent_body(&without), "UBND TỈNH QUẢNG NGÃI");
    assert_eq!(parent_body(&city), "UBND THÀNH PHỐ HUẾ");
}

#[test]
fn a_text_longer_than_a_cell_is_cut_with_a_note_not_refused() {
    let long = "Giải trình ".repeat(5_000);
    let cut = super::xlsx::cell(&long);
    assert!(cut.encode_utf16().count() <= 32_767);
    assert!(
        cut.ends_with("xem báo cáo DOCX)"),
        "{}",
        &cut[cut.len() - 60..]
    );
    assert_eq!(super::xlsx::cell("ngắn"), "ngắn");
}
