//! The PAR index's lost points as tasks of next year's plan (kế hoạch khắc phục): each
//! sub-criterion that scored below its maximum becomes a task of area 1 in the draft, led by the
//! unit that answered for it in the self-assessment (the central office when none did), due by
//! the end of the year's third quarter, so the remediation is tracked where the work happens.
//!
//! Stage: *view*, part of drafting next year's plan ([`super::draft`]); the office reviews the
//! tasks in the draft like any other before saving it.

use std::collections::BTreeMap;

use crate::edit::maintain::{TaskDraft, add_task};
use crate::model::{Agency, Error, Plan};
use crate::views::par_index::Lost;

/// The area the remediation tasks join: chỉ đạo, điều hành.
pub const AREA: u32 = 1;

/// Adds one task per lost point to `plan` (next year's draft) of `agency`, for the PAR index of
/// `year`. `leads` names, by sub-criterion code, the unit that answered for it; `office` leads
/// the rest. Returns the new tasks' ids and the warnings of their lead names.
pub fn add_remediation(
    plan: &mut Plan,
    agency: &Agency,
    year: i32,
    lost: &[Lost],
    leads: &BTreeMap<String, String>,
    office: &str,
) -> Result<(Vec<String>, Vec<String>), Error> {
    let (mut ids, mut warnings) = (Vec::new(), Vec::new());
    for l in lost {
        let lead = leads.get(&l.code).map_or(office, String::as_str);
        let draft = TaskDraft {
            title: format!(
                "Khắc phục tồn tại ở tiêu chí {} “{}” của Chỉ số CCHC năm {year} (đạt {}/{} điểm)",
                l.code, l.text, l.got, l.max
            ),
            lead: lead.to_string(),
            coordinating: String::new(),
            products: "Báo cáo kết quả khắc phục, tài liệu kiểm chứng".into(),
            timeline: format!("Trước ngày 30/9/{}", year + 1),
        };
        let (id, w) = add_task(plan, agency, AREA, &draft)?;
        ids.push(id);
        warnings.extend(w);
    }
    Ok((ids, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::criteria::Points;

    #[test]
    fn each_lost_point_becomes_a_task_of_area_one_led_by_its_unit() {
        let imp = crate::import::import(crate::fixtures::SEED_PLAN).unwrap();
        let mut plan = imp.plan.clone();
        let agency = imp.agency().clone();
        let before = plan.areas[0].tasks.len();
        let unit = agency.units[1].name.clone();
        let office = agency.units[0].name.clone();
        let lost = [
            Lost {
                code: "1.3.2".into(),
                text: "Thực hiện kế hoạch kiểm tra".into(),
                max: Points(200),
                got: Points(100),
            },
            Lost {
                code: "7.2.1".into(),
                text: "Tỷ lệ hồ sơ trực tuyến toàn trình".into(),
                max: Points(500),
                got: Points(375),
            },
        ];
        let leads = [("1.3.2".to_string(), unit.clone())].into();
        let (ids, _) = add_remediation(&mut plan, &agency, 2025, &lost, &leads, &office).unwrap();
        assert_eq!(ids.len(), 2);
        let tasks = &plan.areas[0].tasks;
        assert_eq!(tasks.len(), before + 2);
        let first = plan.task(&ids[0]).unwrap();
        assert_eq!(
            first.title,
            "Khắc phục tồn tại ở tiêu chí 1.3.2 “Thực hiện kế hoạch kiểm tra” của Chỉ số CCHC năm 2025 (đạt 1/2 điểm)"
        );
        let lead_of = |id: &str| {
            let t = plan.task(id).unwrap();
            t.lead.iter().map(|a| a.unit_id.clone()).collect::<Vec<_>>()
        };
        assert_eq!(lead_of(&ids[0]), [Some(agency.units[1].id.clone())]);
        assert_eq!(lead_of(&ids[1]), [Some(agency.units[0].id.clone())]);
        assert!(
            plan.task(&ids[1])
                .unwrap()
                .title
                .contains("(đạt 3,75/5 điểm)")
        );
        assert!(
            !first.schedule.milestones.is_empty(),
            "due by 30/9 of the next year"
        );
    }
}
