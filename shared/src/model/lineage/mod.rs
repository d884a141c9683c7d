//! Organisation changes with lineage: a unit merged into another, renamed, split, retired, or
//! handing a function (some of its tasks) to another, each from a date and on a legal basis.
//!
//! Stage: *model*, pure. The changes are kept in the organisation document inside each agency
//! (`agencies[i].changes`), one map per change, appended ([`record`]) — never rewritten by the
//! whole-model writes, which leave the list alone. Lists created on two devices at once are read
//! as one (their union, by id), and a change that cannot be read (a later release's kind) is
//! left out of the reading, not out of the document. Everything else is derived from the list:
//!
//! - **Validity.** A unit exists from the day a change created it (a split's new units) and
//!   until the day before a merge, split or retirement of it takes effect ([`Lineage::valid`]).
//! - **Names.** A rename keeps the unit's id and writes the new name on the unit (the old one
//!   becomes an alias, so plans written before still import); [`Lineage::name_at`] gives the name
//!   a unit had on a day, so a report of a period before the rename prints the old name.
//! - **Where a task goes** ([`Lineage::route`]). On a day on or after a change's date, a task of
//!   the changed unit (lead or coordinating) is the successor's: the one the change chose for
//!   that task, else the first successor. A function moved passes only the tasks it names; a
//!   retirement passes none. Chains are followed (A into B in March, B into C in June).
//! - **Progress follows** ([`fold`]): the unit's progress stays in its own document, and counts
//!   for the successor after the date: for a task passed on, the successor's own entry for a
//!   period wins, the predecessor's fills what the successor has not reported.
//! - **Accounts** ([`Lineage::account_fate`]): moved to the successor or disabled, as the change
//!   says, once its date has come; so is the successor's right to write the unit's documents
//!   ([`Lineage::heirs_on`]). A change dated in the future is shown as planned and does nothing
//!   before its day.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::model::org::{Agency, Unit};
use crate::model::progress::Progress;
use crate::model::{Date, Error};

mod operation;
mod store;

pub use operation::{Operation, Recorded, plan_change, record};
pub use store::{hydrate_changes, keep_changes};

/// The key of an agency's change list in the organisation document.
pub const CHANGES_KEY: &str = "changes";

/// What happened to a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Merged into another unit (sáp nhập): it ends, its tasks pass on.
    Merge,
    /// Renamed (đổi tên): same unit, new name.
    Rename,
    /// Split (chia tách) into several units: it ends, each task goes where chosen.
    Split,
    /// Retired (giải thể): it ends, its tasks stay with it for the office to reassign.
    Retire,
    /// A function moved (chuyển chức năng): the tasks named pass to another unit, which goes on.
    MoveFunction,
    /// Established (thành lập): the unit exists from the change's date, not before (a unit a
    /// later plan names for the first time, or one the admin creates). An older release does not
    /// know this kind and reads the unit as existing since ever.
    Establish,
}

impl ChangeKind {
    /// Every kind.
    pub const ALL: [ChangeKind; 6] = [
        ChangeKind::Merge,
        ChangeKind::Rename,
        ChangeKind::Split,
        ChangeKind::Retire,
        ChangeKind::MoveFunction,
        ChangeKind::Establish,
    ];

    /// The name written in the document and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Merge => "merge",
            ChangeKind::Rename => "rename",
            ChangeKind::Split => "split",
            ChangeKind::Retire => "retire",
            ChangeKind::MoveFunction => "move_function",
            ChangeKind::Establish => "establish",
        }
    }

    /// The Vietnamese name.
    pub fn vi(self) -> &'static str {
        match self {
            ChangeKind::Merge => "Sáp nhập",
            ChangeKind::Rename => "Đổi tên",
            ChangeKind::Split => "Chia tách",
            ChangeKind::Retire => "Giải thể",
            ChangeKind::MoveFunction => "Chuyển chức năng",
            ChangeKind::Establish => "Thành lập",
        }
    }

    /// The unit ceases to exist from the change's date.
    pub fn ends_unit(self) -> bool {
        matches!(
            self,
            ChangeKind::Merge | ChangeKind::Split | ChangeKind::Retire
        )
    }
}

impl std::str::FromStr for ChangeKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        ChangeKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| Error::InvalidValue(format!("loại thay đổi tổ chức không rõ: {s}")))
    }
}

/// What becomes of the accounts of a unit that ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountFate {
    /// Nothing (a rename, a function moved).
    #[default]
    Keep,
    /// Moved to the successor (or the unit the change names).
    Move,
    /// Disabled.
    Disable,
}

impl AccountFate {
    /// The name written in the document and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountFate::Keep => "keep",
            AccountFate::Move => "move",
            AccountFate::Disable => "disable",
        }
    }
}

impl std::str::FromStr for AccountFate {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        [AccountFate::Keep, AccountFate::Move, AccountFate::Disable]
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| Error::InvalidValue(format!("cách xử lý tài khoản không rõ: {s}")))
    }
}

/// The legal basis of a change: the decision's number and date.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Basis {
    /// "Quyết định số 12/QĐ-UBND".
    pub number: String,
    /// The decision's date.
    #[serde(default)]
    pub date: Option<Date>,
}

impl Basis {
    /// "Quyết định số 12/QĐ-UBND ngày 20/02/2025", or nothing when no number was given.
    pub fn vi(&self) -> String {
        match (&self.number, self.date) {
            (n, _) if n.trim().is_empty() => String::new(),
            (n, Some(d)) => format!("{} ngày {}", n.trim(), d.vi()),
            (n, None) => n.trim().to_string(),
        }
    }
}

/// One change of the organisation, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgChange {
    /// Unique id (who, when, a random part).
    pub id: String,
    /// What happened.
    pub kind: ChangeKind,
    /// The unit changed.
    pub unit: String,
    /// The first day of the new arrangement.
    pub on: Date,
    /// The successors (merge: one; split: several; a function moved: one).
    #[serde(default)]
    pub into: Vec<String>,
    /// The units this change created (a split's new units): they exist from `on`.
    #[serde(default)]
    pub created: Vec<String>,
    /// Where particular tasks go (task id → unit): a split's choice, a function's tasks.
    #[serde(default)]
    pub routes: BTreeMap<String, String>,
    /// A rename's (or any change's) name of the unit before.
    #[serde(default)]
    pub old_name: String,
    /// A rename's new name.
    #[serde(default)]
    pub new_name: String,
    /// The legal basis.
    #[serde(default)]
    pub basis: Basis,
    /// What becomes of the unit's accounts.
    #[serde(default)]
    pub accounts: AccountFate,
    /// Who recorded it.
    #[serde(default)]
    pub by: String,
    /// When it was recorded (device time, Unix ms).
    #[serde(default)]
    pub at: i64,
}

impl OrgChange {
    /// The unit the accounts move to, if they move.
    pub fn accounts_to(&self) -> Option<&str> {
        (self.accounts == AccountFate::Move)
            .then(|| self.into.first().map(String::as_str))
            .flatten()
    }

    /// What happened, in a sentence: "Phòng A sáp nhập vào Phòng B từ ngày 01/04/2026
    /// (Quyết định số … ngày …)."
    pub fn describe(&self, agency: &Agency) -> String {
        // Every unit under the name it had that day (a successor renamed later keeps it here).
        let name = |id: &str| agency.unit_name_on(id, self.on);
        let old = if self.old_name.is_empty() {
            name(&self.unit)
        } else {
            self.old_name.clone()
        };
        let into: Vec<String> = self.into.iter().map(|u| name(u)).collect();
        let what = match self.kind {
            ChangeKind::Merge => format!("{old} sáp nhập vào {}", into.join(", ")),
            ChangeKind::Rename => format!("{old} đổi tên thành {}", self.new_name),
            ChangeKind::Split => format!("{old} chia tách thành {}", into.join(", ")),
            ChangeKind::Retire => format!("{old} giải thể"),
            ChangeKind::MoveFunction => format!(
                "{old} chuyển {} nhiệm vụ sang {}",
                self.routes.len(),
                into.join(", ")
            ),
            ChangeKind::Establish => format!("{} thành lập", self.new_name),
        };
        let basis = self.basis.vi();
        if basis.is_empty() {
            format!("{what} từ ngày {}.", self.on.vi())
        } else {
            format!("{what} từ ngày {} ({basis}).", self.on.vi())
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The derived view.

/// An agency's changes, ordered by date, and what they imply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lineage {
    changes: Vec<OrgChange>,
}

/// How far a chain of changes is followed (a cycle written by two offices at once ends here).
const MAX_HOPS: usize = 16;

impl Lineage {
    /// The lineage of `changes` (any order).
    pub fn new(changes: &[OrgChange]) -> Lineage {
        let mut changes = changes.to_vec();
        changes.sort_by(|a, b| (a.on, &a.id).cmp(&(b.on, &b.id)));
        Lineage { changes }
    }

    /// The changes, by date.
    pub fn changes(&self) -> &[OrgChange] {
        &self.changes
    }

    /// No change recorded.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The change that ends `unit` (the earliest merge, split or retirement of it).
    pub fn end_of(&self, unit: &str) -> Option<&OrgChange> {
        self.changes
            .iter()
            .find(|c| c.unit == unit && c.kind.ends_unit())
    }

    /// The change that created `unit`, if one did.
    pub fn start_of(&self, unit: &str) -> Option<&OrgChange> {
        self.changes
            .iter()
            .find(|c| c.created.iter().any(|u| u == unit))
    }

    /// The unit exists on `day`.
    pub fn valid(&self, unit: &str, day: Date) -> bool {
        self.start_of(unit).is_none_or(|c| c.on <= day)
            && self.end_of(unit).is_none_or(|c| day < c.on)
    }

    /// The name `unit` had on `day`: the old name of the first rename after that day, else
    /// `current`.
    pub fn name_at(&self, unit: &str, current: &str, day: Date) -> String {
        self.changes
            .iter()
            .find(|c| c.kind == ChangeKind::Rename && c.unit == unit && c.on > day)
            .map_or_else(|| current.to_string(), |c| c.old_name.clone())
    }

    /// The unit that carries `unit`'s task `task_id` on `day`.
    pub fn route(&self, unit: &str, task_id: &str, day: Date) -> String {
        let mut at = unit.to_string();
        for _ in 0..MAX_HOPS {
            let next = self
                .changes
                .iter()
                .filter(|c| c.unit == at && c.on <= day)
                .find_map(|c| match c.kind {
                    ChangeKind::Merge | ChangeKind::Split => {
                        c.routes.get(task_id).or(c.into.first()).cloned()
                    }
                    ChangeKind::MoveFunction => c.routes.get(task_id).cloned(),
                    ChangeKind::Rename | ChangeKind::Retire | ChangeKind::Establish => None,
                });
            match next {
                Some(n) if n != at => at = n,
                _ => break,
            }
        }
        at
    }

    /// The units `unit`'s work ever passes to, however far, planned changes included: what the
    /// screens show as its lineage. Who may write its documents is [`Lineage::heirs_on`].
    pub fn heirs(&self, unit: &str) -> BTreeSet<String> {
        self.heirs_where(unit, |_| true)
    }

    /// The units `unit`'s work has passed to by `day`, however far: the changes whose date has
    /// come. Their members may write its documents (an offline tablet of a merged unit still
    /// syncs what it wrote); a change dated later grants nothing until its day.
    pub fn heirs_on(&self, unit: &str, day: Date) -> BTreeSet<String> {
        self.heirs_where(unit, |c| c.on <= day)
    }

    fn heirs_where(&self, unit: &str, counts: impl Fn(&OrgChange) -> bool) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut todo = vec![unit.to_string()];
        while let Some(u) = todo.pop() {
            for c in self.changes.iter().filter(|c| c.unit == u && counts(c)) {
                for n in c.into.iter().chain(c.routes.values()) {
                    if n != unit && out.insert(n.clone()) {
                        todo.push(n.clone());
                    }
                }
            }
        }
        out
    }

    /// The units whose work passes to `unit` (the inverse of [`Lineage::heirs`]).
    pub fn predecessors(&self, unit: &str) -> BTreeSet<String> {
        let units: BTreeSet<&str> = self.changes.iter().map(|c| c.unit.as_str()).collect();
        units
            .into_iter()
            .filter(|u| *u != unit && self.heirs(u).contains(unit))
            .map(str::to_string)
            .collect()
    }

    /// What becomes of an account of `unit` on `today`: the change that ended the unit (its
    /// date come) and the unit the account now belongs to (`None`: disabled), following chains.
    /// `None` when the unit goes on or its accounts are kept.
    pub fn account_fate(&self, unit: &str, today: Date) -> Option<(&OrgChange, Option<String>)> {
        let first = self.end_of(unit).filter(|c| c.on <= today)?;
        let mut at = unit.to_string();
        let mut change = first;
        for _ in 0..MAX_HOPS {
            match change.accounts {
                AccountFate::Keep => return None,
                AccountFate::Disable => return Some((first, None)),
                AccountFate::Move => {
                    let Some(to) = change.accounts_to() else {
                        return Some((first, None));
                    };
                    at = to.to_string();
                }
            }
            match self.end_of(&at).filter(|c| c.on <= today) {
                Some(next) => change = next,
                None => break,
            }
        }
        Some((first, Some(at)))
    }
}

impl Agency {
    /// The lineage of this agency's units.
    pub fn lineage(&self) -> Lineage {
        Lineage::new(&self.changes)
    }

    /// The agency as it stood on `day`: the units that existed then, under the names they had.
    pub fn on(&self, day: Date) -> std::borrow::Cow<'_, Agency> {
        if self.changes.is_empty() {
            return std::borrow::Cow::Borrowed(self);
        }
        let lineage = self.lineage();
        let mut out = self.clone();
        out.units = self
            .units
            .iter()
            .filter(|u| lineage.valid(&u.id, day))
            .map(|u| Unit {
                name: lineage.name_at(&u.id, &u.name, day),
                ..u.clone()
            })
            .collect();
        std::borrow::Cow::Owned(out)
    }

    /// The name unit `id` had on `day` (its id when the organisation never listed it).
    pub fn unit_name_on(&self, id: &str, day: Date) -> String {
        match self.unit(id) {
            Some(u) => self.lineage().name_at(id, &u.name, day),
            None => id.to_string(),
        }
    }

    /// Unit `id` as a view of a past day prints it: the name it had on `then`, and where the
    /// unit is known by another name on `today` (renamed, or merged into another unit), that
    /// name beside it: "Phòng Thông tin (nay là Phòng Chuyển đổi số)".
    pub fn unit_name_then_now(&self, id: &str, then: Date, today: Date) -> String {
        let old = self.unit_name_on(id, then);
        let heir = self.lineage().route(id, "", today);
        let now = self.unit_name_on(&heir, today);
        if now == old {
            old
        } else {
            format!("{old} (nay là {now})")
        }
    }
}

/// The units' progress as it counts on `day`: each task a unit passed on before `day` carries
/// the predecessor's entries into its successor's progress (the successor's own entry for a
/// period wins). Documents stay as they are; the successor gets a progress value if it had none.
pub fn fold<'a>(
    agency: &Agency,
    progress: &'a [Progress],
    day: Date,
) -> std::borrow::Cow<'a, [Progress]> {
    if agency.changes.is_empty() {
        return std::borrow::Cow::Borrowed(progress);
    }
    let lineage = agency.lineage();
    let mut out: Vec<Progress> = progress.to_vec();
    for p in progress {
        for (task_id, task) in &p.tasks {
            let to = lineage.route(&p.unit_id, task_id, day);
            if to == p.unit_id {
                continue;
            }
            let i = match out
                .iter()
                .position(|q| q.unit_id == to && q.plan_id == p.plan_id)
            {
                Some(i) => i,
                None => {
                    out.push(Progress::new(&p.plan_id, &to));
                    out.len() - 1
                }
            };
            let target = out[i].tasks.entry(task_id.clone()).or_default();
            for (period, entry) in task {
                target
                    .entry(period.clone())
                    .or_insert_with(|| entry.clone());
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests;
