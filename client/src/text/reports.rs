//! The Vietnamese text of the period reports and their workflow (the unit's and the office's).
//!
//! Stage: *UI text*. Read by the screens only; a native speaker reviews the wording here.

use std::fmt::Display;

pub const TIEN_DO_CCHC_NHAC_HAN_BAO: &str = "Tiến độ CCHC — nhắc hạn báo cáo";
pub const GHI_RO_LY_DO_TRA_LAI: &str = "Ghi rõ lý do trả lại để người soạn sửa.";
pub const GUI_BAO_CAO_KY_NAY_SO: &str =
    "Gửi báo cáo kỳ này? Số liệu đã gửi được giữ nguyên; sửa sau đó là bản nháp mới.";
pub const TRA_BAO_CAO_LAI_CHO_NGUOI: &str = "Trả báo cáo lại cho người soạn với ghi chú này?";
pub const DUYET_BAO_CAO_DON_VI_DA: &str = "Duyệt báo cáo đơn vị đã gửi?";
pub fn bao_cao_cua_don_vi(arg1: &dyn Display) -> String {
    format!("Báo cáo {arg1} của đơn vị: ")
}
pub fn han_gui_van_phong(arg1: &dyn Display) -> String {
    format!("Hạn gửi Văn phòng: {arg1}")
}
pub const GUI_DUNG_HAN: &str = " — gửi đúng hạn";
pub const GUI_QUA_HAN: &str = " — gửi quá hạn";
pub fn tra_lai(arg1: &dyn Display, note: &dyn Display) -> String {
    format!("{arg1} trả lại: {note}")
}
pub const GUI_BAO_CAO: &str = "Gửi báo cáo";
pub const GUI_LAI_BAO_CAO: &str = "Gửi lại báo cáo";
pub const DUYET_BAO_CAO: &str = "Duyệt báo cáo";
pub const LY_DO_TRA_LAI: &str = "Lý do trả lại ";
pub const TRA_LAI_NGUOI_SOAN: &str = "Trả lại người soạn";
pub const BAT_THONG_BAO_NHAC_HAN: &str = "Bật thông báo nhắc hạn";
pub const TRA_LAI_CAN_GHI_LY_DO: &str = "Trả lại cần ghi lý do để đơn vị sửa.";
pub const DE_TRONG_SOAN_TU_DONG_TU: &str = "Để trống: soạn tự động từ báo cáo của các đơn vị";
pub fn bao_cao_cua_cac_don_vi(arg1: &dyn Display) -> String {
    format!("Báo cáo {arg1} của các đơn vị")
}
pub fn gui_dung_han_don_vi(on_time: &dyn Display, arg1: &dyn Display) -> String {
    format!("Gửi đúng hạn: {on_time} / {arg1} đơn vị")
}
pub const DON_VI: &str = "Đơn vị";
pub const TRANG_THAI: &str = "Trạng thái";
pub const GUI_LAN_DAU: &str = "Gửi lần đầu";
pub const DUNG_HAN: &str = "Đúng hạn";
pub const CAC_BUOC: &str = "Các bước";
pub const TRA_LAI: &str = "Trả lại";
pub const THAO_TAC: &str = "Thao tác";
pub const QUA_HAN: &str = "Quá hạn";
pub const CHUA_GUI: &str = "Chưa gửi";
pub const TIEP_NHAN: &str = "Tiếp nhận";
pub fn don_vi_gui_tren_may_luc(arg1: &dyn Display) -> String {
    format!("Đơn vị gửi trên máy lúc {arg1}, trước hạn; máy chủ nhận sau hạn")
}
pub const CONG_NHAN_GIO_GUI_TREN_MAY: &str = "Công nhận giờ gửi trên máy";
pub const LY_DO_TRA_LAI_2: &str = "Lý do trả lại";
pub fn ly_do_tra_lai_bao_cao(arg1: &dyn Display) -> String {
    format!("Lý do trả lại báo cáo của {arg1}")
}
pub const HAN_BAO_CAO_CUA_KY: &str = "Hạn báo cáo của kỳ";
pub const DON_VI_GUI_VAN_PHONG_TRUOC: &str = "Đơn vị gửi Văn phòng trước ngày ";
pub const CO_QUAN_GUI_SO_NOI_VU: &str = " Cơ quan gửi Sở Nội vụ trước ngày ";
pub const LUU_HAN: &str = "Lưu hạn";
pub const DE_TRONG_THEO_KE_HOACH_PHAN: &str = "Để trống: theo kế hoạch (phần Tổ chức thực hiện) và Công văn 581/BNV-CCHC (ngày 20 tháng cuối kỳ).";
pub const NOI_DUNG_BAO_CAO_CUA_CO: &str = "Nội dung báo cáo của cơ quan (phần I, III, V)";
pub const I_CONG_TAC_CHI_DAO_DIEU: &str = "I. Công tác chỉ đạo, điều hành";
pub const III_DANH_GIA_CHUNG: &str = "III. Đánh giá chung";
pub const V_DE_XUAT_KIEN_NGHI: &str = "V. Đề xuất, kiến nghị";
pub const LUU_NOI_DUNG: &str = "Lưu nội dung";
pub const DA_LUU: &str = " Đã lưu";
pub const LANH_DAO_DON_VI: &str = "Lãnh đạo đơn vị";
pub const VAN_PHONG: &str = "Văn phòng";
