#include "provresult.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A file name is one word: a longer one is wider than a line of a
 * portrait panel at its smallest text, so it is left to the detail and
 * the provisioning file itself (the hub's is "sipas-hub-ca.pem"). */
#define PR_CA_SHOWN_MAX 40

typedef struct pr_word {
    provresult_status_t status;
    const char *word;
} pr_word_t;

static const pr_word_t pr_words[] = {
    {PROVRESULT_OK, "ok"},
    {PROVRESULT_BAD_FILE, "bad-file"},
    {PROVRESULT_HUB_UNREACHABLE, "hub-unreachable"},
    {PROVRESULT_CODE_REFUSED, "code-refused"},
    {PROVRESULT_LOCAL_ERROR, "local-error"},
};

#define PR_WORD_COUNT (sizeof(pr_words) / sizeof(pr_words[0]))

const char *provresult_status_word(provresult_status_t s)
{
    size_t i;

    for (i = 0; i < PR_WORD_COUNT; i++)
        if (pr_words[i].status == s)
            return pr_words[i].word;
    return "local-error";
}

static int pr_find_status(const char *word, provresult_status_t *out)
{
    size_t i;

    for (i = 0; word && i < PR_WORD_COUNT; i++) {
        if (strcmp(pr_words[i].word, word) == 0) {
            *out = pr_words[i].status;
            return 0;
        }
    }
    return -1;
}

void provresult_say_what(const provresult_t *r, char *out, size_t cap)
{
    switch (r->status) {
    case PROVRESULT_OK:
        snprintf(out, cap, "Đã đăng ký với máy chủ tỉnh: %s — %s. Kiosk sẵn"
                 " sàng.", r->unit_name[0] ? r->unit_name : "?",
                 r->counter[0] ? r->counter : "?");
        return;
    case PROVRESULT_BAD_FILE:
        if (r->ca_file[0] && strlen(r->ca_file) <= PR_CA_SHOWN_MAX)
            snprintf(out, cap, "Tệp chứng chỉ \"%s\" (mục \"ca\") bị thiếu"
                     " hoặc không đúng. Chưa thay đổi gì.", r->ca_file);
        else if (r->ca_file[0])
            snprintf(out, cap, "Tệp chứng chỉ nêu ở mục \"ca\" bị thiếu hoặc"
                     " không đúng. Chưa thay đổi gì.");
        else if (r->line > 0 && r->field[0])
            snprintf(out, cap, "Tệp sipas-provision.json có lỗi ở dòng %d,"
                     " mục \"%s\". Chưa thay đổi gì.", r->line, r->field);
        else if (r->line > 0)
            snprintf(out, cap, "Tệp sipas-provision.json có lỗi ở dòng %d."
                     " Chưa thay đổi gì.", r->line);
        else
            snprintf(out, cap, "Tệp sipas-provision.json có lỗi. Chưa thay"
                     " đổi gì.");
        return;
    case PROVRESULT_HUB_UNREACHABLE:
        snprintf(out, cap, "Chưa kết nối được máy chủ tỉnh. Đã lưu cài đặt;"
                 " kiosk sẽ tự đăng ký lại khi có mạng.");
        return;
    case PROVRESULT_CODE_REFUSED:
        snprintf(out, cap, "Mã đăng ký bị từ chối (đã dùng, hết hạn hoặc"
                 " sai).");
        return;
    case PROVRESULT_LOCAL_ERROR:
    default:
        snprintf(out, cap, "Không lưu được cài đặt trên kiosk. Chưa dùng mã"
                 " đăng ký.");
        return;
    }
}

void provresult_say_todo(const provresult_t *r, char *out, size_t cap)
{
    switch (r->status) {
    case PROVRESULT_OK:
        snprintf(out, cap, "%s", "");
        return;
    case PROVRESULT_BAD_FILE:
        /* The card's provisioning file is gone (--delete): both go back. */
        if (r->ca_file[0])
            snprintf(out, cap, "Chép tệp này và tệp sipas-provision.json"
                     " từ máy chủ tỉnh vào thẻ nhớ; mã đăng ký vẫn còn giá"
                     " trị.");
        else
                snprintf(out, cap, "Sửa tệp rồi chép lại vào thẻ nhớ; mã đăng"
                     " ký chưa dùng nên vẫn còn giá trị.");
        return;
    case PROVRESULT_HUB_UNREACHABLE:
        snprintf(out, cap, "Kiểm tra cáp mạng hoặc Wi-Fi.");
        return;
    case PROVRESULT_CODE_REFUSED:
        snprintf(out, cap, "Xin mã mới trên máy chủ tỉnh rồi chép lại tệp"
                 " sipas-provision.json vào thẻ nhớ.");
        return;
    case PROVRESULT_LOCAL_ERROR:
    default:
        snprintf(out, cap, "Chạy sipasctl provision để xem chi tiết.");
        return;
    }
}

int provresult_format(const provresult_t *r, char *out, size_t cap)
{
    char what[PROVRESULT_SAY_MAX], todo[PROVRESULT_SAY_MAX];
    char *text;
    json_t *o;
    int n;

    provresult_say_what(r, what, sizeof(what));
    provresult_say_todo(r, todo, sizeof(todo));
    /* s? keeps a name that is not UTF-8 from losing the whole record. */
    o = json_pack("{s:i, s:s, s:I, s:s?, s:s?, s:i, s:s?, s:s?, s:s?, s:s?,"
                  " s:s?}",
                  "format", 1, "status", provresult_status_word(r->status),
                  "time_ms", (json_int_t)r->time_ms, "unit_name",
                  r->unit_name, "counter", r->counter, "line", r->line,
                  "field", r->field, "ca_file", r->ca_file, "detail",
                  r->detail, "message", what, "todo", todo);
    text = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(o);
    if (!text)
        return -1;
    n = snprintf(out, cap, "%s\n", text);
    free(text);
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

static void pr_copy(char *out, size_t cap, json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    snprintf(out, cap, "%s", s ? s : "");
}

int provresult_parse(const char *text, size_t len, provresult_t *r)
{
    json_t *o, *t, *l;
    int rc = -1;

    memset(r, 0, sizeof(*r));
    if (!text || len > PROVRESULT_SOURCE_MAX)
        return -1;
    o = json_loadb(text, len, 0, NULL);
    t = json_object_get(o, "time_ms");
    l = json_object_get(o, "line");
    if (json_is_object(o) && json_is_integer(t) &&
        pr_find_status(json_string_value(json_object_get(o, "status")),
                       &r->status) == 0) {
        r->time_ms = (int64_t)json_integer_value(t);
        r->line = json_is_integer(l) && json_integer_value(l) > 0 &&
                          json_integer_value(l) < 1000000
                      ? (int)json_integer_value(l)
                      : 0;
        pr_copy(r->unit_name, sizeof(r->unit_name), o, "unit_name");
        pr_copy(r->counter, sizeof(r->counter), o, "counter");
        pr_copy(r->field, sizeof(r->field), o, "field");
        pr_copy(r->ca_file, sizeof(r->ca_file), o, "ca_file");
        pr_copy(r->detail, sizeof(r->detail), o, "detail");
        rc = 0;
    }
    json_decref(o);
    return rc;
}
