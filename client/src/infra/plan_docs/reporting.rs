//! The reporting workflow on one plan's documents: the steps of every readable unit and the
//! office's, a step taken as this user (the unit's in its progress document, the office's in the
//! plan document), the office's report texts and deadlines, and a unit's progress as a
//! submission sent it.
//!
//! Stage: *local documents*, the workflow's half of [`PlanDocs`]: screens reach it through the
//! same handle as the forms, and each step is one Automerge change authored by the user.

use samod::DocHandle;
use tiendo_shared::model::{Agency, Progress, doc};
use tiendo_shared::workflow;

use super::PlanDocs;
use crate::error::ClientError;
#[cfg(feature = "office")]
use crate::infra::browser::now;
use crate::infra::pending::edit_own;
use crate::view_model::reporting::Reporting;

impl PlanDocs {
    /// The workflow steps of every readable progress document and the office's, and the
    /// office's report texts.
    pub(super) fn reporting(&self, agency: Option<&Agency>) -> Reporting {
        use tiendo_shared::model::PeriodKind;
        let mut out = Reporting {
            names: self
                .me
                .people
                .iter()
                .map(|p| (p.username.clone(), p.display_name.clone()))
                .chain([(
                    self.me.user.username.clone(),
                    self.me.user.display_name.clone(),
                )])
                .collect(),
            ..Reporting::default()
        };
        let mut units: Vec<(String, &DocHandle)> = self
            .all_progress
            .iter()
            .map(|(u, h)| (u.clone(), h))
            .collect();
        if let (Some(h), Some(u)) = (&self.progress, &self.me.user.unit_id)
            && !units.iter().any(|(x, _)| x == u)
        {
            units.push((u.clone(), h));
        }
        for (unit, h) in units {
            let by_period = h.with_document(|d| {
                PeriodKind::ALL
                    .into_iter()
                    .map(|p| (p, workflow::unit_steps(d, p)))
                    .collect()
            });
            out.unit.insert(unit, by_period);
        }
        let unit_ids: Vec<String> = agency
            .map(|a| a.units.iter().map(|u| u.id.clone()).collect())
            .unwrap_or_default();
        self.plan.with_document(|d| {
            for u in &unit_ids {
                for p in PeriodKind::ALL {
                    let steps = workflow::office_steps(d, u, p);
                    if !steps.is_empty() {
                        out.office.insert((u.clone(), p), steps);
                    }
                }
            }
            for p in PeriodKind::ALL {
                out.texts
                    .insert(p, tiendo_shared::views::report::texts::read(d, p));
                // The office's own deadlines: the day a past period is computed as of, and the
                // units' reminders, follow them.
                out.configured.insert(p, workflow::configured(d, p));
            }
        });
        out
    }

    /// Takes a reporting step as this user, now: the unit's (submit, approve) in its progress
    /// document, the office's (accept, return) on `unit`'s report in the plan document. `on`
    /// names the submission acted on; `note` is the office's reason for returning.
    pub fn take_step(
        &self,
        unit: &str,
        period: tiendo_shared::model::PeriodKind,
        action: workflow::Action,
        on: Option<String>,
        note: String,
    ) -> Result<(), ClientError> {
        let at = js_sys::Date::now() as i64;
        let user = &self.me.user;
        let step = workflow::Step {
            id: workflow::step_id(
                &user.username,
                at,
                (js_sys::Math::random() * f64::from(u32::MAX)) as u32,
            ),
            action,
            by: user.username.clone(),
            role: user.role.as_str().to_string(),
            at,
            skew: crate::infra::browser::clock_skew_ms(),
            heads: Vec::new(),
            on: on.unwrap_or_default(),
            note,
        };
        if !workflow::may_take(user.role, action) {
            return Err(ClientError::NotAllowed(format!(
                "tài khoản này không được {}",
                action.vi().to_lowercase()
            )));
        }
        if action.by_office() {
            self.may_write_plan()?;
            // The office's step names the heads of the submission it decides on.
            let mut step = step;
            step.heads = self
                .all_progress
                .iter()
                .find(|(u, _)| u == unit)
                .map(|(_, h)| submission_heads(h, period, &step.on))
                .unwrap_or_default();
            return edit_own(&self.plan, |d| {
                workflow::take_office_step(d, unit, period, &step)
            })
            .map_err(ClientError::document);
        }
        let handle = self.own_progress()?;
        let mut step = step;
        if matches!(
            action,
            workflow::Action::Approve | workflow::Action::SendBack
        ) {
            step.heads = submission_heads(handle, period, &step.on);
        }
        edit_own(handle, |d| {
            workflow::take_unit_step(d, period, step).map(|_| ())
        })
        .map_err(ClientError::document)
    }

    #[cfg(feature = "office")]
    /// Keeps the office's texts of parts 1, 3 and 5 for `period` in the plan document.
    pub fn write_report_texts(
        &self,
        period: tiendo_shared::model::PeriodKind,
        texts: &tiendo_shared::views::report::PartTexts,
    ) -> Result<(), ClientError> {
        self.may_write_plan()?;
        let author = self.me.user.username.clone();
        edit_own(&self.plan, |d| {
            tiendo_shared::views::report::texts::write(d, &author, now(), period, texts)
        })
        .map_err(ClientError::document)
    }

    #[cfg(feature = "office")]
    /// Keeps the deadlines the office set for `period` (none: the plan's and the regime's).
    pub fn configure_deadlines(
        &self,
        period: tiendo_shared::model::PeriodKind,
        set: &workflow::Configured,
    ) -> Result<(), ClientError> {
        self.may_write_plan()?;
        let author = self.me.user.username.clone();
        edit_own(&self.plan, |d| {
            workflow::configure(d, &author, now(), period, set)
        })
        .map_err(ClientError::document)
    }

    /// `unit`'s progress as the submission covering `heads` sent it (`None`: not readable
    /// here, or not all of it has arrived).
    pub fn submitted_progress(&self, unit: &str, heads: &[String]) -> Option<Progress> {
        let h = self
            .all_progress
            .iter()
            .find(|(u, _)| u == unit)
            .map(|(_, h)| h)
            .or(self
                .progress
                .as_ref()
                .filter(|_| self.me.user.unit_id.as_deref() == Some(unit)))?;
        h.with_document(|d| {
            let view = workflow::submitted_view(d, heads).ok()?;
            doc::read::<Progress, _>(&view).ok()
        })
    }
}

/// The heads the submission `on` of `period` sent, as the unit's document `h` holds it.
fn submission_heads(
    h: &DocHandle,
    period: tiendo_shared::model::PeriodKind,
    on: &str,
) -> Vec<String> {
    h.with_document(|d| {
        workflow::unit_steps(d, period)
            .into_iter()
            .find(|s| s.id == on)
            .map(|s| s.heads)
            .unwrap_or_default()
    })
}
