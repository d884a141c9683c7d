//! Form fields as the screens read and reset them: the value of the field an event came from or
//! of a field held by a [`NodeRef`], and the files of a file input.
//!
//! Stage: *UI ⇄ browser*. The screens never name a DOM type (`web_sys`); every read of what was
//! typed, chosen or picked goes through these few functions.

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::{Event, NodeRef};

/// A file the user picked (or photographed).
pub use web_sys::File;

/// The value of a select, a text area or an input (`None` for any other element).
fn value_of_element(t: &web_sys::EventTarget) -> Option<String> {
    if let Some(s) = t.dyn_ref::<HtmlSelectElement>() {
        return Some(s.value());
    }
    if let Some(a) = t.dyn_ref::<HtmlTextAreaElement>() {
        return Some(a.value());
    }
    t.dyn_ref::<HtmlInputElement>().map(|i| i.value())
}

/// The value of the field an event came from: a select, a text area or an input (empty for
/// anything else). The forms' one way to read what was typed or chosen.
pub fn value_of(e: &Event) -> String {
    e.target()
        .and_then(|t| value_of_element(&t))
        .unwrap_or_default()
}

/// The value of the field `r` holds (empty when it holds none, or not a field).
pub fn value(r: &NodeRef) -> String {
    r.get()
        .and_then(|n| value_of_element(&n))
        .unwrap_or_default()
}

/// Sets the value of the input or text area `r` holds (a field filled from what is saved, or
/// emptied once its content was added).
pub fn set_value(r: &NodeRef, v: &str) {
    if let Some(i) = r.cast::<HtmlInputElement>() {
        i.set_value(v);
    } else if let Some(a) = r.cast::<HtmlTextAreaElement>() {
        a.set_value(v);
    }
}

/// The file input an event came from.
#[derive(Clone)]
pub struct FileInput(HtmlInputElement);

impl FileInput {
    /// The input `e` came from, if it is one.
    pub fn of(e: &Event) -> Option<FileInput> {
        e.target()?
            .dyn_into::<HtmlInputElement>()
            .ok()
            .map(FileInput)
    }

    /// The files picked in it, in order.
    pub fn files(&self) -> Vec<File> {
        self.0
            .files()
            .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
            .unwrap_or_default()
    }

    /// Empties it, so that picking the same file again is a change.
    pub fn clear(&self) {
        self.0.set_value("");
    }
}

/// Whether the checkbox `r` holds is ticked (false when it holds none).
pub fn checked(r: &NodeRef) -> bool {
    r.cast::<HtmlInputElement>().is_some_and(|i| i.checked())
}

/// Whether the checkbox an event came from is ticked.
pub fn checked_of(e: &Event) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        .is_some_and(|i| i.checked())
}
