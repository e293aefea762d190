#include "provfile.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "jsonload.h"

#define PF_PATH_MAX JSONLOAD_PATH_MAX
#define PF_LANGS "vi, en or km"

typedef struct pf_ctx {
    jsonload_t j;
    provfile_t *p;
    provfile_kind_t kind;
    provfile_url_check_fn check_url;
} pf_ctx_t;

static const char *const pf_languages[] = {"vi", "en", "km", NULL};

void provfile_wipe(provfile_t *p)
{
    explicit_bzero(p, sizeof(*p));
}

/* ---- values ---------------------------------------------------------- */

static int pf_is_visible_ascii(int ch)
{
    return ch > 0x20 && ch < 0x7F;
}

static int pf_is_code_char(int ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
           (ch >= '0' && ch <= '9') || ch == '-';
}

static int pf_is_upper(int ch)
{
    return ch >= 'A' && ch <= 'Z';
}

static int pf_is_hex(int ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
           (ch >= 'A' && ch <= 'F');
}

/* A WPA passphrase is printable ASCII, spaces included. */
static int pf_is_passphrase_char(int ch)
{
    return ch >= 0x20 && ch < 0x7F;
}

static json_t *pf_member(pf_ctx_t *x, json_t *obj, const char *path,
                         const char *key, char p[PF_PATH_MAX])
{
    jsonload_append_key(p, path, key);
    (void)x;
    return json_object_get(obj, key);
}

static int pf_read_hub(pf_ctx_t *x, json_t *v, const char *path)
{
    char why[ERR_MSG_MAX];
    const char *s = json_string_value(v);

    if (!s || !jsonload_is_word(s, sizeof(x->p->hub), pf_is_visible_ascii) ||
        !strstr(s, "://"))
        return jsonload_set_error(&x->j, path,
                                  "must be the hub's address, such as "
                                  "\"https://sipas.example.gov.vn\", at most "
                                  "%zu characters",
                                  sizeof(x->p->hub) - 1);
    if (x->check_url && x->check_url(s, why, sizeof(why)) != 0)
        return jsonload_set_error(&x->j, path, "%s", why);
    snprintf(x->p->hub, sizeof(x->p->hub), "%s", s);
    return 0;
}

static int pf_read_counter(pf_ctx_t *x, json_t *v, const char *path)
{
    char *text;
    size_t n;

    if (jsonload_read_text(&x->j, v, path, sizeof(x->p->counter) - 1, &text,
                           &n) != 0)
        return -1;
    snprintf(x->p->counter, sizeof(x->p->counter), "%s", text);
    free(text);
    return 0;
}

static int pf_read_fields(pf_ctx_t *x, json_t *v, const char *path)
{
    provfile_t *p = x->p;
    char ep[PF_PATH_MAX];
    size_t i, n;
    int k;

    if (jsonload_check_list(&x->j, v, path, 1, CONFIG_FIELD_MAX,
                            "field codes") != 0)
        return -1;
    n = json_array_size(v);
    for (i = 0; i < n; i++) {
        json_t *e = json_array_get(v, i);

        jsonload_append_index(ep, path, i);
        if (!json_is_string(e) || !fields_is_known(json_string_value(e)))
            return jsonload_set_error(
                &x->j, ep,
                "must be a procedure field: dat-dai, xay-dung, dau-tu, "
                "tu-phap, moi-truong, lao-dong, y-te, giao-duc or khac");
        snprintf(p->fields[i], CONFIG_CODE_MAX, "%s", json_string_value(e));
        for (k = 0; k < (int)i; k++)
            if (strcmp(p->fields[k], p->fields[i]) == 0)
                return jsonload_set_error(&x->j, ep, "\"%s\" is listed twice",
                                          p->fields[i]);
    }
    p->n_fields = (int)n;
    return 0;
}

static int pf_read_language(pf_ctx_t *x, json_t *v, const char *path)
{
    const char *s = json_string_value(v);

    if (!s || jsonload_find_word(s, pf_languages) < 0)
        return jsonload_set_error(&x->j, path, "must be %s", PF_LANGS);
    snprintf(x->p->language, sizeof(x->p->language), "%s", s);
    return 0;
}

/* The same rule as the configuration's admin.pin_hash. */
static int pf_read_pin_hash(pf_ctx_t *x, json_t *v, const char *path)
{
    const char *s = json_string_value(v);

    if (!s || s[0] != '$' ||
        !jsonload_is_word(s, sizeof(x->p->admin_pin_hash),
                          pf_is_visible_ascii))
        return jsonload_set_error(
            &x->j, path,
            "must be a crypt(3) hash starting with \"$\", at most %zu "
            "characters (never the PIN itself)",
            sizeof(x->p->admin_pin_hash) - 1);
    snprintf(x->p->admin_pin_hash, sizeof(x->p->admin_pin_hash), "%s", s);
    return 0;
}

/* An SSID becomes hex in wpa_supplicant's file, so any bytes would be
 * safe there; control characters are refused all the same, since no
 * counter's network is named with them and they hide typos. */
static int pf_read_ssid(pf_ctx_t *x, json_t *v, const char *path)
{
    const char *s = json_string_value(v);
    size_t n = s ? json_string_length(v) : 0, i;

    if (!s || n == 0 || n > PROVFILE_SSID_MAX || strlen(s) != n)
        return jsonload_set_error(&x->j, path,
                                  "must be the network's name, 1 to %d bytes",
                                  PROVFILE_SSID_MAX);
    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
            return jsonload_set_error(&x->j, path,
                                      "must not contain control characters "
                                      "(line breaks, tabs)");
    snprintf(x->p->wifi.ssid, sizeof(x->p->wifi.ssid), "%s", s);
    return 0;
}

static int pf_read_psk(pf_ctx_t *x, json_t *v, const char *path)
{
    const char *s = json_string_value(v);
    size_t n = s ? json_string_length(v) : 0;

    if (s && n == PROVFILE_PSK_MAX && strlen(s) == n &&
        jsonload_is_word(s, PROVFILE_PSK_MAX + 1, pf_is_hex)) {
        snprintf(x->p->wifi.psk, sizeof(x->p->wifi.psk), "%s", s);
        return 0;
    }
    if (!s || n < PROVFILE_PSK_MIN || n >= PROVFILE_PSK_MAX ||
        strlen(s) != n ||
        !jsonload_is_word(s, PROVFILE_PSK_MAX, pf_is_passphrase_char))
        return jsonload_set_error(
            &x->j, path,
            "must be the Wi-Fi password: %d to %d printable ASCII "
            "characters (no line breaks, no accents), or %d hex digits",
            PROVFILE_PSK_MIN, PROVFILE_PSK_MAX - 1, PROVFILE_PSK_MAX);
    snprintf(x->p->wifi.psk, sizeof(x->p->wifi.psk), "%s", s);
    return 0;
}

static int pf_read_wifi(pf_ctx_t *x, json_t *v, const char *path)
{
    static const char *const keys[] = {"ssid", "psk", "country", NULL};
    provfile_wifi_t *w = &x->p->wifi;
    char p[PF_PATH_MAX];
    json_t *e;

    if (jsonload_check_keys(&x->j, v, path, keys) != 0 ||
        jsonload_require_member(&x->j, v, path, "ssid", &e) != 0)
        return -1;
    jsonload_append_key(p, path, "ssid");
    if (pf_read_ssid(x, e, p) != 0)
        return -1;
    e = pf_member(x, v, path, "psk", p);
    if (e && pf_read_psk(x, e, p) != 0)
        return -1;
    if (jsonload_require_member(&x->j, v, path, "country", &e) != 0)
        return -1;
    jsonload_append_key(p, path, "country");
    if (!json_is_string(e) || strlen(json_string_value(e)) != 2 ||
        !jsonload_is_word(json_string_value(e), 3, pf_is_upper))
        return jsonload_set_error(&x->j, p,
                                  "must be two capital letters, such as "
                                  "\"VN\" (it sets the radio's legal "
                                  "channels)");
    snprintf(w->country, sizeof(w->country), "%s", json_string_value(e));
    w->present = 1;
    return 0;
}

/* ---- the document ---------------------------------------------------- */

static int pf_read_root(pf_ctx_t *x, json_t *root)
{
    static const char *const provision_keys[] = {
        "format", "hub", "code", "counter", "fields", "language",
        "admin_pin_hash", "wifi", NULL};
    static const char *const settings_keys[] = {
        "format", "hub", "counter", "fields", "language", "admin_pin_hash",
        NULL};
    int provision = x->kind == PROVFILE_KIND_PROVISION;
    provfile_t *p = x->p;
    char path[PF_PATH_MAX];
    json_t *v;

    if (jsonload_check_keys(&x->j, root, "",
                            provision ? provision_keys : settings_keys) != 0)
        return -1;
    if (jsonload_require_member(&x->j, root, "", "format", &v) != 0 ||
        jsonload_read_int(&x->j, v, "format", PROVFILE_FORMAT,
                          PROVFILE_FORMAT, &p->format) != 0)
        return -1;
    v = pf_member(x, root, "", "hub", path);
    if (!v && provision)
        return jsonload_set_error(&x->j, path, "is required");
    if (v && pf_read_hub(x, v, path) != 0)
        return -1;
    if (provision) {
        if (jsonload_require_member(&x->j, root, "", "code", &v) != 0 ||
            jsonload_read_code(&x->j, v, "code", p->code, sizeof(p->code),
                               pf_is_code_char,
                               "A-Z, a-z, 0-9, \"-\" (as sipas-hub "
                               "enroll-code printed it)") != 0 ||
            jsonload_require_member(&x->j, root, "", "counter", &v) != 0)
            return -1;
    }
    v = pf_member(x, root, "", "counter", path);
    if (v && pf_read_counter(x, v, path) != 0)
        return -1;
    v = pf_member(x, root, "", "fields", path);
    if (v && pf_read_fields(x, v, path) != 0)
        return -1;
    v = pf_member(x, root, "", "language", path);
    if (v && pf_read_language(x, v, path) != 0)
        return -1;
    v = pf_member(x, root, "", "admin_pin_hash", path);
    if (v && pf_read_pin_hash(x, v, path) != 0)
        return -1;
    v = pf_member(x, root, "", "wifi", path);
    return v ? pf_read_wifi(x, v, path) : 0;
}

int provfile_parse(const char *text, size_t len, const char *name,
                   provfile_kind_t kind, provfile_url_check_fn check_url,
                   provfile_t *p, err_t *err)
{
    pf_ctx_t x;
    json_t *root;
    int rc;

    jsonload_reset_err(err, name);
    provfile_wipe(p);
    if (text == NULL || len > PROVFILE_SOURCE_MAX) {
        err_set(err, "", "the file must be text of at most %d bytes",
                PROVFILE_SOURCE_MAX);
        return -1;
    }
    root = jsonload_parse_text(text, len, err);
    if (root == NULL)
        return -1;
    memset(&x, 0, sizeof(x));
    x.j = (jsonload_t){.text = text,
                       .len = len,
                       .err = err,
                       .wording = JSONLOAD_WORD_BREAKS | JSONLOAD_WORD_UTF8};
    x.p = p;
    x.kind = kind;
    x.check_url = check_url;
    rc = pf_read_root(&x, root);
    json_decref(root);
    if (rc != 0)
        provfile_wipe(p);
    return rc;
}

/* ---- settings -------------------------------------------------------- */

int provfile_apply_config(const provfile_t *p, config_t *c)
{
    char first[sizeof(c->langs[0])];
    int i;

    if (p->counter[0])
        snprintf(c->counter, sizeof(c->counter), "%s", p->counter);
    if (p->n_fields > 0) {
        c->n_fields = p->n_fields;
        memcpy(c->fields, p->fields, sizeof(c->fields));
    }
    if (p->admin_pin_hash[0])
        snprintf(c->admin_pin_hash, sizeof(c->admin_pin_hash), "%s",
                 p->admin_pin_hash);
    if (!p->language[0])
        return 0;
    for (i = 0; i < c->n_langs; i++) {
        if (strcmp(c->langs[i], p->language) != 0)
            continue;
        memcpy(first, c->langs[0], sizeof(first));
        memcpy(c->langs[0], c->langs[i], sizeof(first));
        memcpy(c->langs[i], first, sizeof(first));
        return 0;
    }
    return -1;
}

int provfile_format_settings(const provfile_t *p, char *out, size_t cap)
{
    json_t *o = json_pack("{s:i}", "format", PROVFILE_FORMAT), *f;
    char *text = NULL;
    int i, bad = o == NULL;

    if (!bad && p->hub[0])
        bad |= json_object_set_new(o, "hub", json_string(p->hub));
    if (!bad && p->counter[0])
        bad |= json_object_set_new(o, "counter", json_string(p->counter));
    if (!bad && p->n_fields > 0) {
        f = json_array();
        for (i = 0; f && i < p->n_fields; i++)
            bad |= json_array_append_new(f, json_string(p->fields[i]));
        bad |= json_object_set_new(o, "fields", f);
    }
    if (!bad && p->language[0])
        bad |= json_object_set_new(o, "language", json_string(p->language));
    if (!bad && p->admin_pin_hash[0])
        bad |= json_object_set_new(o, "admin_pin_hash",
                                   json_string(p->admin_pin_hash));
    if (!bad)
        text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!text || (size_t)snprintf(out, cap, "%s\n", text) >= cap) {
        free(text);
        return -1;
    }
    free(text);
    return 0;
}
