#include "script.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ui/draw.h"

typedef struct script {
    kiosk_t *k;
    const char *path;
    int line;
    FILE *latency;      /* --latency: one line per tap, owned here */
} script_t;

static int script_fail(const script_t *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int script_fail(const script_t *s, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "sipas-kiosk: %s:%d: ", s->path, s->line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return -1;
}

/* Moves virtual time forward to target, firing each deadline on the way
 * in order, as real time would. */
static void script_advance_to(kiosk_t *k, uint64_t target)
{
    for (;;) {
        uint64_t now = pclock_boot_ms(&k->clock);
        uint64_t d = flow_next_deadline(&k->flow);
        if (d > target || d == UINT64_MAX) {
            if (target > now)
                pclock_advance(&k->clock, target - now);
            kiosk_pump(k);
            return;
        }
        if (d > now)
            pclock_advance(&k->clock, d - now);
        kiosk_pump(k);
    }
}

/* An answer's highlight ends by itself within 400 ms; a script's next step
 * acts on the screen after it, as a citizen's next tap would. */
static void script_settle(kiosk_t *k)
{
    uint64_t d;

    kiosk_pump(k);
    while ((d = flow_highlight_deadline(&k->flow)) != 0)
        script_advance_to(k, d);
}

/* Microseconds from an injection at counter t0 to the present that
 * followed it, or -1 when nothing was presented since (nothing changed). */
static double script_since(const kiosk_t *k, uint64_t frames0, uint64_t t0)
{
    if (k->frames == frames0)
        return -1;
    return (double)(k->presented_at - t0) * 1e6 / (double)SDL_GetPerformanceFrequency();
}

/* This thread's CPU time in microseconds: on a shared machine the wall
 * time of a tap includes other programs' turns, this does not. */
static double script_cpu_us(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return -1;
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* A finger goes down, the kiosk pumps (the pressed frame), then it lifts
 * and the kiosk pumps again (the tap's outcome): two event batches, as a
 * real finger's arrive. With --latency each is timed from its
 * SDL_PushEvent to the return of the SDL_RenderPresent it led to. */
static int script_tap_at(script_t *s, int x, int y, const char *target)
{
    kiosk_t *k = s->k;
    uint64_t f0, t0;
    double press, tap, cpu0;

    f0 = k->frames;
    t0 = SDL_GetPerformanceCounter();
    if (kiosk_push_finger(k, x, y, 1) != 0)
        return -1;
    kiosk_pump(k);
    press = script_since(k, f0, t0);
    f0 = k->frames;
    cpu0 = script_cpu_us();
    t0 = SDL_GetPerformanceCounter();
    if (kiosk_push_finger(k, x, y, 0) != 0)
        return -1;
    kiosk_pump(k);
    tap = script_since(k, f0, t0);
    if (s->latency)
        fprintf(s->latency, "%s %.1f %.1f %.1f %llu\n", target, press, tap,
                tap < 0 || cpu0 < 0 ? -1.0 : script_cpu_us() - cpu0,
                (unsigned long long)k->frames);
    return 0;
}

static int script_tap_id(script_t *s, const char *id)
{
    kiosk_t *k = s->k;
    const ui_widget_t *w;

    kiosk_build(k);
    w = layout_find(&k->screen, id);
    if (!w || w->kind == UI_LABEL || w->kind == UI_PANEL)
        return script_fail(s, "tap %s: no such widget on screen '%s'", id,
                           flow_screen_id(k->flow.screen));
    if (script_tap_at(s, w->r.x + w->r.w / 2, w->r.y + w->r.h / 2, id) != 0)
        return script_fail(s, "tap %s: %s", id, SDL_GetError());
    return 0;
}

static int script_shot(script_t *s, const char *name)
{
    kiosk_t *k = s->k;
    char path[2048];
    const char *dir = k->args.screenshots ? k->args.screenshots : ".";
    size_t n = strlen(name);
    int has_ext = n > 4 && (strcmp(name + n - 4, ".png") == 0 ||
                            strcmp(name + n - 4, ".bmp") == 0);

    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return script_fail(s, "shot: cannot create %s: %s", dir, strerror(errno));
    snprintf(path, sizeof(path), "%s/%s%s", dir, name, has_ext ? "" : ".png");
    if (kiosk_render(k) != 0 || draw_save(k->ren, path) != 0)
        return script_fail(s, "shot %s: %s", path, SDL_GetError());
    return 0;
}

static int script_parse_int(const char *a, long lo, long hi, long *out)
{
    char *end;

    errno = 0;
    *out = strtol(a, &end, 10);
    return errno == 0 && end != a && *end == '\0' && *out >= lo && *out <= hi ? 0 : -1;
}

#define SCRIPT_KEYS_MAX 8

/* Modifier words, so a script reads as the key caps do: ctrl+alt+f1. */
static SDL_Scancode script_key_word(const char *w)
{
    static const struct { const char *word; SDL_Scancode sc; } words[] = {
        {"ctrl", SDL_SCANCODE_LCTRL}, {"alt", SDL_SCANCODE_LALT},
        {"shift", SDL_SCANCODE_LSHIFT}, {"super", SDL_SCANCODE_LGUI},
        {"altgr", SDL_SCANCODE_RALT},
    };
    size_t i;

    for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (SDL_strcasecmp(w, words[i].word) == 0)
            return words[i].sc;
    return SDL_GetScancodeFromName(w);
}

/* `key ctrl+alt+f1`: names joined by '+', modifiers first, each a word
 * above or an SDL key name ("F4", "Backspace", "Escape", "C"). */
static int script_key(script_t *s, char *arg)
{
    SDL_Scancode keys[SCRIPT_KEYS_MAX];
    char *name, *save = NULL;
    int n = 0;

    for (name = strtok_r(arg, "+", &save); name; name = strtok_r(NULL, "+", &save)) {
        if (n == SCRIPT_KEYS_MAX)
            return script_fail(s, "key: more than %d keys at once", SCRIPT_KEYS_MAX);
        keys[n] = script_key_word(name);
        if (keys[n] == SDL_SCANCODE_UNKNOWN)
            return script_fail(s, "key: no key named '%s'", name);
        n++;
    }
    if (n == 0)
        return script_fail(s, "key: expected keys such as ctrl+alt+f1");
    if (kiosk_push_keys(s->k, keys, n) != 0)
        return script_fail(s, "key: %s", SDL_GetError());
    kiosk_pump(s->k);
    return 0;
}

static int script_step(script_t *s, char *cmd, char *arg)
{
    kiosk_t *k = s->k;
    long x, y, ms;
    char *second;

    if (strcmp(cmd, "wait") == 0) {
        if (script_parse_int(arg, 0, 86400L * 1000 * 365, &ms) != 0)
            return script_fail(s, "wait: expected milliseconds, got '%s'", arg);
        script_advance_to(k, pclock_boot_ms(&k->clock) + (uint64_t)ms);
        return 0;
    }
    script_settle(k);
    if (strcmp(cmd, "tap") == 0) {
        second = strchr(arg, ' ');
        if (second && isdigit((unsigned char)arg[0])) {
            *second++ = '\0';
            if (script_parse_int(arg, 0, k->w - 1, &x) != 0 ||
                script_parse_int(second, 0, k->h - 1, &y) != 0)
                return script_fail(s, "tap: %s %s is outside the %dx%d screen",
                                   arg, second, k->w, k->h);
            char at[48];
            snprintf(at, sizeof(at), "%ld,%ld", x, y);
            if (script_tap_at(s, (int)x, (int)y, at) != 0)
                return script_fail(s, "tap: %s", SDL_GetError());
            return 0;
        }
        if (!arg[0])
            return script_fail(s, "tap: expected a widget id or X Y");
        return script_tap_id(s, arg);
    }
    if (strcmp(cmd, "type") == 0) {
        if (kiosk_push_text(k, arg) != 0)
            return script_fail(s, "type: %s", SDL_GetError());
        kiosk_pump(k);
        return 0;
    }
    if (strcmp(cmd, "key") == 0)
        return script_key(s, arg);
    if (strcmp(cmd, "quit") == 0) {
        if (kiosk_push_quit(k) != 0)
            return script_fail(s, "quit: %s", SDL_GetError());
        kiosk_pump(k);
        return 0;
    }
    if (strcmp(cmd, "shot") == 0) {
        if (!arg[0] || strchr(arg, '/'))
            return script_fail(s, "shot: expected a file name, got '%s'", arg);
        return script_shot(s, arg);
    }
    if (strcmp(cmd, "expect") == 0) {
        const char *now = flow_screen_id(k->flow.screen);
        if (strcmp(now, arg) != 0)
            return script_fail(s, "expect %s: screen is '%s'", arg, now);
        return 0;
    }
    return script_fail(s, "unknown step '%s' (tap, type, key, quit, wait, shot,"
                          " expect)", cmd);
}

static char *script_trim(char *p)
{
    size_t n;

    while (*p == ' ' || *p == '\t')
        p++;
    n = strlen(p);
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\n' ||
                     p[n - 1] == '\r'))
        p[--n] = '\0';
    return p;
}

int script_run(kiosk_t *k, const char *path)
{
    script_t s = {k, path, 0, NULL};
    char buf[SCRIPT_LINE_MAX + 2];
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    int rc = 0;

    if (!f) {
        fprintf(stderr, "sipas-kiosk: %s: %s\n", path, strerror(errno));
        return 1;
    }
    if (k->args.latency && !(s.latency = fopen(k->args.latency, "w"))) {
        fprintf(stderr, "sipas-kiosk: %s: %s\n", k->args.latency, strerror(errno));
        if (f != stdin)
            fclose(f);
        return 1;
    }
    kiosk_start_background(k);
    kiosk_pump(k);
    while (rc == 0 && fgets(buf, sizeof(buf), f)) {
        char *line, *cmd, *arg;
        s.line++;
        if (!strchr(buf, '\n') && !feof(f)) {
            rc = script_fail(&s, "line longer than %d bytes", SCRIPT_LINE_MAX);
            break;
        }
        /* '#' starts a comment, except inside `type` text (codes have none,
         * but badge prefixes may). */
        line = script_trim(buf);
        if (line[0] == '#' || line[0] == '\0')
            continue;
        cmd = line;
        arg = cmd + strcspn(cmd, " \t");
        if (*arg)
            *arg++ = '\0';
        if (strcmp(cmd, "type") != 0 && strchr(arg, '#'))
            *strchr(arg, '#') = '\0';
        arg = script_trim(arg);
        rc = script_step(&s, cmd, arg);
        if (k->quit)
            break;
    }
    if (f != stdin)
        fclose(f);
    if (rc == 0)
        script_settle(k);
    if (s.latency && fclose(s.latency) != 0 && rc == 0) {
        fprintf(stderr, "sipas-kiosk: %s: %s\n", k->args.latency, strerror(errno));
        rc = -1;
    }
    return rc == 0 ? 0 : 1;
}
