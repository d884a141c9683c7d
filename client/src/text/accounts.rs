//! The Vietnamese text of the account screen and its administrator's part.
//!
//! Stage: *UI text*. Read by the screens only; a native speaker reviews the wording here.

use std::fmt::Display;

pub const TAI_KHOAN: &str = "Tài khoản";
pub const TEN_DANG_NHAP: &str = "Tên đăng nhập";
pub const TEN_HIEN_THI: &str = "Tên hiển thị";
pub const VAI_TRO: &str = "Vai trò";
pub const DON_VI: &str = "Đơn vị";
pub const DA_DOI_MAT_KHAU_CAC_PHIEN: &str =
    "Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc.";
pub const DOI_MAT_KHAU: &str = "Đổi mật khẩu";
pub const MAT_KHAU_HIEN_TAI: &str = "Mật khẩu hiện tại";
pub const MAT_KHAU_MOI_IT_NHAT_8: &str = "Mật khẩu mới (ít nhất 8 ký tự)";
pub const NHAP_LAI_MAT_KHAU_MOI: &str = "Nhập lại mật khẩu mới";
pub const DA_TAO_TAI_KHOAN: &str = "Đã tạo tài khoản";
pub fn da_khoa(username: &dyn Display) -> String {
    format!("Đã khoá {username}.")
}
pub fn da_mo_khoa(username: &dyn Display) -> String {
    format!("Đã mở khoá {username}.")
}
pub fn cap_mat_khau_moi_cho_mat(username: &dyn Display) -> String {
    format!(
        "Cấp mật khẩu mới cho {username}? Mật khẩu cũ và các phiên đăng nhập của tài khoản sẽ hết hiệu lực."
    )
}
pub const DA_CAP_LAI_MAT_KHAU: &str = "Đã cấp lại mật khẩu";
pub fn da_chuyen_sang_don_vi_moi(username: &dyn Display) -> String {
    format!("Đã chuyển {username} sang đơn vị mới.")
}
pub const MO_KHOA: &str = "Mở khoá";
pub const KHOA: &str = "Khoá";
pub const CAP_LAI_MAT_KHAU: &str = "Cấp lại mật khẩu";
pub fn don_vi_chuyen_den(arg1: &dyn Display) -> String {
    format!("Đơn vị chuyển {arg1} đến")
}
pub const CHUYEN_SANG_DON_VI: &str = "Chuyển sang đơn vị…";
pub const CHUYEN: &str = "Chuyển";
pub const DANG_TAI_DANH_SACH_TAI_KHOAN: &str = "Đang tải danh sách tài khoản…";
pub const TINH_TRANG: &str = "Tình trạng";
pub const THAO_TAC: &str = "Thao tác";
pub const DA_KHOA: &str = "Đã khoá";
pub const DANG_DUNG: &str = "Đang dùng";
pub const NHAT_KY_THAO_TAC_TAI_KHOAN: &str = "Nhật ký thao tác tài khoản";
pub const CHUA_CO_THAO_TAC_NAO: &str = "Chưa có thao tác nào.";
pub const TAI_KHOAN_CUA_CO_QUAN: &str = "Tài khoản của cơ quan";
pub const MAT_KHAU: &str = " — mật khẩu: ";
pub const MAT_KHAU_CHI_HIEN_LAN_NAY: &str = "Mật khẩu chỉ hiện lần này: hãy ghi lại và trao cho người dùng. Người dùng nên tự đổi mật khẩu sau lần đăng nhập đầu.";
pub const TAO_TAI_KHOAN: &str = "Tạo tài khoản";
pub const CHON: &str = "— chọn —";
pub const TEN_HIEN_THI_DE_TRONG_TEN: &str = "Tên hiển thị (để trống: tên đơn vị)";
pub const TEN_DANG_NHAP_DE_TRONG_HE: &str =
    "Tên đăng nhập (để trống: hệ thống gợi ý, ví dụ thanhtra.01)";
