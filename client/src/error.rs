//! The client's one error type: why an action of the user could not be done, from `infra/` (the
//! server, the device's storage, the document repo, the browser) or from a view model (what was
//! typed cannot be used).
//!
//! Stage: *every layer → UI*. `infra/` and the view models return [`ClientError`]; the screens
//! show it through its `Display`, the one place that turns it into the user's message (the texts
//! are the ones users have always seen; the browser tests look for them).

use std::fmt::Display;

/// Why something the user asked for did not happen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// A call that needs the server found no link; the text says what needed it.
    #[error("Không kết nối được máy chủ: cần có mạng để {0}.")]
    Offline(&'static str),
    /// The server refused, in its own words (its JSON `error`).
    #[error("{0}")]
    Refused(String),
    /// The server answered with an error status and no words of its own.
    #[error("lỗi {0}")]
    Status(u16),
    /// A request or an answer could not be encoded, decoded or sent.
    #[error("{0}")]
    Http(String),
    /// The document repo stopped, or a document could not be found, read or changed.
    #[error("{0}")]
    Document(String),
    /// This account may not make this change.
    #[error("{0}")]
    NotAllowed(String),
    /// The device's storage (IndexedDB) could not keep it.
    #[error("{0}")]
    Storage(String),
    /// The browser could not do it (read or hash a file, start a download).
    #[error("{0}")]
    Browser(String),
    /// A file or bundle the user gave cannot be taken (too large, wrong type, another server's).
    #[error("{0}")]
    Rejected(String),
    /// What the user typed or chose cannot be used; the text says how to fix it.
    #[error("{0}")]
    Invalid(String),
    /// Several of the above at once (files picked together), each said in turn.
    #[error("{}", several(.0))]
    Several(Vec<ClientError>),
}

fn several(all: &[ClientError]) -> String {
    all.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

impl ClientError {
    /// A request or answer that failed in transit or in (de)serialisation.
    pub fn http(e: impl Display) -> Self {
        ClientError::Http(e.to_string())
    }

    /// A document that could not be found, read or changed.
    pub fn document(e: impl Display) -> Self {
        ClientError::Document(e.to_string())
    }

    /// A form field's value refused, with how to fix it.
    pub fn invalid(why: impl Into<String>) -> Self {
        ClientError::Invalid(why.into())
    }
}

impl From<ClientError> for String {
    /// The user's message.
    fn from(e: ClientError) -> String {
        e.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_offline_error_names_what_needed_the_link() {
        assert_eq!(
            ClientError::Offline("quản lý tài khoản").to_string(),
            "Không kết nối được máy chủ: cần có mạng để quản lý tài khoản."
        );
    }

    #[test]
    fn a_refusal_shows_the_servers_own_words_and_a_bare_status_its_number() {
        assert_eq!(
            ClientError::Refused("sai mật khẩu".into()).to_string(),
            "sai mật khẩu"
        );
        assert_eq!(ClientError::Status(502).to_string(), "lỗi 502");
    }

    #[test]
    fn several_errors_read_one_after_another() {
        let both = ClientError::Several(vec![
            ClientError::Rejected("Tệp a: sai loại.".into()),
            ClientError::Storage("Không lưu được tệp trên máy: đầy".into()),
        ]);
        assert_eq!(
            both.to_string(),
            "Tệp a: sai loại. Không lưu được tệp trên máy: đầy"
        );
    }
}
