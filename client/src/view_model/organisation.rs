//! What the organisation's changes mean on the screen: the notices a unit's tablet shows (its
//! unit merged, renamed, split; a unit whose work it took over), the office's table of units with
//! their lineage, the office's operation form as a draft checked before it is recorded, and
//! whether a fresh `/api/me` differs enough for the workspace to reopen.
//!
//! Stage: *view model*, pure; the rules are `tiendo_shared::model::lineage`'s.

use std::collections::{BTreeMap, BTreeSet};

use tiendo_shared::api::Me;
use tiendo_shared::model::lineage::{AccountFate, Basis, ChangeKind, Operation};
use tiendo_shared::model::{Agency, Date};

use crate::error::ClientError;

/// What the tablet of `unit` is told about the organisation's changes: its own unit's (ended,
/// renamed, a function moved) and those of the units whose work passed to it, in date order.
pub fn notices(agency: &Agency, unit: &str) -> Vec<String> {
    let lineage = agency.lineage();
    let predecessors = lineage.predecessors(unit);
    lineage
        .changes()
        .iter()
        .filter_map(|c| {
            let text = c.describe(agency);
            if c.unit == unit {
                Some(if c.kind.ends_unit() {
                    format!("{text} Đơn vị này không còn nhận nhiệm vụ từ ngày đó.")
                } else {
                    text
                })
            } else if predecessors.contains(&c.unit) && c.kind != ChangeKind::Rename {
                Some(format!(
                    "{text} Nhiệm vụ và báo cáo trước đây của {} hiển thị dưới đơn vị này.",
                    if c.old_name.is_empty() {
                        agency.unit_name(&c.unit)
                    } else {
                        c.old_name.clone()
                    }
                ))
            } else {
                None
            }
        })
        .collect()
}

/// One unit in the office's table.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitRow {
    /// Id.
    pub id: String,
    /// Name now.
    pub name: String,
    /// Exists on the day looked at.
    pub active: bool,
    /// "Đang hoạt động", "Từ 01/07/2025", or the change that ended it.
    pub state: String,
    /// Every change naming it, described.
    pub history: Vec<String>,
}

/// The agency's units on `today`, active first, each with its changes.
pub fn unit_rows(agency: &Agency, today: Date) -> Vec<UnitRow> {
    let lineage = agency.lineage();
    let mut rows: Vec<UnitRow> = agency
        .units
        .iter()
        .map(|u| {
            let active = lineage.valid(&u.id, today);
            let state = match (lineage.end_of(&u.id), lineage.start_of(&u.id)) {
                (Some(end), _) if end.on <= today => {
                    format!("{} từ {}", end.kind.vi(), end.on.vi())
                }
                (Some(end), _) => format!("{} từ {} (sắp tới)", end.kind.vi(), end.on.vi()),
                (None, Some(start)) if start.on > today => {
                    format!("Thành lập từ {} (sắp tới)", start.on.vi())
                }
                _ => "Đang hoạt động".to_string(),
            };
            let history = lineage
                .changes()
                .iter()
                .filter(|c| {
                    c.unit == u.id
                        || c.into.contains(&u.id)
                        || c.routes.values().any(|v| v == &u.id)
                })
                .map(|c| c.describe(agency))
                .collect();
            UnitRow {
                id: u.id.clone(),
                name: u.name.clone(),
                active,
                state,
                history,
            }
        })
        .collect();
    rows.sort_by_key(|r| !r.active);
    rows
}

/// The office's operation form as typed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Draft {
    /// Which operation.
    pub kind: Option<ChangeKind>,
    /// The unit changed.
    pub unit: String,
    /// Merge, move: the unit taking over; split: existing units taking part (comma list of ids).
    pub into: Vec<String>,
    /// Rename: the new name; split: the new units' names, one per line.
    pub names: String,
    /// The first day of the new arrangement (`YYYY-MM-DD`, as a date input gives it).
    pub on: String,
    /// The decision's number.
    pub basis_number: String,
    /// The decision's date.
    pub basis_date: String,
    /// What becomes of the unit's accounts.
    pub accounts: AccountFate,
    /// Split: task id → where it goes (an existing unit's id or a new unit's name); move: the
    /// tasks chosen (to `into`).
    pub tasks: BTreeMap<String, String>,
}

impl Draft {
    /// The new units' names (split), one per line, blanks dropped.
    pub fn new_units(&self) -> Vec<String> {
        self.names
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// Where a split's tasks may go: the existing units chosen and the new ones (names).
    pub fn successors(&self) -> Vec<String> {
        let mut out: Vec<String> = self.into.clone();
        out.extend(self.new_units());
        out
    }

    /// The operation, its date and legal basis, or what is missing.
    pub fn operation(&self) -> Result<(Operation, Date, Basis), ClientError> {
        let kind = self
            .kind
            .ok_or_else(|| ClientError::invalid("chọn loại thay đổi"))?;
        if self.unit.is_empty() && kind != ChangeKind::Establish {
            return Err(ClientError::invalid("chọn đơn vị"));
        }
        let on: Date = match self.on.trim() {
            "" => return Err(ClientError::invalid("nhập ngày có hiệu lực (dd/mm/yyyy)")),
            d => d.parse().map_err(|_| {
                ClientError::Invalid(format!(
                    "ngày có hiệu lực không hợp lệ: {d} (ghi theo dd/mm/yyyy)"
                ))
            })?,
        };
        let basis = Basis {
            number: self.basis_number.trim().to_string(),
            date: match self.basis_date.trim() {
                "" => None,
                d => Some(d.parse().map_err(|_| {
                    ClientError::Invalid(format!(
                        "ngày quyết định không hợp lệ: {d} (ghi theo dd/mm/yyyy)"
                    ))
                })?),
            },
        };
        if basis.number.is_empty() {
            return Err(ClientError::invalid("nhập số quyết định (căn cứ)"));
        }
        let unit = self.unit.clone();
        let first = || {
            self.into
                .first()
                .cloned()
                .ok_or_else(|| ClientError::invalid("chọn đơn vị nhận"))
        };
        let op = match kind {
            ChangeKind::Merge => Operation::Merge {
                unit,
                into: first()?,
                accounts: self.accounts,
            },
            ChangeKind::Rename => Operation::Rename {
                unit,
                name: self.names.trim().to_string(),
            },
            ChangeKind::Split => Operation::Split {
                unit,
                into: self.into.clone(),
                new_units: self.new_units(),
                routes: self
                    .tasks
                    .iter()
                    .filter(|(_, to)| !to.is_empty())
                    .map(|(t, to)| (t.clone(), to.clone()))
                    .collect(),
                accounts: self.accounts,
            },
            ChangeKind::Retire => Operation::Retire {
                unit,
                accounts: self.accounts,
            },
            ChangeKind::MoveFunction => Operation::MoveFunction {
                unit,
                to: first()?,
                tasks: self.tasks.keys().cloned().collect(),
            },
            ChangeKind::Establish => {
                let name = self.names.trim().to_string();
                if name.is_empty() {
                    return Err(ClientError::invalid("nhập tên đơn vị mới"));
                }
                Operation::Establish {
                    unit: tiendo_shared::model::Unit::named(&name).id,
                    name,
                }
            }
        };
        Ok((op, on, basis))
    }
}

/// A fresh `/api/me` that moves the user to another unit or, for a unit member, changes the
/// progress documents it opens (it took over another unit's work): the workspace reopens on it.
pub fn me_changed(old: &Me, new: &Me) -> bool {
    let progress = |m: &Me| -> BTreeSet<(String, bool)> {
        m.documents
            .iter()
            .filter(|d| d.kind == tiendo_shared::model::DocKind::Progress)
            .map(|d| (d.doc_id.clone(), d.writable))
            .collect()
    };
    old.user.unit_id != new.user.unit_id
        || (new.user.role.is_unit_member() && progress(old) != progress(new))
}

/// The units a starter bundle may be made for: each unit with a progress document (of any
/// plan) once, those of `agency` that exist on `today` only, by their name that day, in the
/// agency's order; without the agency, as the documents name them.
pub fn starter_units(
    agency: Option<&Agency>,
    documents: &[tiendo_shared::api::DocRef],
    today: Date,
) -> Vec<(String, String)> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out: Vec<(String, String)> = documents
        .iter()
        .filter(|d| d.kind == tiendo_shared::model::DocKind::Progress)
        .filter_map(|d| Some((d.unit_id.clone()?, d.title.clone())))
        .filter(|(u, _)| seen.insert(u.clone()))
        .filter_map(|(u, title)| match agency {
            None => Some((u, title)),
            Some(a) => (a.unit(&u).is_some() && a.lineage().valid(&u, today)).then(|| {
                let name = a.unit_name_on(&u, today);
                (u, name)
            }),
        })
        .collect();
    if let Some(a) = agency {
        out.sort_by_key(|(u, _)| a.units.iter().position(|x| x.id == *u));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiendo_shared::model::lineage::{Recorded, record};
    use tiendo_shared::model::{Org, Unit, doc};

    fn agency_after(ops: &[(Operation, &str)]) -> Agency {
        let imp = tiendo_shared::import::import(tiendo_shared::fixtures::SEED_PLAN).unwrap();
        let mut d = doc::new_document(&imp.org, Some("t"), doc::UnixTime(0)).unwrap();
        let agency_id = imp.org.agencies[0].id.clone();
        for (i, (op, on)) in ops.iter().enumerate() {
            let rec = Recorded {
                id: format!("c{i}"),
                by: "office".into(),
                at: 0,
            };
            let basis = Basis {
                number: "QĐ số 1".into(),
                date: None,
            };
            record(&mut d, &agency_id, op, on.parse().unwrap(), basis, &rec).unwrap();
        }
        let org: Org = doc::read(&d).unwrap();
        org.agencies[0].clone()
    }

    const A: &str = "phong-quan-ly-tieu-chuan-do-luong-chat-luong";
    const B: &str = "phong-quan-ly-cong-nghe-va-chuyen-nganh";

    fn merge() -> (Operation, &'static str) {
        (
            Operation::Merge {
                unit: A.into(),
                into: B.into(),
                accounts: AccountFate::Move,
            },
            "2025-04-01",
        )
    }

    #[test]
    fn both_sides_of_a_merge_are_told_what_happened() {
        let agency = agency_after(&[merge()]);
        let merged = notices(&agency, A);
        assert_eq!(merged.len(), 1);
        assert!(merged[0].contains("sáp nhập vào Phòng Quản lý Công nghệ"));
        assert!(merged[0].contains("không còn nhận nhiệm vụ"));
        let successor = notices(&agency, B);
        assert!(
            successor[0].contains("hiển thị dưới đơn vị này"),
            "{successor:?}"
        );
        assert!(notices(&agency, "thanh-tra-so").is_empty());
    }

    #[test]
    fn the_table_lists_active_units_first_and_the_merged_one_with_its_change() {
        let agency = agency_after(&[merge()]);
        let rows = unit_rows(&agency, "2025-05-01".parse().unwrap());
        let last = rows.last().unwrap();
        assert_eq!(last.id, A);
        assert!(!last.active);
        assert_eq!(last.state, "Sáp nhập từ 01/04/2025");
        let b = rows.iter().find(|r| r.id == B).unwrap();
        assert_eq!(b.history.len(), 1);
        let early = unit_rows(&agency, "2025-03-01".parse().unwrap());
        let a = early.iter().find(|r| r.id == A).unwrap();
        assert!(a.active && a.state.contains("sắp tới"));
    }

    #[test]
    fn a_draft_says_what_is_missing_and_builds_a_split() {
        let mut d = Draft {
            kind: Some(ChangeKind::Split),
            unit: A.into(),
            on: "2025-07-01".into(),
            ..Draft::default()
        };
        assert_eq!(
            d.operation().unwrap_err().to_string(),
            "nhập số quyết định (căn cứ)"
        );
        d.basis_number = "QĐ số 9".into();
        d.into = vec![B.into()];
        d.names = "Phòng Đo lường\n\n".into();
        d.tasks.insert("t8-a".into(), "Phòng Đo lường".into());
        d.tasks.insert("t8-b".into(), String::new());
        let (op, on, _) = d.operation().unwrap();
        assert_eq!(on, "2025-07-01".parse().unwrap());
        assert_eq!(d.successors(), [B, "Phòng Đo lường"]);
        let agency = agency_after(&[(op, "2025-07-01")]);
        let l = agency.lineage();
        assert_eq!(l.route(A, "t8-a", on), "phong-do-luong");
        assert_eq!(l.route(A, "t8-b", on), B);
        assert!(
            agency
                .units
                .iter()
                .any(|u: &Unit| u.name == "Phòng Đo lường")
        );
    }

    #[test]
    fn dates_are_typed_dd_mm_yyyy_and_a_wrong_one_says_why() {
        let mut d = Draft {
            kind: Some(ChangeKind::Rename),
            unit: A.into(),
            names: "Phòng mới".into(),
            basis_number: "QĐ số 9".into(),
            on: "31/13/2025".into(),
            ..Draft::default()
        };
        assert_eq!(
            d.operation().unwrap_err().to_string(),
            "ngày có hiệu lực không hợp lệ: 31/13/2025 (ghi theo dd/mm/yyyy)"
        );
        d.on = "01/07/2025".into();
        d.basis_date = "30/02/2025".into();
        assert!(
            d.operation()
                .unwrap_err()
                .to_string()
                .contains("30/02/2025")
        );
        d.basis_date = "25/06/2025".into();
        let (_, on, basis) = d.operation().unwrap();
        assert_eq!(on, "2025-07-01".parse().unwrap());
        assert_eq!(basis.date, Some("2025-06-25".parse().unwrap()));
    }

    #[test]
    fn starter_bundles_are_offered_once_per_unit_that_exists_today() {
        let agency = agency_after(&[merge()]);
        let doc = |unit: &str, plan: &str| tiendo_shared::api::DocRef {
            doc_id: format!("{unit}-{plan}"),
            url: String::new(),
            kind: tiendo_shared::model::DocKind::Progress,
            agency_id: agency.id.clone(),
            plan_id: Some(plan.into()),
            unit_id: Some(unit.into()),
            title: format!("Tiến độ {unit} {plan}"),
            access: tiendo_shared::model::role::Access::Write,
            writable: true,
        };
        // Two plans' documents for B, one for A (merged into B on 01/04/2025).
        let docs = [doc(B, "2025"), doc(A, "2025"), doc(B, "2026")];
        let today: Date = "2026-12-07".parse().unwrap();
        let units = starter_units(Some(&agency), &docs, today);
        assert_eq!(units.len(), 1, "{units:?}");
        assert_eq!(units[0].0, B);
        assert_eq!(units[0].1, agency.unit(B).unwrap().name);
        let before: Date = "2025-03-01".parse().unwrap();
        assert_eq!(starter_units(Some(&agency), &docs, before).len(), 2);
        assert_eq!(
            starter_units(None, &docs, today).len(),
            2,
            "as the documents name them"
        );
    }
}
