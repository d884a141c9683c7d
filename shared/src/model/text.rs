//! Text normalisation for Vietnamese plan texts.
//!
//! Stage: *import* and *lookup*. Plan texts come from Word documents and PDFs, so the same words
//! arrive in several spellings: composed or decomposed diacritics, en dash or hyphen, no-break
//! spaces, doubled blanks. Everything that compares names (units, labels, phrases) goes through
//! [`key`], and everything that is stored goes through [`clean`], so a unit written
//! "Phòng Hành chính – Tổng hợp" and "Phòng Hành chính - Tổng hợp" is one unit.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Cleans text for storage: NFC, dashes unified to `-` only where they separate words is *not*
/// done here (the text is kept as written), but invisible differences are removed: no-break and
/// zero-width spaces, runs of blanks, leading and trailing blanks.
pub fn clean(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    let mut out = String::with_capacity(nfc.len());
    let mut pending_space = false;
    for c in nfc.chars() {
        let c = match c {
            '\u{00A0}' | '\u{2007}' | '\u{202F}' | '\t' => ' ',
            '\u{200B}' | '\u{FEFF}' | '\u{200C}' | '\u{200D}' => continue,
            c => c,
        };
        if c == ' ' {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// The comparison key of a name or phrase: [`clean`]ed, lower-cased, every dash a hyphen with
/// single spaces around it, trailing punctuation and emphasis markers (`*`) removed.
pub fn key(s: &str) -> String {
    let cleaned = clean(&s.replace('*', ""));
    let mut out = String::with_capacity(cleaned.len());
    for c in cleaned.chars() {
        match c {
            '\u{2013}' | '\u{2014}' | '\u{2012}' | '\u{2212}' | '-' => out.push_str(" - "),
            c => out.extend(c.to_lowercase()),
        }
    }
    let collapsed = clean(&out);
    collapsed
        .trim_end_matches(['.', ';', ',', ':', ' '])
        .trim_start_matches(['-', '+', ' '])
        .to_string()
}

/// An ASCII slug for ids: diacritics removed, `đ` → `d`, words joined by `-`.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in key(s).nfd() {
        if is_combining_mark(c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

/// Whether the first letter of `s` is lower case (a continuation of a broken paragraph).
pub fn starts_lowercase(s: &str) -> bool {
    s.chars()
        .find(|c| c.is_alphabetic())
        .is_some_and(|c| c.is_lowercase())
}

/// `s` with its first letter upper-cased (Vietnamese letters included).
pub fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Whether `c` is a format character (Unicode general category Cf, as of Unicode 15): the
/// bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C), zero-width and
/// joining characters (U+200B–U+200D, U+2060–U+2064, U+FEFF), the soft hyphen, tags and the
/// rest. They draw nothing, yet reorder or hide what is drawn around them.
pub fn is_format(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x0600..=0x0605 | 0x061C | 0x06DD | 0x070F | 0x0890..=0x0891 | 0x08E2
        | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F
        | 0xFEFF | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F
        | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F)
}

/// A name given by a user (an evidence file's name, a title) as it may be written where another
/// program shows it (an archive's entry, a DOCX, a sheet): the format characters ([`is_format`])
/// removed, so "\u{202E}gpj.exe" cannot show as "exe.jpg", control characters and line or
/// paragraph separators made spaces, the rest kept as written.
pub fn visible(s: &str) -> String {
    s.chars()
        .filter(|c| !is_format(*c))
        .map(|c| match c {
            c if c.is_control() => ' ',
            '\u{2028}' | '\u{2029}' => ' ',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn en_dash_and_hyphen_give_the_same_key() {
        assert_eq!(
            key("Phòng Hành chính – Tổng hợp"),
            key("Phòng Hành chính - Tổng hợp.")
        );
        assert_eq!(
            key("Phòng Hành chính-Tổng hợp"),
            "phòng hành chính - tổng hợp"
        );
    }

    #[test]
    fn decomposed_diacritics_are_composed() {
        let decomposed = "Pho\u{0300}ng";
        assert_eq!(clean(decomposed), "Phòng");
        assert_eq!(key(decomposed), key("Phòng"));
    }

    #[test]
    fn slug_is_ascii() {
        assert_eq!(
            slug("Phòng Hành chính – Tổng hợp"),
            "phong-hanh-chinh-tong-hop"
        );
        assert_eq!(slug("Đo lường"), "do-luong");
    }

    #[test]
    fn clean_removes_invisible_differences() {
        assert_eq!(clean("  a\u{00A0}\u{00A0}b\u{200B}c  "), "a bc");
    }

    #[test]
    fn visible_names_lose_bidi_controls_and_invisible_characters() {
        assert_eq!(visible("ho-so\u{202E}gpj.exe"), "ho-sogpj.exe");
        assert_eq!(
            visible("a\u{200B}b\u{FEFF}c\u{00AD}d\u{2066}e\u{2069}f\u{200F}g\u{E0041}"),
            "abcdefg"
        );
        assert_eq!(visible("dòng\nmới\u{2028}x"), "dòng mới x");
        // Vietnamese stays as written, decomposed marks too (they are not format characters).
        assert_eq!(visible("Báo cáo Pho\u{0300}ng"), "Báo cáo Pho\u{0300}ng");
    }
}
