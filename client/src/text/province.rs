//! The Vietnamese text of the province's roll-up of its agencies.
//!
//! Stage: *UI text*. Read by the screens only; a native speaker reviews the wording here.

use std::fmt::Display;

pub const SORTED_DESC: &str = " ▼";
pub const SORTED_ASC: &str = " ▲";
pub const DANG_TAI_TONG_HOP_TOAN_TINH: &str = "Đang tải tổng hợp toàn tỉnh…";
pub fn tong_hop_toan_tinh_ke_hoach(shown_year: &dyn Display) -> String {
    format!("Tổng hợp toàn tỉnh — kế hoạch năm {shown_year}")
}
pub fn co_quan_tinh_den_so_lieu(
    arg1: &dyn Display,
    arg2: &dyn Display,
    arg3: &dyn Display,
    arg4: &dyn Display,
) -> String {
    format!("{arg1} cơ quan — tính đến {arg2} — số liệu máy chủ lúc {arg3}{arg4}")
}
pub const NAM: &str = "Năm ";
pub const NAM_KE_HOACH: &str = "Năm kế hoạch";
pub const KY_BAO_CAO: &str = "Kỳ báo cáo ";
pub const LOAI_CO_QUAN: &str = "Loại cơ quan ";
pub const TAT_CA: &str = "Tất cả";
pub const TAI_XLSX: &str = "Tải XLSX";
pub fn chua_co_co_quan_nao_co(shown_year: &dyn Display) -> String {
    format!("Chưa có cơ quan nào có kế hoạch năm {shown_year}.")
}
pub fn tinh_den_han_bao_cao_cua(arg1: &dyn Display) -> String {
    format!("Tính đến {arg1} (hạn báo cáo của cơ quan)")
}
pub const SO_LIEU_TINH_TRONG: &str = "Số liệu tính trong: ";
pub const TOAN_TINH: &str = "← Toàn tỉnh";
pub fn nam(y: &dyn Display) -> String {
    format!(" — năm {y}")
}
pub const TIEU_CHI_CHI_SO_CCHC_DO: &str = "Tiêu chí Chỉ số CCHC đo được";
pub const TIEU_CHI: &str = "Tiêu chí";
pub const DIEM: &str = "Điểm";
pub const CACH_TINH: &str = "Cách tính";
pub const DANG_TAI: &str = "Đang tải…";
pub const THEO_LINH_VUC: &str = "Theo lĩnh vực";
pub const LINH_VUC: &str = "Lĩnh vực";
pub const NHIEM_VU: &str = "Nhiệm vụ";
pub const DEN_HAN: &str = "Đến hạn";
pub const HOAN_THANH: &str = "Hoàn thành";
pub const QUA_HAN: &str = "Quá hạn";
pub const THEO_DON_VI_CHU_TRI: &str = "Theo đơn vị chủ trì";
pub const DON_VI: &str = "Đơn vị";
pub const CHU_TRI: &str = "Chủ trì";
pub const CHUA_BAO_CAO: &str = "Chưa báo cáo";
pub const BAN_LUU_TREN_MAY_DANG_NGOAI: &str = " (bản lưu trên máy, đang ngoại tuyến)";
