//! The Vietnamese text of the PAR index's screens (Chỉ số CCHC): the unit's sheet, the office's
//! and the head's consolidation, the province's appraisal, ranking and criteria sets.
//!
//! Stage: *UI text*. Read by the screens and the PAR view models only; a native speaker reviews
//! the wording here.

use std::fmt::Display;

pub const CHI_SO_CCHC: &str = "Chỉ số CCHC";
pub const KHONG_AP_DUNG: &str = "Không áp dụng";
pub const DO_SO_NOI_VU_DIEU_TRA: &str = "Do Sở Nội vụ điều tra XHH";
pub const DIEM_THUONG: &str = "Điểm thưởng";
pub const DIEM_TRU: &str = "Điểm trừ";
pub const DANG_TAI: &str = "Đang tải…";

// Rules and scores.
pub fn muc_diem(levels: &dyn Display) -> String {
    format!("Mức điểm: {levels}")
}
pub fn tu_0_den(max: &dyn Display, step: &dyn Display) -> String {
    format!("Từ 0 đến {max}, bước {step}")
}
pub fn ty_le(max: &dyn Display) -> String {
    format!("Theo tỷ lệ đạt được × {max}")
}
pub const KHONG_DUOC_CHON_KHONG_AP_DUNG: &str =
    "Tiêu chí này không được chấm \"Không áp dụng\" theo bộ tiêu chí";
pub fn diem_khong_hop_le(typed: &dyn Display) -> String {
    format!("Điểm không hợp lệ: {typed} (ghi số, ví dụ 1 hoặc 0,5)")
}
pub fn diem_ngoai_quy_tac(points: &dyn Display, rule: &dyn Display) -> String {
    format!("Điểm {points} không theo cách chấm của tiêu chí ({rule})")
}
pub fn diem_vuot_toi_da(code: &dyn Display, max: &dyn Display) -> String {
    format!("Điểm của tiêu chí {code} phải từ 0 đến {max}")
}
pub fn tai_lieu_can_co(hint: &dyn Display) -> String {
    format!("Tài liệu kiểm chứng: {hint}")
}
pub fn toi_da(max: &dyn Display) -> String {
    format!("Tối đa {max}")
}

/// A sheet field's name, as conflicts show it.
pub fn field_label(field: &str) -> &'static str {
    match field {
        "mark" => "Điểm",
        "explanation" => "Giải trình",
        _ => "Nội dung",
    }
}

// The unit's tab.
pub const CHUA_CO_BO_TIEU_CHI: &str =
    "Chưa có bộ tiêu chí Chỉ số CCHC của năm này trên máy. Cần kết nối mạng một lần để tải về.";
pub const CHUA_DUOC_GIAO: &str = "Văn phòng chưa giao tiêu chí nào cho đơn vị.";
pub const BO_TIEU_CHI_MAU: &str = "Bộ tiêu chí mẫu, chưa phải quyết định của tỉnh.";
pub const MA: &str = "Mã";
pub const TIEU_CHI: &str = "Tiêu chí";
/// The name of a scrolling table of the PAR screens (read by screen readers).
pub const BANG_TIEU_CHI: &str = "Bảng tiêu chí Chỉ số CCHC";
pub const DIEM: &str = "Điểm";
pub const TAI_LIEU_KIEM_CHUNG: &str = "Tài liệu kiểm chứng";
pub const GIAI_TRINH: &str = "Giải trình";
pub const CHON_TU_NHIEM_VU: &str = "Chọn tệp từ báo cáo nhiệm vụ…";
pub const TAI_TEP_MOI: &str = "Tải tệp mới";
pub const BO: &str = "Bỏ";
pub const CO_GIA_TRI_DONG_THOI: &str = "Có giá trị chấm đồng thời, chọn giá trị giữ lại:";
pub const GIU_GIA_TRI_NAY: &str = "Giữ giá trị này";
pub const DANG_HIEN_THI: &str = "(đang hiển thị)";
pub fn da_cham(scored: &dyn Display, of: &dyn Display) -> String {
    format!("Đã chấm {scored} / {of}")
}
pub fn theo(basis: &dyn Display) -> String {
    format!("Căn cứ: {basis}")
}

// The office and the head.
pub fn chi_so_cchc_nam(year: &dyn Display, agency: &dyn Display) -> String {
    format!("Chỉ số CCHC năm {year} — {agency}")
}
pub const KHONG_RO_NAM: &str = "Kế hoạch đang mở không ghi năm: chưa xác định được năm đánh giá.";
pub const KHONG_RO_CO_QUAN: &str = "Tài khoản không gắn với cơ quan.";
pub const THIEU_MINH_CHUNG: &str = "Thiếu tài liệu kiểm chứng và giải trình";
pub const CHUA_GIAO: &str = "Chưa giao đơn vị";
pub const NGOAI_QUY_TAC: &str = "Chấm không theo cách chấm";
pub fn chi_so(p: &dyn Display) -> String {
    format!("Chỉ số tự đánh giá: {p}")
}
pub fn chi_so_tham_dinh(p: &dyn Display) -> String {
    format!("Chỉ số sau thẩm định: {p}")
}
pub const DON_VI: &str = "Đơn vị";
pub const DIEM_DON_VI: &str = "Điểm đơn vị";
pub const DE_XUAT: &str = "Phần mềm đề xuất";
pub const VAN_PHONG: &str = "Văn phòng xác nhận";
pub const DIEM_NOP: &str = "Điểm nộp";
pub const Y_KIEN_SO_NOI_VU: &str = "Ý kiến Sở Nội vụ";
pub const CHUA_GIAO_DON_VI: &str = "— chưa giao —";
pub const LY_DO_KHI_KHAC: &str = "Lý do (khi khác điểm đơn vị)";
pub const XAC_NHAN: &str = "Xác nhận";
pub fn van_phong_da_xac_nhan(call: &dyn Display) -> String {
    format!(" (Văn phòng: {call})")
}
pub const XAC_NHAN_DIEM_DON_VI: &str = "Xác nhận điểm đơn vị";
pub const THEO_DE_XUAT: &str = "Theo đề xuất";
pub fn theo_de_xuat(basis: &dyn Display) -> String {
    format!("Theo đề xuất của phần mềm: {basis}")
}
pub const TEP_TU_NHIEM_VU: &str = "Tệp từ nhiệm vụ:";
pub const CAN_GHI_LY_DO: &str = "Điểm khác điểm đơn vị chấm: cần ghi lý do";
pub const BO_SUNG: &str = "Bổ sung";
pub const KHONG_GAN_DON_VI: &str = "Tài khoản không gắn với đơn vị nên không tải tệp lên được.";
pub const GIAI_TRINH_BO_SUNG: &str = "Giải trình bổ sung";
pub const KHO_KHAN_DE_XUAT: &str = "Khó khăn, vướng mắc và đề xuất";
pub const LUU: &str = "Lưu";
pub const BANG_TONG_HOP: &str = "Bảng tổng hợp (XLSX)";
pub const BAO_CAO: &str = "Báo cáo (DOCX)";
pub const TAI_LIEU_ZIP: &str = "Tài liệu kiểm chứng (ZIP)";
pub const DUYET: &str = "Duyệt";
pub const GUI_SO_NOI_VU: &str = "Gửi Sở Nội vụ";
pub const CAN_DUYET_LAI: &str =
    "Bản tự đánh giá đã thay đổi sau khi duyệt: cần duyệt lại trước khi gửi.";
pub const CAC_BUOC: &str = "Các bước";
pub const BUOC_DUYET: &str = "Duyệt";
pub fn buoc_gui(round: &dyn Display) -> String {
    format!("Gửi Sở Nội vụ (vòng {round})")
}
pub fn buoc(what: &dyn Display, name: &dyn Display, when: &dyn Display) -> String {
    format!("{what} — {name} — {when}")
}
pub const DE_XUAT_KHAC_PHUC: &str = "Đề xuất nhiệm vụ khắc phục";
pub fn khac_phuc_trong_ke_hoach(next: &dyn Display, year: &dyn Display) -> String {
    format!(
        "Các điểm bị mất được đưa thành nhiệm vụ khắc phục trong dự thảo kế hoạch năm sau: ở thẻ Kế hoạch, chọn «{}», xem lại rồi lưu.",
        super::plan::lap_ke_hoach_nam_tu_ke(next, year)
    )
}
pub fn hoi_dong(
    on: &dyn Display,
    present: &dyn Display,
    members: &dyn Display,
    votes: &dyn Display,
) -> String {
    format!("Hội đồng họp ngày {on}: {present}/{members} thành viên có mặt, {votes} tán thành")
}

// The province's reviews as the agency reads them.
pub fn vong(round: &dyn Display, what: &dyn Display) -> String {
    format!("Vòng {round}: {what}")
}
pub fn diem_tham_dinh(mark: &dyn Display, reason: &dyn Display) -> String {
    format!("điểm thẩm định {mark} ({reason})")
}
pub fn yeu_cau_bo_sung_han(what: &dyn Display, by: &dyn Display) -> String {
    format!("yêu cầu bổ sung: {what}, hạn {by}")
}

// The province.
pub const CAC_BO_TIEU_CHI: &str = "Các bộ tiêu chí";
pub const NAM: &str = "Năm";
pub const NHOM: &str = "Nhóm";
pub const CAN_CU: &str = "Căn cứ";
pub const TONG_DIEM: &str = "Tổng điểm";
pub const SO_TIEU_CHI: &str = "Tiêu chí thành phần";
pub const MAU: &str = "(mẫu)";
pub const XEP_HANG: &str = "Xếp hạng";
pub const HANG: &str = "Hạng";
pub const CO_QUAN: &str = "Cơ quan";
pub const TRANG_THAI: &str = "Trạng thái";
pub const CHI_SO_COT: &str = "Chỉ số";
pub const TU_DANH_GIA: &str = "Tự đánh giá";
pub const DIEM_BI_MAT: &str = "Điểm bị mất";
pub const THAM_DINH: &str = "Thẩm định";
pub const QUAY_LAI: &str = "← Quay lại";
pub const CONG_BO: &str = "Công bố kết quả";
pub const QUYET_DINH_CONG_BO: &str = "Quyết định công bố (số, ngày)";
pub fn da_cong_bo(basis: &dyn Display) -> String {
    format!("Đã công bố: {basis}")
}
pub const DIEM_CO_QUAN: &str = "Điểm cơ quan nộp";
pub const NHAN_XET: &str = "Nhận xét";
pub const DIEM_THAM_DINH: &str = "Điểm thẩm định";
pub const LY_DO_DIEU_CHINH: &str = "Lý do điều chỉnh";
pub const YEU_CAU_BO_SUNG: &str = "Yêu cầu bổ sung";
pub const HAN: &str = "Hạn (dd/mm/yyyy)";
pub fn vong_dang_tham_dinh(n: &dyn Display) -> String {
    format!("Đang thẩm định vòng {n}")
}
pub const VONG_2_KHONG_YEU_CAU: &str =
    "Vòng 2 không yêu cầu bổ sung thêm: hội đồng quyết định trên hồ sơ đã có.";
pub const CAN_GHI_LY_DO_DIEU_CHINH: &str = "Điều chỉnh điểm cần ghi lý do";
pub fn han_khong_hop_le(by: &dyn Display) -> String {
    format!("Hạn bổ sung không hợp lệ: {by} (ghi theo dd/mm/yyyy)")
}
pub const DIEM_DIEU_TRA: &str = "Điểm điều tra xã hội học";
pub const LUU_DIEM_DIEU_TRA: &str = "Lưu điểm điều tra";
pub const HOI_DONG: &str = "Hội đồng thẩm định";
pub const NGAY_HOP: &str = "Ngày họp (dd/mm/yyyy)";
pub const THANH_VIEN: &str = "Số thành viên";
pub const CO_MAT: &str = "Có mặt";
pub const TAN_THANH: &str = "Tán thành";
pub const GHI_CHU: &str = "Ghi chú";
pub const LUU_HOI_DONG: &str = "Lưu biên bản hội đồng";
pub fn ngay_hop_khong_hop_le(on: &dyn Display) -> String {
    format!("Ngày họp không hợp lệ: {on} (ghi theo dd/mm/yyyy)")
}
pub fn so_khong_hop_le(n: &dyn Display) -> String {
    format!("Số không hợp lệ: {n}")
}
pub const SO_NGUOI_KHONG_KHOP: &str =
    "Số có mặt không quá số thành viên, số tán thành không quá số có mặt";

// Criteria sets.
pub const NHAP_PHU_LUC: &str = "Nhập phụ lục bộ tiêu chí (.xlsx, .docx)";
pub const CAN_SUA: &str = "Cần sửa trước khi lưu";
pub const DONG_KHONG_XEP: &str = "Dòng không đọc được thành tiêu chí";
pub const LUU_BO_TIEU_CHI: &str = "Lưu bộ tiêu chí";
pub fn da_luu_bo(id: &dyn Display) -> String {
    format!("Đã lưu bộ tiêu chí {id}.")
}
pub const MA_BO: &str = "Mã bộ tiêu chí";
pub const THEM_DONG: &str = "Thêm dòng";
pub const XOA_DONG: &str = "Xoá dòng";
pub const TU_CHAM: &str = "Tự chấm";
pub const DIEU_TRA: &str = "Điều tra XHH";
pub const CACH_CHAM: &str = "Cách chấm (1 / 0,5 / 0; bước 0,25; tỷ lệ)";
pub const CHO_PHEP_KAD: &str = "Cho phép KAD";
pub const TOI_DA_COT: &str = "Tối đa";
pub const DANH_GIA_BANG: &str = "Đánh giá bằng";
pub fn cach_cham_khong_hop_le(s: &dyn Display) -> String {
    format!(
        "Cách chấm không hợp lệ: {s} (ghi các mức \"1 / 0,5 / 0\", \"bước 0,25\" hoặc \"tỷ lệ\")"
    )
}
pub fn dong_khong_xep_duoc(line: &dyn Display, text: &dyn Display, reason: &dyn Display) -> String {
    format!("Dòng {line}: {text} — {reason}")
}
