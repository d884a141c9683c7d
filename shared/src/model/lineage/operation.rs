//! The operations on the organisation: what the office asks ([`Operation`]: merge, rename,
//! split, retire, move a function, establish) checked against the organisation and the plans,
//! made into an [`OrgChange`] and recorded in the organisation document ([`record`]).
//!
//! Stage: *model*, before the organisation document is written.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::lineage::store::append;
use crate::model::lineage::{AccountFate, Basis, ChangeKind, OrgChange};
use crate::model::org::{Agency, Org, Unit};
use crate::model::{Date, Error, text};

/// An operation on the organisation, as the agency admin asks for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Operation {
    /// Merge a unit into another.
    Merge {
        /// The unit that ends.
        unit: String,
        /// The unit it joins.
        into: String,
        /// Its accounts: moved to `into` or disabled.
        accounts: AccountFate,
    },
    /// Rename a unit.
    Rename {
        /// The unit.
        unit: String,
        /// Its new name.
        name: String,
    },
    /// Split a unit into existing units and new ones; the tasks not routed go to the first.
    Split {
        /// The unit that ends.
        unit: String,
        /// Existing units that take part of its work.
        into: Vec<String>,
        /// Names of the new units to create.
        new_units: Vec<String>,
        /// Task id → the unit (an id, or a new unit's name) that takes it.
        routes: BTreeMap<String, String>,
        /// Its accounts: moved to the first successor or disabled.
        accounts: AccountFate,
    },
    /// Retire a unit.
    Retire {
        /// The unit that ends.
        unit: String,
        /// Its accounts: kept or disabled.
        accounts: AccountFate,
    },
    /// Move some tasks of a unit to another, which both go on.
    MoveFunction {
        /// The unit giving the tasks.
        unit: String,
        /// The unit taking them.
        to: String,
        /// The tasks' ids.
        tasks: Vec<String>,
    },
    /// Establish a unit: it exists from the change's day.
    Establish {
        /// The new unit's id (from its name, [`Unit::named`]).
        unit: String,
        /// Its name.
        name: String,
    },
}

impl Operation {
    /// The unit operated on.
    pub fn unit(&self) -> &str {
        match self {
            Operation::Merge { unit, .. }
            | Operation::Rename { unit, .. }
            | Operation::Split { unit, .. }
            | Operation::Retire { unit, .. }
            | Operation::MoveFunction { unit, .. }
            | Operation::Establish { unit, .. } => unit,
        }
    }
}

/// Who records an operation, when, with which id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The change's id ([`crate::workflow::step_id`]'s form).
    pub id: String,
    /// The user.
    pub by: String,
    /// Device time, Unix ms.
    pub at: i64,
}

/// Checks `op` against the agency and builds the change and the units it creates.
pub fn plan_change(
    agency: &Agency,
    op: &Operation,
    on: Date,
    basis: Basis,
    rec: &Recorded,
) -> Result<(OrgChange, Vec<Unit>), Error> {
    let lineage = agency.lineage();
    let bad = |m: String| Err(Error::InvalidValue(m));
    if let Operation::Establish { name, .. } = op {
        return establish(agency, name, on, basis, rec);
    }
    let existing = |id: &str| -> Result<&Unit, Error> {
        let u = agency
            .unit(id)
            .ok_or_else(|| Error::InvalidValue(format!("không có đơn vị {id}")))?;
        if !lineage.valid(id, on) {
            return Err(Error::InvalidValue(format!(
                "{} không còn tồn tại ngày {}",
                u.name,
                on.vi()
            )));
        }
        Ok(u)
    };
    if let Some(end) = lineage.end_of(op.unit()) {
        return bad(format!(
            "{} đã có thay đổi kết thúc: {}",
            agency.unit_name(op.unit()),
            end.describe(agency)
        ));
    }
    let unit = existing(op.unit())?;
    let mut change = OrgChange {
        id: rec.id.clone(),
        kind: ChangeKind::Retire,
        unit: unit.id.clone(),
        on,
        into: Vec::new(),
        created: Vec::new(),
        routes: BTreeMap::new(),
        old_name: unit.name.clone(),
        new_name: String::new(),
        basis,
        accounts: AccountFate::Keep,
        by: rec.by.clone(),
        at: rec.at,
    };
    let mut created = Vec::new();
    match op {
        Operation::Merge { into, accounts, .. } => {
            let to = existing(into)?;
            if to.id == unit.id {
                return bad("không thể sáp nhập một đơn vị vào chính nó".into());
            }
            change.kind = ChangeKind::Merge;
            change.into = vec![to.id.clone()];
            change.accounts = *accounts;
        }
        Operation::Rename { name, .. } => {
            let name = text::clean(name);
            if name.is_empty() {
                return bad("tên mới đang trống".into());
            }
            if let Some(other) = agency.find_unit(&name).filter(|u| u.id != unit.id) {
                return bad(format!("đã có đơn vị tên {}", other.name));
            }
            change.kind = ChangeKind::Rename;
            change.new_name = name;
        }
        Operation::Split {
            into,
            new_units,
            routes,
            accounts,
            ..
        } => {
            let mut ids = Vec::new();
            for id in into {
                ids.push(existing(id)?.id.clone());
            }
            for name in new_units {
                let name = text::clean(name);
                if name.is_empty() {
                    continue;
                }
                if agency.find_unit(&name).is_some() {
                    return bad(format!("đã có đơn vị tên {name}"));
                }
                let u = Unit::named(&name);
                if agency.unit(&u.id).is_some() || ids.contains(&u.id) {
                    return bad(format!("mã đơn vị {} đã có", u.id));
                }
                ids.push(u.id.clone());
                change.created.push(u.id.clone());
                created.push(u);
            }
            if ids.is_empty() {
                return bad("chia tách cần ít nhất một đơn vị nhận".into());
            }
            if ids.contains(&unit.id) {
                return bad("đơn vị nhận không thể là chính đơn vị chia tách".into());
            }
            for (task, to) in routes {
                let id = created
                    .iter()
                    .find(|u| text::key(&u.name) == text::key(to))
                    .map_or(to.clone(), |u| u.id.clone());
                if !ids.contains(&id) {
                    return bad(format!(
                        "nhiệm vụ {task} được giao cho {to}, không phải đơn vị nhận"
                    ));
                }
                change.routes.insert(task.clone(), id);
            }
            change.kind = ChangeKind::Split;
            change.into = ids;
            change.accounts = *accounts;
        }
        Operation::Retire { accounts, .. } => {
            change.kind = ChangeKind::Retire;
            if *accounts == AccountFate::Move {
                return bad("đơn vị giải thể không có đơn vị kế thừa để chuyển tài khoản".into());
            }
            change.accounts = *accounts;
        }
        Operation::Establish { .. } => unreachable!("handled above"),
        Operation::MoveFunction { to, tasks, .. } => {
            let to = existing(to)?;
            if to.id == unit.id {
                return bad("không thể chuyển nhiệm vụ cho chính đơn vị".into());
            }
            if tasks.is_empty() {
                return bad("chưa chọn nhiệm vụ nào để chuyển".into());
            }
            change.kind = ChangeKind::MoveFunction;
            change.into = vec![to.id.clone()];
            change.routes = tasks.iter().map(|t| (t.clone(), to.id.clone())).collect();
        }
    }
    Ok((change, created))
}

/// A unit established from `on`: a name no unit of the agency has (nor had), its id its own.
fn establish(
    agency: &Agency,
    name: &str,
    on: Date,
    basis: Basis,
    rec: &Recorded,
) -> Result<(OrgChange, Vec<Unit>), Error> {
    let name = text::clean(name);
    if name.is_empty() {
        return Err(Error::InvalidValue("tên đơn vị mới đang trống".into()));
    }
    if let Some(other) = agency.find_unit(&name) {
        return Err(Error::InvalidValue(format!(
            "đã có đơn vị tên {}",
            other.name
        )));
    }
    let unit = Unit::named(&name);
    if unit.id.is_empty() || agency.unit(&unit.id).is_some() {
        return Err(Error::InvalidValue(format!("mã đơn vị {} đã có", unit.id)));
    }
    let change = OrgChange {
        id: rec.id.clone(),
        kind: ChangeKind::Establish,
        unit: unit.id.clone(),
        on,
        into: Vec::new(),
        created: vec![unit.id.clone()],
        routes: BTreeMap::new(),
        old_name: String::new(),
        new_name: name,
        basis,
        accounts: AccountFate::Keep,
        by: rec.by.clone(),
        at: rec.at,
    };
    Ok((change, vec![unit]))
}

/// Records operation `op` of agency `agency_id` in the organisation document `doc`, from `on`,
/// as one change authored by `rec.by`: the change appended, a rename's name written on the unit
/// (the old one kept as an alias), a split's new units added. Returns the change.
pub fn record(
    doc: &mut automerge::Automerge,
    agency_id: &str,
    op: &Operation,
    on: Date,
    basis: Basis,
    rec: &Recorded,
) -> Result<OrgChange, Error> {
    let mut org: Org = crate::model::doc::read(doc)?;
    let agency = org
        .agencies
        .iter_mut()
        .find(|a| a.id == agency_id)
        .ok_or_else(|| Error::InvalidValue(format!("không có cơ quan {agency_id}")))?;
    let (change, created) = plan_change(agency, op, on, basis, rec)?;
    if change.kind == ChangeKind::Rename
        && let Some(u) = agency.units.iter_mut().find(|u| u.id == change.unit)
    {
        if !u.aliases.contains(&u.name) {
            u.aliases.push(u.name.clone());
        }
        u.name = change.new_name.clone();
    }
    agency.units.extend(created);
    doc.set_author(Some(crate::model::doc::author_for(&rec.by)));
    let mut tx = doc.transaction();
    autosurgeon::reconcile(&mut tx, &org)?;
    crate::model::schema::upgrade(&mut tx, crate::model::DocKind::Org)?;
    append(&mut tx, agency_id, &change)?;
    tx.commit_with(crate::model::doc::commit_options(
        crate::model::doc::UnixTime(rec.at.div_euclid(1000)),
    ));
    Ok(change)
}
