//! The Vietnamese text of the plan editor, the import and the new units an import names.
//!
//! Stage: *UI text*. Read by the screens only; a native speaker reviews the wording here.

use std::fmt::Display;

pub fn la(arg1: &dyn Display) -> String {
    format!("{arg1} là")
}
pub const CHON: &str = "— chọn —";
pub const DON_VI_MOI: &str = "Đơn vị mới";
pub const LA_DON_VI_HIEN_CO_CACH: &str = "Là đơn vị hiện có (cách viết khác)";
pub const DON_VI_HIEN_CO_DOI_TEN: &str = "Đơn vị hiện có đổi tên thành tên này";
pub fn doi_ten(arg1: &dyn Display) -> String {
    format!("{arg1} → đổi tên")
}
pub const TU_NGAY: &str = "từ ngày ";
pub fn ngay_khong_hop_le_ghi_theo(typed: &dyn Display) -> String {
    format!("Ngày không hợp lệ: {typed} (ghi theo dd/mm/yyyy)")
}
pub fn don_vi_chua_co_trong_to(arg1: &dyn Display) -> String {
    format!("Đơn vị chưa có trong tổ chức ({arg1})")
}
pub fn da_luu_luu_y(arg1: &dyn Display) -> String {
    format!("Đã lưu. Lưu ý: {arg1}")
}
pub fn ngay_dung_khong_hop_le_ghi(arg1: &dyn Display) -> String {
    format!("Ngày dừng không hợp lệ: {arg1} (ghi theo dd/mm/yyyy)")
}
pub const NOI_DUNG_NHIEM_VU: &str = "Nội dung nhiệm vụ";
pub const DON_VI_CHU_TRI: &str = "Đơn vị chủ trì";
pub const DON_VI_PHOI_HOP: &str = "Đơn vị phối hợp";
pub const SAN_PHAM_MOI_DONG_MOT_SAN: &str = "Sản phẩm (mỗi dòng một sản phẩm)";
pub const THOI_GIAN_THUC_HIEN: &str = "Thời gian thực hiện";
pub const LUU_THAY_DOI: &str = "Lưu thay đổi";
pub const THEM_NHIEM_VU: &str = "Thêm nhiệm vụ";
pub const DUNG_THUC_HIEN_TU_NGAY: &str = "Dừng thực hiện từ ngày ";
pub const DUNG_THUC_HIEN_NHIEM_VU: &str = "Dừng thực hiện nhiệm vụ";
pub const THUC_HIEN_LAI_NHIEM_VU: &str = "Thực hiện lại nhiệm vụ";
pub const KHONG_DOC_DUOC_TEP: &str = "Không đọc được tệp.";
pub const VAN_BAN: &str = "văn bản";
pub fn khong_nhap_duoc(e: &dyn Display) -> String {
    format!("Không nhập được: {e}")
}
pub fn da_luu_ke_hoach_nhiem_vu(arg1: &dyn Display, arg2: &dyn Display) -> String {
    format!("Đã lưu kế hoạch {arg1} ({arg2} nhiệm vụ).")
}
pub const KE_HOACH_NAM_TRUOC: &str = "kế hoạch năm trước";
pub fn khong_lap_duoc_ke_hoach_nam(e: &dyn Display) -> String {
    format!("Không lập được kế hoạch năm sau: {e}")
}
pub const KE_HOACH_NAM_SAU: &str = "Kế hoạch năm sau";
pub fn lap_ke_hoach_nam_tu_ke(arg1: &dyn Display, y: &dyn Display) -> String {
    format!("Lập kế hoạch năm {arg1} từ kế hoạch năm {y}")
}
pub const BAN_NHAP_GIU_CAC_LINH_VUC: &str = "Bản nháp giữ các lĩnh vực, các nhiệm vụ thường xuyên, định kỳ (thời gian chuyển sang năm mới), đơn vị như hiện nay và hạn báo cáo của năm mới; nhiệm vụ làm một lần do đầu mối chọn giữ lại. Sửa trong bảng bên dưới rồi lưu như một kế hoạch nhập.";
pub fn nhiem_vu_thuong_xuyen_dinh_ky(arg1: &dyn Display, arg2: &dyn Display) -> String {
    format!(
        "{arg1} nhiệm vụ thường xuyên, định kỳ được chuyển sang; {arg2} nhiệm vụ làm một lần — chọn nhiệm vụ giữ lại (thời gian đã chuyển sang năm mới, cần xem lại):"
    )
}
pub const GIU_LAI: &str = "Giữ lại";
pub const MA: &str = "Mã";
pub const NHIEM_VU: &str = "Nhiệm vụ";
pub const THOI_GIAN_NAM_TRUOC: &str = "Thời gian năm trước";
pub const THOI_GIAN_NAM_MOI_CAN_XEM: &str = "Thời gian năm mới (cần xem lại)";
pub fn don_vi_cu_da_ket_thuc(arg1: &dyn Display, arg2: &dyn Display, arg3: &dyn Display) -> String {
    format!("{arg1}: {arg2} → {arg3} (đơn vị cũ đã kết thúc)")
}
pub const NHAP_KE_HOACH_KHAC_TU_TEP: &str = "Nhập kế hoạch khác từ tệp (.docx, .xlsx, .txt)";
pub const TEP_KE_HOACH_DOCX_XLSX_TXT: &str = "Tệp kế hoạch (.docx, .xlsx, .txt)";
pub fn so_linh_vuc_nhiem_vu_don(
    arg1: &dyn Display,
    arg2: &dyn Display,
    arg3: &dyn Display,
    arg4: &dyn Display,
    arg5: &dyn Display,
    arg6: &dyn Display,
    format: &dyn Display,
) -> String {
    format!(
        "{arg1} — số {arg2}: {arg3} lĩnh vực, {arg4} nhiệm vụ, {arg5} đơn vị, {arg6} kỳ báo cáo (đọc từ {format})"
    )
}
pub const LINH_VUC: &str = "Lĩnh vực";
pub const CHU_TRI: &str = "Chủ trì";
pub const PHOI_HOP: &str = "Phối hợp";
pub const SAN_PHAM: &str = "Sản phẩm";
pub const THOI_GIAN: &str = "Thời gian";
pub const HAN: &str = "Hạn";
pub fn ma_cua_nhiem_vu(arg1: &dyn Display) -> String {
    format!("Mã của nhiệm vụ {arg1}")
}
pub fn chu_tri_nhiem_vu(arg1: &dyn Display) -> String {
    format!("Chủ trì nhiệm vụ {arg1}")
}
pub fn phoi_hop_nhiem_vu(arg1: &dyn Display) -> String {
    format!("Phối hợp nhiệm vụ {arg1}")
}
pub fn thoi_gian_nhiem_vu(arg1: &dyn Display) -> String {
    format!("Thời gian nhiệm vụ {arg1}")
}
pub const NONE_DASH: &str = "—";
pub fn phan_chua_xep_duoc(arg1: &dyn Display) -> String {
    format!("Phần chưa xếp được ({arg1})")
}
pub const KHONG_CO: &str = "Không có.";
pub const VI_TRI: &str = "Vị trí";
pub const NOI_DUNG: &str = "Nội dung";
pub const LY_DO: &str = "Lý do";
pub fn bang_hang_cot(r: &dyn Display, c: &dyn Display) -> String {
    format!("bảng: hàng {r}, cột {c}")
}
pub fn dong(arg1: &dyn Display) -> String {
    format!("dòng {arg1}")
}
pub const LUU_KE_HOACH: &str = "Lưu kế hoạch";
pub const MO_KE_HOACH_MOI: &str = "Mở kế hoạch mới";
