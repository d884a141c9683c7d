//! Bundle files: documents' changes and evidence files carried by hand (a USB stick, Zalo, a
//! cable) where no link reaches — a unit's unsynced work to its office, or a starter set for a
//! new tablet.
//!
//! Stage: *transport without a link*, beside sync: the tablet (or the server, for a starter
//! bundle) [`seal`]s what it has; the receiver [`open`]s the file, which checks every byte
//! before anything is applied, and then applies the documents' changes as sync would.
//!
//! # Format (version 1)
//!
//! A CBOR map with integer keys (RFC 8949; readable by any CBOR tool):
//!
//! | key | value |
//! |---|---|
//! | 0 | `"tiendo-bundle"` |
//! | 1 | format version, `1` |
//! | 2 | the manifest: UTF-8 JSON as a byte string ([`Manifest`]), exactly the bytes signed |
//! | 3 | array of byte strings: each document's changes in automerge's own binary format (a whole `save()`, or the changes after the manifest's `deps`), loadable with `load_incremental` by any automerge library |
//! | 4 | array of byte strings: the evidence files, as they are |
//! | 5 | the signature: map `{0: "ed25519", 1: public key (32 bytes), 2: signature (64 bytes)}` over key 2's bytes |
//!
//! The manifest lists every document (id, heads, deps, size, SHA-256) and every file (SHA-256,
//! size, media type, name) in the order of keys 3 and 4, with the author, the kind and the
//! creation time; so the signature over the manifest covers every byte of the bundle.
//! automerge-repo's own bundle proposal (`exportBundle`/`importBundle`, removed upstream while
//! its format is reconsidered) carries per document the same triple — id, heads, deps and the
//! changes as automerge binary — but no author, files, checksum or signature, which a file that
//! passes through untrusted hands needs.

use serde::{Deserialize, Serialize};

/// The container's type tag (key 0).
pub const FORMAT: &str = "tiendo-bundle";

/// What [`open`] reads of a bundle before it refuses it: a file passes through untrusted hands,
/// and its counts and nesting are the sender's to choose. The decoded bytes are borrowed from
/// the file and copied once, so they never exceed the file's own size (the server bounds that:
/// `limits.max_bundle_bytes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// Documents (a unit's bundle carries its progress documents: a handful).
    pub max_documents: u64,
    /// Evidence files (a unit's year of photos).
    pub max_files: u64,
    /// Entries of the container's maps (six are defined).
    pub max_entries: u64,
    /// Nesting of an item this build does not know (skipped, still signed over).
    pub max_depth: usize,
    /// Items of such an item, all levels together.
    pub max_items: u64,
    /// Bytes of the manifest (its JSON lists every document and file).
    pub max_manifest_bytes: u64,
    /// Heads plus deps of one document in the manifest.
    pub max_heads: usize,
}

/// The bounds [`open`] reads within.
pub const BOUNDS: Bounds = Bounds {
    max_documents: 1_000,
    max_files: 20_000,
    max_entries: 64,
    max_depth: 16,
    max_items: 10_000,
    max_manifest_bytes: 16 * 1024 * 1024,
    max_heads: 10_000,
};
/// The format version this build writes and reads.
pub const VERSION: u64 = 1;

/// What a bundle is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A unit's work the server has not confirmed (or all it may write), from its tablet.
    Unit,
    /// The plan, organisation and a unit's documents for a new tablet, from the server.
    Starter,
}

/// Who made a bundle, as they were signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    /// The user name.
    pub username: String,
    /// The unit, for a unit's account.
    #[serde(default)]
    pub unit_id: Option<String>,
    /// The agency, for a unit's account.
    #[serde(default)]
    pub agency_id: Option<String>,
}

/// One document in a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocEntry {
    /// The automerge-repo document id.
    pub id: String,
    /// The document's heads once the changes are applied (hex change hashes).
    pub heads: Vec<String>,
    /// The changes the data builds on (empty: the whole document).
    #[serde(default)]
    pub deps: Vec<String>,
    /// Size of the data in bytes.
    pub size: u64,
    /// SHA-256 of the data, lower-case hex.
    pub sha256: String,
}

/// One evidence file in a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// SHA-256 of the bytes, lower-case hex (how documents name the file).
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// Media type.
    pub mime: String,
    /// The file's name.
    pub name: String,
}

/// What a bundle says it holds (key 2), signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// What it is for.
    pub kind: Kind,
    /// Who made it.
    pub author: Author,
    /// When, Unix ms (the maker's clock).
    pub created_ms: i64,
    /// The deployment it was made for (its server's peer id), if known.
    #[serde(default)]
    pub server: Option<String>,
    /// The documents, in the order of key 3.
    pub documents: Vec<DocEntry>,
    /// The files, in the order of key 4.
    #[serde(default)]
    pub files: Vec<FileEntry>,
}

/// A document to seal: its id, heads, the changes' deps, and the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocData {
    /// The automerge-repo document id.
    pub id: String,
    /// Its heads once the data is applied.
    pub heads: Vec<automerge::ChangeHash>,
    /// What the data builds on (empty for a whole document).
    pub deps: Vec<automerge::ChangeHash>,
    /// The changes, automerge binary.
    pub data: Vec<u8>,
}

/// A file to seal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileData {
    /// Media type.
    pub mime: String,
    /// Name.
    pub name: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// A bundle whose every byte was checked against its signed manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    /// The manifest.
    pub manifest: Manifest,
    /// The public key that signed it (the receiver decides whether it trusts it).
    pub key: [u8; 32],
    /// The documents' data, in the manifest's order.
    pub documents: Vec<Vec<u8>>,
    /// The files' bytes, in the manifest's order.
    pub files: Vec<Vec<u8>>,
}

/// Why a file is not a bundle this build can trust, naming what failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    /// Not a bundle at all, or cut short.
    #[error("tệp không phải gói dữ liệu Tiến độ hoặc bị cắt cụt: {0}")]
    NotABundle(String),
    /// A later format than this build reads.
    #[error("gói dữ liệu định dạng phiên bản {0}, mới hơn chương trình này (1); hãy cập nhật")]
    Version(u64),
    /// The manifest does not read.
    #[error("danh mục của gói không đọc được: {0}")]
    Manifest(String),
    /// The signature does not match the manifest (altered, or not made with that key).
    #[error("chữ ký của gói không khớp: gói đã bị sửa hoặc không do khoá này ký")]
    Signature,
    /// A document's bytes are not the ones the manifest lists.
    #[error("dữ liệu tài liệu {0} trong gói đã bị sửa (SHA-256 không khớp)")]
    DocumentAltered(String),
    /// A file's bytes are not the ones the manifest lists.
    #[error("tệp minh chứng {0} trong gói đã bị sửa (SHA-256 không khớp)")]
    FileAltered(String),
    /// More items, or deeper nesting, than [`Bounds`] allows.
    #[error("gói có {found} {what}, quá giới hạn {max}: không mở")]
    TooMany {
        /// What was counted.
        what: &'static str,
        /// How many there are (or the first count over).
        found: u64,
        /// The bound.
        max: u64,
    },
    /// The manifest and the data do not list the same number of items.
    #[error("gói có {found} {what} nhưng danh mục ghi {listed}")]
    Count {
        /// Documents or files.
        what: &'static str,
        /// How many the manifest lists.
        listed: usize,
        /// How many are there.
        found: usize,
    },
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex(&sha2::Sha256::digest(bytes))
}

/// `bytes` as lower-case hex, as manifests and `/api/me`'s `bundle_key` write keys and hashes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Seals `documents` and `files` as a bundle of `kind` by `author`, made at `created_ms`, signed
/// with `key`.
pub fn seal(
    kind: Kind,
    author: Author,
    created_ms: i64,
    server: Option<String>,
    documents: Vec<DocData>,
    files: Vec<FileData>,
    key: &ed25519_dalek::SigningKey,
) -> Vec<u8> {
    use ed25519_dalek::Signer;
    let manifest = Manifest {
        kind,
        author,
        created_ms,
        server,
        documents: documents
            .iter()
            .map(|d| DocEntry {
                id: d.id.clone(),
                heads: d.heads.iter().map(ToString::to_string).collect(),
                deps: d.deps.iter().map(ToString::to_string).collect(),
                size: d.data.len() as u64,
                sha256: sha256_hex(&d.data),
            })
            .collect(),
        files: files
            .iter()
            .map(|f| FileEntry {
                sha256: sha256_hex(&f.bytes),
                size: f.bytes.len() as u64,
                mime: f.mime.clone(),
                name: f.name.clone(),
            })
            .collect(),
    };
    let manifest_bytes = serde_json::to_vec(&manifest).expect("a manifest serializes");
    let signature = key.sign(&manifest_bytes);
    let mut out = Vec::new();
    let mut e = minicbor::Encoder::new(&mut out);
    let written: Result<(), minicbor::encode::Error<std::convert::Infallible>> = (|| {
        e.map(6)?;
        e.u8(0)?.str(FORMAT)?;
        e.u8(1)?.u64(VERSION)?;
        e.u8(2)?.bytes(&manifest_bytes)?;
        e.u8(3)?.array(documents.len() as u64)?;
        for d in &documents {
            e.bytes(&d.data)?;
        }
        e.u8(4)?.array(files.len() as u64)?;
        for f in &files {
            e.bytes(&f.bytes)?;
        }
        e.u8(5)?.map(3)?;
        e.u8(0)?.str("ed25519")?;
        e.u8(1)?.bytes(key.verifying_key().as_bytes())?;
        e.u8(2)?.bytes(&signature.to_bytes())?;
        Ok(())
    })();
    written.expect("writing to a Vec cannot fail");
    out
}

/// Reads a bundle and checks it: the container, the version, the signature over the manifest,
/// and every document's and file's bytes against the manifest. Nothing in it is to be used
/// unless this succeeds.
pub fn open(bytes: &[u8]) -> Result<Opened, BundleError> {
    let bad = |e: minicbor::decode::Error| BundleError::NotABundle(e.to_string());
    let too_many = |what, found, max| BundleError::TooMany { what, found, max };
    let mut d = minicbor::Decoder::new(bytes);
    let entries = d
        .map()
        .map_err(bad)?
        .ok_or_else(|| BundleError::NotABundle("ánh xạ không xác định độ dài".into()))?;
    if entries > BOUNDS.max_entries {
        return Err(too_many("mục", entries, BOUNDS.max_entries));
    }
    let (mut format, mut version, mut manifest_bytes) = (None, None, None);
    let (mut documents, mut files) = (Vec::new(), Vec::new());
    let (mut alg, mut key, mut sig) = (None, None, None);
    for _ in 0..entries {
        match d.u8().map_err(bad)? {
            0 => format = Some(d.str().map_err(bad)?.to_string()),
            1 => version = Some(d.u64().map_err(bad)?),
            2 => {
                let manifest = d.bytes().map_err(bad)?;
                if manifest.len() as u64 > BOUNDS.max_manifest_bytes {
                    return Err(too_many(
                        "byte danh mục",
                        manifest.len() as u64,
                        BOUNDS.max_manifest_bytes,
                    ));
                }
                manifest_bytes = Some(manifest.to_vec())
            }
            3 => documents = byte_strings(&mut d, "tài liệu", BOUNDS.max_documents)?,
            4 => files = byte_strings(&mut d, "tệp", BOUNDS.max_files)?,
            5 => {
                let n = d.map().map_err(bad)?.unwrap_or(0);
                if n > BOUNDS.max_entries {
                    return Err(too_many("mục chữ ký", n, BOUNDS.max_entries));
                }
                for _ in 0..n {
                    match d.u8().map_err(bad)? {
                        0 => alg = Some(d.str().map_err(bad)?.to_string()),
                        1 => key = Some(d.bytes().map_err(bad)?.to_vec()),
                        2 => sig = Some(d.bytes().map_err(bad)?.to_vec()),
                        _ => skip(&mut d)?,
                    }
                }
            }
            // A later minor addition this build does not know: skipped, still signed over.
            _ => skip(&mut d)?,
        }
    }
    if d.position() != bytes.len() {
        return Err(BundleError::NotABundle(format!(
            "{} byte thừa sau gói",
            bytes.len() - d.position()
        )));
    }
    if format.as_deref() != Some(FORMAT) {
        return Err(BundleError::NotABundle(format!(
            "loại tệp {:?}, không phải {FORMAT}",
            format.unwrap_or_default()
        )));
    }
    match version {
        Some(VERSION) => {}
        Some(v) => return Err(BundleError::Version(v)),
        None => return Err(BundleError::NotABundle("không ghi phiên bản".into())),
    }
    let manifest_bytes =
        manifest_bytes.ok_or_else(|| BundleError::NotABundle("không có danh mục".into()))?;
    if alg.as_deref() != Some("ed25519") {
        return Err(BundleError::Signature);
    }
    let key: [u8; 32] = key
        .and_then(|k| k.try_into().ok())
        .ok_or(BundleError::Signature)?;
    let sig: [u8; 64] = sig
        .and_then(|s| s.try_into().ok())
        .ok_or(BundleError::Signature)?;
    let verifying =
        ed25519_dalek::VerifyingKey::from_bytes(&key).map_err(|_| BundleError::Signature)?;
    verifying
        .verify_strict(&manifest_bytes, &ed25519_dalek::Signature::from_bytes(&sig))
        .map_err(|_| BundleError::Signature)?;
    let manifest: Manifest = serde_json::from_slice(&manifest_bytes)
        .map_err(|e| BundleError::Manifest(e.to_string()))?;
    if let Some(heads) = manifest
        .documents
        .iter()
        .map(|d| d.heads.len() + d.deps.len())
        .find(|&n| n > BOUNDS.max_heads)
    {
        return Err(too_many(
            "đầu thay đổi trong một tài liệu",
            heads as u64,
            BOUNDS.max_heads as u64,
        ));
    }
    for (what, listed, found) in [
        ("tài liệu", manifest.documents.len(), documents.len()),
        ("tệp", manifest.files.len(), files.len()),
    ] {
        if listed != found {
            return Err(BundleError::Count {
                what,
                listed,
                found,
            });
        }
    }
    for (entry, data) in manifest.documents.iter().zip(&documents) {
        if entry.size != data.len() as u64 || entry.sha256 != sha256_hex(data) {
            return Err(BundleError::DocumentAltered(entry.id.clone()));
        }
    }
    for (entry, data) in manifest.files.iter().zip(&files) {
        if entry.size != data.len() as u64 || entry.sha256 != sha256_hex(data) {
            return Err(BundleError::FileAltered(entry.sha256.clone()));
        }
    }
    Ok(Opened {
        manifest,
        key,
        documents,
        files,
    })
}

/// An array of at most `max` byte strings (`what` names them in a refusal).
fn byte_strings(
    d: &mut minicbor::Decoder<'_>,
    what: &'static str,
    max: u64,
) -> Result<Vec<Vec<u8>>, BundleError> {
    let bad = |e: minicbor::decode::Error| BundleError::NotABundle(e.to_string());
    let n = d
        .array()
        .map_err(bad)?
        .ok_or_else(|| BundleError::NotABundle("mảng không xác định độ dài".into()))?;
    if n > max {
        return Err(BundleError::TooMany {
            what,
            found: n,
            max,
        });
    }
    (0..n)
        .map(|_| d.bytes().map(<[u8]>::to_vec).map_err(bad))
        .collect()
}

/// Skips an item this build does not know, within [`BOUNDS`]' depth and item count (minicbor's
/// own `skip` follows any nesting the sender wrote).
fn skip(d: &mut minicbor::Decoder<'_>) -> Result<(), BundleError> {
    let mut items = 0u64;
    skip_at(d, 0, &mut items)
}

fn skip_at(
    d: &mut minicbor::Decoder<'_>,
    depth: usize,
    items: &mut u64,
) -> Result<(), BundleError> {
    use minicbor::data::Type;
    let bad = |e: minicbor::decode::Error| BundleError::NotABundle(e.to_string());
    *items += 1;
    if *items > BOUNDS.max_items {
        return Err(BundleError::TooMany {
            what: "phần tử trong một mục lạ",
            found: *items,
            max: BOUNDS.max_items,
        });
    }
    if depth > BOUNDS.max_depth {
        return Err(BundleError::TooMany {
            what: "tầng lồng nhau",
            found: depth as u64,
            max: BOUNDS.max_depth as u64,
        });
    }
    let (len, per_entry) = match d.datatype().map_err(bad)? {
        Type::Array | Type::ArrayIndef => (d.array().map_err(bad)?, 1),
        Type::Map | Type::MapIndef => (d.map().map_err(bad)?, 2),
        Type::Tag => {
            d.tag().map_err(bad)?;
            return skip_at(d, depth + 1, items);
        }
        // A scalar, a byte or text string (indefinite ones too): no nesting.
        _ => return d.skip().map_err(bad),
    };
    match len {
        Some(n) => {
            for _ in 0..n.saturating_mul(per_entry) {
                skip_at(d, depth + 1, items)?;
            }
        }
        None => loop {
            if d.datatype().map_err(bad)? == Type::Break {
                d.set_position(d.position() + 1);
                break;
            }
            skip_at(d, depth + 1, items)?;
        },
    }
    Ok(())
}

#[cfg(test)]
mod tests;
