//! Views: what the documents say, computed for a day — never stored, the same in the browser and
//! on the server.
//!
//! Stage: *view*, above the model and the reporting workflow. Where the plan stands
//! ([`status`], and its day, [`status::as_of`][as_of]); the periodic report's content ([`report`]);
//! the province's roll-up of every agency ([`province`]); an agency's year across linked plans
//! ([`year`]); a task's history read from the change history ([`history`]); and next year's plan
//! drafted from this one and set beside it ([`next_year`]); an agency's PAR index and a group's
//! ranking ([`par_index`]).
//!
//! [as_of]: mod@status::as_of

pub mod history;
pub mod next_year;
pub mod par_index;
pub mod province;
pub mod report;
pub mod status;
pub mod year;
