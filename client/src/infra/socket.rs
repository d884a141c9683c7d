//! The sync socket in the browser: a samod [`Dialer`] over `web_sys::WebSocket`.
//!
//! Stage: *transport*, between the client's samod repo and the server's `/sync`. The browser sends
//! the session cookie with the upgrade, so no token is handled here. samod's dialer interface
//! wants `Send` values; browser objects are not, so the socket lives in a local task and talks to
//! samod through channels. samod reconnects with backoff when the socket drops.
//!
//! A dead link is noticed in seconds, not when TCP gives up: the socket asks the server for a
//! keep-alive (`/sync?keepalive=1`, a text frame `k` on an idle connection) and, once it has
//! heard the first, drops the connection when nothing arrives for [`SILENCE_MS`]; the browser's
//! `offline` event drops every socket at once ([`drop_all`]). samod then reports the connection
//! lost (the indicator says "Ngoại tuyến") and dials again with its backoff. A server too old
//! to send keep-alives is never taken for a dead one: the watchdog waits for the first.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures::StreamExt;
use futures::channel::{mpsc, oneshot};
use samod::{DialError, Dialer, Transport};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{BinaryType, CloseEvent, Event, MessageEvent, WebSocket};

/// Why the socket could not be opened.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SocketError(pub String);

/// Dials `url` (the server's `/sync`).
pub struct WebSocketDialer {
    /// `ws(s)://host/sync`.
    pub url: url::Url,
}

type Inbound = Result<Vec<u8>, std::io::Error>;

/// Silence after which a connection that heard keep-alives is taken for dead (the server sends
/// one every 1.5 s; checked every [`WATCH_MS`], so a dead link is dropped within 4 s).
pub const SILENCE_MS: f64 = 3500.0;
/// How often the watchdog looks.
const WATCH_MS: u32 = 500;

thread_local! {
    /// The open sockets' ways to drop them ([`drop_all`]).
    static LIVE: RefCell<Vec<Rc<dyn Fn()>>> = RefCell::new(Vec::new());
}

/// Drops every open sync socket at once (the browser says the network is gone).
pub fn drop_all() {
    let all: Vec<Rc<dyn Fn()>> = LIVE.with(|l| l.borrow_mut().drain(..).collect());
    for drop_it in all {
        drop_it();
    }
}

/// `url` asking the server for keep-alives.
fn with_keepalive(url: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}keepalive=1")
}

impl Dialer for WebSocketDialer {
    type Error = std::convert::Infallible;

    fn url(&self) -> url::Url {
        self.url.clone()
    }

    fn connect(
        &self,
    ) -> futures::future::BoxFuture<'static, Result<Transport, DialError<Self::Error>>> {
        let (ready_tx, ready_rx) = oneshot::channel::<Result<Transport, SocketError>>();
        open(self.url.as_str(), ready_tx);
        Box::pin(async move {
            match ready_rx.await {
                Ok(Ok(t)) => Ok(t),
                Ok(Err(e)) => Err(DialError::transient(e)),
                Err(_) => Err(DialError::transient(SocketError("socket dropped".into()))),
            }
        })
    }
}

/// Opens the socket in a local task; `ready` gets the transport once it is open.
fn open(url: &str, ready: oneshot::Sender<Result<Transport, SocketError>>) {
    let ws = match WebSocket::new(&with_keepalive(url)) {
        Ok(ws) => ws,
        Err(e) => {
            let _ = ready.send(Err(SocketError(format!("{e:?}"))));
            return;
        }
    };
    ws.set_binary_type(BinaryType::Arraybuffer);
    let (in_tx, in_rx) = mpsc::unbounded::<Inbound>();
    let (out_tx, mut out_rx) = mpsc::unbounded::<Vec<u8>>();
    let ready = Rc::new(RefCell::new(Some(ready)));
    let transport = Rc::new(RefCell::new(Some(Transport::new(in_rx, out_tx))));

    let on_open = {
        let (ready, transport) = (ready.clone(), transport.clone());
        Closure::<dyn FnMut(Event)>::new(move |_| {
            if let (Some(r), Some(t)) = (ready.borrow_mut().take(), transport.borrow_mut().take()) {
                let _ = r.send(Ok(t));
            }
        })
    };
    // When the connection was last heard from, once the server has shown it sends keep-alives.
    let heard = Rc::new(Cell::new(None::<f64>));
    let on_message = {
        let (in_tx, heard) = (in_tx.clone(), heard.clone());
        Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let data = e.data();
            if data.is_string() {
                // A keep-alive: proof of life, nothing for samod.
                heard.set(Some(js_sys::Date::now()));
                return;
            }
            if heard.get().is_some() {
                heard.set(Some(js_sys::Date::now()));
            }
            if let Ok(buf) = data.dyn_into::<js_sys::ArrayBuffer>() {
                let _ = in_tx.unbounded_send(Ok(js_sys::Uint8Array::new(&buf).to_vec()));
            }
        })
    };
    // Drops the connection: samod sees its stream end at once (a close handshake over a dead
    // link would wait for TCP).
    let dead = Rc::new(Cell::new(false));
    let drop_it: Rc<dyn Fn()> = {
        let (ws, in_tx, dead) = (ws.clone(), in_tx.clone(), dead.clone());
        Rc::new(move || {
            if !dead.replace(true) {
                in_tx.close_channel();
                let _ = ws.close();
            }
        })
    };
    LIVE.with(|l| l.borrow_mut().push(drop_it.clone()));
    {
        let (dead, drop_it) = (dead.clone(), drop_it.clone());
        wasm_bindgen_futures::spawn_local(async move {
            while !dead.get() {
                gloo_timers::future::TimeoutFuture::new(WATCH_MS).await;
                if heard
                    .get()
                    .is_some_and(|t| js_sys::Date::now() - t > SILENCE_MS)
                {
                    drop_it();
                }
            }
        });
    }
    let on_close = {
        let (ready, in_tx) = (ready.clone(), in_tx.clone());
        Closure::<dyn FnMut(CloseEvent)>::new(move |e: CloseEvent| {
            if let Some(r) = ready.borrow_mut().take() {
                let _ = r.send(Err(SocketError(format!(
                    "closed before opening ({}: {})",
                    e.code(),
                    e.reason()
                ))));
            }
            in_tx.close_channel();
        })
    };
    ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));

    // The local task owns the socket and its callbacks: it forwards samod's frames out and
    // closes the socket when samod drops its side.
    wasm_bindgen_futures::spawn_local(async move {
        while let Some(frame) = out_rx.next().await {
            if ws.send_with_u8_array(&frame).is_err() {
                break;
            }
        }
        ws.set_onopen(None);
        ws.set_onmessage(None);
        ws.set_onclose(None);
        drop_it();
        LIVE.with(|l| l.borrow_mut().retain(|d| !Rc::ptr_eq(d, &drop_it)));
        drop((on_open, on_message, on_close));
    });
}
