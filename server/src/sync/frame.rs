//! The automerge-repo protocol message as bytes: what this server reads of it (decode), the
//! stateless checks of an inbound frame (inspect), and one encoder (the tests' frames).
//!
//! Stage: *transport*, under [`super::pump`]; the fuzz target `frame` drives [`inspect`].

use std::str::FromStr;

use samod::DocumentId;

use super::close_code;

/// The stateless part of checking an inbound frame: it must decode as an automerge-repo
/// protocol message, and a `request` or `sync` must name a valid document and carry a decodable
/// automerge sync message (returned). The refusal is the close code and reason. Who sent it and
/// what they may write are checked by the connection; the fuzz target `frame` drives this.
pub fn inspect(
    bytes: &[u8],
) -> std::result::Result<(Frame, Option<automerge::sync::Message>), (u16, String)> {
    let frame =
        decode(bytes).map_err(|e| (close_code::INVALID, format!("malformed frame: {e}")))?;
    if !matches!(frame.kind.as_str(), "request" | "sync") {
        return Ok((frame, None));
    }
    let Some(doc) = frame.document_id.as_deref() else {
        return Err((
            close_code::INVALID,
            "sync message without documentId".into(),
        ));
    };
    if DocumentId::from_str(doc).is_err() {
        return Err((close_code::INVALID, format!("invalid documentId {doc:?}")));
    }
    let Some(data) = frame.data.as_deref() else {
        return Err((close_code::INVALID, "sync message without data".into()));
    };
    let sync = automerge::sync::Message::decode(data).map_err(|e| {
        (
            close_code::INVALID,
            format!("malformed automerge sync message: {e}"),
        )
    })?;
    Ok((frame, Some(sync)))
}

/// The fields of an automerge-repo protocol message this layer looks at.
#[derive(Debug, Default, PartialEq)]
pub struct Frame {
    /// `type`: join, peer, request, sync, ephemeral, doc-unavailable…
    pub kind: String,
    pub sender_id: Option<String>,
    pub document_id: Option<String>,
    /// `data`: the automerge sync message of `request` and `sync`.
    pub data: Option<Vec<u8>>,
}

const KNOWN_TYPES: &[&str] = &[
    "join",
    "peer",
    "leave",
    "request",
    "sync",
    "doc-unavailable",
    "ephemeral",
    "error",
    "remote-subscription-change",
    "remote-heads-changed",
];

/// Decodes the CBOR map of a protocol message (definite length, as automerge-repo sends it).
pub fn decode(bytes: &[u8]) -> std::result::Result<Frame, String> {
    let mut d = minicbor::Decoder::new(bytes);
    let err = |e: minicbor::decode::Error| format!("not a CBOR protocol message: {e}");
    let len = d
        .map()
        .map_err(err)?
        .ok_or("indefinite-length map is not supported")?;
    let mut frame = Frame::default();
    let mut kind = None;
    for _ in 0..len {
        let key = d.str().map_err(err)?;
        match key {
            "type" => kind = Some(d.str().map_err(err)?.to_string()),
            "senderId" => frame.sender_id = Some(d.str().map_err(err)?.to_string()),
            // A document id travels as its base58 string, or as raw bytes.
            "documentId" => {
                frame.document_id = Some(if d.probe().str().is_ok() {
                    d.str().map_err(err)?.to_string()
                } else {
                    let raw = d.bytes().map_err(err)?.to_vec();
                    DocumentId::try_from(raw)
                        .map_err(|_| "invalid binary documentId".to_string())?
                        .to_string()
                });
            }
            "data" => frame.data = Some(d.bytes().map_err(err)?.to_vec()),
            _ => d.skip().map_err(err)?,
        }
    }
    if d.position() != bytes.len() {
        return Err("trailing bytes after the message".into());
    }
    frame.kind = kind.ok_or("message without a type")?;
    if !KNOWN_TYPES.contains(&frame.kind.as_str()) {
        return Err(format!("unknown message type {:?}", frame.kind));
    }
    Ok(frame)
}

/// Encodes a protocol message (a CBOR map) from string fields and optional `data`; a `join`
/// also carries `supportedProtocolVersions: ["1"]`, as automerge-repo sends it.
pub fn encode(fields: &[(&str, &str)], data: Option<&[u8]>) -> Vec<u8> {
    let join = fields.iter().any(|(k, v)| *k == "type" && *v == "join");
    let mut buf = Vec::new();
    let mut e = minicbor::Encoder::new(&mut buf);
    let len = fields.len() as u64 + u64::from(data.is_some()) + u64::from(join);
    // Writing into a Vec cannot fail.
    let _ = e.map(len);
    for (k, v) in fields {
        let _ = e.str(k).and_then(|e| e.str(v));
    }
    if join {
        let _ = e
            .str("supportedProtocolVersions")
            .and_then(|e| e.array(1))
            .and_then(|e| e.str("1"));
    }
    if let Some(d) = data {
        let _ = e.str("data").and_then(|e| e.bytes(d));
    }
    buf
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_decode_and_garbage_is_refused_with_a_reason() {
        let join = encode(&[("type", "join"), ("senderId", "p1")], None);
        let f = decode(&join).unwrap();
        assert_eq!(f.kind, "join");
        assert_eq!(f.sender_id.as_deref(), Some("p1"));
        let sync = encode(&[("type", "sync"), ("documentId", "d")], Some(&[1, 2]));
        assert_eq!(decode(&sync).unwrap().data, Some(vec![1, 2]));

        assert!(decode(b"garbage").unwrap_err().contains("CBOR"));
        assert!(decode(&join[..join.len() - 2]).is_err(), "truncated");
        let mut long = join.clone();
        long.push(0);
        assert!(decode(&long).unwrap_err().contains("trailing"));
        let unknown = encode(&[("type", "mystery")], None);
        assert!(decode(&unknown).unwrap_err().contains("unknown"));
        let untyped = encode(&[("senderId", "p1")], None);
        assert!(decode(&untyped).unwrap_err().contains("type"));
    }
}
