//! Attribute labels ("Cơ quan chủ trì thực hiện:", several on one line, a trailing
//! parenthesis) and the text helpers the readers share.

use super::*;

pub(super) fn strip_bullet(s: &str) -> &str {
    s.trim_start_matches(['-', '+', '•', '–', ' '])
}

pub(super) fn is_upper_line(s: &str) -> bool {
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    !letters.is_empty() && letters.iter().all(|c| c.is_uppercase())
}

/// The labels that introduce a task's attributes, longest first within each attribute.
pub(super) const LABELS: &[(&str, Attr)] = &[
    ("cơ quan chủ trì thực hiện", Attr::Lead),
    ("đơn vị chủ trì thực hiện", Attr::Lead),
    ("cơ quan chủ trì", Attr::Lead),
    ("đơn vị chủ trì", Attr::Lead),
    ("chủ trì thực hiện", Attr::Lead),
    ("chủ trì", Attr::Lead),
    ("đơn vị thực hiện", Attr::Lead),
    ("cơ quan thực hiện", Attr::Lead),
    ("người thực hiện", Attr::Lead),
    ("bộ phận thực hiện", Attr::Lead),
    ("cơ quan phối hợp thực hiện", Attr::Coordinating),
    ("đơn vị phối hợp thực hiện", Attr::Coordinating),
    ("cơ quan phối hợp", Attr::Coordinating),
    ("đơn vị phối hợp", Attr::Coordinating),
    ("phối hợp thực hiện", Attr::Coordinating),
    ("phối hợp", Attr::Coordinating),
    ("sản phẩm đầu ra", Attr::Products),
    ("kết quả đầu ra", Attr::Products),
    ("sản phẩm", Attr::Products),
    ("kết quả", Attr::Products),
    ("thời hạn hoàn thành", Attr::Timeline),
    ("thời gian hoàn thành", Attr::Timeline),
    ("thời gian thực hiện", Attr::Timeline),
    ("thời hạn", Attr::Timeline),
    ("thời gian", Attr::Timeline),
    ("tiến độ thực hiện", Attr::Timeline),
    ("tiến độ", Attr::Timeline),
];

/// The attribute a label names ("Cơ quan chủ trì thực hiện", "Đơn vị thực hiện", "Thời hạn
/// hoàn thành", "Sản phẩm dự kiến"…).
pub(super) fn label_attr(label: &str) -> Option<Attr> {
    let k = text::key(label);
    if k.split_whitespace().count() > 8 {
        return None;
    }
    Some(if k.contains("phối hợp") {
        Attr::Coordinating
    } else if k.contains("chủ trì") {
        Attr::Lead
    } else if k.starts_with("thời gian") || k.starts_with("thời hạn") || k.starts_with("tiến độ")
    {
        Attr::Timeline
    } else if k.starts_with("sản phẩm") || k == "kết quả" || k.starts_with("kết quả đầu ra")
    {
        Attr::Products
    } else if k.ends_with("thực hiện") && k.split_whitespace().count() <= 4 {
        Attr::Lead
    } else {
        return None;
    })
}

/// Reads a line of one or more labelled attributes, written one after another ("Đơn vị thực
/// hiện: … Thời hạn hoàn thành: … Kết quả: …"); `None` unless the line starts with a label.
pub(super) fn attributes(line: &str) -> Option<Vec<(Attr, String)>> {
    let body = strip_bullet(line).trim();
    let (label, rest) = body.split_once(':')?;
    let first = label_attr(label)?;
    // Further labels inside the rest, found char by char on a lower-cased copy (positions in
    // `lower` are positions in `chars`).
    let chars: Vec<char> = rest.chars().collect();
    let lower: Vec<char> = chars
        .iter()
        .map(|c| c.to_lowercase().next().unwrap_or(*c))
        .collect();
    let mut cuts: Vec<(usize, usize, Attr)> = vec![(0, 0, first)]; // (label start, value start)
    let mut i = 0;
    while i < lower.len() {
        let at_word = i > 0 && !lower[i - 1].is_alphanumeric();
        let hit = if at_word {
            LABELS.iter().find_map(|(label, attr)| {
                let l: Vec<char> = label.chars().collect();
                if !lower[i..].starts_with(&l) {
                    return None;
                }
                let mut j = i + l.len();
                while j < lower.len() && lower[j] == ' ' {
                    j += 1;
                }
                (j < lower.len() && lower[j] == ':').then_some((j + 1, *attr))
            })
        } else {
            None
        };
        if let Some((value_start, attr)) = hit {
            cuts.push((i, value_start, attr));
            i = value_start;
        } else {
            i += 1;
        }
    }
    let several = cuts.len() > 1;
    let mut out = Vec::new();
    for (n, (_, value_start, attr)) in cuts.iter().enumerate() {
        let end = cuts.get(n + 1).map_or(chars.len(), |next| next.0);
        let value: String = chars[*value_start..end].iter().collect();
        let mut value = value.trim().trim_end_matches([';', ',']).trim();
        if several {
            value = value.trim_end_matches('.').trim();
        }
        out.push((*attr, value.to_string()));
    }
    Some(out)
}

/// Splits a trailing "(Chủ trì: …; Phối hợp: …; Thời gian: …)" off a task's title.
pub(super) fn trailing_attributes(title: &str) -> Option<(String, Vec<(Attr, String)>)> {
    let t = title.trim().trim_end_matches(['.', ';']);
    let t = t.strip_suffix(')')?;
    let open = t.rfind('(')?;
    let inner = &t[open + 1..];
    let mut attrs = Vec::new();
    for part in inner.split(';') {
        attrs.extend(attributes(part.trim())?);
    }
    Some((t[..open].trim().to_string(), attrs))
}

pub(super) fn strip_bullet_dash(s: &str) -> &str {
    s.trim_start_matches(['-', '–', ' '])
}

pub(super) fn push_attr(task: &mut TaskDraft, attr: Attr, value: &str) {
    let value = value.trim();
    if value.is_empty() {
        return;
    }
    match attr {
        Attr::Lead => task.lead_text.push(value.to_string()),
        Attr::Coordinating => task.coordinating_text.push(value.to_string()),
        Attr::Timeline => task.timeline.push(value.to_string()),
        Attr::Products => task.products.extend(
            value
                .split(';')
                .map(|s| s.trim().trim_end_matches('.').trim())
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_variants_are_recognised() {
        let cases = [
            ("- Cơ quan chủ trì thực hiện: Phòng A.", Attr::Lead),
            ("- Đơn vị Chủ trì: Phòng A.", Attr::Lead),
            ("+ Chủ trì: Phòng A", Attr::Lead),
            ("- Cơ quan/Đơn vị phối hợp: Phòng B", Attr::Coordinating),
            ("Phối hợp: Phòng B", Attr::Coordinating),
            ("- Sản phẩm: Kế hoạch", Attr::Products),
            ("+ Kết quả: Báo cáo", Attr::Products),
            ("- Thời gian hoàn thành: Quý I năm 2025.", Attr::Timeline),
            (
                "+ Thời gian thực hiện: Theo kế hoạch được phê duyệt.",
                Attr::Timeline,
            ),
            ("- Thời hạn: Tháng 3/2025", Attr::Timeline),
        ];
        for (line, want) in cases {
            let got = attributes(line).map(|v| v.iter().map(|(a, _)| *a).collect::<Vec<_>>());
            assert_eq!(got, Some(vec![want]), "{line}");
        }
        assert_eq!(attributes("- Ghi chú: không phải thuộc tính"), None);
        assert_eq!(
            attributes(
                "Áp dụng, duy trì và cải tiến hệ thống quản lý chất lượng theo Tiêu chuẩn quốc gia: x"
            ),
            None
        );
    }

    #[test]
    fn several_labels_on_one_line_are_several_attributes() {
        let got = attributes(
            "Đơn vị thực hiện: Công chức Văn phòng - Thống kê. Thời hạn hoàn thành: Quý I/2025. Kết quả: Kế hoạch được ban hành",
        )
        .unwrap();
        assert_eq!(
            got,
            [
                (Attr::Lead, "Công chức Văn phòng - Thống kê".to_string()),
                (Attr::Timeline, "Quý I/2025".to_string()),
                (Attr::Products, "Kế hoạch được ban hành".to_string()),
            ]
        );
        let (title, attrs) = trailing_attributes(
            "Rà soát thủ tục hành chính (Chủ trì: Bộ phận Một cửa; Phối hợp: Công chức Tư pháp - Hộ tịch; Thời gian: Hằng quý).",
        )
        .unwrap();
        assert_eq!(title, "Rà soát thủ tục hành chính");
        assert_eq!(
            attrs.iter().map(|(a, _)| *a).collect::<Vec<_>>(),
            [Attr::Lead, Attr::Coordinating, Attr::Timeline]
        );
        assert!(trailing_attributes("Tổ chức hội nghị (nếu có)").is_none());
    }
}
