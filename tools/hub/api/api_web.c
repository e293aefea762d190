/*
 * GET /dashboard/...: the analysts' web page as static files.
 *
 * The files are those `make` puts in build/web/ (page, scripts, styles,
 * the bundled chart library, the reason labels): nothing is fetched from
 * elsewhere at run time. The folder is, in this order, $SIPAS_HUB_WEB, the
 * folder "web" beside the sipas-hub binary, or ../share/sipas-hub/web
 * from it (an installed hub).
 *
 * Only a closed set of names is served: letters, digits, '.', '_', '-'
 * and '/', no segment starting with a dot (so no "..", no hidden files),
 * a known extension, a regular file that is not a symbolic link and whose
 * real path lies inside the folder. Every answer carries an ETag made of
 * the file's inode, size and modification time and "Cache-Control:
 * no-cache", so a browser asks again each time and gets 304 while the
 * file is unchanged.
 */
#include "hub/api/handler.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hub/base/log.h"

#define HUB_WEB_PREFIX "/dashboard"
#define HUB_WEB_INDEX "index.html"
#define HUB_WEB_NAME_MAX 160           /* bytes of a path below the folder */
#define HUB_WEB_FILE_MAX (8 * 1024 * 1024) /* the chart library is ~200 KiB */
#define HUB_WEB_ENV "SIPAS_HUB_WEB"
/* The page loads only what the hub serves; nothing inline, no frames. */
#define HUB_WEB_CSP                                                       \
    "default-src 'none'; script-src 'self'; style-src 'self';"           \
    " img-src 'self' data:; font-src 'self'; connect-src 'self';"        \
    " base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

typedef struct hub_web_type {
    const char *ext, *type;
} hub_web_type_t;

static const hub_web_type_t hub_web_types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".map", "application/json; charset=utf-8"},
    {".txt", "text/plain; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".ttf", "font/ttf"},
};

#define HUB_WEB_N_TYPES (sizeof(hub_web_types) / sizeof(hub_web_types[0]))

static pthread_once_t hub_web_once = PTHREAD_ONCE_INIT;
static char hub_web_root[PATH_MAX]; /* real path; "" when none was found */

/* The real path of dir into hub_web_root when it is a folder; 0 or -1. */
static int hub_web_try_root(const char *dir)
{
    char real[PATH_MAX];
    struct stat sb;

    if (!realpath(dir, real) || stat(real, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return -1;
    snprintf(hub_web_root, sizeof(hub_web_root), "%s", real);
    return 0;
}

static void hub_web_find_root(void)
{
    char exe[PATH_MAX], dir[PATH_MAX + 32];
    const char *env = getenv(HUB_WEB_ENV);
    ssize_t n;
    char *slash;

    hub_web_root[0] = '\0';
    if (env && env[0]) {
        if (hub_web_try_root(env) != 0)
            hub_log_say("%s=%s is not a folder; the dashboard is off",
                        HUB_WEB_ENV, env);
        return;
    }
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return;
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    if (!slash)
        return;
    *slash = '\0';
    snprintf(dir, sizeof(dir), "%s/web", exe);
    if (hub_web_try_root(dir) == 0)
        return;
    snprintf(dir, sizeof(dir), "%s/../share/sipas-hub/web", exe);
    (void)hub_web_try_root(dir);
}

/* The file name below the folder for a request path, or NULL when the
 * path names nothing the dashboard serves. */
static const char *hub_web_get_name(const char *path)
{
    size_t n = strlen(HUB_WEB_PREFIX);
    const char *name, *seg, *slash;

    if (strncmp(path, HUB_WEB_PREFIX, n) != 0)
        return NULL;
    path += n;
    if (path[0] == '\0' || strcmp(path, "/") == 0)
        return HUB_WEB_INDEX;
    if (path[0] != '/')
        return NULL; /* "/dashboardx" */
    name = path + 1;
    if (strlen(name) > HUB_WEB_NAME_MAX ||
        strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                     "0123456789._-/") != strlen(name))
        return NULL;
    /* Every segment is non-empty and starts with a letter or digit: no
     * "..", no hidden file, no "//". */
    for (seg = name;; seg = slash + 1) {
        if (!isalnum((unsigned char)seg[0]))
            return NULL;
        slash = strchr(seg, '/');
        if (!slash)
            return name;
    }
}

static const char *hub_web_get_type(const char *name)
{
    const char *dot = strrchr(name, '.');
    size_t i;

    if (!dot || strchr(dot, '/'))
        return NULL;
    for (i = 0; i < HUB_WEB_N_TYPES; i++)
        if (strcmp(dot, hub_web_types[i].ext) == 0)
            return hub_web_types[i].type;
    return NULL;
}

/* 1 when the If-None-Match list holds etag (weak or strong) or "*". */
static int hub_web_is_fresh(const char *header, const char *etag)
{
    size_t elen = strlen(etag), n;
    const char *p = header;

    if (!p)
        return 0;
    while (*p) {
        while (*p == ' ' || *p == ',' || *p == '\t')
            p++;
        if (strncmp(p, "W/", 2) == 0)
            p += 2;
        n = strcspn(p, ", \t");
        if ((n == 1 && p[0] == '*') || (n == elen && memcmp(p, etag, n) == 0))
            return 1;
        p += n;
    }
    return 0;
}

/* The whole of an open file of size bytes into a new buffer; NULL on a
 * read error or when the file changed size under us. */
static char *hub_web_read_all(int fd, size_t size)
{
    char *buf = malloc(size + 1);
    size_t got = 0;
    ssize_t n;

    if (!buf)
        return NULL;
    while (got < size) {
        n = read(fd, buf + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    if (got != size) {
        free(buf);
        return NULL;
    }
    buf[size] = '\0';
    return buf;
}

/* Opens root/name when it really is a regular file inside root; the
 * descriptor (>= 0) with *sb filled, or -1 (errno as open()'s, or ENOENT
 * for anything not servable). */
static int hub_web_open(const char *name, struct stat *sb)
{
    char full[PATH_MAX], real[PATH_MAX];
    size_t rlen = strlen(hub_web_root);
    int fd, n;

    n = snprintf(full, sizeof(full), "%s/%s", hub_web_root, name);
    if (n < 0 || (size_t)n >= sizeof(full))
        goto missing;
    /* No symbolic link anywhere on the way out of the folder. */
    if (!realpath(full, real) || strncmp(real, hub_web_root, rlen) != 0 ||
        real[rlen] != '/')
        goto missing;
    fd = open(real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (fstat(fd, sb) != 0 || !S_ISREG(sb->st_mode)) {
        (void)close(fd); /* read-only, nothing to flush */
        goto missing;
    }
    return fd;
missing:
    errno = ENOENT;
    return -1;
}

int hub_api_web(hub_ctx_t *ctx, const hub_request_t *req, hub_reply_t *r)
{
    const char *name = hub_web_get_name(req->path), *type;
    struct stat sb;
    char *body;
    int fd;

    (void)ctx;
    if (pthread_once(&hub_web_once, hub_web_find_root) != 0)
        return hub_reply_fail(r, 500, "internal", "cannot start the page");
    type = name ? hub_web_get_type(name) : NULL;
    if (!type)
        return hub_reply_fail(r, 404, "not-found", "no such file");
    if (!hub_web_root[0])
        return hub_reply_fail(r, 404, "not-found",
                              "the dashboard is not installed next to this"
                              " hub (build it with make, or set %s)",
                              HUB_WEB_ENV);
    fd = hub_web_open(name, &sb);
    if (fd < 0) {
        if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP)
            hub_log_say("dashboard file %s: %s", name, strerror(errno));
        return hub_reply_fail(r, 404, "not-found", "no such file");
    }
    if (sb.st_size < 0 || sb.st_size > HUB_WEB_FILE_MAX) {
        (void)close(fd);
        hub_log_say("dashboard file %s is over %d bytes", name,
                    HUB_WEB_FILE_MAX);
        return hub_reply_fail(r, 500, "internal", "file too large");
    }
    snprintf(r->etag, sizeof(r->etag), "\"%llx-%llx-%llx\"",
             (unsigned long long)sb.st_ino, (unsigned long long)sb.st_size,
             (unsigned long long)sb.st_mtim.tv_sec * 1000000000ULL +
                 (unsigned long long)sb.st_mtim.tv_nsec);
    if (hub_web_is_fresh(req->if_none_match, r->etag)) {
        (void)close(fd);
        body = malloc(1); /* an empty body, not an error text */
        sb.st_size = 0;
        r->status = 304;
    } else {
        body = hub_web_read_all(fd, (size_t)sb.st_size);
        (void)close(fd);
        r->status = 200;
    }
    if (!body) {
        r->etag[0] = '\0';
        return hub_reply_fail(r, 500, "internal", "cannot read %s", name);
    }
    free(r->body);
    r->body = body;
    r->body_len = (size_t)sb.st_size;
    r->error[0] = '\0';
    r->message[0] = '\0';
    r->content_type = type;
    r->cache_control = "no-cache";
    r->security_policy = HUB_WEB_CSP;
    return r->status;
}
