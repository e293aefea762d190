#include "unitfile.h"

#include <stdlib.h>
#include <string.h>

#include "jsonload.h"
#include "jsonpos.h"
#include "vntime.h"

typedef struct uf_ctx {
    jsonload_t j;
    unitfile_t *f;
} uf_ctx_t;

typedef struct uf_kind {
    const char *slug, *label;
    int abolished; /* a level that ended on 2025-07-01 */
} uf_kind_t;

/* The administrative levels and the agencies where a kiosk stands. */
static const uf_kind_t uf_kinds[] = {
    {"tinh", "Tỉnh", 0},
    {"thanh-pho-tw", "Thành phố trực thuộc trung ương", 0},
    {"huyen", "Huyện", 1},
    {"quan", "Quận", 1},
    {"thi-xa", "Thị xã", 1},
    {"thanh-pho-thuoc-tinh", "Thành phố thuộc tỉnh", 1},
    {"thi-tran", "Thị trấn", 1},
    {"xa", "Xã", 0},
    {"phuong", "Phường", 0},
    {"dac-khu", "Đặc khu", 0},
    {"so", "Sở, ban, ngành", 0},
    {"trung-tam-hcc", "Trung tâm Phục vụ hành chính công", 0},
    {"chi-nhanh-hcc", "Chi nhánh Trung tâm Phục vụ hành chính công", 0},
    {"mot-cua", "Bộ phận Một cửa", 0},
    {"don-vi-su-nghiep", "Đơn vị sự nghiệp công lập", 0},
    {"buu-dien", "Điểm tiếp nhận tại bưu điện", 0},
};
#define UF_N_KINDS (sizeof(uf_kinds) / sizeof(uf_kinds[0]))

static const char *const uf_root_keys[] = {"format", "note", "units",
                                           "changes", NULL};
static const char *const uf_unit_keys[] = {"code", "name", "kind", "parent",
                                           "note", NULL};
static const char *const uf_change_keys[] = {
    "unit", "from", "merge_into", "rename", "move_to", "note", NULL};

const char *unitfile_kind_label(const char *kind)
{
    size_t i;

    for (i = 0; kind && i < UF_N_KINDS; i++)
        if (strcmp(uf_kinds[i].slug, kind) == 0)
            return uf_kinds[i].label;
    return NULL;
}

int unitfile_kind_is_abolished(const char *kind)
{
    size_t i;

    for (i = 0; kind && i < UF_N_KINDS; i++)
        if (strcmp(uf_kinds[i].slug, kind) == 0)
            return uf_kinds[i].abolished;
    return 0;
}

static int uf_is_code_char(int ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
           (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
}

/* The code at obj.key, stored in the pool. */
static int uf_read_code(uf_ctx_t *x, json_t *obj, const char *path,
                        const char *key, const char **out)
{
    char p[JSONLOAD_PATH_MAX], code[UNITFILE_CODE_MAX];
    json_t *v;

    if (jsonload_require_member(&x->j, obj, path, key, &v) != 0)
        return -1;
    jsonload_append_key(p, path, key);
    if (jsonload_read_code(&x->j, v, p, code, sizeof(code), uf_is_code_char,
                           "A-Z, a-z, 0-9, '.', '_' and '-'") != 0)
        return -1;
    return jsonload_store_text(&x->j, code, strlen(code), p, out);
}

static int uf_read_name(uf_ctx_t *x, json_t *obj, const char *path,
                        const char *key, const char **out)
{
    char p[JSONLOAD_PATH_MAX];
    json_t *v;

    if (jsonload_require_member(&x->j, obj, path, key, &v) != 0)
        return -1;
    jsonload_append_key(p, path, key);
    return jsonload_read_pooled(&x->j, v, p, UNITFILE_NAME_MAX, out);
}

/* Index of code among the first n units, or -1. Linear: a file is read
 * once, and the caps keep it bounded. */
static long uf_find_unit(const unitfile_t *f, size_t n, const char *code)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(f->units[i].code, code) == 0)
            return (long)i;
    return -1;
}

static int uf_parse_unit(uf_ctx_t *x, json_t *v, const char *path, size_t i)
{
    unitfile_unit_t *u = &x->f->units[i];
    char p[JSONLOAD_PATH_MAX];
    const char *kind;
    json_t *e;

    if (!json_is_object(v))
        return jsonload_set_error(&x->j, path, "must be an object");
    if (jsonload_check_keys(&x->j, v, path, uf_unit_keys) != 0 ||
        uf_read_code(x, v, path, "code", &u->code) != 0 ||
        uf_read_name(x, v, path, "name", &u->name) != 0)
        return -1;
    if (uf_find_unit(x->f, i, u->code) >= 0)
        return jsonload_set_error(&x->j, path, "unit %s is listed twice",
                                  u->code);
    if (jsonload_require_member(&x->j, v, path, "kind", &e) != 0)
        return -1;
    jsonload_append_key(p, path, "kind");
    kind = json_string_value(e);
    if (!unitfile_kind_label(kind))
        return jsonload_set_error(
            &x->j, p,
            "must be one of tinh, thanh-pho-tw, huyen, quan, thi-xa,"
            " thanh-pho-thuoc-tinh, thi-tran, xa, phuong, dac-khu, so,"
            " trung-tam-hcc, chi-nhanh-hcc, mot-cua, don-vi-su-nghiep,"
            " buu-dien");
    if (jsonload_store_text(&x->j, kind, strlen(kind), p, &u->kind) != 0)
        return -1;
    u->parent = NULL;
    if (json_object_get(v, "parent") &&
        uf_read_code(x, v, path, "parent", &u->parent) != 0)
        return -1;
    if (u->parent && strcmp(u->parent, u->code) == 0)
        return jsonload_set_error(&x->j, p, "a unit cannot be its own parent");
    return 0;
}

/* Exactly one of merge_into, rename, move_to. */
static int uf_parse_change(uf_ctx_t *x, json_t *v, const char *path, size_t i)
{
    unitfile_change_t *c = &x->f->changes[i];
    char p[JSONLOAD_PATH_MAX];
    int n = 0;
    json_t *e;

    if (!json_is_object(v))
        return jsonload_set_error(&x->j, path, "must be an object");
    if (jsonload_check_keys(&x->j, v, path, uf_change_keys) != 0 ||
        uf_read_code(x, v, path, "unit", &c->code) != 0)
        return -1;
    c->index = i;
    if (jsonload_require_member(&x->j, v, path, "from", &e) != 0)
        return -1;
    jsonload_append_key(p, path, "from");
    if (!json_is_string(e) || strlen(json_string_value(e)) != 10 ||
        vntime_parse_date(json_string_value(e)) == -1)
        return jsonload_set_error(&x->j, p, "must be a date YYYY-MM-DD");
    memcpy(c->from, json_string_value(e), UNITFILE_DATE_MAX);
    n = (json_object_get(v, "merge_into") != NULL) +
        (json_object_get(v, "rename") != NULL) +
        (json_object_get(v, "move_to") != NULL);
    if (n != 1)
        return jsonload_set_error(&x->j, path,
                                  "needs exactly one of merge_into, rename"
                                  " and move_to");
    if (json_object_get(v, "merge_into")) {
        c->kind = UNITFILE_MERGE;
        if (uf_read_code(x, v, path, "merge_into", &c->value) != 0)
            return -1;
    } else if (json_object_get(v, "move_to")) {
        c->kind = UNITFILE_MOVE;
        if (uf_read_code(x, v, path, "move_to", &c->value) != 0)
            return -1;
    } else {
        c->kind = UNITFILE_RENAME;
        return uf_read_name(x, v, path, "rename", &c->value);
    }
    if (strcmp(c->value, c->code) == 0)
        return jsonload_set_error(&x->j, path,
                                  "a unit cannot be merged or moved into"
                                  " itself");
    return 0;
}

/* The date unit code is merged on, or NULL. */
static const char *uf_merged_on(const unitfile_t *f, const char *code)
{
    size_t i;

    for (i = 0; i < f->n_changes; i++)
        if (f->changes[i].kind == UNITFILE_MERGE &&
            strcmp(f->changes[i].code, code) == 0)
            return f->changes[i].from;
    return NULL;
}

/* Districts and thi-tran ended with 2025-06-30, and so did every unit
 * hanging below one: none of them may reach into the two-level years. */
static int uf_check_two_levels(uf_ctx_t *x)
{
    const unitfile_t *f = x->f;
    char p[JSONLOAD_PATH_MAX];
    size_t i;

    for (i = 0; i < f->n_units; i++) {
        const unitfile_unit_t *u = &f->units[i];
        long pi = u->parent ? uf_find_unit(f, f->n_units, u->parent) : -1;
        const char *why = NULL, *level = u->kind, *on;

        if (unitfile_kind_is_abolished(u->kind)) {
            why = "its level";
        } else if (pi >= 0 && unitfile_kind_is_abolished(f->units[pi].kind)) {
            why = "its parent's level";
            level = f->units[pi].kind;
        }
        if (!why)
            continue;
        on = uf_merged_on(f, u->code);
        if (on && strcmp(on, UNITFILE_TWO_LEVEL_FROM) <= 0)
            continue;
        jsonload_append_index(p, "units", i);
        return jsonload_set_error(
            &x->j, p,
            "%s (%s) ended on 2025-07-01 with the two-level local"
            " government: merge %s into a commune or province with"
            " \"from\" %s or earlier",
            why, level, u->code, UNITFILE_TWO_LEVEL_FROM);
    }
    return 0;
}

static int uf_cmp_change(const void *a, const void *b)
{
    const unitfile_change_t *x = a, *y = b;
    int d = strcmp(x->from, y->from);

    if (d != 0)
        return d;
    return x->index < y->index ? -1 : x->index > y->index;
}

static int uf_parse_list(uf_ctx_t *x, json_t *root, const char *key,
                         size_t lo, size_t max)
{
    char p[JSONLOAD_PATH_MAX];
    json_t *v;
    size_t i, n;

    v = json_object_get(root, key);
    if (!v && lo == 0)
        return 0;
    if (jsonload_require_member(&x->j, root, "", key, &v) != 0 ||
        jsonload_check_list(&x->j, v, key, lo, max, key) != 0)
        return -1;
    n = json_array_size(v);
    if (strcmp(key, "units") == 0) {
        x->f->units = calloc(n, sizeof(*x->f->units));
        if (!x->f->units)
            return jsonload_set_error(&x->j, key, "out of memory");
    } else {
        x->f->changes = calloc(n ? n : 1, sizeof(*x->f->changes));
        if (!x->f->changes)
            return jsonload_set_error(&x->j, key, "out of memory");
    }
    for (i = 0; i < n; i++) {
        jsonload_append_index(p, key, i);
        if (strcmp(key, "units") == 0) {
            if (uf_parse_unit(x, json_array_get(v, i), p, i) != 0)
                return -1;
            x->f->n_units = i + 1;
        } else {
            if (uf_parse_change(x, json_array_get(v, i), p, i) != 0)
                return -1;
            x->f->n_changes = i + 1;
        }
    }
    return 0;
}

static int uf_parse_root(uf_ctx_t *x, json_t *root)
{
    json_t *v;

    if (!json_is_object(root))
        return jsonload_set_error(&x->j, "", "must be a JSON object");
    if (jsonload_check_keys(&x->j, root, "", uf_root_keys) != 0 ||
        jsonload_require_member(&x->j, root, "", "format", &v) != 0)
        return -1;
    if (!json_is_string(v) ||
        strcmp(json_string_value(v), UNITFILE_FORMAT_NAME) != 0)
        return jsonload_set_error(&x->j, "format", "must be \"%s\"",
                                  UNITFILE_FORMAT_NAME);
    if (uf_parse_list(x, root, "units", 1, UNITFILE_UNIT_MAX) != 0 ||
        uf_parse_list(x, root, "changes", 0, UNITFILE_CHANGE_MAX) != 0 ||
        uf_check_two_levels(x) != 0)
        return -1;
    if (x->f->n_changes > 1)
        qsort(x->f->changes, x->f->n_changes, sizeof(*x->f->changes),
              uf_cmp_change);
    return 0;
}

void unitfile_free(unitfile_t *f)
{
    if (!f)
        return;
    free(f->units);
    free(f->changes);
    free(f->pool);
    free(f->text);
    free(f);
}

int unitfile_parse(const char *text, size_t len, const char *name,
                   unitfile_t **out, err_t *err)
{
    uf_ctx_t x;
    json_t *root;
    int rc;

    if (err == NULL)
        return -1;
    jsonload_reset_err(err, name);
    if (out == NULL) {
        err_set(err, "", "no place for the result");
        return -1;
    }
    *out = NULL;
    if (text == NULL || len > UNITFILE_SOURCE_MAX) {
        err_set(err, "", "a hierarchy file must be text of at most %d bytes",
                UNITFILE_SOURCE_MAX);
        return -1;
    }
    root = jsonload_parse_text(text, len, err);
    if (!root)
        return -1;
    memset(&x, 0, sizeof(x));
    x.f = calloc(1, sizeof(*x.f));
    /* NFC never grows text more than threefold; codes are copied too. */
    if (x.f) {
        x.f->pool_cap = 3 * len + 64;
        x.f->pool = malloc(x.f->pool_cap);
        x.f->text = malloc(len + 1);
    }
    if (!x.f || !x.f->pool || !x.f->text) {
        unitfile_free(x.f);
        json_decref(root);
        err_set(err, "", "out of memory");
        return -1;
    }
    memcpy(x.f->text, text, len);
    x.f->text[len] = '\0';
    x.f->len = len;
    x.j.text = text;
    x.j.len = len;
    x.j.err = err;
    x.j.pool = x.f->pool;
    x.j.pool_cap = x.f->pool_cap;
    x.j.pool_used = &x.f->pool_used;
    x.j.pool_what = "names and codes";
    rc = uf_parse_root(&x, root);
    json_decref(root);
    if (rc != 0) {
        unitfile_free(x.f);
        return -1;
    }
    *out = x.f;
    return 0;
}

static int uf_line_of(const unitfile_t *f, const char *list, size_t i)
{
    char p[JSONLOAD_PATH_MAX];
    int line = 0, column = 0;

    jsonload_append_index(p, list, i);
    if (!f || jsonpos_locate(f->text, f->len, p, &line, &column) != 0)
        return 0;
    return line;
}

int unitfile_line_of_unit(const unitfile_t *f, size_t i)
{
    return uf_line_of(f, "units", i);
}

int unitfile_line_of_change(const unitfile_t *f, const unitfile_change_t *c)
{
    return c ? uf_line_of(f, "changes", c->index) : 0;
}
