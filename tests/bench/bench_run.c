/*
 * bench-run: starts a command the way systemd starts a Type=notify unit,
 * times it to READY=1 on a NOTIFY_SOCKET of its own, and reads what /proc
 * says about it: peak and current memory, context switches and CPU time
 * while it idles. Prints one line of key=value pairs on stdout.
 *
 *   bench-run [options] -- COMMAND [ARGS...]
 *     --timeout MS   give up on READY=1 (or on exit with --exit); 10000
 *     --no-ready     do not wait for READY=1 (for commands that never send it)
 *     --settle MS    after READY=1, wait this long before reading memory
 *     --idle S       then count context switches and CPU time over S seconds
 *     --tree         memory, switches and CPU of the whole process group
 *                    (a browser's children) instead of the one process
 *     --exit         wait for the command to end by itself; report its wall
 *                    time and peak RSS (getrusage of the waited child)
 *     --out FILE     the command's stdout (default /dev/null)
 *
 * Keys: ready_ms, hwm_kb, rss_kb, pss_kb, procs, peak_rss_kb, ctx,
 * ctx_per_s (all threads), main_per_s (the main thread alone), threads,
 * cpu_ms, run_ms, wall_ms, maxrss_kb, status. A value of -1
 * means "not measured". Exit status 0 when the command became ready (or
 * ended with status 0 under --exit), 1 otherwise.
 *
 * The command runs in a process group of its own, so the whole group is
 * stopped at the end: SIGTERM, then SIGKILL after a grace period.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BR_MAX_PROCS 512
#define BR_GRACE_MS 3000

typedef struct br_opts {
    int timeout_ms;
    int wait_ready;
    int settle_ms;
    int idle_s;
    int tree;
    int wait_exit;
    const char *out;
    char **argv;
} br_opts_t;

/* What /proc says about the process or its group at one moment. */
typedef struct br_sample {
    long hwm_kb, rss_kb, pss_kb;
    long long ctx;
    long long ctx_main;         /* of the thread-group leader alone */
    long long cpu_ticks;
    long long run_ns;
    int procs;
    int threads;
} br_sample_t;

static double br_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void br_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static int br_read(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n, total = 0;

    if (fd < 0)
        return -1;
    while ((size_t)total < cap - 1 &&
           (n = read(fd, buf + total, cap - 1 - (size_t)total)) > 0)
        total += n;
    close(fd);
    buf[total] = '\0';
    return total > 0 ? 0 : -1;
}

/* The number after "key:" in a /proc status-like text, or -1. */
static long long br_field(const char *text, const char *key)
{
    size_t n = strlen(key);
    const char *p = text;

    while ((p = strstr(p, key)) != NULL) {
        if ((p == text || p[-1] == '\n') && p[n] == ':')
            return strtoll(p + n + 1, NULL, 10);
        p += n;
    }
    return -1;
}

/* utime + stime (fields 14 and 15) and the parent and group (4, 5) from
 * /proc/PID/stat; the command name may hold spaces, so parse after ')'. */
static int br_stat(pid_t pid, long long *ticks, pid_t *ppid, pid_t *pgrp)
{
    char path[64], buf[1024], *p;
    long long f[16];
    int i;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    if (br_read(path, buf, sizeof(buf)) != 0)
        return -1;
    p = strrchr(buf, ')');
    if (!p)
        return -1;
    p++;
    /* After ')': state is field 3; we want fields 4..15. */
    while (*p == ' ')
        p++;
    while (*p && *p != ' ')
        p++;
    for (i = 4; i <= 15; i++)
        f[i] = strtoll(p, &p, 10);
    if (ticks)
        *ticks = f[14] + f[15];
    if (ppid)
        *ppid = (pid_t)f[4];
    if (pgrp)
        *pgrp = (pid_t)f[5];
    return 0;
}

/* Adds one process: memory from status and smaps_rollup, switches and
 * on-CPU time summed over its threads. */
static void br_add_proc(pid_t pid, br_sample_t *s)
{
    char path[300], buf[4096];
    long long v, ticks;
    DIR *d;
    struct dirent *e;

    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    if (br_read(path, buf, sizeof(buf)) != 0)
        return;
    s->procs++;
    if ((v = br_field(buf, "VmHWM")) > 0)
        s->hwm_kb += (long)v;
    if ((v = br_field(buf, "VmRSS")) > 0)
        s->rss_kb += (long)v;
    snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
    if (br_read(path, buf, sizeof(buf)) == 0 && (v = br_field(buf, "Pss")) > 0)
        s->pss_kb += (long)v;
    if (br_stat(pid, &ticks, NULL, NULL) == 0)
        s->cpu_ticks += ticks;
    snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
    d = opendir(path);
    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        s->threads++;
        snprintf(path, sizeof(path), "/proc/%d/task/%s/status", (int)pid,
                 e->d_name);
        if (br_read(path, buf, sizeof(buf)) == 0) {
            long long n = 0;
            v = br_field(buf, "voluntary_ctxt_switches");
            if (v > 0)
                n += v;
            v = br_field(buf, "nonvoluntary_ctxt_switches");
            if (v > 0)
                n += v;
            s->ctx += n;
            if (strtol(e->d_name, NULL, 10) == (long)pid)
                s->ctx_main += n;
        }
        snprintf(path, sizeof(path), "/proc/%d/task/%s/schedstat", (int)pid,
                 e->d_name);
        if (br_read(path, buf, sizeof(buf)) == 0)
            s->run_ns += strtoll(buf, NULL, 10);
    }
    closedir(d);
}

/* The process, or with tree every process of its group or descended from
 * it (a child may leave the group; count it anyway). */
static void br_sample(pid_t pid, int tree, br_sample_t *s)
{
    pid_t pids[BR_MAX_PROCS], parents[BR_MAX_PROCS], ppid, pgrp;
    int in[BR_MAX_PROCS];
    int n = 0, i, j, grew;
    DIR *d;
    struct dirent *e;

    memset(s, 0, sizeof(*s));
    if (!tree) {
        br_add_proc(pid, s);
        return;
    }
    d = opendir("/proc");
    if (!d)
        return;
    while ((e = readdir(d)) != NULL && n < BR_MAX_PROCS) {
        pid_t p;
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        p = (pid_t)strtol(e->d_name, NULL, 10);
        if (br_stat(p, NULL, &ppid, &pgrp) != 0)
            continue;
        pids[n] = p;
        parents[n] = ppid;
        in[n] = p == pid || pgrp == pid;
        n++;
    }
    closedir(d);
    do {
        grew = 0;
        for (i = 0; i < n; i++) {
            if (in[i])
                continue;
            for (j = 0; j < n; j++) {
                if (in[j] && parents[i] == pids[j]) {
                    in[i] = 1;
                    grew = 1;
                    break;
                }
            }
        }
    } while (grew);
    for (i = 0; i < n; i++)
        if (in[i])
            br_add_proc(pids[i], s);
}

static int br_usage(void)
{
    fputs("usage: bench-run [--timeout MS] [--no-ready] [--settle MS] "
          "[--idle S] [--tree] [--exit] [--out FILE] -- COMMAND [ARGS...]\n",
          stderr);
    return 2;
}

static int br_parse(int argc, char **argv, br_opts_t *o)
{
    int i;

    memset(o, 0, sizeof(*o));
    o->timeout_ms = 10000;
    o->wait_ready = 1;
    o->out = "/dev/null";
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (strcmp(a, "--") == 0) {
            if (!more)
                return -1;
            o->argv = argv + i + 1;
            return 0;
        } else if (strcmp(a, "--timeout") == 0 && more) {
            o->timeout_ms = atoi(argv[++i]);
        } else if (strcmp(a, "--settle") == 0 && more) {
            o->settle_ms = atoi(argv[++i]);
        } else if (strcmp(a, "--idle") == 0 && more) {
            o->idle_s = atoi(argv[++i]);
        } else if (strcmp(a, "--out") == 0 && more) {
            o->out = argv[++i];
        } else if (strcmp(a, "--no-ready") == 0) {
            o->wait_ready = 0;
        } else if (strcmp(a, "--tree") == 0) {
            o->tree = 1;
        } else if (strcmp(a, "--exit") == 0) {
            o->wait_exit = 1;
            o->wait_ready = 0;
        } else {
            return -1;
        }
    }
    return -1;
}

/* A notification datagram holds newline-separated assignments. */
static int br_is_ready(const char *msg)
{
    const char *p = msg;

    while (p && *p) {
        if (strncmp(p, "READY=1", 7) == 0 && (p[7] == '\0' || p[7] == '\n'))
            return 1;
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    return 0;
}

/* Ends the group: SIGTERM, then SIGKILL for whatever is left after the
 * grace period. Returns the child's wait status, or -1 if it was not
 * reaped here. */
static int br_stop(pid_t pid, int *reaped)
{
    int status = -1;
    double until;
    pid_t r;

    if (!*reaped) {
        kill(-pid, SIGTERM);
        until = br_now_ms() + BR_GRACE_MS;
        while (br_now_ms() < until) {
            r = waitpid(pid, &status, WNOHANG);
            if (r == pid) {
                *reaped = 1;
                break;
            }
            br_sleep_ms(10);
        }
    }
    /* Children in the group may outlive its leader. */
    until = br_now_ms() + BR_GRACE_MS;
    while (kill(-pid, 0) == 0 && br_now_ms() < until)
        br_sleep_ms(20);
    kill(-pid, SIGKILL);
    if (!*reaped && waitpid(pid, &status, 0) == pid)
        *reaped = 1;
    return status;
}

static int br_exit_code(int status)
{
    if (status < 0)
        return -1;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return -1;
}

int main(int argc, char **argv)
{
    br_opts_t o;
    char dir[] = "/tmp/bench-notify.XXXXXX", sock_path[128], msg[4096];
    struct sockaddr_un sa;
    int fd = -1, reaped = 0, status = -1, ready = 0, ok;
    pid_t pid;
    double t0, ready_ms = -1, wall_ms = -1, run_ms = -1, cpu_ms = -1;
    double ctx_per_s = -1, main_per_s = -1;
    long long ctx = -1;
    long peak_rss = -1, maxrss = -1;
    br_sample_t s, a, b;
    struct rusage ru;
    long tick = sysconf(_SC_CLK_TCK);

    if (br_parse(argc, argv, &o) != 0)
        return br_usage();
    memset(&s, 0, sizeof(s));
    s.hwm_kb = s.rss_kb = s.pss_kb = -1;
    if (!mkdtemp(dir)) {
        perror("bench-run: mkdtemp");
        return 1;
    }
    snprintf(sock_path, sizeof(sock_path), "%s/notify", dir);
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        perror("bench-run: notify socket");
        rmdir(dir);
        return 1;
    }

    t0 = br_now_ms();
    pid = fork();
    if (pid < 0) {
        perror("bench-run: fork");
        return 1;
    }
    if (pid == 0) {
        int out = open(o.out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        setpgid(0, 0);
        if (out >= 0)
            dup2(out, STDOUT_FILENO);
        setenv("NOTIFY_SOCKET", sock_path, 1);
        unsetenv("WATCHDOG_USEC");
        execvp(o.argv[0], o.argv);
        fprintf(stderr, "bench-run: %s: %s\n", o.argv[0], strerror(errno));
        _exit(127);
    }
    setpgid(pid, pid); /* no race with the child's own call */

    if (o.wait_exit) {
        /* The command ends by itself: time it, keep its peak RSS. */
        double until = t0 + o.timeout_ms;
        pid_t r;
        for (;;) {
            r = wait4(pid, &status, WNOHANG, &ru);
            if (r == pid) {
                reaped = 1;
                wall_ms = br_now_ms() - t0;
                maxrss = ru.ru_maxrss;
                break;
            }
            if (br_now_ms() >= until) {
                fprintf(stderr, "bench-run: %s still running after %d ms\n",
                        o.argv[0], o.timeout_ms);
                break;
            }
            br_sleep_ms(1);
        }
    } else if (o.wait_ready) {
        double until = t0 + o.timeout_ms;
        while (!ready) {
            struct pollfd p = {fd, POLLIN, 0};
            int left = (int)(until - br_now_ms());
            if (left <= 0) {
                fprintf(stderr, "bench-run: no READY=1 from %s within %d ms\n",
                        o.argv[0], o.timeout_ms);
                break;
            }
            if (poll(&p, 1, left < 20 ? left : 20) > 0) {
                ssize_t n = recv(fd, msg, sizeof(msg) - 1, 0);
                if (n > 0) {
                    msg[n] = '\0';
                    if (br_is_ready(msg)) {
                        ready = 1;
                        ready_ms = br_now_ms() - t0;
                    }
                }
            } else if (waitpid(pid, &status, WNOHANG) == pid) {
                reaped = 1;
                fprintf(stderr, "bench-run: %s ended before READY=1\n",
                        o.argv[0]);
                break;
            }
        }
    }

    ok = o.wait_exit ? reaped && br_exit_code(status) == 0
                     : !reaped && (ready || !o.wait_ready);
    if (ok && !o.wait_exit) {
        /* Memory after start-up; with a tree, track the peak of the sum
         * while it settles, since children come and go. */
        double until = br_now_ms() + o.settle_ms;
        peak_rss = 0;
        for (;;) {
            br_sample(pid, o.tree, &s);
            if (s.rss_kb > peak_rss)
                peak_rss = s.rss_kb;
            if (br_now_ms() >= until)
                break;
            br_sleep_ms(100);
        }
        if (o.idle_s > 0) {
            double ta, tb;
            br_sample(pid, o.tree, &a);
            ta = br_now_ms();
            br_sleep_ms(o.idle_s * 1000);
            br_sample(pid, o.tree, &b);
            tb = br_now_ms();
            ctx = b.ctx - a.ctx;
            ctx_per_s = (double)ctx * 1000.0 / (tb - ta);
            main_per_s = (double)(b.ctx_main - a.ctx_main) * 1000.0 / (tb - ta);
            cpu_ms = (double)(b.cpu_ticks - a.cpu_ticks) * 1000.0 / (double)tick;
            run_ms = (double)(b.run_ns - a.run_ns) / 1e6;
            /* Memory as it stands after the idle period. */
            br_sample(pid, o.tree, &s);
        }
    }
    if (!reaped) {
        int st = br_stop(pid, &reaped);
        /* After a ready command, its answer to SIGTERM: 0 is a clean exit. */
        if (!o.wait_exit)
            status = st;
    } else {
        br_stop(pid, &reaped); /* children left in the group, if any */
    }
    close(fd);
    unlink(sock_path);
    rmdir(dir);

    printf("ready_ms=%.3f hwm_kb=%ld rss_kb=%ld pss_kb=%ld procs=%d "
           "peak_rss_kb=%ld ctx=%lld ctx_per_s=%.2f main_per_s=%.2f "
           "threads=%d cpu_ms=%.0f run_ms=%.3f wall_ms=%.3f maxrss_kb=%ld "
           "status=%d\n",
           ready_ms, s.hwm_kb, s.rss_kb, s.pss_kb, s.procs, peak_rss, ctx,
           ctx_per_s, main_per_s, s.threads, cpu_ms, run_ms, wall_ms, maxrss,
           br_exit_code(status));
    return ok ? 0 : 1;
}
