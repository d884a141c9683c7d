//! The PAR index's lost points as tasks of next year's plan (kế hoạch khắc phục): the
//! sub-criteria that scored below their maximum become tasks of area 1 in the draft, one per
//! area of the index listing them, led by the unit that answered for most of them in the
//! self-assessment (the central office when none did), due by the end of the year's third
//! quarter, so the remediation is tracked where the work happens.
//!
//! Stage: *view*, part of drafting next year's plan ([`super::draft`]); the office reviews the
//! tasks in the draft like any other before saving it.

use std::collections::BTreeMap;

use crate::edit::maintain::{TaskDraft, add_task};
use crate::model::{Agency, Error, Plan};
use crate::views::par_index::Lost;

/// The area the remediation tasks join: chỉ đạo, điều hành.
pub const AREA: u32 = 1;

/// Adds one task per area with lost points to `plan` (next year's draft) of `agency`, for the
/// PAR index of `year`: a plan's area has letters for some twenty tasks, and a year may lose
/// points on dozens of sub-criteria, so each task lists its area's lost sub-criteria. `leads`
/// names, by sub-criterion code, the unit that answered for it: the unit answering for most of
/// the area's lost points leads its task and the others coordinate; `office` leads an area
/// nobody answered for. Returns the new tasks' ids and the warnings of their lead names.
pub fn add_remediation(
    plan: &mut Plan,
    agency: &Agency,
    year: i32,
    lost: &[Lost],
    leads: &BTreeMap<String, String>,
    office: &str,
) -> Result<(Vec<String>, Vec<String>), Error> {
    let (mut ids, mut warnings) = (Vec::new(), Vec::new());
    let mut areas: Vec<(&str, Vec<&Lost>)> = Vec::new();
    for l in lost {
        let area = l.code.split('.').next().unwrap_or_default();
        match areas.iter_mut().find(|(a, _)| *a == area) {
            Some((_, items)) => items.push(l),
            None => areas.push((area, vec![l])),
        }
    }
    for (area, items) in areas {
        // The units answering, by how many of the area's lost points each answered for.
        let mut units: Vec<(&str, usize)> = Vec::new();
        for l in &items {
            let unit = leads.get(&l.code).map_or(office, String::as_str);
            match units.iter_mut().find(|(u, _)| *u == unit) {
                Some((_, n)) => *n += 1,
                None => units.push((unit, 1)),
            }
        }
        let lead = units
            .iter()
            .max_by_key(|(_, n)| *n)
            .map_or(office, |(u, _)| *u)
            .to_string();
        let coordinating: Vec<&str> = units
            .iter()
            .map(|(u, _)| *u)
            .filter(|u| *u != lead)
            .collect();
        let listed: Vec<String> = items
            .iter()
            .map(|l| format!("{} “{}” (đạt {}/{} điểm)", l.code, l.text, l.got, l.max))
            .collect();
        let draft = TaskDraft {
            title: format!(
                "Khắc phục tồn tại ở lĩnh vực {area} của Chỉ số CCHC năm {year}: {}",
                listed.join("; ")
            ),
            lead,
            coordinating: coordinating.join(", "),
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
    fn the_lost_points_become_one_task_per_area_led_by_the_unit_answering_most() {
        let imp = crate::import::import(crate::fixtures::SEED_PLAN).unwrap();
        let mut plan = imp.plan.clone();
        let agency = imp.agency().clone();
        let before = plan.areas[0].tasks.len();
        let unit = agency.units[1].name.clone();
        let other = agency.units[2].name.clone();
        let office = agency.units[0].name.clone();
        let lost = |code: &str, text: &str, max: i32, got: i32| Lost {
            code: code.into(),
            text: text.into(),
            max: Points(max),
            got: Points(got),
        };
        let lost = [
            lost("1.3.1", "Ban hành kế hoạch kiểm tra", 100, 0),
            lost("1.3.2", "Thực hiện kế hoạch kiểm tra", 200, 100),
            lost("1.4.1", "Tuyên truyền CCHC", 100, 50),
            lost("7.2.1", "Tỷ lệ hồ sơ trực tuyến toàn trình", 500, 375),
        ];
        let leads = [
            ("1.3.1".to_string(), unit.clone()),
            ("1.3.2".to_string(), unit.clone()),
            ("1.4.1".to_string(), other.clone()),
        ]
        .into();
        let (ids, _) = add_remediation(&mut plan, &agency, 2025, &lost, &leads, &office).unwrap();
        assert_eq!(ids.len(), 2, "areas 1 and 7");
        let tasks = &plan.areas[0].tasks;
        assert_eq!(tasks.len(), before + 2);
        let first = plan.task(&ids[0]).unwrap();
        assert_eq!(
            first.title,
            "Khắc phục tồn tại ở lĩnh vực 1 của Chỉ số CCHC năm 2025: 1.3.1 “Ban hành kế hoạch \
             kiểm tra” (đạt 0/1 điểm); 1.3.2 “Thực hiện kế hoạch kiểm tra” (đạt 1/2 điểm); 1.4.1 \
             “Tuyên truyền CCHC” (đạt 0,5/1 điểm)"
        );
        let units_of = |list: &[crate::model::Assignee]| {
            list.iter().map(|a| a.unit_id.clone()).collect::<Vec<_>>()
        };
        assert_eq!(units_of(&first.lead), [Some(agency.units[1].id.clone())]);
        assert_eq!(
            units_of(&first.coordinating),
            [Some(agency.units[2].id.clone())]
        );
        let second = plan.task(&ids[1]).unwrap();
        assert_eq!(units_of(&second.lead), [Some(agency.units[0].id.clone())]);
        assert!(second.title.contains("(đạt 3,75/5 điểm)"));
        assert!(
            !first.schedule.milestones.is_empty(),
            "due by 30/9 of the next year"
        );
    }

    #[test]
    fn a_year_that_lost_points_everywhere_still_fits_in_area_one() {
        let imp = crate::import::import(crate::fixtures::SEED_PLAN).unwrap();
        let mut plan = imp.plan.clone();
        let agency = imp.agency().clone();
        let set = crate::model::criteria::template::departments("Quảng Ngãi", 2025);
        // Nothing scored: every sub-criterion lost.
        let index = crate::views::par_index::index(&set, &BTreeMap::new());
        assert!(index.lost.len() > 25);
        let (ids, _) = add_remediation(
            &mut plan,
            &agency,
            2025,
            &index.lost,
            &BTreeMap::new(),
            &agency.units[0].name,
        )
        .unwrap();
        assert!(ids.len() <= 9, "one task per area");
    }
}
