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
    let chunks: Vec<&[u8]> = sync.changes.iter().collect();
    if let Err(Inflates { limit }) = inflated_len(&chunks, MAX_INFLATED_BYTES) {
        return Err((
            close_code::TOO_BIG,
            format!("the changes of this sync message inflate to more than {limit} bytes"),
        ));
    }
    Ok((frame, Some(sync)))
}

/// The most bytes the deflated parts of one sync message's chunks (a compressed change's body,
/// a document's or a bundle's deflated columns) may inflate to, all together. Deflate inflates
/// up to ~1,032 times: without a bound a frame of 1 MB asks for a gigabyte, once for the
/// admission check and once more in the hub. Sync sends changes uncompressed (a compressed
/// change is a hand-made frame's); only a whole document (a tablet's new document, sent at its
/// first sync) inflates legitimately, a few times its size: a year of a unit's progress is
/// ~1 MB inflated. `main` bounds every inflation in the process too
/// ([`automerge::set_max_inflated_bytes`], [`MAX_INFLATED_BYTES_IN_PROCESS`]).
pub const MAX_INFLATED_BYTES: usize = 64 << 20;

/// The bound on any one chunk the process inflates: sync, bundles, its own saved documents
/// (well above the largest document it serves, so that one always loads).
pub const MAX_INFLATED_BYTES_IN_PROCESS: usize = 256 << 20;

/// The deflated parts of some chunks inflate to more than `limit` bytes.
#[derive(Debug, PartialEq)]
pub struct Inflates {
    pub limit: usize,
}

/// How many bytes the deflated parts of `chunks` inflate to, all together: counted as they are
/// inflated and dropped (nothing is kept), stopping as soon as the count passes `limit`. A chunk
/// that does not parse is left to automerge, which refuses it (within its own bound).
pub fn inflated_len(chunks: &[&[u8]], limit: usize) -> Result<usize, Inflates> {
    let mut total = 0usize;
    for chunk in chunks {
        for part in deflated_parts(chunk).unwrap_or_default() {
            let left = (limit - total) as u64;
            let mut decoder = flate2::bufread::DeflateDecoder::new(part);
            // A stream that does not inflate is automerge's to refuse; what it gave counts.
            let n = std::io::copy(
                &mut std::io::Read::take(&mut decoder, left.saturating_add(1)),
                &mut std::io::sink(),
            )
            .unwrap_or(0);
            if n > left {
                return Err(Inflates { limit });
            }
            total += n as usize;
        }
    }
    Ok(total)
}

/// The deflated byte ranges of an automerge storage chunk (magic, checksum, type, length, body):
/// a compressed change (type 2) is deflated whole; a document (0) or a bundle (3) lists its
/// columns, each with its spec (bit 3: deflated) and length. `None` if it does not parse.
fn deflated_parts(chunk: &[u8]) -> Option<Vec<&[u8]>> {
    const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
    if chunk.get(..4)? != MAGIC {
        return None;
    }
    let kind = *chunk.get(8)?;
    let mut r = Reader {
        bytes: chunk,
        at: 9,
    };
    let len = r.len()?;
    let body = r.take(len)?;
    let mut r = Reader { bytes: body, at: 0 };
    let mut parts = Vec::new();
    match kind {
        2 => return Some(vec![body]),
        0 => {
            r.actors()?;
            r.hashes()?;
            let changes = r.columns()?;
            let ops = r.columns()?;
            r.deflated(&changes, &mut parts)?;
            r.deflated(&ops, &mut parts)?;
        }
        3 => {
            r.hashes()?;
            r.actors()?;
            let changes = r.columns()?;
            r.deflated(&changes, &mut parts)?;
            let ops = r.columns()?;
            r.deflated(&ops, &mut parts)?;
        }
        _ => {}
    }
    Some(parts)
}

/// Reads LEB128 numbers and byte runs from a slice.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn uleb(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self.bytes.get(self.at)?;
            self.at += 1;
            value |= u64::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let bytes = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(bytes)
    }

    fn len(&mut self) -> Option<usize> {
        usize::try_from(self.uleb()?).ok()
    }

    /// Actor ids: a count, then each length-prefixed.
    fn actors(&mut self) -> Option<()> {
        for _ in 0..self.uleb()? {
            let n = self.len()?;
            self.take(n)?;
        }
        Some(())
    }

    /// Change hashes: a count of 32-byte hashes.
    fn hashes(&mut self) -> Option<()> {
        let n = self.len()?;
        self.take(n.checked_mul(32)?).map(|_| ())
    }

    /// Column metadata: a count, then each column's spec and data length; whether it is
    /// deflated (spec bit 3) and its length.
    fn columns(&mut self) -> Option<Vec<(bool, usize)>> {
        (0..self.uleb()?)
            .map(|_| Some((self.uleb()? & 0b1000 != 0, self.len()?)))
            .collect()
    }

    /// The data of `columns`, the deflated ones added to `parts`.
    fn deflated(&mut self, columns: &[(bool, usize)], parts: &mut Vec<&'a [u8]>) -> Option<()> {
        for &(deflated, n) in columns {
            let bytes = self.take(n)?;
            if deflated {
                parts.push(bytes);
            }
        }
        Some(())
    }
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
    use automerge::transaction::Transactable;
    use std::io::Write;

    /// A compressed change chunk (type 2) whose body is `inflated` zero bytes deflated.
    fn compressed_bomb(inflated: usize) -> Vec<u8> {
        let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..inflated >> 20 {
            e.write_all(&zeros).unwrap();
        }
        let body = e.finish().unwrap();
        let mut chunk = vec![0x85, 0x6f, 0x4a, 0x83, 0, 0, 0, 0, 2];
        let mut len = body.len();
        while len >= 0x80 {
            chunk.push((len as u8 & 0x7f) | 0x80);
            len >>= 7;
        }
        chunk.push(len as u8);
        chunk.extend(body);
        chunk
    }

    #[test]
    fn deflated_parts_of_documents_bundles_and_changes_are_counted_and_bombs_refused() {
        let mut doc = automerge::Automerge::new();
        let mut tx = doc.transaction();
        tx.put(automerge::ROOT, "note", "lặp lại ".repeat(100_000))
            .unwrap();
        tx.commit();
        let text = "lặp lại ".len() * 100_000;
        let saved = doc.save();
        let mut change = doc.get_changes(&[])[0].clone();
        let plain = change.raw_bytes().to_vec();
        let compressed = change.bytes().into_owned();
        let hash = change.hash();
        let bundle = doc.bundle([hash]).unwrap().bytes().to_vec();
        assert!(saved.len() < text / 10 && compressed.len() < text / 10);

        // Each inflates to about the text: the parts were found in every chunk kind.
        for chunk in [&saved, &compressed, &bundle] {
            let n = inflated_len(&[chunk], usize::MAX).unwrap();
            assert!(n >= text && n < text + 10_000, "{n}");
        }
        assert_eq!(
            inflated_len(&[&plain], usize::MAX),
            Ok(0),
            "nothing deflated"
        );
        // The bound is on all the chunks of a message together.
        assert!(inflated_len(&[&saved, &compressed], 2 * text + 20_000).is_ok());
        assert_eq!(
            inflated_len(&[&saved, &compressed], text + 20_000),
            Err(Inflates {
                limit: text + 20_000
            })
        );
        assert!(inflated_len(&[&compressed_bomb(256 << 20)], 64 << 20).is_err());
        // Garbage is automerge's to refuse.
        assert_eq!(inflated_len(&[b"garbage", &[0x85, 0x6f]], 10), Ok(0));
    }

    #[test]
    fn a_sync_message_inflating_beyond_the_bound_is_refused_as_too_big() {
        let message = |chunk: Vec<u8>| {
            let sync = automerge::sync::Message {
                heads: vec![],
                need: vec![],
                have: vec![],
                changes: automerge::sync::ChunkList::from(chunk),
                flags: None,
                version: automerge::sync::MessageVersion::V1,
            };
            let doc = DocumentId::try_from(vec![7u8; 16]).unwrap().to_string();
            encode(
                &[("type", "sync"), ("senderId", "p"), ("documentId", &doc)],
                Some(&sync.encode()),
            )
        };
        let (code, why) =
            inspect(&message(compressed_bomb(MAX_INFLATED_BYTES + (1 << 20)))).unwrap_err();
        assert_eq!(code, close_code::TOO_BIG);
        assert!(why.contains("inflate to more than"), "{why}");
        assert!(inspect(&message(compressed_bomb(1 << 20))).is_ok());
    }

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
