//! A closed year is immutable in effect, against the real server: importing the next year's
//! plan — naming a unit the organisation did not know (confirmed in the preview as new from
//! 01/01/2026), a unit under a new name (confirmed as a rename from that day) — and merging two
//! units in March 2026 changes nothing of 2025: its status JSON and its report are byte for byte
//! what they were, while 2026 sees the organisation as it now stands. Groups ("Các phòng chuyên
//! môn, nghiệp vụ thuộc Sở") resolve to the units that existed in the period computed.

use std::io::Read;

use tiendo_shared::model::Date;
use tiendo_shared::model::lineage::{AccountFate, Basis, Operation};
use tiendo_tests::{TestServer, data_dir};

const PLAN_2025: &str = "kh-cchc-2025-so-khoa-hoc-va-cong-nghe";
const PLAN_2026: &str = "kh-cchc-2026-so-khoa-hoc-va-cong-nghe";
const AGENCY: &str = "so-khoa-hoc-va-cong-nghe";
const OFFICE: &str = "phong-hanh-chinh-tong-hop";
const RENAMED: &str = "phong-quan-ly-cong-nghe-va-chuyen-nganh";
const MERGED: &str = "phong-quan-ly-tieu-chuan-do-luong-chat-luong";
const NEW_NAME: &str = "Phòng Pháp chế mới thành lập";
const NEW_ID: &str = "phong-phap-che-moi-thanh-lap";

/// The 2026 plan: the seed a year on, one task led by a unit nobody knew, one by a unit under
/// its new name.
fn plan_2026() -> String {
    tiendo_server::SEED_PLAN
        .replace("2025", "2026")
        .replacen(
            "Đơn vị chủ trì thực hiện: Thanh tra Sở.",
            &format!("Đơn vị chủ trì thực hiện: {NEW_NAME}."),
            1,
        )
        .replacen(
            "Cơ quan chủ trì: Phòng Quản lý Công nghệ và Chuyên ngành.",
            "Cơ quan chủ trì: Phòng Công nghệ và Đổi mới sáng tạo.",
            1,
        )
}

/// What 2025 looks like through the API: the status (whole plan and the year's period) as
/// bytes, and the report's and annex's content parts.
fn year_2025(server: &TestServer, token: &str) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for query in [
        "as_of=2025-12-20",
        "period=year&as_of=2025-12-20",
        "period=q3&as_of=2025-09-20",
    ] {
        let (code, _, _, bytes) =
            server.download(token, &format!("/api/plans/{PLAN_2025}/status?{query}"));
        assert_eq!(code, 200, "{}", String::from_utf8_lossy(&bytes));
        out.push((format!("status?{query}"), bytes));
    }
    for file in ["year.docx", "year.xlsx"] {
        let (code, _, _, bytes) = server.download(
            token,
            &format!("/api/plans/{PLAN_2025}/reports/{file}?as_of=2025-12-20"),
        );
        assert_eq!(code, 200, "{file}");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
        for i in 0..zip.len() {
            let mut part = zip.by_index(i).unwrap();
            let name = part.name().to_string();
            // The package's own timestamps say when it was made, not what it says.
            if name == "docProps/core.xml" {
                continue;
            }
            let mut content = Vec::new();
            part.read_to_end(&mut content).unwrap();
            out.push((format!("{file}:{name}"), content));
        }
    }
    out
}

fn lead_units(status: &serde_json::Value, code: &str) -> Vec<String> {
    status["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["code"] == code)
        .unwrap_or_else(|| panic!("no task {code}"))["lead_units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap().to_string())
        .collect()
}

fn unit_ids(status: &serde_json::Value) -> Vec<String> {
    status["by_unit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["unit_id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn importing_and_reorganising_2026_changes_nothing_of_2025() {
    let dir = data_dir();
    let server = TestServer::start(dir.path());
    let office = server.login_demo(OFFICE);
    let before = year_2025(&server, &office);

    // The preview names the two units the organisation does not know, with the plan's first
    // day; the office says one is new and the other an existing unit renamed.
    let (code, mut draft) = server.post_text("/api/plans/preview", &office, &plan_2026());
    assert_eq!(code, 200, "{draft}");
    let fresh: Vec<(String, String)> = draft["new_units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["id"].as_str().unwrap().into(),
                n["from"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(fresh.len(), 2, "{fresh:?}");
    assert!(fresh.iter().all(|(_, from)| from == "2026-01-01"));
    let renamed_id = fresh.iter().find(|(id, _)| id != NEW_ID).unwrap().0.clone();
    draft["choices"] = serde_json::json!({
        NEW_ID: { "choice": "new", "from": "2026-01-01" },
        renamed_id: { "choice": "renamed", "unit_id": RENAMED, "from": "2026-01-01" },
    });
    let (code, body) = server.post_json("/api/plans", Some(&office), draft);
    assert_eq!(code, 201, "{body}");
    assert_eq!(body["plan_id"], PLAN_2026);

    // Two units merge in March 2026.
    let library = server.library().clone();
    server.on_server(async move {
        let op = Operation::Merge {
            unit: MERGED.into(),
            into: RENAMED.into(),
            accounts: AccountFate::Move,
        };
        let basis = Basis {
            number: "Quyết định số 9/QĐ-SKHCN".into(),
            date: Some("2026-02-20".parse::<Date>().unwrap()),
        };
        library
            .record_org_change(AGENCY, &op, "2026-03-01".parse().unwrap(), basis, "test")
            .await
            .expect("the merge is recorded");
    });

    // A first visit opens this year's plan (the server's today is in 2026).
    let (code, _, _, boot) = server.download(&office, "/api/bootstrap");
    assert_eq!(code, 200);
    let boot = tiendo_shared::api::Bootstrap::decode(&boot).expect("a bootstrap");
    assert_eq!(boot.plan_id, PLAN_2026);

    // 2025, byte for byte.
    let after = year_2025(&server, &office);
    assert_eq!(before.len(), after.len());
    for ((what, b), (_, a)) in before.iter().zip(&after) {
        assert!(
            a == b,
            "{what} changed:\nbefore: {}\nafter:  {}",
            String::from_utf8_lossy(b),
            String::from_utf8_lossy(a)
        );
    }

    // 2026 sees the organisation as it stands: the new unit leads its task and is one of the
    // professional departments; the renamed unit's new name; the merged unit gone from March.
    let (code, s2026) = server.get_json_as(
        &office,
        &format!("/api/plans/{PLAN_2026}/status?as_of=2026-06-30"),
    );
    assert_eq!(code, 200, "{s2026}");
    let (_, s2025) = server.get_json_as(
        &office,
        &format!("/api/plans/{PLAN_2025}/status?as_of=2025-12-20"),
    );
    let units_2026 = unit_ids(&s2026);
    assert!(units_2026.contains(&NEW_ID.to_string()), "{units_2026:?}");
    assert!(!units_2026.contains(&MERGED.to_string()), "{units_2026:?}");
    assert!(!unit_ids(&s2025).contains(&NEW_ID.to_string()));
    assert!(unit_ids(&s2025).contains(&MERGED.to_string()));
    let name_2026 = s2026["by_unit"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit_id"] == RENAMED)
        .unwrap()["name"]
        .clone();
    assert_eq!(name_2026, "Phòng Công nghệ và Đổi mới sáng tạo");
    // A group resolves by period: the professional departments of 2026 include the new unit,
    // those of 2025 do not.
    let group_task = s2025["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| {
            lead_units(&s2025, t["code"].as_str().unwrap()).contains(&MERGED.to_string())
                && lead_units(&s2025, t["code"].as_str().unwrap()).len() > 2
        })
        .expect("a task led by a group")["code"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!lead_units(&s2025, &group_task).contains(&NEW_ID.to_string()));
    assert!(lead_units(&s2026, &group_task).contains(&NEW_ID.to_string()));
}
