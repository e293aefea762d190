/*
 * sipasctl provision: enroll a kiosk with the provincial hub.
 */
#include "ctl.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/version.h"
#include "upload/client.h"
#include "upload/enroll.h"

#include "ctl_provfile.h"

#define PROVISION_CMD "provision"
#define PROVISION_LOCK_WAIT_MS 60000

typedef struct provision_args {
    const char *data, *hub, *code, *counter, *ca, *pin;
    const char *file, *user;
    long connect_timeout_s;
    int repair, delete_file;
} provision_args_t;

static void provision_print_help(FILE *fp)
{
    fprintf(fp,
            "Usage: sipasctl provision --data DIR --hub URL --code CODE"
            " [--counter NAME]\n"
            "                          [--ca FILE] [--pin SHA256] [--repair]\n"
            "       sipasctl provision --data DIR --file PROVISION.json"
            " [--delete]\n"
            "                          [--user NAME] [--ca FILE] [--pin"
            " SHA256] [--repair]\n"
            "\n"
            "Enrolls the kiosk whose data lives in DIR with the provincial"
            " hub, using a\none-time code from `sipas-hub enroll-code --unit"
            " CODE`. The hub answers\nwith the unit the kiosk belongs to and"
            " a secret, kept in DIR/sync.db\n(readable by the owner only)."
            " Works on a directory the kiosk never used\n(its database is"
            " created to get the install id) and on one that already\nholds"
            " responses; those keep the unit they were recorded with,"
            " responses\nrecorded from now on carry the enrolled unit (a"
            " running kiosk switches\nwithin seconds). Enrolling again (a new"
            " code, e.g. after a revocation)\nreplaces the credentials."
            " sync.db is checked before the code goes to the hub:\nwhen it"
            " is damaged nothing is spent and provisioning stops, unless\n"
            "--repair is given.\n"
            "\n"
            "  -d, --data DIR        the kiosk's data directory\n"
            "  -H, --hub URL         the hub, https://HOST[:PORT] (http://"
            " only to\n"
            "                        127.0.0.1, ::1 or localhost)\n"
            "  -c, --code CODE       the one-time enrollment code\n"
            "  -n, --counter NAME    the counter's name at the hub and on"
            " every new\n"
            "                        response (default: the kiosk's"
            " configuration)\n"
            "      --ca FILE         CA bundle that signs the hub's"
            " certificate\n"
            "                        (default: the system's; with --file, a"
            " \"ca\" in the\n"
            "                        file takes its place, kept as"
            " DIR/hub-ca.pem)\n"
            "      --pin SHA256      SHA-256 of the hub's public key (64 hex"
            " digits or\n"
            "                        sha256//BASE64): any other key is"
            " refused\n"
            "      --connect-timeout S  give up connecting after S seconds"
            " (default 15)\n"
            "      --repair          a damaged sync.db (and its -wal, -shm)"
            " is moved\n"
            "                        aside to sync.db.damaged-TIME and a"
            " fresh one made\n"
            "  -f, --file FILE       the provisioning file (sipas-provision.json,"
            " see\n"
            "                        docs/PROVISIONING.md): hub, code, counter"
            " and the\n"
            "                        kiosk's settings; when FILE is missing,"
            " the copy kept\n"
            "                        in DIR after an unreachable hub is"
            " tried\n"
            "      --delete          delete FILE once the result is recorded"
            " in\n"
            "                        DIR/provision-result.json (kept on a"
            " local error)\n"
            "      --user NAME       run as root, read and delete FILE as"
            " root and do\n"
            "                        the rest as NAME, the owner of DIR\n"
            "  -h, --help            this text\n"
            "\n"
            "Exit status: 0 enrolled; 1 refused (unknown, used or expired"
            " code), hub\nunreachable, TLS failure or a local error; 2 usage"
            " error.\nWith --file: 0 enrolled; 1 local error (nothing spent,"
            " FILE kept); 2 usage\nerror; 3 bad file; 4 hub unreachable"
            " (settings applied, enrolment\nretried from the copy in DIR); 5"
            " code refused.\n");
}

static int provision_parse_seconds(const char *text, long *out)
{
    char *end;

    errno = 0;
    *out = strtol(text, &end, 10);
    return errno == 0 && end != text && *end == '\0' && *out >= 1 &&
                   *out <= 600
               ? 0
               : -1;
}

/* 0 to go on, 1 when help was printed, -1 on a usage error. */
static int provision_parse(int argc, char **argv, provision_args_t *a)
{
    static const struct option longs[] = {
        {"data", required_argument, NULL, 'd'},
        {"hub", required_argument, NULL, 'H'},
        {"code", required_argument, NULL, 'c'},
        {"counter", required_argument, NULL, 'n'},
        {"ca", required_argument, NULL, 'A'},
        {"pin", required_argument, NULL, 'P'},
        {"connect-timeout", required_argument, NULL, 'T'},
        {"repair", no_argument, NULL, 'R'},
        {"file", required_argument, NULL, 'f'},
        {"delete", no_argument, NULL, 'X'},
        {"user", required_argument, NULL, 'U'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    memset(a, 0, sizeof(*a));
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":d:H:c:n:f:h", longs, NULL)) != -1) {
        switch (c) {
        case 'd': a->data = optarg; break;
        case 'H': a->hub = optarg; break;
        case 'c': a->code = optarg; break;
        case 'n': a->counter = optarg; break;
        case 'A': a->ca = optarg; break;
        case 'P': a->pin = optarg; break;
        case 'R': a->repair = 1; break;
        case 'f': a->file = optarg; break;
        case 'X': a->delete_file = 1; break;
        case 'U': a->user = optarg; break;
        case 'T':
            if (provision_parse_seconds(optarg, &a->connect_timeout_s) != 0) {
                ctl_say(PROVISION_CMD, "--connect-timeout: expected 1 to 600"
                        " seconds, got \"%s\"", optarg);
                return -1;
            }
            break;
        case 'h':
            provision_print_help(stdout);
            return 1;
        default:
            ctl_report_bad_option(PROVISION_CMD, c, argv[optind - 1]);
            return -1;
        }
    }
    if (optind < argc) {
        ctl_say(PROVISION_CMD, "unexpected argument \"%s\"", argv[optind]);
        return -1;
    }
    if (a->file && (a->hub || a->code || a->counter || !a->data)) {
        ctl_say(PROVISION_CMD, "--file takes --data DIR; hub, code and"
                " counter come from the file");
        return -1;
    }
    if (!a->file && (a->delete_file || a->user)) {
        ctl_say(PROVISION_CMD, "--delete and --user go with --file");
        return -1;
    }
    if (!a->data || (!a->file && (!a->hub || !a->code))) {
        ctl_say(PROVISION_CMD, "--data DIR, --hub URL and --code CODE are"
                " required");
        return -1;
    }
    if (a->counter && (!a->counter[0] || strlen(a->counter) > 200)) {
        ctl_say(PROVISION_CMD, "--counter: 1 to 200 bytes");
        return -1;
    }
    return 0;
}

/* Checks what can be checked before talking to the hub. */
static int provision_check(const provision_args_t *a, char *ca_abs,
                           size_t ca_cap, char *pin, size_t pin_cap)
{
    char err[512];

    if (a->hub && sync_client_check_url(a->hub, err, sizeof(err)) != 0) {
        ctl_say(PROVISION_CMD, "--hub: %s", err);
        return CTL_EXIT_USAGE;
    }
    ca_abs[0] = '\0';
    if (a->ca) {
        /* Stored as an absolute path: the kiosk runs from elsewhere. */
        if (ca_cap < PATH_MAX || !realpath(a->ca, ca_abs)) {
            ctl_say(PROVISION_CMD, "--ca: cannot use %s: %s", a->ca,
                    strerror(errno));
            return CTL_EXIT_FAIL;
        }
    }
    pin[0] = '\0';
    if (a->pin &&
        sync_client_normalise_pin(a->pin, pin, pin_cap, err, sizeof(err)) !=
            0) {
        ctl_say(PROVISION_CMD, "--pin: %s", err);
        return CTL_EXIT_USAGE;
    }
    return CTL_EXIT_OK;
}

static void provision_print(const sync_enroll_result_t *r)
{
    const syncdb_enrollment_t *e = &r->enrollment;

    if (r->moved_to[0])
        printf("repaired      the damaged sync database is kept as %s\n",
               r->moved_to);
    printf("enrolled      %s (%s)\n", e->unit_code, e->unit_name);
    printf("hub           %s\n", e->hub_url);
    printf("install id    %s%s\n", e->install_id,
           r->created_store ? " (new kiosk database created)" : "");
    printf("counter       %s\n",
           e->counter[0] ? e->counter : "as in the kiosk's configuration");
    if (e->ca_file[0])
        printf("CA            %s\n", e->ca_file);
    if (e->pin[0])
        printf("key pin       %s\n", e->pin);
    printf("pending       %lld responses to upload%s\n",
           (long long)r->pending,
           r->pending > 0 ? " (they keep the unit they were recorded with)"
                          : "");
    if (r->tests > 0)
        printf("test ratings  %lld recorded before enrollment: kept here,"
               " never uploaded or counted\n",
               (long long)r->tests);
    if (r->reset)
        printf("note          another hub or install id was enrolled before:"
               " everything is uploaded again\n");
}

static int provision_from_file(const provision_args_t *a,
                               const sync_enroll_request_t *rq)
{
    ctl_provfile_opts_t o;

    memset(&o, 0, sizeof(o));
    o.data = a->data;
    o.file = a->file;
    o.user = a->user;
    o.delete_file = a->delete_file;
    o.enroll = *rq;
    return ctl_provfile_run(&o);
}

int ctl_provision_main(int argc, char **argv)
{
    static sync_enroll_result_t res; /* large; one per process */
    char ca_abs[PATH_MAX], pin[128];
    sync_enroll_request_t rq;
    provision_args_t a;
    int rc;

    rc = provision_parse(argc, argv, &a);
    if (rc != 0)
        return rc > 0 ? CTL_EXIT_OK : CTL_EXIT_USAGE;
    rc = provision_check(&a, ca_abs, sizeof(ca_abs), pin, sizeof(pin));
    if (rc != CTL_EXIT_OK)
        return rc;
    memset(&rq, 0, sizeof(rq));
    rq.data_dir = a.data;
    rq.hub_url = a.hub;
    rq.code = a.code;
    rq.counter = a.counter;
    rq.ca_file = ca_abs;
    rq.pin = pin;
    rq.version = SIPAS_VERSION;
    rq.user_agent = "sipasctl/" SIPAS_VERSION;
    rq.connect_timeout_s = a.connect_timeout_s;
    rq.lock_wait_ms = PROVISION_LOCK_WAIT_MS;
    rq.repair = a.repair;
    if (a.file)
        return provision_from_file(&a, &rq);
    if (sync_enroll(&rq, &res) != SYNC_ENROLL_OK) {
        ctl_say(PROVISION_CMD, "%s", res.message);
        return CTL_EXIT_FAIL;
    }
    provision_print(&res);
    if (fflush(stdout) != 0) {
        ctl_say(PROVISION_CMD, "writing the result failed");
        return CTL_EXIT_FAIL;
    }
    return CTL_EXIT_OK;
}
