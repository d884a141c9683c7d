//! The unit's "Chỉ số CCHC" tab: the sub-criteria the office assigned to it, each with its text,
//! maximum, rule and evidence hints and what the unit filled in its sheet; the criteria set it
//! scores against (the one of its plan's year and its agency's group); the evidence files its
//! tasks' reports already hold, to offer.
//!
//! Stage: *view model*, pure: the synced criteria sets, the progress document's sheet
//! ([`ParSheet`], read by `infra::plan_docs` once per change) and the unit's progress in; rows
//! out.

use std::collections::BTreeMap;

use tiendo_shared::model::Progress;
use tiendo_shared::model::assessment::{EvidenceItem, SheetEntry};
use tiendo_shared::model::criteria::{CriteriaSet, Level, Measured, Points};
use tiendo_shared::model::org::AgencyKind;
use tiendo_shared::model::progress::FieldConflict;

use super::{Limits, fits, rule_hint};

/// The unit's part of the PAR index as its documents hold it (a part of the workspace's
/// snapshot).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParSheet {
    /// Every criteria set synced to this device.
    pub sets: Vec<CriteriaSet>,
    /// The unit's sheet, by code.
    pub entries: BTreeMap<String, SheetEntry>,
    /// The codes the office assigned to the unit.
    pub assigned: Vec<String>,
    /// Concurrent values in the sheet, by code.
    pub conflicts: BTreeMap<String, Vec<FieldConflict>>,
}

/// The group an agency is ranked in.
pub fn level_of(kind: AgencyKind) -> Level {
    match kind {
        // As the server groups them (`server::domain::par::level_of`).
        AgencyKind::Commune | AgencyKind::District => Level::Commune,
        AgencyKind::Department | AgencyKind::Other => Level::Department,
    }
}

/// The set the unit scores against: the one of the plan's `year` for the agency's group; a
/// province's decision before a template; the only set of the year when none is of the group.
/// (The unit cannot read its agency's assessment record, which names the set: a record made
/// before a decision was imported keeps the template, and only the server can say so.)
pub fn choose_set(sets: &[CriteriaSet], year: Option<i32>, level: Level) -> Option<&CriteriaSet> {
    let of_year: Vec<&CriteriaSet> = sets
        .iter()
        .filter(|s| year.is_none_or(|y| s.year == y))
        .collect();
    let of_level: Vec<&CriteriaSet> = of_year
        .iter()
        .copied()
        .filter(|s| s.level == level)
        .collect();
    pick(&of_level).or_else(|| (of_year.len() == 1).then(|| of_year[0]))
}

/// A province's decision before a template, of `group`; of several, the last listed (as the
/// server picks the set a new assessment record is scored against, `Par::set_for`).
fn pick<'a>(group: &[&'a CriteriaSet]) -> Option<&'a CriteriaSet> {
    group
        .iter()
        .rev()
        .find(|s| !s.template)
        .or_else(|| group.last())
        .copied()
}

/// One sub-criterion assigned to the unit.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitRow {
    /// Its code.
    pub code: String,
    /// What it judges.
    pub text: String,
    /// Its maximum.
    pub max: Points,
    /// Its rule.
    pub rule: tiendo_shared::model::criteria::Rule,
    /// What the rule allows, in words.
    pub rule_hint: String,
    /// The evidence expected.
    pub evidence_hint: String,
    /// "Không áp dụng" is allowed.
    pub may_not_apply: bool,
    /// Measured by the province's survey: shown, not scored.
    pub survey: bool,
    /// What the unit filled.
    pub entry: SheetEntry,
    /// Whether its score fits the rule (`None`: no score yet).
    pub fits: Option<bool>,
    /// Concurrent values to settle.
    pub conflicts: Vec<FieldConflict>,
}

impl UnitRow {
    /// The rule a typed score is read against.
    pub fn limits(&self) -> Limits<'_> {
        Limits {
            max: self.max,
            rule: &self.rule,
            may_not_apply: self.may_not_apply,
        }
    }
}

/// The rows of the codes assigned to the unit, in the set's order (codes the set does not have
/// are left out: an assignment of another year's set).
pub fn unit_rows(set: &CriteriaSet, sheet: &ParSheet) -> Vec<UnitRow> {
    set.scored()
        .filter(|c| sheet.assigned.contains(&c.code))
        .map(|c| {
            let entry = sheet.entries.get(&c.code).cloned().unwrap_or_default();
            let limits = Limits {
                max: c.max,
                rule: &c.rule,
                may_not_apply: c.may_not_apply,
            };
            UnitRow {
                code: c.code.clone(),
                text: c.text.clone(),
                max: c.max,
                rule: c.rule.clone(),
                rule_hint: rule_hint(&c.rule, c.max),
                evidence_hint: c.evidence.clone(),
                may_not_apply: c.may_not_apply,
                survey: c.measured == Measured::Survey,
                fits: entry.mark.map(|m| fits(m, limits)),
                entry,
                conflicts: sheet.conflicts.get(&c.code).cloned().unwrap_or_default(),
            }
        })
        .collect()
}

/// How far the unit has got: scored rows (a score or "không áp dụng") of the self-scored ones.
pub fn scored_count(rows: &[UnitRow]) -> (usize, usize) {
    let own: Vec<&UnitRow> = rows.iter().filter(|r| !r.survey).collect();
    let scored = own.iter().filter(|r| r.entry.mark.is_some()).count();
    (scored, own.len())
}

/// The files the unit's task reports already hold, each once, with the document it is cited as
/// ("Số 12/KH-SKHCN ngày 10/01/2025 — Kế hoạch …") and its task: offered as evidence.
pub fn task_evidence(progress: &[Progress]) -> Vec<EvidenceItem> {
    let mut out: Vec<EvidenceItem> = Vec::new();
    for p in progress {
        for (task_id, periods) in &p.tasks {
            for entry in periods.values() {
                for ev in &entry.evidence {
                    let reference = reference_of(ev);
                    for f in &ev.files {
                        if out.iter().any(|e| e.sha256 == f.sha256) {
                            continue;
                        }
                        out.push(EvidenceItem {
                            sha256: f.sha256.clone(),
                            name: f.name.clone(),
                            reference: reference.clone(),
                            task_id: Some(task_id.clone()),
                        });
                    }
                }
            }
        }
    }
    out
}

/// How a cited document reads in the province's table: number, date, summary.
fn reference_of(ev: &tiendo_shared::model::Evidence) -> String {
    let mut head = ev.number.trim().to_string();
    if let Some(d) = ev.date {
        if !head.is_empty() {
            head.push(' ');
        }
        head.push_str(&crate::text::tasks::ngay(&d.vi()));
    }
    match (head.trim().is_empty(), ev.summary.trim().is_empty()) {
        (true, _) => ev.summary.trim().to_string(),
        (false, true) => head.trim().to_string(),
        (false, false) => format!("{} — {}", head.trim(), ev.summary.trim()),
    }
}

/// The entry with `item` added (once, by its SHA-256) or, when `add` is false, removed.
pub fn with_evidence(entry: &SheetEntry, item: &EvidenceItem, add: bool) -> SheetEntry {
    let mut out = entry.clone();
    out.evidence.retain(|e| e.sha256 != item.sha256);
    if add {
        out.evidence.push(item.clone());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiendo_shared::model::assessment::sheet;
    use tiendo_shared::model::criteria::{Mark, template};

    fn set() -> CriteriaSet {
        template::departments("Quảng Ngãi", 2025)
    }

    #[test]
    fn the_unit_sees_its_assigned_sub_criteria_in_the_sets_order_with_what_it_filled() {
        let set = set();
        let scored: Vec<_> = set.scored().map(|c| c.code.clone()).collect();
        let (first, second) = (scored[0].clone(), scored[1].clone());
        let mut doc = automerge::Automerge::new();
        sheet::set_assigned(
            &mut doc,
            &[second.clone(), first.clone(), "9.9.9".into()],
            "server",
            tiendo_shared::model::doc::UnixTime(1),
        )
        .unwrap();
        let entry = SheetEntry {
            mark: Some(Mark::Score(Points(1))),
            explanation: "đã ban hành".into(),
            evidence: vec![],
        };
        sheet::write(
            &mut doc,
            &first,
            &entry,
            "vp.01",
            tiendo_shared::model::doc::UnixTime(2),
        )
        .unwrap();
        let sheet = ParSheet {
            sets: vec![set.clone()],
            entries: sheet::read(&doc).0,
            assigned: sheet::assigned(&doc),
            conflicts: BTreeMap::new(),
        };
        let rows = unit_rows(&set, &sheet);
        assert_eq!(
            rows.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(),
            [first.as_str(), second.as_str()],
            "the set's order; a code the set lacks is left out"
        );
        assert_eq!(rows[0].entry, entry);
        assert_eq!(rows[1].entry, SheetEntry::default());
        assert_eq!(rows[1].fits, None);
        assert_eq!(scored_count(&rows).0, 1);
    }

    #[test]
    fn the_set_is_the_plans_year_and_the_agencys_group_a_decision_before_a_template() {
        let mut template = set();
        template.id = "mau".into();
        let mut decided = set();
        decided.id = "qn-2025-so".into();
        decided.template = false;
        let mut commune = set();
        commune.id = "qn-2025-xa".into();
        commune.template = false;
        commune.level = Level::Commune;
        let mut older = set();
        older.id = "qn-2024-so".into();
        older.template = false;
        older.year = 2024;
        let sets = vec![template.clone(), older, commune, decided];
        let id = |s: Option<&CriteriaSet>| s.map(|s| s.id.clone());
        assert_eq!(
            id(choose_set(&sets, Some(2025), Level::Department)),
            Some("qn-2025-so".into())
        );
        assert_eq!(
            id(choose_set(&sets, Some(2025), Level::Commune)),
            Some("qn-2025-xa".into())
        );
        assert_eq!(id(choose_set(&sets, Some(2030), Level::Commune)), None);
        assert_eq!(
            id(choose_set(&[template], Some(2025), Level::Commune)),
            Some("mau".into()),
            "the year's only set, whatever its group"
        );
        assert_eq!(level_of(AgencyKind::Commune), Level::Commune);
        assert_eq!(level_of(AgencyKind::Department), Level::Department);
    }

    #[test]
    fn the_tasks_files_are_offered_once_each_with_the_document_they_are_cited_as() {
        use tiendo_shared::model::{Entry, Evidence, EvidenceFile};
        let file = EvidenceFile {
            sha256: "a".repeat(64),
            name: "kh.pdf".into(),
            mime: "application/pdf".into(),
            size: 10,
            added_by: "u".into(),
            added_at: 0,
        };
        let ev = Evidence {
            id: "e1".into(),
            number: "12/KH-SKHCN".into(),
            date: Some("10/01/2025".parse().unwrap()),
            summary: "Kế hoạch CCHC năm 2025".into(),
            file: None,
            files: vec![file.clone()],
        };
        let entry = Entry {
            evidence: vec![ev],
            ..Entry::default()
        };
        let mut p = Progress::default();
        p.tasks.insert(
            "t1".into(),
            [("q1".to_string(), entry.clone()), ("q2".to_string(), entry)]
                .into_iter()
                .collect(),
        );
        let offered = task_evidence(&[p]);
        assert_eq!(offered.len(), 1, "the same file twice is offered once");
        assert_eq!(offered[0].task_id.as_deref(), Some("t1"));
        assert_eq!(
            offered[0].reference,
            "12/KH-SKHCN ngày 10/01/2025 — Kế hoạch CCHC năm 2025"
        );
        let e = with_evidence(&SheetEntry::default(), &offered[0], true);
        let e = with_evidence(&e, &offered[0], true);
        assert_eq!(e.evidence.len(), 1);
        assert!(with_evidence(&e, &offered[0], false).evidence.is_empty());
    }
}
