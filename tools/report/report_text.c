/*
 * report_text.c - wording shared by the three forms of a report: the
 * method note and the place name of the date line.
 */
#include "report_render.h"

#include <string.h>

static const char report_note_data[] =
    "Số liệu là kết quả đánh giá mức độ hài lòng tại Bộ phận Một cửa do"
    " người dân, tổ chức tự thực hiện trên thiết bị đánh giá điện tử"
    " (Điều 29 Nghị định 61/2018/NĐ-CP; từ ngày 01/7/2025 theo Nghị định"
    " 118/2025/NĐ-CP), tổng hợp theo ngày từ từng thiết bị. Đây là đo lường"
    " sự hài lòng tại quầy theo khung SIPAS, không phải Chỉ số SIPAS toàn"
    " quốc (điều tra xã hội học do Bộ Nội vụ thực hiện).";

static const char report_note_share[] =
    "Chỉ số hài lòng của mỗi câu hỏi là tỷ lệ câu trả lời ở mức Hài lòng"
    " (4) và Rất hài lòng (5) trên tổng số câu trả lời. Chỉ số của mỗi yếu"
    " tố là trung bình các câu hỏi thuộc yếu tố; kết quả đo lường sự hài"
    " lòng tại quầy (theo khung SIPAS) là trung bình cộng của các yếu tố có"
    " dữ liệu trong 5 yếu tố (Tiếp cận dịch"
    " vụ; Thủ tục hành chính; Công chức; Kết quả; Tiếp nhận, xử lý góp ý,"
    " phản ánh, kiến nghị), theo phương pháp của Bộ Nội vụ (Quyết định"
    " 2640/QĐ-BNV, Quyết định 1001/QĐ-BNV). Câu hỏi chung về mức độ hài"
    " lòng được báo cáo riêng, không cộng vào chỉ số.";

static const char report_note_mean[] =
    "Chỉ số hài lòng của mỗi câu hỏi là trung bình chuẩn hóa của các câu"
    " trả lời, (x − 1) / 4 × 100, với x từ 1 (Rất không hài lòng) đến 5"
    " (Rất hài lòng). Chỉ số của mỗi yếu tố là trung bình các câu hỏi thuộc"
    " yếu tố; kết quả đo lường sự hài lòng tại quầy (theo khung SIPAS) là"
    " trung bình cộng của các yếu tố có dữ liệu trong 5 yếu tố. Câu hỏi"
    " chung về mức độ hài lòng được báo cáo riêng,"
    " không cộng vào chỉ số.";

static const char report_note_ci[] =
    "Khoảng tin cậy 95% (KTC 95%): khoảng Wilson đối với tỷ lệ; đối với chỉ"
    " số là trung bình của nhiều thành phần, từ trung bình các cận dưới"
    " đến trung bình các cận trên của các thành phần.";

static const char report_note_counted[] =
    "Phiếu chưa hoàn thành (người dân dừng giữa chừng) được tính cho"
    " những câu đã trả lời: mỗi câu được tính trên số người đã trả lời"
    " câu đó; số phiếu hoàn thành và chưa hoàn thành được thống kê riêng."
    " Khi một nhóm có cả mẫu phiếu ngắn và mẫu phiếu đầy đủ, mỗi câu hỏi"
    " được tính gộp trên mọi phiếu có câu đó, và mỗi yếu tố là trung bình"
    " chỉ số yếu tố của các mẫu phiếu, có trọng số là số người đã trả lời"
    " ít nhất một câu của yếu tố đó theo từng mẫu. Phiếu bị loại theo quy"
    " tắc chống đánh giá lặp (quá sát nhau hoặc quá nhiều trong thời gian"
    " ngắn) được thống kê riêng để đối chiếu, không tính vào kết quả.";

static const char report_note_small[] =
    "Đơn vị, lĩnh vực có dưới 30 phiếu được đánh dấu (*): khoảng tin cậy"
    " rộng, kết quả chỉ có giá trị tham khảo. Nhóm có cán bộ có ít phiếu hơn"
    " ngưỡng của máy chủ được ghi “" REPORT_WITHHELD "”: vẫn công bố số"
    " phiếu, không công bố chỉ số. Ô không có dữ liệu ghi “—”, không ghi 0.";

static const char report_note_c01[] =
    "Đánh giá theo Thông tư 01/2018/TT-VPCP: điểm mỗi chỉ số bằng tổng điểm"
    " các hồ sơ chia cho số hồ sơ, làm tròn đến một chữ số thập phân; tổng"
    " điểm của đơn vị là tổng các chỉ số có dữ liệu, tối đa 18 điểm (từ 15"
    " điểm: Xuất sắc; từ 12 đến dưới 15: Tốt; từ 9 đến dưới 12: Khá; từ 6"
    " đến dưới 9: Trung bình; dưới 6: Yếu). Thiết bị tại Bộ phận Một cửa"
    " chỉ ghi nhận các chỉ số 3, 4 và 7; chỉ số chưa có dữ liệu không được"
    " tính mặc định điểm nào, nên khi chưa đủ 9 chỉ số thì xếp loại là tạm"
    " tính, kèm mức cao nhất có thể đạt.";

static const char report_note_targets[] =
    "Chỉ tiêu theo Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ"
    " (mục tiêu quốc gia) và chương trình, kế hoạch cải cách hành chính của"
    " tỉnh (“≥”: tối thiểu, đạt; “>”: trên). Chỉ tiêu về giải quyết thủ tục"
    " hành chính và về sự phục vụ của cơ quan hành chính nhà nước được so"
    " với chỉ số hài lòng trên các lĩnh vực hành chính, không gồm y tế và"
    " giáo dục (bệnh viện, trường học là đơn vị sự nghiệp công lập, có chỉ"
    " tiêu riêng so với chỉ số trên hai lĩnh vực đó); câu hỏi chung không"
    " dùng để đánh giá chỉ tiêu. Bảng theo đơn vị và lĩnh vực ghi chỉ số"
    " được so với chỉ tiêu (“Kết quả theo chỉ tiêu”) bên cạnh chỉ số chung"
    " của mọi lĩnh vực. Kết quả được so với chỉ tiêu sau khi làm tròn đến"
    " hai chữ số thập phân; chỉ tiêu có thời hạn đã qua tiếp tục là mức phải"
    " duy trì.";

static const char report_note_no_targets[] =
    "Máy chủ chưa cho biết chỉ tiêu áp dụng cho kỳ báo cáo, nên báo cáo"
    " không kết luận đạt hay chưa đạt.";

static const char report_note_cutoff[] =
    "Kỳ báo cáo tính theo thời gian chốt số liệu báo cáo định kỳ của Điều 12"
    " Nghị định số 09/2019/NĐ-CP: từ ngày 15 của tháng trước kỳ báo cáo đến"
    " ngày 14 của tháng cuối kỳ (năm: từ ngày 15 tháng 12 năm trước đến ngày"
    " 14 tháng 12). Vì vậy tháng đầu và tháng cuối trong bảng theo tháng chỉ"
    " gồm những ngày thuộc kỳ.";

size_t report_get_notes(const report_t *r, const char **notes, size_t max)
{
    const char *all[REPORT_NOTES_MAX];
    size_t n = 0, i;

    all[n++] = report_note_data;
    if (r->period.kind != REPORT_AD_HOC &&
        r->period.rule == PERIODRULE_DECREE_09)
        all[n++] = report_note_cutoff;
    all[n++] = strcmp(r->method, "mean") == 0 ? report_note_mean
                                               : report_note_share;
    all[n++] = report_note_ci;
    all[n++] = report_note_counted;
    all[n++] = report_note_small;
    if (report_has_c01(r))
        all[n++] = report_note_c01;
    all[n++] = r->total.n_targets > 0 ? report_note_targets
                                       : report_note_no_targets;
    for (i = 0; i < n && i < max; i++)
        notes[i] = all[i];
    return i;
}

int report_has_c01(const report_t *r)
{
    size_t i;

    if (r->total.c01.has_data)
        return 1;
    for (i = 0; i < r->n_units; i++)
        if (r->units[i].c01.has_data)
            return 1;
    return 0;
}

void report_get_place(const report_t *r, char *buf, size_t cap)
{
    /* Longest first, so "Ủy ban nhân dân tỉnh " wins over "tỉnh ". */
    static const char *const prefixes[] = {
        "Ủy ban nhân dân tỉnh ", "Ủy ban nhân dân thành phố ",
        "UBND tỉnh ", "UBND thành phố ", "Thành phố ", "thành phố ",
        "Tỉnh ", "tỉnh ", NULL,
    };
    size_t i, len;

    buf[0] = '\0';
    for (i = 0; prefixes[i]; i++) {
        len = strlen(prefixes[i]);
        if (strncmp(r->scope_name, prefixes[i], len) == 0 &&
            r->scope_name[len]) {
            snprintf(buf, cap, "%s", r->scope_name + len);
            return;
        }
    }
}
