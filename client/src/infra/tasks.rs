//! Background work owned by a guard: futures that stop when it is dropped, and callbacks
//! coalesced into one call per turn of the event loop.
//!
//! Stage: *plumbing* under the change subscriptions ([`super::plan_docs`]) and the sync watch
//! ([`super::session`]).

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;

use futures::future::{AbortHandle, Abortable};

/// Futures spawned on the page's event loop, aborted together when this is dropped.
pub struct Tasks {
    aborts: Vec<AbortHandle>,
    alive: Rc<Cell<bool>>,
}

impl Default for Tasks {
    fn default() -> Self {
        Tasks {
            aborts: Vec::new(),
            alive: Rc::new(Cell::new(true)),
        }
    }
}

impl Tasks {
    /// Runs `work` until it ends or these tasks are dropped.
    pub fn spawn(&mut self, work: impl Future<Output = ()> + 'static) {
        let (abort, registration) = AbortHandle::new_pair();
        wasm_bindgen_futures::spawn_local(async move {
            let _ = Abortable::new(work, registration).await;
        });
        self.aborts.push(abort);
    }

    /// A function that calls `f` once at the next turn of the event loop however many times it
    /// is called before then (a burst of changes is one re-read), and never after these tasks
    /// are dropped.
    pub fn coalesce(&self, f: impl Fn() + 'static) -> Rc<dyn Fn()> {
        let f = Rc::new(f);
        let scheduled = Rc::new(Cell::new(false));
        let alive = self.alive.clone();
        Rc::new(move || {
            if scheduled.replace(true) {
                return;
            }
            let (f, scheduled, alive) = (f.clone(), scheduled.clone(), alive.clone());
            gloo_timers::callback::Timeout::new(0, move || {
                scheduled.set(false);
                if alive.get() {
                    f();
                }
            })
            .forget();
        })
    }
}

impl Drop for Tasks {
    fn drop(&mut self) {
        self.alive.set(false);
        for a in &self.aborts {
            a.abort();
        }
    }
}
