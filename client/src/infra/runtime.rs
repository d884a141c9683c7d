//! The browser as samod's runtime: tasks run on the page's event loop
//! (`wasm_bindgen_futures::spawn_local`) and timers are `setTimeout` (gloo-timers).
//!
//! Stage: *plumbing* under the client's document repo.

use std::pin::Pin;
use std::time::Duration;

/// samod's [`samod::runtime::LocalRuntimeHandle`] for the browser.
#[derive(Clone, Copy, Debug, Default)]
pub struct BrowserRuntime;

impl samod::runtime::LocalRuntimeHandle for BrowserRuntime {
    fn spawn(&self, f: Pin<Box<dyn Future<Output = ()>>>) {
        wasm_bindgen_futures::spawn_local(f);
    }

    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()>>> {
        Box::pin(gloo_timers::future::sleep(duration))
    }
}
