#include "core/selftest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The technician reads the report at the counter, on a phone or a laptop
 * screen: one sentence of what was found, one of what to do. */

/* action: what to do, or NULL when nothing is to be done. */
static selftest_check_t *selftest_add(selftest_report_t *r, const char *id,
                                      selftest_status_t status,
                                      const char *action)
{
    selftest_check_t *c;

    /* The table has room for every check there is; a check past it would
     * be a programming mistake, and the last slot keeps the verdict. */
    if (r->n >= SELFTEST_CHECKS_MAX)
        r->n = SELFTEST_CHECKS_MAX - 1;
    c = &r->checks[r->n++];
    memset(c, 0, sizeof(*c));
    snprintf(c->id, sizeof(c->id), "%s", id);
    c->status = status;
    if (action)
        snprintf(c->action, sizeof(c->action), "%s", action);
    return c;
}

static void selftest_put(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Cut text never ends in half a character: the record must stay valid
 * UTF-8 for the hub to take it. */
static void selftest_trim_utf8(char *buf)
{
    size_t n = strlen(buf), i = n, need;

    while (i > 0 && ((unsigned char)buf[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0)
        return;
    need = (unsigned char)buf[i - 1] >= 0xF0   ? 4
           : (unsigned char)buf[i - 1] >= 0xE0 ? 3
           : (unsigned char)buf[i - 1] >= 0xC0 ? 2
                                               : 1;
    if (n - (i - 1) < need)
        buf[i - 1] = '\0';
}

static void selftest_put(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    selftest_trim_utf8(buf);
}

static void selftest_format_bytes(int64_t bytes, char *buf, size_t cap)
{
    double mib = (double)bytes / (1024.0 * 1024.0);

    if (mib >= 1024.0)
        snprintf(buf, cap, "%.1f GiB", mib / 1024.0);
    else
        snprintf(buf, cap, "%.0f MiB", mib);
}

void selftest_init_report(selftest_report_t *r)
{
    memset(r, 0, sizeof(*r));
}

void selftest_check_storage(selftest_report_t *r, const selftest_storage_t *s,
                            const selftest_limits_t *lim)
{
    char have[32], need[32];
    selftest_check_t *c;

    if (!s->written) {
        c = selftest_add(r, "storage.write", SELFTEST_FAIL,
                         "Kiểm tra thẻ nhớ (khóa ghi, hỏng, đầy) và quyền của"
                         " thư mục dữ liệu; chạy sipasctl check.");
        selftest_put(c->value, sizeof(c->value), "%s", s->error);
        selftest_put(c->message, sizeof(c->message),
                     "Không ghi được vào thư mục dữ liệu: kiosk sẽ không"
                     " lưu được đánh giá.");
    } else if (s->fsync_ms > lim->fsync_ms_max) {
        c = selftest_add(r, "storage.fsync", SELFTEST_FAIL,
                         "Thay thẻ nhớ loại công nghiệp (pSLC) hoặc dùng eMMC:"
                         " thẻ chậm làm màn hình cảm ơn hiện chậm.");
        selftest_put(c->value, sizeof(c->value), "%.1f ms/fsync",
                     s->fsync_ms);
        selftest_put(c->message, sizeof(c->message),
                     "Thẻ nhớ ghi quá chậm: mỗi lần ghi bền mất %.0f ms"
                     " (giới hạn %.0f ms).",
                     s->fsync_ms, lim->fsync_ms_max);
    } else {
        c = selftest_add(r, "storage.fsync", SELFTEST_PASS, NULL);
        selftest_put(c->value, sizeof(c->value), "%.1f ms/fsync",
                     s->fsync_ms);
        selftest_put(c->message, sizeof(c->message),
                     "Thẻ nhớ ghi đủ nhanh (giới hạn %.0f ms mỗi lần ghi"
                     " bền).",
                     lim->fsync_ms_max);
    }
    selftest_format_bytes(lim->free_min_bytes, need, sizeof(need));
    if (s->free_bytes < 0) {
        c = selftest_add(r, "storage.free", SELFTEST_FAIL,
                         "Kiểm tra phân vùng dữ liệu đã được gắn (mount)."
                         );
        selftest_put(c->value, sizeof(c->value), "không đọc được");
        selftest_put(c->message, sizeof(c->message),
                     "Không đọc được dung lượng trống của thư mục dữ liệu.");
        return;
    }
    selftest_format_bytes(s->free_bytes, have, sizeof(have));
    if (s->free_bytes < lim->free_min_bytes) {
        c = selftest_add(r, "storage.free", SELFTEST_FAIL,
                         "Xóa tệp không cần trên phân vùng dữ liệu hoặc"
                         " dùng thẻ nhớ lớn hơn.");
        selftest_put(c->value, sizeof(c->value), "%s", have);
        selftest_put(c->message, sizeof(c->message),
                     "Thẻ nhớ sắp đầy: còn trống %s, cần ít nhất %s.", have,
                     need);
        return;
    }
    c = selftest_add(r, "storage.free", SELFTEST_PASS, NULL);
    selftest_put(c->value, sizeof(c->value), "%s", have);
    selftest_put(c->message, sizeof(c->message),
                 "Còn trống %s (cần ít nhất %s).", have, need);
}

void selftest_check_clock(selftest_report_t *r, const selftest_clock_t *k)
{
    int64_t off = k->hub_offset_ms < 0 ? -k->hub_offset_ms : k->hub_offset_ms;
    int synced = k->kernel_synced || k->timesyncd_synced;
    int agrees = k->hub_known && off <= SELFTEST_CLOCK_SLACK_MS;
    selftest_check_t *c;
    char hub[48] = "";

    if (k->hub_known)
        snprintf(hub, sizeof(hub), "; lệch hub %+.1f s",
                 (double)k->hub_offset_ms / 1000.0);
    if (synced && (!k->hub_known || agrees)) {
        c = selftest_add(r, "clock", SELFTEST_PASS, NULL);
        selftest_put(c->value, sizeof(c->value), "đồng bộ%s", hub);
        selftest_put(c->message, sizeof(c->message),
                     "Đồng hồ đã đồng bộ qua mạng (NTP).");
        return;
    }
    if (synced) {
        c = selftest_add(r, "clock", SELFTEST_FAIL,
                         "Kiểm tra máy chủ NTP mà thiết bị dùng (systemd-"
                         "timesyncd) và đồng hồ của máy chủ hub.");
        selftest_put(c->value, sizeof(c->value), "đồng bộ%s", hub);
        selftest_put(c->message, sizeof(c->message),
                     "Đồng hồ báo đã đồng bộ nhưng lệch hub %.0f giây.",
                     (double)off / 1000.0);
        return;
    }
    if (agrees || (!k->hub_known && k->kiosk_anchored)) {
        c = selftest_add(r, "clock", SELFTEST_WARN,
                         "Mở cổng NTP (UDP 123) trên mạng này để thiết bị tự"
                         " đồng bộ giờ sau mỗi lần khởi động.");
        selftest_put(c->value, sizeof(c->value), "chưa đồng bộ%s", hub);
        selftest_put(c->message, sizeof(c->message), "%s",
                     agrees ? "Đồng hồ chưa đồng bộ NTP nhưng khớp giờ của"
                              " hub."
                            : "Đồng hồ chưa đồng bộ NTP; kiosk đã biết giờ"
                              " đúng của lần khởi động này nên ngày của"
                              " các lượt đánh giá vẫn đúng.");
        return;
    }
    c = selftest_add(r, "clock", SELFTEST_FAIL,
                     "Nối mạng có Internet và mở cổng NTP (UDP 123) để"
                     " thiết bị tự đồng bộ giờ (systemd-timesyncd), rồi"
                     " chạy lại.");
    selftest_put(c->value, sizeof(c->value), "chưa đồng bộ%s", hub);
    selftest_put(c->message, sizeof(c->message),
                 "Đồng hồ chưa đồng bộ: ngày giờ có thể sai, hub có thể từ"
                 " chối kết nối bảo mật.");
}

void selftest_check_hub(selftest_report_t *r, const selftest_hub_t *h)
{
    static const char reenroll[] =
        "Xin quản trị hub một mã đăng ký mới rồi chạy: sipasctl provision"
        " --data DIR --hub URL --code MÃ";
    selftest_check_t *c;

    switch (h->outcome) {
    case SELFTEST_HUB_ACKED:
        c = selftest_add(r, "hub", SELFTEST_PASS, NULL);
        selftest_put(c->value, sizeof(c->value), "%s, %lld ms",
                     strncmp(h->url, "https:", 6) == 0 ? "HTTPS" : "HTTP",
                     (long long)h->elapsed_ms);
        selftest_put(c->message, sizeof(c->message),
                     "Hub %s đã xác nhận kiosk (đơn vị %s).", h->url,
                     h->unit);
        return;
    case SELFTEST_HUB_NOT_ENROLLED:
        c = selftest_add(r, "hub", SELFTEST_FAIL, reenroll);
        selftest_put(c->value, sizeof(c->value), "chưa đăng ký");
        selftest_put(c->message, sizeof(c->message),
                     "Kiosk chưa được đăng ký với hub của tỉnh: đánh giá"
                     " không được gửi đi.");
        return;
    case SELFTEST_HUB_DAMAGED:
        c = selftest_add(r, "hub", SELFTEST_FAIL,
                         "Chạy: sipasctl provision --repair --data DIR"
                         " --hub URL --code MÃ");
        selftest_put(c->value, sizeof(c->value), "sync.db hỏng");
        selftest_put(c->message, sizeof(c->message),
                     "Tệp đồng bộ (sync.db) bị hỏng: %s", h->detail);
        return;
    case SELFTEST_HUB_UNREACHABLE:
        c = selftest_add(r, "hub", SELFTEST_FAIL,
                         "Kiểm tra cáp mạng hoặc Wi-Fi, địa chỉ hub và tường"
                         " lửa; nếu lỗi nói về chứng chỉ, kiểm tra đồng hồ.");
        selftest_put(c->value, sizeof(c->value), "không kết nối được");
        selftest_put(c->message, sizeof(c->message),
                     "Không kết nối được hub %s: %s", h->url, h->detail);
        return;
    case SELFTEST_HUB_CAPTIVE:
        c = selftest_add(r, "hub", SELFTEST_FAIL,
                         "captive portal: mở trình duyệt trên mạng này để đăng"
                         " nhập Wi-Fi, hoặc dùng mạng khác");
        selftest_put(c->value, sizeof(c->value), "captive portal (HTTP %ld)",
                     h->status);
        selftest_put(c->message, sizeof(c->message),
                     "Một trang đăng nhập mạng trả lời thay cho hub %s.",
                     h->url);
        return;
    case SELFTEST_HUB_UNKNOWN_KIOSK:
    case SELFTEST_HUB_REVOKED:
        c = selftest_add(r, "hub", SELFTEST_FAIL, reenroll);
        selftest_put(c->value, sizeof(c->value), "HTTP %ld", h->status);
        selftest_put(c->message, sizeof(c->message), "%s",
                     h->outcome == SELFTEST_HUB_REVOKED
                         ? "Hub đã thu hồi kiosk này: không nhận đánh giá"
                           " của nó nữa."
                         : "Hub không nhận ra kiosk này hoặc mã bí mật của"
                           " nó.");
        return;
    case SELFTEST_HUB_REFUSED:
    default:
        c = selftest_add(r, "hub", SELFTEST_FAIL,
                         "Báo quản trị hub kèm dòng trên."
                         );
        selftest_put(c->value, sizeof(c->value), "HTTP %ld", h->status);
        selftest_put(c->message, sizeof(c->message), "Hub từ chối: %s",
                     h->detail);
        return;
    }
}

void selftest_check_watchdog(selftest_report_t *r,
                             const selftest_watchdog_t *w)
{
    static const char arm[] =
        "Đặt RuntimeWatchdogSec=10s trong /etc/systemd/system.conf (trên"
        " Raspberry Pi thêm dtparam=watchdog=on vào config.txt) rồi khởi"
        " động lại.";
    char sd[40] = "";
    selftest_check_t *c;

    if (w->runtime_usec >= 0)
        snprintf(sd, sizeof(sd), "; systemd %lld s",
                 (long long)(w->runtime_usec / 1000000));
    if (!w->present) {
        c = selftest_add(r, "watchdog", SELFTEST_FAIL, arm);
        selftest_put(c->value, sizeof(c->value), "không có watchdog0");
        selftest_put(c->message, sizeof(c->message),
                     "Không thấy watchdog phần cứng: thiết bị treo sẽ không"
                     " tự khởi động lại.");
        return;
    }
    if (!w->active) {
        c = selftest_add(r, "watchdog", SELFTEST_FAIL, arm);
        selftest_put(c->value, sizeof(c->value), "chưa bật%s", sd);
        selftest_put(c->message, sizeof(c->message),
                     "Watchdog phần cứng chưa được bật: thiết bị treo sẽ"
                     " không tự khởi động lại.");
        return;
    }
    if (w->runtime_usec > (int64_t)SELFTEST_WATCHDOG_MAX_S * 1000000) {
        c = selftest_add(r, "watchdog", SELFTEST_WARN, arm);
        selftest_put(c->value, sizeof(c->value), "bật, %ld s%s",
                     w->timeout_s, sd);
        selftest_put(c->message, sizeof(c->message),
                     "RuntimeWatchdogSec lớn hơn %d s: trên Raspberry Pi"
                     " watchdog sẽ không hoạt động.",
                     SELFTEST_WATCHDOG_MAX_S);
        return;
    }
    c = selftest_add(r, "watchdog", SELFTEST_PASS, NULL);
    selftest_put(c->value, sizeof(c->value), "bật, %ld s%s", w->timeout_s,
                 sd);
    selftest_put(c->message, sizeof(c->message),
                 "Watchdog phần cứng đang bật: thiết bị tự khởi động lại"
                 " nếu treo.");
}

void selftest_check_display(selftest_report_t *r,
                            const selftest_display_t *d)
{
    selftest_check_t *c;

    if (!d->found || d->error[0]) {
        c = selftest_add(r, "display", SELFTEST_FAIL,
                         "Khởi động kiosk (systemctl restart sipas-kiosk), chờ"
                         " màn hình chờ hiện ra, rồi chạy lại.");
        selftest_put(c->value, sizeof(c->value), "%s",
                     d->found ? "display.json hỏng" : "chưa khởi động");
        if (d->found)
            selftest_put(c->message, sizeof(c->message),
                         "Không đọc được điều kiosk ghi lúc khởi động: %s",
                         d->error);
        else
            selftest_put(c->message, sizeof(c->message),
                         "Kiosk chưa từng khởi động với thư mục dữ liệu"
                         " này.");
        return;
    }
    if (strcmp(d->driver, "dummy") == 0) {
        c = selftest_add(r, "display", SELFTEST_WARN,
                         "Trên thiết bị thật, bỏ SDL_VIDEODRIVER=dummy và khởi"
                         " động lại kiosk.");
        selftest_put(c->value, sizeof(c->value), "dummy %dx%d", d->width,
                     d->height);
        selftest_put(c->message, sizeof(c->message),
                     "Kiosk chạy không có màn hình (trình điều khiển"
                     " dummy): chỉ dùng khi thử nghiệm.");
        return;
    }
    if (d->touch_devices <= 0) {
        c = selftest_add(r, "display", SELFTEST_FAIL,
                         "Kiểm tra cáp USB hoặc DSI của màn cảm ứng và nhóm"
                         " input của tài khoản kiosk, rồi khởi động lại"
                         " kiosk.");
        selftest_put(c->value, sizeof(c->value), "%s %dx%d, 0 cảm ứng",
                     d->driver, d->width, d->height);
        selftest_put(c->message, sizeof(c->message),
                     "Màn hình có hình nhưng kiosk không thấy thiết bị cảm"
                     " ứng nào.");
        return;
    }
    c = selftest_add(r, "display", SELFTEST_PASS, NULL);
    selftest_put(c->value, sizeof(c->value), "%s %dx%d, xoay %d, %d cảm ứng",
                 d->driver, d->width, d->height, d->rotation,
                 d->touch_devices);
    selftest_put(c->message, sizeof(c->message),
                 "Màn hình %dx%d (xoay %d°) và %d thiết bị cảm ứng.",
                 d->width, d->height, d->rotation, d->touch_devices);
}

void selftest_check_touch(selftest_report_t *r, const selftest_touch_t *t)
{
    selftest_check_t *c;

    if (!t->found)
        return;
    if (t->error[0] || t->cells <= 0 || t->tapped < t->cells) {
        c = selftest_add(r, "touch.grid", SELFTEST_FAIL,
                         "Chạy lại «Tự kiểm tra» trên màn hình quản trị; nếu"
                         " vẫn thiếu ô, hiệu chỉnh cảm ứng (display.touch)"
                         " hoặc xoay (display.rotation) trong cấu hình.");
        selftest_put(c->value, sizeof(c->value), "%d/%d ô", t->tapped,
                     t->cells);
        selftest_put(c->message, sizeof(c->message),
                     "Lưới cảm ứng chưa chạm hết: có vùng màn hình không"
                     " nhận chạm.");
        return;
    }
    c = selftest_add(r, "touch.grid", SELFTEST_PASS, NULL);
    selftest_put(c->value, sizeof(c->value), "%d/%d ô, %dx%d xoay %d",
                 t->tapped, t->cells, t->width, t->height, t->rotation);
    selftest_put(c->message, sizeof(c->message),
                 "Cả %d ô của lưới cảm ứng đều nhận chạm.", t->cells);
}

selftest_status_t selftest_get_result(const selftest_report_t *r)
{
    selftest_status_t worst = SELFTEST_PASS;
    int i;

    for (i = 0; i < r->n; i++)
        if (r->checks[i].status > worst)
            worst = r->checks[i].status;
    return worst;
}

const char *selftest_status_code(selftest_status_t s)
{
    return s == SELFTEST_PASS ? "pass" : s == SELFTEST_WARN ? "warn" : "fail";
}

const char *selftest_status_words(selftest_status_t s)
{
    return s == SELFTEST_PASS ? "ĐẠT" : s == SELFTEST_WARN ? "LƯU Ý" : "LỖI";
}

/* ---- what the kiosk wrote ---------------------------------------------- */

static int selftest_get_int(const json_t *o, const char *key, int lo, int hi,
                            int *out)
{
    const json_t *v = json_object_get(o, key);

    if (!json_is_integer(v) || json_integer_value(v) < lo ||
        json_integer_value(v) > hi)
        return -1;
    *out = (int)json_integer_value(v);
    return 0;
}

static json_t *selftest_load(const char *text, size_t len, char *err,
                             size_t cap)
{
    json_error_t je;
    json_t *v = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);

    if (!v) {
        snprintf(err, cap, "dòng %d: %s", je.line, je.text);
        return NULL;
    }
    if (!json_is_object(v)) {
        json_decref(v);
        snprintf(err, cap, "không phải một đối tượng JSON");
        return NULL;
    }
    return v;
}

int selftest_parse_display(const char *text, size_t len,
                           selftest_display_t *out)
{
    json_t *v, *drv, *at;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    out->found = 1;
    v = selftest_load(text, len, out->error, sizeof(out->error));
    if (!v)
        return -1;
    drv = json_object_get(v, "driver");
    at = json_object_get(v, "started_at");
    if (!json_is_string(drv) ||
        selftest_get_int(v, "width", 1, 16384, &out->width) != 0 ||
        selftest_get_int(v, "height", 1, 16384, &out->height) != 0 ||
        selftest_get_int(v, "rotation", 0, 270, &out->rotation) != 0 ||
        selftest_get_int(v, "touch_devices", 0, 64, &out->touch_devices) !=
            0 ||
        !json_is_integer(at)) {
        snprintf(out->error, sizeof(out->error),
                 "thiếu hoặc sai driver, width, height, rotation,"
                 " touch_devices, started_at");
        rc = -1;
    } else {
        snprintf(out->driver, sizeof(out->driver), "%s",
                 json_string_value(drv));
        out->started_at = (int64_t)json_integer_value(at);
    }
    json_decref(v);
    return rc;
}

int selftest_parse_touch(const char *text, size_t len, selftest_touch_t *out)
{
    json_t *v, *at;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    out->found = 1;
    v = selftest_load(text, len, out->error, sizeof(out->error));
    if (!v)
        return -1;
    at = json_object_get(v, "at");
    if (selftest_get_int(v, "cells", 1, 1024, &out->cells) != 0 ||
        selftest_get_int(v, "tapped", 0, 1024, &out->tapped) != 0 ||
        selftest_get_int(v, "width", 1, 16384, &out->width) != 0 ||
        selftest_get_int(v, "height", 1, 16384, &out->height) != 0 ||
        selftest_get_int(v, "rotation", 0, 270, &out->rotation) != 0 ||
        !json_is_integer(at)) {
        snprintf(out->error, sizeof(out->error),
                 "thiếu hoặc sai cells, tapped, width, height, rotation, at");
        rc = -1;
    } else {
        out->at = (int64_t)json_integer_value(at);
    }
    json_decref(v);
    return rc;
}

/* ---- the record -------------------------------------------------------- */

json_t *selftest_build_json(const selftest_report_t *r,
                            const char *install_id, const char *version,
                            int64_t tested_at_ms)
{
    json_t *root, *checks = json_array(), *c;
    const selftest_check_t *k;
    int i;

    if (!checks)
        return NULL;
    for (i = 0; i < r->n; i++) {
        k = &r->checks[i];
        c = json_pack("{s:s, s:s, s:s, s:s}", "id", k->id, "status",
                      selftest_status_code(k->status), "value", k->value,
                      "message", k->message);
        if (c && k->action[0] &&
            json_object_set_new(c, "action", json_string(k->action)) != 0) {
            json_decref(c);
            c = NULL;
        }
        if (!c || json_array_append_new(checks, c) != 0) {
            json_decref(checks);
            return NULL;
        }
    }
    root = json_pack("{s:i, s:s, s:I, s:s, s:o}", "format", SELFTEST_FORMAT,
                     "version", version, "tested_at",
                     (json_int_t)tested_at_ms, "result",
                     selftest_status_code(selftest_get_result(r)), "checks",
                     checks);
    if (root && install_id &&
        json_object_set_new(root, "install_id", json_string(install_id)) !=
            0) {
        json_decref(root);
        return NULL;
    }
    return root;
}
