//! The Vietnamese text of the organisation changes (merge, split, rename, …).
//!
//! Stage: *UI text*. Read by the screens only; a native speaker reviews the wording here.

use std::fmt::Display;

pub const CHUA_DOC_DUOC_TO_CHUC: &str = "Chưa đọc được tổ chức.";
pub fn da_ghi(t: &dyn Display) -> String {
    format!("Đã ghi: {t}")
}
pub const TO_CHUC: &str = "Tổ chức: ";
pub const DON_VI: &str = "Đơn vị";
pub const TINH_TRANG: &str = "Tình trạng";
pub const THAY_DOI: &str = "Thay đổi";
pub const CHON: &str = "— chọn —";
pub const ARROW: &str = " → ";
pub const DON_VI_DAU_TIEN: &str = "(đơn vị đầu tiên)";
pub const GHI_THAY_DOI_TO_CHUC: &str = "Ghi thay đổi tổ chức";
pub const LOAI_THAY_DOI: &str = "Loại thay đổi ";
pub const TEN_DON_VI_MOI: &str = "Tên đơn vị mới ";
pub const DON_VI_2: &str = "Đơn vị ";
pub const SAP_NHAP_VAO: &str = "Sáp nhập vào ";
pub const CHUYEN_CHO: &str = "Chuyển cho ";
pub const DON_VI_HIEN_CO_NHAN_MOT: &str =
    "Đơn vị hiện có nhận một phần (mã, cách nhau bởi dấu phẩy) ";
pub const DON_VI_MOI_MOI_DONG_MOT: &str = "Đơn vị mới (mỗi dòng một tên) ";
pub const TEN_MOI: &str = "Tên mới ";
pub const NHIEM_VU_GIAO_CHO: &str = "Nhiệm vụ giao cho";
pub const NHIEM_VU_CHUYEN_DI: &str = "Nhiệm vụ chuyển đi";
pub const CO_HIEU_LUC_TU_NGAY: &str = "Có hiệu lực từ ngày ";
pub const CAN_CU_SO_QUYET_DINH: &str = "Căn cứ: số quyết định ";
pub const NGAY_QUYET_DINH: &str = "Ngày quyết định ";
pub const TAI_KHOAN_CUA_DON_VI: &str = "Tài khoản của đơn vị ";
pub const CHUYEN_SANG_DON_VI_NHAN: &str = "Chuyển sang đơn vị nhận";
pub const KHOA: &str = "Khoá";
pub const GIU_NGUYEN: &str = "Giữ nguyên";
pub const GHI_THAY_DOI: &str = "Ghi thay đổi";
