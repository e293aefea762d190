#include "ctl_provfile.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/jsonpos.h"
#include "core/provfile.h"
#include "platform/pfile.h"
#include "core/provresult.h"
#include "core/wpaconf.h"
#include "ctl.h"
#include "upload/client.h"

#define PF_CMD "provision"
#define PF_WPA_MAX 2048
#define PF_SETTINGS_MAX 4096
#define PF_RESULT_MAX 8192

typedef struct pf_run {
    const ctl_provfile_opts_t *o;
    const char *src;          /* the file read: o->file or the pending copy */
    int from_pending;
    char *text;               /* holds the code: wiped before freed */
    size_t len;
    /* The hub's CA bundle the file names, read by the caller (root with
     * --user: the card may be root's alone); NULL with why when it could
     * not be used, NULL with an empty why when the file names none. */
    char *ca_text;
    char ca_path[PATH_MAX];   /* where it was read */
    char ca_why[PROVRESULT_TEXT_MAX];
    char ca_kept[PATH_MAX];   /* DATA/hub-ca.pem, absolute, once written */
    provresult_t result;
} pf_run_t;

/* ---- files in DATA --------------------------------------------------- */

static void pf_join(char *out, size_t cap, const char *dir, const char *name)
{
    if ((size_t)snprintf(out, cap, "%s/%s", dir, name) >= cap)
        out[0] = '\0';
}

static int pf_sync_dir(const char *path)
{
    char dir[PATH_MAX], *slash;
    int fd, rc;

    snprintf(dir, sizeof(dir), "%s", path);
    slash = strrchr(dir, '/');
    if (slash == dir)
        slash[1] = '\0';
    else if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof(dir), ".");
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

/* Written whole under a temporary name, then renamed over path: a reader
 * (or a power cut) sees the old file or the new one, never a part. */
static int pf_write_atomic(const char *path, const char *text, mode_t mode)
{
    char tmp[PATH_MAX];
    size_t len = strlen(text), off = 0;
    ssize_t n;
    int fd, rc = 0;

    if (!path[0] ||
        (size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
        return -1;
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
              mode);
    if (fd < 0)
        return -1;
    /* A file left by an earlier run may have had a wider mode. */
    if (fchmod(fd, mode) != 0)
        rc = -1;
    while (rc == 0 && off < len) {
        n = write(fd, text + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            rc = -1;
        else
            off += (size_t)n;
    }
    if (rc == 0 && fsync(fd) != 0)
        rc = -1;
    if (close(fd) != 0)
        rc = -1;
    if (rc == 0 && rename(tmp, path) != 0)
        rc = -1;
    if (rc != 0)
        (void)unlink(tmp);
    return rc == 0 ? pf_sync_dir(path) : -1;
}

static int pf_mkdir(const char *path, mode_t mode)
{
    return mkdir(path, mode) == 0 || errno == EEXIST ? 0 : -1;
}

static int pf_read_all(const char *path, char **out, size_t *len)
{
    char *buf = malloc(PROVFILE_SOURCE_MAX + 2);
    size_t n = 0;
    ssize_t r;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0 || !buf) {
        if (fd >= 0)
            close(fd);
        free(buf);
        return -1;
    }
    while (n <= PROVFILE_SOURCE_MAX) {
        r = read(fd, buf + n, PROVFILE_SOURCE_MAX + 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

static void pf_free_text(pf_run_t *r)
{
    if (r->text)
        explicit_bzero(r->text, PROVFILE_SOURCE_MAX + 2);
    free(r->text);
    r->text = NULL;
}

/* ---- the hub's CA bundle --------------------------------------------- */

/* Why the CA file could not be read, in the technician's terms; each why
 * follows the file's name in the message. */
static void pf_ca_read_why(char *why, size_t cap, int e)
{
    if (e == ENOENT)
        snprintf(why, cap, "does not exist: copy it beside the provisioning "
                 "file");
    else if (e == ELOOP)
        snprintf(why, cap, "is a symbolic link: copy the file itself");
    else if (e == EINVAL)
        snprintf(why, cap, "is not a regular file");
    else if (e == EFBIG)
        snprintf(why, cap, "is larger than %d KiB: not a CA bundle",
                 PROVFILE_CA_SOURCE_MAX / 1024);
    else
        snprintf(why, cap, "cannot be read: %s", strerror(e));
}

/* The CA file at path, a regular file (not a link: the card's folder is
 * all it may read) of PEM text, into r->ca_text; else why in r->ca_why. */
static void pf_read_ca_file(pf_run_t *r, const char *path)
{
    char *buf;
    size_t n;

    snprintf(r->ca_path, sizeof(r->ca_path), "%s", path);
    if (pfile_read_small(path, PFILE_NOFOLLOW, PROVFILE_CA_SOURCE_MAX, &buf,
                         &n) != 0) {
        pf_ca_read_why(r->ca_why, sizeof(r->ca_why), errno);
        return;
    }
    if (provfile_check_ca_pem(buf, n, r->ca_why, sizeof(r->ca_why)) == 0) {
        r->ca_text = buf;
        return;
    }
    free(buf);
}

/* The directory part of path ("." for a bare name). */
static void pf_dir_of(char *out, size_t cap, const char *path)
{
    const char *slash = strrchr(path, '/');

    if (!slash)
        snprintf(out, cap, ".");
    else if (slash == path)
        snprintf(out, cap, "/");
    else
        snprintf(out, cap, "%.*s", (int)(slash - path), path);
}

/* Reads the CA the file names, as the caller: the card's file is parsed
 * here only for the name (the run parses it again and reports its
 * errors). From the pending copy the card's files are gone: the CA is the
 * one kept in DATA before that copy was made. */
static void pf_load_ca(pf_run_t *r)
{
    char dir[PATH_MAX], path[PATH_MAX];
    provfile_t p;
    err_t e;

    if (provfile_parse(r->text, r->len, r->src, PROVFILE_KIND_PROVISION,
                       sync_client_check_url, &p, &e) != 0 ||
        !p.ca[0]) {
        provfile_wipe(&p);
        return;
    }
    if (r->from_pending) {
        pf_join(path, sizeof(path), r->o->data, CTL_PROVFILE_CA);
    } else {
        pf_dir_of(dir, sizeof(dir), r->src);
        pf_join(path, sizeof(path), dir, p.ca);
    }
    provfile_wipe(&p);
    if (!path[0])
        snprintf(r->ca_why, sizeof(r->ca_why), "has too long a path");
    else
        pf_read_ca_file(r, path);
}

/* The CA named by p could not be used: a bad file, at the "ca" key. */
static void pf_note_bad_ca(pf_run_t *r, const provfile_t *p)
{
    err_t e;

    err_clear(&e);
    snprintf(e.file, sizeof(e.file), "%s", r->src);
    (void)jsonpos_locate(r->text, r->len, "ca", &e.line, &e.column);
    err_set(&e, "ca", "the hub's CA file %s %s",
            r->ca_path[0] ? r->ca_path : p->ca,
            r->ca_why[0] ? r->ca_why : "was not read");
    r->result.line = e.line;
    snprintf(r->result.field, sizeof(r->result.field), "%s", e.field);
    snprintf(r->result.ca_file, sizeof(r->result.ca_file), "%s", p->ca);
    err_format(&e, r->result.detail, sizeof(r->result.detail));
}

/* DATA/hub-ca.pem, before enrolment and before any pending copy relies
 * on it. Its absolute path goes into sync.db: the kiosk and later syncs
 * run from elsewhere. */
static int pf_keep_ca(pf_run_t *r)
{
    char data[PATH_MAX], path[PATH_MAX];

    if (!realpath(r->o->data, data)) {
        snprintf(r->result.detail, sizeof(r->result.detail),
                 "cannot resolve %s: %s", r->o->data, strerror(errno));
        return -1;
    }
    pf_join(path, sizeof(path), data, CTL_PROVFILE_CA);
    if (pf_write_atomic(path, r->ca_text, 0644) != 0) {
        snprintf(r->result.detail, sizeof(r->result.detail),
                 "cannot write %s: %s", path[0] ? path : CTL_PROVFILE_CA,
                 strerror(errno));
        return -1;
    }
    snprintf(r->ca_kept, sizeof(r->ca_kept), "%s", path);
    return 0;
}

/* ---- steps ----------------------------------------------------------- */

static int pf_write_settings(pf_run_t *r, const provfile_t *p)
{
    char settings[PF_SETTINGS_MAX], wpa[PF_WPA_MAX];
    char path[PATH_MAX], dir[PATH_MAX], wpath[PATH_MAX];
    int rc = -1;

    if (provfile_format_settings(p, settings, sizeof(settings)) != 0 ||
        (p->wifi.present && wpaconf_format(&p->wifi, wpa, sizeof(wpa)) != 0)) {
        snprintf(r->result.detail, sizeof(r->result.detail),
                 "the settings do not fit their files");
        return -1;
    }
    pf_join(path, sizeof(path), r->o->data, CTL_PROVFILE_SETTINGS);
    pf_join(dir, sizeof(dir), r->o->data, "network");
    pf_join(wpath, sizeof(wpath), r->o->data, CTL_PROVFILE_WPA);
    /* Wi-Fi first: it is what reaches the hub, and it holds a key, so
     * its directory and file are the owner's alone. */
    if (p->wifi.present &&
        (pf_mkdir(dir, 0700) != 0 || pf_write_atomic(wpath, wpa, 0600) != 0))
        snprintf(r->result.detail, sizeof(r->result.detail),
                 "cannot write %s: %s", wpath, strerror(errno));
    else if (pf_write_atomic(path, settings, 0644) != 0)
        snprintf(r->result.detail, sizeof(r->result.detail),
                 "cannot write %s: %s", path, strerror(errno));
    else
        rc = 0;
    explicit_bzero(wpa, sizeof(wpa));
    return rc;
}

static provresult_status_t pf_status_of(sync_enroll_outcome_t out)
{
    switch (out) {
    case SYNC_ENROLL_OK:
        return PROVRESULT_OK;
    case SYNC_ENROLL_UNKNOWN_CODE:
    case SYNC_ENROLL_CODE_USED:
    case SYNC_ENROLL_CODE_EXPIRED:
    case SYNC_ENROLL_REFUSED:
        return PROVRESULT_CODE_REFUSED;
    case SYNC_ENROLL_UNREACHABLE:
        return PROVRESULT_HUB_UNREACHABLE;
    case SYNC_ENROLL_BUSY:
    case SYNC_ENROLL_LOCAL_ERROR:
    default:
        return PROVRESULT_LOCAL_ERROR;
    }
}

static provresult_status_t pf_enroll(pf_run_t *r, const provfile_t *p)
{
    static sync_enroll_result_t res; /* large; one per process */
    sync_enroll_request_t rq = r->o->enroll;
    provresult_t *out = &r->result;

    rq.data_dir = r->o->data;
    rq.hub_url = p->hub;
    rq.code = p->code;
    rq.counter = p->counter;
    /* The file's CA takes the place of --ca: it speaks for this hub. */
    if (p->ca[0])
        rq.ca_file = r->ca_kept;
    (void)sync_enroll(&rq, &res);
    snprintf(out->detail, sizeof(out->detail), "%s", res.message);
    if (res.outcome == SYNC_ENROLL_OK)
        snprintf(out->unit_name, sizeof(out->unit_name), "%s",
                 res.enrollment.unit_name);
    return pf_status_of(res.outcome);
}

/* The pending copy lets a later run (next boot, the timer) enrol once the
 * network is up, after the card's copy is gone. */
static int pf_keep_pending(pf_run_t *r, int keep)
{
    char path[PATH_MAX];

    pf_join(path, sizeof(path), r->o->data, CTL_PROVFILE_PENDING);
    if (!keep)
        return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
    if (r->from_pending)
        return 0;
    return pf_write_atomic(path, r->text, 0600);
}

static int pf_record(pf_run_t *r)
{
    char text[PF_RESULT_MAX], path[PATH_MAX];

    r->result.time_ms = ctl_now_ms();
    pf_join(path, sizeof(path), r->o->data, PROVRESULT_NAME);
    if (provresult_format(&r->result, text, sizeof(text)) != 0 ||
        pf_write_atomic(path, text, 0644) != 0) {
        ctl_say(PF_CMD, "cannot record the result in %s: %s", path,
                strerror(errno));
        return -1;
    }
    return 0;
}

static provresult_status_t pf_apply_parsed(pf_run_t *r, provfile_t *p)
{
    provresult_status_t st;

    snprintf(r->result.counter, sizeof(r->result.counter), "%s", p->counter);
    if (pf_mkdir(r->o->data, 0750) != 0) {
        snprintf(r->result.detail, sizeof(r->result.detail),
                 "cannot create %s: %s", r->o->data, strerror(errno));
        return PROVRESULT_LOCAL_ERROR;
    }
    if (pf_write_settings(r, p) != 0 ||
        (p->ca[0] && pf_keep_ca(r) != 0))
        return PROVRESULT_LOCAL_ERROR;
    st = pf_enroll(r, p);
    /* A local error spent nothing: whichever copy was read stays for the
     * next try (the sync lock may just have been held a minute). */
    if (!r->o->delete_file || st == PROVRESULT_LOCAL_ERROR)
        return st;
    if (pf_keep_pending(r, st == PROVRESULT_HUB_UNREACHABLE) != 0) {
        snprintf(r->result.detail, sizeof(r->result.detail),
                 "cannot keep a copy in %s/%s for later: %s", r->o->data,
                 CTL_PROVFILE_PENDING, strerror(errno));
        return PROVRESULT_LOCAL_ERROR;
    }
    return st;
}

/* A bad file changes nothing; a bad pending copy is of no use to a later
 * run either. */
static provresult_status_t pf_bad_file(pf_run_t *r)
{
    if (r->o->delete_file && pf_keep_pending(r, 0) != 0)
        return PROVRESULT_LOCAL_ERROR;
    return PROVRESULT_BAD_FILE;
}

/* Everything but deleting the card's file, as the data's owner. */
static provresult_status_t pf_apply(pf_run_t *r)
{
    provfile_t p;
    err_t e;
    provresult_status_t st;

    if (provfile_parse(r->text, r->len, r->src, PROVFILE_KIND_PROVISION,
                       sync_client_check_url, &p, &e) != 0) {
        r->result.line = e.line;
        snprintf(r->result.field, sizeof(r->result.field), "%s", e.field);
        err_format(&e, r->result.detail, sizeof(r->result.detail));
        st = pf_bad_file(r);
    } else if (p.ca[0] && !r->ca_text) {
        /* Checked before anything is written: nothing changes. */
        pf_note_bad_ca(r, &p);
        st = pf_bad_file(r);
    } else {
        st = pf_apply_parsed(r, &p);
    }
    provfile_wipe(&p);
    r->result.status = st;
    if (pf_record(r) != 0)
        r->result.status = st = PROVRESULT_LOCAL_ERROR;
    return st;
}

/* ---- who does what --------------------------------------------------- */

static int pf_become(const struct passwd *pw)
{
    if (initgroups(pw->pw_name, pw->pw_gid) != 0 ||
        setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0 ||
        (pw->pw_uid != 0 && setuid(0) == 0)) {
        ctl_say(PF_CMD, "cannot run as %s: %s", pw->pw_name,
                strerror(errno));
        return -1;
    }
    return 0;
}

/* Root reads and deletes the card's file; the data directory is written
 * as its user, so the kiosk can open what enrolment creates there. */
static int pf_apply_as(pf_run_t *r)
{
    struct passwd *pw;
    pid_t pid;
    int status;

    if (!r->o->user)
        return (int)pf_apply(r);
    pw = getpwnam(r->o->user);
    if (!pw) {
        ctl_say(PF_CMD, "--user: no user \"%s\" on this system",
                r->o->user);
        return PROVRESULT_LOCAL_ERROR;
    }
    /* At first boot the kiosk never ran, so its directory may not exist
     * yet, and only root may create it under /var/lib. */
    if (mkdir(r->o->data, 0750) == 0) {
        if (chown(r->o->data, pw->pw_uid, pw->pw_gid) != 0) {
            ctl_say(PF_CMD, "cannot give %s to %s: %s", r->o->data,
                    pw->pw_name, strerror(errno));
            return PROVRESULT_LOCAL_ERROR;
        }
    } else if (errno != EEXIST) {
        ctl_say(PF_CMD, "cannot create %s: %s", r->o->data, strerror(errno));
        return PROVRESULT_LOCAL_ERROR;
    }
    if (fflush(NULL) != 0)
        return PROVRESULT_LOCAL_ERROR;
    pid = fork();
    if (pid < 0)
        return PROVRESULT_LOCAL_ERROR;
    if (pid == 0) {
        if (pf_become(pw) != 0)
            _exit(PROVRESULT_LOCAL_ERROR);
        status = (int)pf_apply(r);
        if (fflush(NULL) != 0)
            status = PROVRESULT_LOCAL_ERROR;
        _exit(status);
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return PROVRESULT_LOCAL_ERROR;
    return WIFEXITED(status) ? WEXITSTATUS(status) : PROVRESULT_LOCAL_ERROR;
}

static void pf_print(const pf_run_t *r, int st)
{
    provresult_t shown = r->result;
    char what[PROVRESULT_SAY_MAX], todo[PROVRESULT_SAY_MAX];
    char path[PATH_MAX];

    /* A forked run recorded its facts in the file only. */
    pf_join(path, sizeof(path), r->o->data, PROVRESULT_NAME);
    if (r->o->user) {
        char *text = NULL;
        size_t len = 0;

        if (pf_read_all(path, &text, &len) != 0 ||
            provresult_parse(text, len, &shown) != 0)
            shown.status = (provresult_status_t)st;
        free(text);
    }
    provresult_say_what(&shown, what, sizeof(what));
    provresult_say_todo(&shown, todo, sizeof(todo));
    printf("result        %s\n", provresult_status_word(shown.status));
    printf("message       %s\n", what);
    if (todo[0])
        printf("to do         %s\n", todo);
    if (shown.detail[0])
        printf("detail        %s\n", shown.detail);
    printf("recorded in   %s\n", path);
}

/* The card's copy goes once the result is recorded, whenever it may hold
 * a code that is spent, refused or kept in DATA; a local error spent
 * nothing and leaves it for the next try. */
static int pf_delete_source(const pf_run_t *r, int st)
{
    if (!r->o->delete_file || r->from_pending || st == PROVRESULT_LOCAL_ERROR)
        return 0;
    if (unlink(r->src) != 0 || pf_sync_dir(r->src) != 0) {
        ctl_say(PF_CMD, "cannot delete %s: %s", r->src, strerror(errno));
        return -1;
    }
    printf("deleted       %s\n", r->src);
    return 0;
}

int ctl_provfile_run(const ctl_provfile_opts_t *o)
{
    char pending[PATH_MAX];
    pf_run_t r;
    int st;

    memset(&r, 0, sizeof(r));
    r.o = o;
    r.src = o->file;
    pf_join(pending, sizeof(pending), o->data, CTL_PROVFILE_PENDING);
    /* No file on the card: a copy kept when the hub was out of reach. */
    if (access(o->file, F_OK) != 0 && errno == ENOENT &&
        access(pending, F_OK) == 0) {
        r.src = pending;
        r.from_pending = 1;
    }
    if (pf_read_all(r.src, &r.text, &r.len) != 0) {
        ctl_say(PF_CMD, "cannot read %s: %s", r.src, strerror(errno));
        return PROVRESULT_LOCAL_ERROR;
    }
    pf_load_ca(&r);
    st = pf_apply_as(&r);
    pf_free_text(&r);
    free(r.ca_text);
    pf_print(&r, st);
    if (pf_delete_source(&r, st) != 0 && st == PROVRESULT_OK)
        st = PROVRESULT_LOCAL_ERROR;
    if (fflush(stdout) != 0)
        st = PROVRESULT_LOCAL_ERROR;
    return st;
}
