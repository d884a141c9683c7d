//! The Vietnamese text of the central office's dashboard and a task's history.
//!
//! Stage: *UI text*. Read by the screens only; a native speaker reviews the wording here.

use std::fmt::Display;

pub fn nhiem_vu(arg1: &dyn Display) -> String {
    format!("{arg1} nhiệm vụ")
}
pub const NONE_DASH: &str = "—";
pub const THU_GON: &str = "Thu gọn";
pub fn xem_them_nhiem_vu(more: &dyn Display) -> String {
    format!("Xem thêm {more} nhiệm vụ")
}
pub const KE_HOACH_DANG_THUC_HIEN: &str = "kế hoạch đang thực hiện";
pub fn duoc_thay_the_tu_nhiem_vu(arg1: &dyn Display) -> String {
    format!("được thay thế từ {arg1}: nhiệm vụ đến hạn trước ngày đó")
}
pub fn co_quan_sap_nhap_tu(arg1: &dyn Display) -> String {
    format!("cơ quan sáp nhập từ {arg1}")
}
pub const CA_NAM_GOM_CAC_KE_HOACH: &str = "Cả năm, gồm các kế hoạch liên kết";
pub const DANG_TINH: &str = "Đang tính…";
pub const CAN_KET_NOI_MAY_CHU_DE: &str = "Cần kết nối máy chủ để tính cả năm.";
pub const KE_HOACH: &str = "Kế hoạch";
pub const CACH_TINH: &str = "Cách tính";
pub const NHIEM_VU: &str = "Nhiệm vụ";
pub const DEN_HAN: &str = "Đến hạn";
pub const HOAN_THANH: &str = "Hoàn thành";
pub const CA_NAM: &str = "Cả năm";
pub const NHIEM_VU_DEN_HAN_DA_HOAN: &str = " nhiệm vụ đến hạn đã hoàn thành";
pub fn ngay_khong_hop_le_ghi_theo(typed: &dyn Display, arg2: &dyn Display) -> String {
    format!("Ngày không hợp lệ: {typed} (ghi theo dd/mm/yyyy); số liệu vẫn tính đến {arg2}")
}
pub fn tai_bao_cao(arg1: &dyn Display) -> String {
    format!("Tải báo cáo {arg1}")
}
pub const TONG_HOP_TIEN_DO: &str = "Tổng hợp tiến độ";
pub fn don_vi_da_dong_bo(arg1: &dyn Display, arg2: &dyn Display) -> String {
    format!("{arg1} — {arg2} đơn vị đã đồng bộ")
}
pub const KY_BAO_CAO: &str = "Kỳ báo cáo ";
pub const TINH_DEN_NGAY: &str = "Tính đến ngày ";
pub const CAC_PHAN_CUA_TRANG_TONG_HOP: &str = "Các phần của trang tổng hợp";
pub const TONG_QUAN: &str = "Tổng quan";
pub const LICH_BAO_CAO: &str = "Lịch báo cáo";
pub const BAO_CAO_CUA_DON_VI: &str = "Báo cáo của đơn vị";
pub const TAI_BAO_CAO: &str = "Tải báo cáo";
pub const BIEU_DO: &str = "Biểu đồ";
pub const THEO_DOI: &str = "Theo dõi";
pub fn tai_lieu_tien_do_khong_doc(unreadable: &dyn Display) -> String {
    format!("{unreadable} tài liệu tiến độ không đọc được")
}
pub fn ke_hoach_co_cho_khong_doc(arg1: &dyn Display) -> String {
    format!(
        "Kế hoạch có {arg1} chỗ không đọc được (để nguyên trong tài liệu; phần còn lại vẫn hiển thị)"
    )
}
pub const NHIEM_VU_TRONG_KE_HOACH: &str = "Nhiệm vụ trong kế hoạch";
pub const HOAN_THANH_DUNG_HAN: &str = "Hoàn thành đúng hạn";
pub const HOAN_THANH_QUA_HAN: &str = "Hoàn thành quá hạn";
pub const DANG_THUC_HIEN_TRONG_HAN: &str = "Đang thực hiện trong hạn";
pub const QUA_HAN: &str = "Quá hạn";
pub const CHUA_THUC_HIEN: &str = "Chưa thực hiện";
pub const TY_LE_HOAN_THANH_TOAN_KE: &str = "Tỷ lệ hoàn thành (toàn kế hoạch)";
pub const TY_LE_HOAN_THANH_NHIEM_VU: &str = "Tỷ lệ hoàn thành (nhiệm vụ đến hạn)";
pub const MUC_DO_THUC_HIEN_KE_HOACH: &str = "Mức độ thực hiện kế hoạch CCHC";
pub fn diem(arg1: &dyn Display, arg2: &dyn Display) -> String {
    format!("{arg1} / {arg2} điểm")
}
pub fn nhiem_vu_den_han_da_hoan(
    arg1: &dyn Display,
    arg2: &dyn Display,
    arg3: &dyn Display,
) -> String {
    format!(" — {arg1} / {arg2} nhiệm vụ đến hạn đã hoàn thành ({arg3})")
}
pub fn bao_cao_dung_han_don_vi(
    arg1: &dyn Display,
    period_on_time: &dyn Display,
    period_units: &dyn Display,
    points: &dyn Display,
    max: &dyn Display,
) -> String {
    format!(
        "Báo cáo đúng hạn ({arg1}): {period_on_time} / {period_units} đơn vị — {points} / {max} điểm"
    )
}
pub fn nguong_tren_duoc_diem_tu_duoc(
    arg1: &dyn Display,
    arg2: &dyn Display,
    arg3: &dyn Display,
    arg4: &dyn Display,
) -> String {
    format!("Ngưỡng: trên {arg1} được {arg2} điểm; từ {arg3} được {arg4} điểm; dưới đó 0 điểm.")
}
pub const KY: &str = "Kỳ";
pub const HAN_GUI: &str = "Hạn gửi";
pub const CON_LAI: &str = "Còn lại";
pub const DON_VI_DA_GUI_DUNG_HAN: &str = "Đơn vị đã gửi (đúng hạn)";
pub const DA_TAO_BAO_CAO: &str = "Đã tạo báo cáo";
pub fn dung_han(sent: &dyn Display, n: &dyn Display, on_time: &dyn Display) -> String {
    format!("{sent}/{n} ({on_time} đúng hạn)")
}
pub fn da_tao_luc_tinh_den(arg1: &dyn Display, arg2: &dyn Display, arg3: &dyn Display) -> String {
    format!("Đã tạo {arg1} lúc {arg2} (tính đến {arg3})")
}
pub const CHUA_TAO: &str = "Chưa tạo";
pub const CHUA_CO_THONG_TIN_TU_MAY: &str = "Chưa có thông tin từ máy chủ về các báo cáo đã tạo.";
pub fn bao_cao_tinh_den(arg1: &dyn Display, arg2: &dyn Display) -> String {
    format!("Báo cáo {arg1} (tính đến {arg2})")
}
pub const HO_SO_MINH_CHUNG_ZIP: &str = "Hồ sơ minh chứng (ZIP)";
pub const TEP_BAO_CAO_DO_MAY_CHU: &str =
    "Tệp báo cáo do máy chủ tạo: cần có mạng để tải. Số liệu trên trang vẫn là số liệu đã đồng bộ.";
pub const THEO_LINH_VUC: &str = "Theo lĩnh vực";
pub fn done_of_total_rate(arg1: &dyn Display, arg2: &dyn Display, arg3: &dyn Display) -> String {
    format!("{arg1}/{arg2} · {arg3}")
}
pub const SO_VOI_NAM_TRUOC: &str = "So với năm trước";
pub const THEO_DON_VI_CHU_TRI: &str = "Theo đơn vị chủ trì";
pub const PHOI_HOP: &str = "Phối hợp";
pub const DON_VI: &str = "Đơn vị";
pub const NHIEM_VU_PHOI_HOP: &str = "Nhiệm vụ phối hợp";
pub const DA_BAO_CAO: &str = "Đã báo cáo";
pub const NHIEM_VU_CHUA_BAO_CAO: &str = "Nhiệm vụ chưa báo cáo";
pub const NHIEM_VU_QUA_HAN: &str = "Nhiệm vụ quá hạn";
pub const KHONG_CO_NHIEM_VU_QUA_HAN: &str = "Không có nhiệm vụ quá hạn.";
pub const DEN_HAN_TRONG_30_NGAY: &str = "Đến hạn trong 30 ngày";
pub const KHONG_CO_NHIEM_VU_DEN_HAN: &str = "Không có nhiệm vụ đến hạn trong 30 ngày tới.";
pub const DON_VI_CHU_TRI_CHUA_BAO: &str = "Đơn vị chủ trì chưa báo cáo kỳ này";
pub const MOI_DON_VI_CHU_TRI_DA: &str = "Mọi đơn vị chủ trì đã báo cáo.";
pub const LICH_SU_THAY_DOI: &str = "Lịch sử thay đổi";
pub const CHUA_CO_THAY_DOI: &str = "Chưa có thay đổi.";
pub const DOT_SEPARATOR: &str = " · ";
