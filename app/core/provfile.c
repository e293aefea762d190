#include "provfile.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonload.h"

#define PF_PATH_MAX JSONLOAD_PATH_MAX

typedef struct pf_ctx {
    jsonload_t j;
    provfile_t *p;
    provfile_kind_t kind;
    provfile_url_check_fn check_url;
} pf_ctx_t;

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
    return jsonload_read_fields(&x->j, v, path, CONFIG_FIELD_MAX,
                                &x->p->fields[0][0], CONFIG_CODE_MAX,
                                &x->p->n_fields);
}

/* Any language the kiosk's words may hold (docs/LANGUAGES.md): whether
 * this kiosk offers it is the configuration's to say, at first boot. */
static int pf_is_language(const char *s)
{
    size_t n = 0;

    for (; s[n]; n++)
        if (s[n] < 'a' || s[n] > 'z')
            return 0;
    return n == 2 || n == 3;
}

static int pf_read_language(pf_ctx_t *x, json_t *v, const char *path)
{
    const char *s = json_string_value(v);

    if (!s || !pf_is_language(s))
        return jsonload_set_error(&x->j, path,
                                  "must be a language code of two or three"
                                  " small letters (vi, en, km, rad ...)");
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

/* The CA file's name: a bare name beside the provisioning file, so the
 * file can never point outside the card's folder (no "/", no ".."), nor
 * at a hidden or system file (no leading "."). */
static int pf_is_ca_name_char(int ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
           (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
}

static int pf_has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n > m && strcmp(s + n - m, suffix) == 0;
}

static int pf_read_ca(pf_ctx_t *x, json_t *v, const char *path)
{
    const char *s = json_string_value(v);

    if (!s || !jsonload_is_word(s, sizeof(x->p->ca), pf_is_visible_ascii))
        return jsonload_set_error(&x->j, path,
                                  "must be the name of the hub's CA file "
                                  "beside this file, such as "
                                  "\"sipas-hub-ca.pem\", at most %d "
                                  "characters",
                                  PROVFILE_CA_NAME_MAX);
    if (strchr(s, '/') || strchr(s, '\\') || strstr(s, ".."))
        return jsonload_set_error(&x->j, path,
                                  "must be a file name only, not a path: "
                                  "the CA file lies beside this file");
    if (s[0] == '.' ||
        !jsonload_is_word(s, sizeof(x->p->ca), pf_is_ca_name_char))
        return jsonload_set_error(&x->j, path,
                                  "must be a file name of A-Z, a-z, 0-9, "
                                  "\".\", \"_\", \"-\", not starting with "
                                  "\".\"");
    if (!pf_has_suffix(s, ".pem") && !pf_has_suffix(s, ".crt"))
        return jsonload_set_error(&x->j, path,
                                  "must name a PEM file ending \".pem\" or "
                                  "\".crt\"");
    snprintf(x->p->ca, sizeof(x->p->ca), "%s", s);
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
    e = json_object_get(v, "psk");
    jsonload_append_key(p, path, "psk");
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

static int pf_read_code(pf_ctx_t *x, json_t *v, const char *path)
{
    return jsonload_read_code(&x->j, v, path, x->p->code, sizeof(x->p->code),
                              pf_is_code_char,
                              "A-Z, a-z, 0-9, \"-\" (as sipas-hub "
                              "enroll-code printed it)");
}

typedef int (*pf_read_fn)(pf_ctx_t *x, json_t *v, const char *path);

typedef struct pf_member {
    const char *key;
    pf_read_fn read;
} pf_member_t;

/* In the order a technician reads them; the keys allowed are checked
 * before, per kind. */
static const pf_member_t pf_members[] = {
    {"hub", pf_read_hub},           {"code", pf_read_code},
    {"counter", pf_read_counter},   {"fields", pf_read_fields},
    {"language", pf_read_language}, {"admin_pin_hash", pf_read_pin_hash},
    {"wifi", pf_read_wifi},         {"ca", pf_read_ca},
};

#define PF_MEMBER_COUNT (sizeof(pf_members) / sizeof(pf_members[0]))

static int pf_read_root(pf_ctx_t *x, json_t *root)
{
    static const char *const provision_keys[] = {
        "format", "hub", "code", "counter", "fields", "language",
        "admin_pin_hash", "wifi", "ca", NULL};
    static const char *const settings_keys[] = {
        "format", "hub", "counter", "fields", "language", "admin_pin_hash",
        NULL};
    /* "format" first: it is read as it is found. */
    static const char *const provision_required[] = {"format", "hub", "code",
                                                     "counter", NULL};
    static const char *const settings_required[] = {"format", NULL};
    int provision = x->kind == PROVFILE_KIND_PROVISION;
    const char *const *required =
        provision ? provision_required : settings_required;
    char path[PF_PATH_MAX];
    size_t i;
    json_t *v;

    if (jsonload_check_keys(&x->j, root, "",
                            provision ? provision_keys : settings_keys) != 0)
        return -1;
    /* The version first: a file of another format is told so, not that
     * it lacks a key. */
    for (i = 0; required[i]; i++) {
        if (jsonload_require_member(&x->j, root, "", required[i], &v) != 0)
            return -1;
        if (i == 0 && jsonload_read_int(&x->j, v, "format", PROVFILE_FORMAT,
                                        PROVFILE_FORMAT, &x->p->format) != 0)
            return -1;
    }
    for (i = 0; i < PF_MEMBER_COUNT; i++) {
        v = json_object_get(root, pf_members[i].key);
        jsonload_append_key(path, "", pf_members[i].key);
        if (v && pf_members[i].read(x, v, path) != 0)
            return -1;
    }
    return 0;
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

/* ---- the CA bundle ---------------------------------------------------- */

/* memmem over text that may not end in NUL. */
static const char *pf_find(const char *text, size_t len, const char *what)
{
    return memmem(text, len, what, strlen(what));
}

int provfile_check_ca_pem(const char *text, size_t len, char *why,
                          size_t cap)
{
    const char *begin, *end;

    if (text == NULL || len == 0) {
        snprintf(why, cap, "is empty: a CA bundle is PEM text with a "
                 "\"%s\" block", PROVFILE_PEM_BEGIN);
        return -1;
    }
    if (len > PROVFILE_CA_SOURCE_MAX) {
        snprintf(why, cap, "is larger than %d KiB: not a CA bundle",
                 PROVFILE_CA_SOURCE_MAX / 1024);
        return -1;
    }
    if (memchr(text, '\0', len)) {
        snprintf(why, cap, "is not text: a CA bundle is PEM (\"%s\"), "
                 "not DER", PROVFILE_PEM_BEGIN);
        return -1;
    }
    begin = pf_find(text, len, PROVFILE_PEM_BEGIN);
    end = begin ? pf_find(begin, len - (size_t)(begin - text),
                          PROVFILE_PEM_END)
                : NULL;
    if (!end) {
        snprintf(why, cap, "holds no certificate: a CA bundle is PEM text "
                 "with a \"%s\" block", PROVFILE_PEM_BEGIN);
        return -1;
    }
    return 0;
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

/* Sets key to text when text is not empty; 0, or -1 when it cannot. */
static int pf_set_text(json_t *o, const char *key, const char *text)
{
    return text[0] ? json_object_set_new(o, key, json_string(text)) : 0;
}

/* Every json_*_new call takes its value, failing or not: nothing leaks
 * on the way out. */
static json_t *pf_build_settings(const provfile_t *p)
{
    json_t *o = json_pack("{s:i}", "format", PROVFILE_FORMAT), *f;
    int i, bad = o == NULL;

    bad = bad || pf_set_text(o, "hub", p->hub) != 0 ||
          pf_set_text(o, "counter", p->counter) != 0;
    if (!bad && p->n_fields > 0) {
        f = json_array();
        bad = json_object_set_new(o, "fields", f) != 0;
        for (i = 0; !bad && i < p->n_fields; i++)
            bad = json_array_append_new(f, json_string(p->fields[i])) != 0;
    }
    bad = bad || pf_set_text(o, "language", p->language) != 0 ||
          pf_set_text(o, "admin_pin_hash", p->admin_pin_hash) != 0;
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int provfile_format_settings(const provfile_t *p, char *out, size_t cap)
{
    json_t *o = pf_build_settings(p);
    char *text = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER)
                   : NULL;
    int n = text ? snprintf(out, cap, "%s\n", text) : -1;

    json_decref(o);
    free(text);
    return n > 0 && (size_t)n < cap ? 0 : -1;
}
