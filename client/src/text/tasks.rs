//! The Vietnamese text of the plan, the unit's tasks, a task's report form and its evidence files.
//!
//! Stage: *UI text*. Read by the screens only; a native speaker reviews the wording here.

use std::fmt::Display;

pub const BO_TEP: &str = "Bỏ tệp";
pub const DINH_KEM_TEP: &str = "Đính kèm tệp";
pub const CHUP_ANH: &str = "Chụp ảnh";
pub fn bo_nho_tren_may(arg1: &dyn Display, arg2: &dyn Display) -> String {
    format!("Bộ nhớ trên máy: {arg1} / {arg2}")
}
pub fn so(arg1: &dyn Display, arg2: &dyn Display) -> String {
    format!("Số {arg1} — {arg2}")
}
pub const MA: &str = "Mã";
pub const NHIEM_VU: &str = "Nhiệm vụ";
pub const CHU_TRI: &str = "Chủ trì";
pub const PHOI_HOP: &str = "Phối hợp";
pub const THOI_GIAN: &str = "Thời gian";
pub fn dung_thuc_hien_tu(arg1: &dyn Display) -> String {
    format!(" (dừng thực hiện từ {arg1})")
}
pub const DONG: &str = "Đóng";
pub const THEM_NHIEM_VU: &str = "Thêm nhiệm vụ";
pub const KHONG_TIM_THAY_NHIEM_VU: &str = "Không tìm thấy nhiệm vụ.";
pub const TY_LE_HOAN_THANH_PHAI_LA: &str = "Tỷ lệ hoàn thành phải là số từ 0 đến 100";
pub fn ngay_hoan_thanh_khong_hop_le(v: &dyn Display) -> String {
    format!("Ngày hoàn thành không hợp lệ: {v} (ghi theo dd/mm/yyyy)")
}
pub const NHAP_SO_KY_HIEU_HOAC_TRICH: &str = "Nhập số/ký hiệu hoặc trích yếu của văn bản";
pub fn ngay_van_ban_khong_hop_le(date: &dyn Display) -> String {
    format!("Ngày văn bản không hợp lệ: {date} (ghi theo dd/mm/yyyy)")
}
pub const DANH_SACH: &str = "← Danh sách";
pub const SAN_PHAM: &str = "Sản phẩm";
pub fn milestone(arg1: &dyn Display) -> String {
    format!(" · {arg1}")
}
pub fn bao_cao(arg1: &dyn Display) -> String {
    format!("Báo cáo {arg1}")
}
pub fn bao_cao_nay_co_khong_doc(arg1: &dyn Display, arg2: &dyn Display) -> String {
    format!(
        "Báo cáo này có {arg1} không đọc được ({arg2}), nên chưa được tính. Các trường còn lại hiển thị bên dưới; lưu lại một trường để sửa báo cáo cho mọi người."
    )
}
pub fn co_thay_doi_dong_thoi(arg1: &dyn Display) -> String {
    format!("Có thay đổi đồng thời — {arg1}")
}
pub const TRONG: &str = "(trống)";
pub fn by_at(arg1: &dyn Display, arg2: &dyn Display) -> String {
    format!("{arg1} — {arg2}")
}
pub const DANG_HIEN_THI: &str = "đang hiển thị";
pub const GIU_GIA_TRI_NAY: &str = "Giữ giá trị này";
pub const TAI_LIEU_KIEM_CHUNG: &str = "Tài liệu kiểm chứng";
pub fn ngay(arg1: &dyn Display) -> String {
    format!("ngày {arg1}")
}
pub const XOA: &str = "Xoá";
pub const SO_KY_HIEU: &str = "Số/ký hiệu";
pub const NGAY_DD_MM_YYYY: &str = "Ngày (dd/mm/yyyy)";
pub const TRICH_YEU: &str = "Trích yếu";
pub const THEM: &str = "Thêm";
pub const TAI_KHOAN_NAY_KHONG_GAN_VOI: &str = "Tài khoản này không gắn với đơn vị nào.";
pub const NHIEM_VU_CUA_DON_VI: &str = "Nhiệm vụ của đơn vị";
pub fn ky_bao_cao_hien_tai_ngay(
    arg1: &dyn Display,
    arg2: &dyn Display,
    arg3: &dyn Display,
) -> String {
    format!("{arg1} — kỳ báo cáo hiện tại: {arg2} — ngày {arg3}")
}
pub const BAO_CAO_KY: &str = "Báo cáo kỳ ";
pub const TIM_THEO_MA_HOAC_NOI_DUNG: &str = "Tìm theo mã hoặc nội dung";
pub const TIM_NHIEM_VU: &str = "Tìm nhiệm vụ";
pub const LOC_NHIEM_VU: &str = "Lọc nhiệm vụ";
pub const TAT_CA: &str = "Tất cả";
pub const QUA_HAN: &str = "Quá hạn";
pub const SAP_DEN_HAN: &str = "Sắp đến hạn";
pub const CHUA_HOAN_THANH: &str = "Chưa hoàn thành";
pub const KHONG_CO_NHIEM_VU_PHU_HOP: &str = "Không có nhiệm vụ phù hợp.";
pub const NONE_DASH: &str = "—";
pub const QUAY_LAI: &str = "← Quay lại";
pub fn dung_thuc_hien_tu_ngay_khong(arg1: &dyn Display) -> String {
    format!("Dừng thực hiện từ ngày {arg1} (không còn tính từ ngày này)")
}
pub fn han(arg1: &dyn Display) -> String {
    format!(" · hạn {arg1}")
}
pub const TINH_TRANG: &str = "Tình trạng";
pub fn name_percent(arg1: &dyn Display, arg2: &dyn Display) -> String {
    format!("{arg1} — {arg2}%")
}
pub const BAO_CAO_CUA_CAC_DON_VI: &str = "Báo cáo của các đơn vị — kỳ ";
pub const DON_VI: &str = "Đơn vị";
pub const TY_LE: &str = "Tỷ lệ";
pub const KET_QUA: &str = "Kết quả";
pub const TEP_MINH_CHUNG: &str = "Tệp minh chứng";
pub fn ngay_2(arg1: &dyn Display) -> String {
    format!(" ngày {arg1}")
}
pub fn ban_da_gui(arg1: &dyn Display, arg2: &dyn Display, arg3: &dyn Display) -> String {
    format!("Bản đã gửi: {arg1} — {arg2}% — {arg3}")
}
pub const CHUA_BAO_CAO_KY_NAY: &str = "Chưa báo cáo kỳ này";
pub const XEM_TRUOC: &str = "Xem trước";
pub const DU_LIEU: &str = "dữ liệu";
