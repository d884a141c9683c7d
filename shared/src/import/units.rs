//! The units a later plan names that the organisation does not know, and what the office decided
//! for each before saving: nothing is created silently, and nothing created counts before its day.
//!
//! Stage: *import*, between the importer's draft and the organisation document. The first plan of
//! an agency defines its organisation (every unit exists since ever). A later plan of a known
//! agency is read against the organisation as it stands ([`new_units`]):
//!
//! - a name the organisation knows (its name or any spelling seen, [`Agency::find_unit`]) is that
//!   unit: the plan's tasks point to it, whatever id the importer derived;
//! - any other unit is **new** and waits for the office's choice ([`UnitChoice`]): the same as an
//!   existing unit (its name kept as a spelling), an existing unit renamed from a day, or a new
//!   unit established from a day (the plan's first day unless the office picks another).
//!
//! [`settle`] applies the choices to the draft and gives the organisation operations to record
//! (a rename, an establishment: [`crate::model::lineage`]), so the earlier years read the
//! organisation as it stood then.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Imported;
use crate::model::lineage::Operation;
use crate::model::org::{Agency, AssigneeKind};
use crate::model::{Date, Error, text};

/// A unit the plan names that the organisation does not know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUnit {
    /// The id the importer gave it.
    pub id: String,
    /// Its name as the plan writes it.
    pub name: String,
    /// The codes of the tasks that name it (lead or coordinating).
    pub tasks: Vec<String>,
    /// Existing units whose names are close (most alike first): what it may be.
    pub like: Vec<String>,
    /// The day it would exist from if established: the plan's first day.
    pub from: Option<Date>,
}

/// What the office decided for a unit the organisation does not know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "choice", rename_all = "snake_case")]
pub enum UnitChoice {
    /// It is the existing unit `unit_id`, written another way: the tasks point to it and the
    /// name is kept as one of its spellings.
    Same {
        /// The existing unit.
        unit_id: String,
    },
    /// The existing unit `unit_id` renamed to the plan's name from `from`.
    Renamed {
        /// The existing unit.
        unit_id: String,
        /// The first day of the new name.
        from: Date,
    },
    /// A new unit ("đơn vị mới"), existing from `from`.
    New {
        /// Its first day.
        from: Date,
    },
}

/// The plan's first day: 1 January of its year (a plan for 2026 issued in December 2025 starts
/// on 01/01/2026), else its date of issue.
pub fn plan_start(imported: &Imported) -> Option<Date> {
    imported
        .plan
        .year
        .and_then(|y| Date::from_dmy(1, 1, y).ok())
        .or(imported.plan.date)
}

/// The units of `imported` that `existing` (the agency as the organisation has it) does not know.
pub fn new_units(imported: &Imported, existing: &Agency) -> Vec<NewUnit> {
    let from = plan_start(imported);
    imported
        .agency()
        .units
        .iter()
        .filter(|u| existing.unit(&u.id).is_none() && existing.find_unit(&u.name).is_none())
        .map(|u| NewUnit {
            id: u.id.clone(),
            name: u.name.clone(),
            tasks: imported
                .plan
                .tasks()
                .filter(|(_, t)| {
                    t.lead
                        .iter()
                        .chain(&t.coordinating)
                        .any(|a| a.unit_id.as_deref() == Some(u.id.as_str()))
                })
                .map(|(_, t)| t.code.clone())
                .collect(),
            like: alike(&u.name, existing),
            from,
        })
        .collect()
}

/// Existing units whose names share most words with `name` (at least half of the shorter's).
fn alike(name: &str, existing: &Agency) -> Vec<String> {
    let words = |s: &str| -> std::collections::BTreeSet<String> {
        text::key(s)
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| {
                !w.is_empty() && !matches!(*w, "phòng" | "và" | "các" | "sở" | "đơn" | "vị")
            })
            .map(str::to_string)
            .collect()
    };
    let mine = words(name);
    let mut scored: Vec<(usize, &str)> = existing
        .units
        .iter()
        .filter_map(|u| {
            let theirs = words(&u.name);
            let shared = mine.intersection(&theirs).count();
            let least = mine.len().min(theirs.len()).max(1);
            (shared * 2 >= least && shared > 0).then_some((shared, u.id.as_str()))
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    scored
        .into_iter()
        .take(3)
        .map(|(_, id)| id.to_string())
        .collect()
}

/// A draft settled against the organisation: the plan pointing to the units as the organisation
/// has them, the spellings to add, and the operations to record.
#[derive(Debug, Clone, PartialEq)]
pub struct Settled {
    /// The draft, its tasks pointing to existing units where the office said so, and its agency
    /// listing only the units that are neither existing nor established by an operation.
    pub imported: Imported,
    /// Existing unit → a spelling the plan uses.
    pub spellings: Vec<(String, String)>,
    /// Renames and establishments to record, each from its day.
    pub operations: Vec<(Operation, Date)>,
}

/// Applies `choices` (new unit id → choice) to `imported` against `existing`. Every new unit
/// needs a choice: the error lists those without one, and a choice naming a unit the
/// organisation does not have.
pub fn settle(
    mut imported: Imported,
    existing: &Agency,
    choices: &BTreeMap<String, UnitChoice>,
) -> Result<Settled, Error> {
    let fresh = new_units(&imported, existing);
    let missing: Vec<&str> = fresh
        .iter()
        .filter(|n| !choices.contains_key(&n.id))
        .map(|n| n.name.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(Error::InvalidValue(format!(
            "kế hoạch nêu {} đơn vị chưa có trong tổ chức: {} — hãy chọn đơn vị tương ứng hoặc \
             xác nhận là đơn vị mới (từ ngày nào) trước khi lưu",
            missing.len(),
            missing.join("; ")
        )));
    }
    // Old id → the existing unit's id, for every unit the plan names another way.
    let mut remap: BTreeMap<String, String> = BTreeMap::new();
    let mut spellings = Vec::new();
    let mut operations = Vec::new();
    for u in &imported.agency().units {
        if existing.unit(&u.id).is_some() {
            continue;
        }
        if let Some(known) = existing.find_unit(&u.name) {
            remap.insert(u.id.clone(), known.id.clone());
            continue;
        }
        let choice = &choices[&u.id];
        let target = |id: &str| -> Result<String, Error> {
            existing.unit(id).map(|e| e.id.clone()).ok_or_else(|| {
                Error::InvalidValue(format!("không có đơn vị {id} để gán cho {}", u.name))
            })
        };
        match choice {
            UnitChoice::Same { unit_id } => {
                let id = target(unit_id)?;
                spellings.push((id.clone(), u.name.clone()));
                remap.insert(u.id.clone(), id);
            }
            UnitChoice::Renamed { unit_id, from } => {
                let id = target(unit_id)?;
                operations.push((
                    Operation::Rename {
                        unit: id.clone(),
                        name: u.name.clone(),
                    },
                    *from,
                ));
                remap.insert(u.id.clone(), id);
            }
            UnitChoice::New { from } => operations.push((
                Operation::Establish {
                    unit: u.id.clone(),
                    name: u.name.clone(),
                },
                *from,
            )),
        }
    }
    for area in &mut imported.plan.areas {
        for task in &mut area.tasks {
            for a in task.lead.iter_mut().chain(task.coordinating.iter_mut()) {
                if a.kind == AssigneeKind::Unit
                    && let Some(to) = a.unit_id.as_ref().and_then(|id| remap.get(id))
                {
                    a.unit_id = Some(to.clone());
                }
            }
        }
    }
    let agency_id = imported.plan.agency_id.clone();
    let established: Vec<&str> = operations
        .iter()
        .filter_map(|(op, _)| match op {
            Operation::Establish { unit, .. } => Some(unit.as_str()),
            _ => None,
        })
        .collect();
    let established: Vec<String> = established.into_iter().map(str::to_string).collect();
    if let Some(agency) = imported.org.agencies.iter_mut().find(|a| a.id == agency_id) {
        agency
            .units
            .retain(|u| !remap.contains_key(&u.id) && !established.contains(&u.id));
    }
    Ok(Settled {
        imported,
        spellings,
        operations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    /// The seed as the organisation has it, and a 2026 plan naming one unit another way, one
    /// renamed and one new.
    fn later() -> (Agency, Imported) {
        let seed = crate::import::import(crate::fixtures::SEED_PLAN).unwrap();
        let existing = seed.agency().clone();
        let text = crate::fixtures::SEED_PLAN
            .replace("năm 2025", "năm 2026")
            .replace("Thanh tra Sở", "Phòng Pháp chế mới thành lập");
        let next = crate::import::import(&text).unwrap();
        (existing, next)
    }

    #[test]
    fn a_later_plans_unknown_unit_is_listed_with_its_tasks_and_first_day() {
        let (existing, next) = later();
        let fresh = new_units(&next, &existing);
        assert_eq!(fresh.len(), 1, "{fresh:?}");
        assert_eq!(fresh[0].name, "Phòng Pháp chế mới thành lập");
        assert!(!fresh[0].tasks.is_empty());
        assert_eq!(fresh[0].from, Some(d("2026-01-01")));
        // The plan's own first plan makes no question.
        assert!(new_units(&next, next.agency()).is_empty());
    }

    #[test]
    fn saving_without_a_choice_is_refused_and_says_which_units() {
        let (existing, next) = later();
        let e = settle(next, &existing, &BTreeMap::new())
            .unwrap_err()
            .to_string();
        assert!(e.contains("Phòng Pháp chế mới thành lập"), "{e}");
        assert!(e.contains("đơn vị mới"), "{e}");
    }

    #[test]
    fn choices_point_the_tasks_to_existing_units_or_establish_the_new_one() {
        let (existing, next) = later();
        let id = new_units(&next, &existing)[0].id.clone();
        let inspect = existing.find_unit("Thanh tra Sở").unwrap().id.clone();
        // The same unit written another way.
        let same = settle(
            next.clone(),
            &existing,
            &BTreeMap::from([(
                id.clone(),
                UnitChoice::Same {
                    unit_id: inspect.clone(),
                },
            )]),
        )
        .unwrap();
        assert!(same.operations.is_empty());
        assert_eq!(
            same.spellings,
            vec![(inspect.clone(), "Phòng Pháp chế mới thành lập".into())]
        );
        let leads: Vec<String> = same
            .imported
            .plan
            .tasks()
            .flat_map(|(_, t)| t.lead.iter().filter_map(|a| a.unit_id.clone()))
            .collect();
        assert!(leads.contains(&inspect) && !leads.contains(&id));
        assert!(same.imported.agency().unit(&id).is_none());
        // A new unit from a day the office picked.
        let new = settle(
            next,
            &existing,
            &BTreeMap::from([(
                id.clone(),
                UnitChoice::New {
                    from: d("2026-03-01"),
                },
            )]),
        )
        .unwrap();
        assert_eq!(
            new.operations,
            vec![(
                Operation::Establish {
                    unit: id.clone(),
                    name: "Phòng Pháp chế mới thành lập".into()
                },
                d("2026-03-01")
            )]
        );
        // A choice naming a unit nobody has is refused.
        let (existing, next) = later();
        let e = settle(
            next,
            &existing,
            &BTreeMap::from([(
                id,
                UnitChoice::Same {
                    unit_id: "khong-co".into(),
                },
            )]),
        )
        .unwrap_err();
        assert!(e.to_string().contains("khong-co"));
    }
}
