//! The sync socket in the browser: a samod [`Dialer`] over `web_sys::WebSocket`.
//!
//! Stage: *transport*, between the client's samod repo and the server's `/sync`. The browser sends
//! the session cookie with the upgrade, so no token is handled here. samod's dialer interface
//! wants `Send` values; browser objects are not, so the socket lives in a local task and talks to
//! samod through channels. samod reconnects with backoff when the socket drops.

use std::cell::RefCell;
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
    let ws = match WebSocket::new(url) {
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
    let on_message = {
        let in_tx = in_tx.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            if let Ok(buf) = e.data().dyn_into::<js_sys::ArrayBuffer>() {
                let _ = in_tx.unbounded_send(Ok(js_sys::Uint8Array::new(&buf).to_vec()));
            }
        })
    };
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
        let _ = ws.close();
        in_tx.close_channel();
        drop((on_open, on_message, on_close));
    });
}
