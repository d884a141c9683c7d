//! The Vietnamese text of the workspace's frame: header, sync, tabs, years, bundles, the start screen's pending work.
//!
//! Stage: *UI text*. Read by the screens only; a native speaker reviews the wording here.

use std::fmt::Display;

pub const CHUA_DANG_NHAP: &str = "Chưa đăng nhập — ";
pub const DANG_NHAP: &str = "đăng nhập";
pub fn da_xuat_tai_lieu_thay_doi(
    arg1: &dyn Display,
    arg2: &dyn Display,
    arg3: &dyn Display,
    arg4: &dyn Display,
    arg5: &dyn Display,
) -> String {
    format!(
        "Đã xuất {arg1} ({arg2} tài liệu, {arg3} thay đổi, {arg4} tệp minh chứng, {arg5} KB). Mang tệp này đến văn phòng để nhập."
    )
}
pub fn da_nap_tai_lieu_tu_goi(n: &dyn Display) -> String {
    format!("Đã nạp {n} tài liệu từ gói khởi tạo; đang mở lại.")
}
pub const GOI_DU_LIEU: &str = "Gói dữ liệu";
pub const GOI_DU_LIEU_KHI_KHONG_CO: &str = "Gói dữ liệu (khi không có mạng)";
pub const XUAT_GOI_DU_LIEU: &str = "Xuất gói dữ liệu";
pub const XUAT_TOAN_BO: &str = "Xuất toàn bộ";
pub const MAY_NAY_CHUA_DANG_KY_KHOA: &str = "Máy này chưa đăng ký khoá ký gói với máy chủ: văn phòng chỉ nhập được gói sau khi máy kết nối mạng một lần.";
pub const NAP_GOI_KHOI_TAO_THAY_CHO: &str = "Nạp gói khởi tạo (thay cho lần đồng bộ đầu): ";
pub fn da_nhap_goi_cua(arg1: &dyn Display, arg2: &dyn Display) -> String {
    format!("Đã nhập gói của {arg1}: {arg2}.")
}
pub const GHI_MOI: &str = "ghi mới";
pub const DA_CO: &str = "đã có";
pub const TU_CHOI: &str = "từ chối";
pub const NHAP_GOI_CUA_DON_VI: &str = "Nhập gói của đơn vị: ";
pub fn tep(arg1: &dyn Display, arg2: &dyn Display, arg3: &dyn Display) -> String {
    format!("Tệp {arg1}: {arg2}{arg3}")
}
pub const GOI_KHOI_TAO_CHO_MAY_TINH: &str = "Gói khởi tạo cho máy tính bảng mới của đơn vị: ";
pub const DON_VI_NHAN_GOI_KHOI_TAO: &str = "Đơn vị nhận gói khởi tạo";
pub const TAI_GOI_KHOI_TAO: &str = "Tải gói khởi tạo";
pub const DONG_SUA_NHIEM_VU: &str = "Đóng sửa nhiệm vụ";
pub const SUA_NHIEM_VU_DUNG_THUC_HIEN: &str = "Sửa nhiệm vụ / dừng thực hiện";
pub fn viec_con_ton_dong(arg1: &dyn Display) -> String {
    format!("Việc còn tồn đọng ({arg1})")
}
pub fn nhiem_vu_nam_truoc_chua_hoan(arg1: &dyn Display) -> String {
    format!("Nhiệm vụ năm trước chưa hoàn thành ({arg1})")
}
pub const KY_BAO_CAO: &str = "Kỳ báo cáo";
pub const DANG_KET_NOI: &str = "Đang kết nối…";
pub const NGOAI_TUYEN: &str = "Ngoại tuyến";
pub fn da_dong_bo_luc(t: &dyn Display) -> String {
    format!("Đã đồng bộ lúc {t}")
}
pub const DANG_DONG_BO: &str = "Đang đồng bộ";
pub fn thay_doi_chua_xac_nhan(arg1: &dyn Display) -> String {
    format!("{arg1} thay đổi chưa xác nhận")
}
pub fn tep_chua_tai_len(arg1: &dyn Display) -> String {
    format!("{arg1} tệp chưa tải lên")
}
pub const CO_PHIEN_BAN_MOI: &str = "Có phiên bản mới — ";
pub const TAI_LAI: &str = "tải lại";
pub const NHIEM_VU_CUA_DON_VI: &str = "Nhiệm vụ của đơn vị";
pub const KE_HOACH: &str = "Kế hoạch";
pub const TONG_HOP: &str = "Tổng hợp";
pub const TOAN_TINH: &str = "Toàn tỉnh";
pub const TO_CHUC: &str = "Tổ chức";
pub const TAI_KHOAN: &str = "Tài khoản";
pub const DANG_MO_DU_LIEU: &str = "Đang mở dữ liệu…";
pub const DANG_XUAT: &str = "Đăng xuất";
pub fn thay_doi_chua_duoc_may_chu(n: &dyn Display) -> String {
    format!("{n} thay đổi chưa được máy chủ xác nhận")
}
pub fn tep_minh_chung_chua_tai_len(f: &dyn Display) -> String {
    format!("{f} tệp minh chứng chưa tải lên")
}
pub fn thay_doi_chua_duoc_may_chu_2(n: &dyn Display, f: &dyn Display) -> String {
    format!("{n} thay đổi chưa được máy chủ xác nhận và {f} tệp minh chứng chưa tải lên")
}
pub fn con_dang_xuat_se_xoa_chung(what: &dyn Display) -> String {
    format!("Còn {what}. Đăng xuất sẽ xoá chúng khỏi máy này. Tiếp tục?")
}
pub const NAM_KE_HOACH: &str = "Năm, kế hoạch";
/// Why something of a bundle was refused, after its name.
pub fn reason(r: &str) -> String {
    format!(" — {r}")
}
