/*
 * layout.h - widgets, geometry and text fitting, with no SDL in it.
 *
 * A screen is a flat list of widgets with rectangles in pixels. Text is
 * wrapped and sized here, through a measuring function the caller provides
 * (SDL_ttf in the kiosk, the same fonts in tests), so tests can prove for
 * every screen and resolution that nothing clips, overlaps or falls below
 * the minimum touch size before a single pixel is drawn.
 * Ownership: value types; widget strings are borrowed from the survey, the
 * i18n table or the caller's buffers and must outlive the screen.
 */
#ifndef SIPAS_LAYOUT_H
#define SIPAS_LAYOUT_H

#include <stddef.h>

#define UI_WIDGET_MAX 64
#define UI_ID_MAX 64
#define UI_LINES_MAX 6
#define UI_TEXT_MAX 400
#define UI_ARENA_MAX 8192

typedef struct ui_rect {
    int x, y, w, h;
} ui_rect_t;

typedef enum ui_kind {
    UI_LABEL = 0,   /* text only, not touchable */
    UI_BUTTON,      /* text button */
    UI_ANSWER,      /* scale answer: face above or beside its word */
    UI_CHIP,        /* multi-choice toggle */
    UI_KEY,         /* PIN keypad key */
    UI_HIDDEN,      /* touchable, never drawn (admin corner) */
    UI_PANEL        /* a drawn background box, not touchable */
} ui_kind_t;

typedef enum ui_style {
    UI_STYLE_PLAIN = 0,
    UI_STYLE_PRIMARY,   /* the main action of a screen */
    UI_STYLE_QUIET,     /* back, skip */
    UI_STYLE_HEADER,    /* text on the header band */
    UI_STYLE_TITLE,
    UI_STYLE_BODY,
    UI_STYLE_SMALL,
    UI_STYLE_DANGER,
    UI_STYLE_OK         /* a check that passed (the touch grid's cells) */
} ui_style_t;

/* A chip's face: a speaker drawn after its tick box. */
#define UI_CHIP_SPEAKER 1
/* A panel's symbol (besides 0 tick, -1 information, -2 warning): a
 * struck speaker, "no sound for this". */
#define UI_SYMBOL_NO_SOUND (-3)

typedef enum ui_align { UI_ALIGN_CENTER = 0, UI_ALIGN_LEFT } ui_align_t;

typedef struct ui_line {
    int off, len; /* byte range of the widget text */
    int width;    /* measured pixels */
} ui_line_t;

typedef struct ui_widget {
    char id[UI_ID_MAX];   /* stable id ("" for labels) */
    ui_kind_t kind;
    ui_style_t style;
    ui_align_t align;
    ui_rect_t r;
    ui_rect_t text_box;   /* where the text goes inside r */
    ui_rect_t icon;       /* face or symbol inside r, w = 0 for none */
    const char *text;     /* UTF-8, may be NULL */
    int face;             /* survey_face_t for answers; a symbol for
                             panels; UI_CHIP_SPEAKER on a chip */
    int selected;
    int bold;
    /* Filled by layout_fit_text(). */
    int font_px;
    int line_h;
    int n_lines;
    ui_line_t lines[UI_LINES_MAX];
    int overflow;         /* text could not fit even at the minimum size */
} ui_widget_t;

typedef struct ui_screen {
    int w, h;             /* pixels */
    int dpi;
    int n;
    ui_widget_t items[UI_WIDGET_MAX];
    int header_h;         /* height of the header band, 0 = none */
    int contrast;         /* drawn in the high-contrast theme */
    int large;            /* laid out with large text */
    int overflow;         /* more widgets or text than the caps allow */
    size_t text_used;     /* arena for texts composed for this screen */
    char text[UI_ARENA_MAX];
} ui_screen_t;

/* Remembered outcomes of layout_fit_text: the same text in the same box
 * within the same sizes wraps the same way, so a screen shown again (the
 * next citizen's) skips the search over sizes and its measuring. Owned by
 * whoever owns the measure; layout_fit_cache_create/_destroy. */
typedef struct ui_fit_cache ui_fit_cache_t;

/* Width in pixels of a single line of text at px, bold or not. Returns 0 on
 * success, -1 on failure. fits may be NULL (nothing remembered). */
typedef struct ui_measure {
    void *ctx;
    int (*width)(void *ctx, int px, int bold, const char *text, size_t len,
                 int *w);
    ui_fit_cache_t *fits;
} ui_measure_t;

/* A fit cache (calloc'd; NULL when out of memory) and its release. */
ui_fit_cache_t *layout_fit_cache_create(void);
void layout_fit_cache_destroy(ui_fit_cache_t *c);

/* Adds a widget (copying id), returns it or NULL when the screen is full. */
ui_widget_t *layout_add(ui_screen_t *s, ui_kind_t kind, ui_style_t style,
                        const char *id, const char *text, ui_rect_t r);

/* printf into the screen's arena; the result lives as long as the screen.
 * Returns "" (and sets overflow) when the arena is full. */
const char *layout_printf(ui_screen_t *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Wraps w->text into w->text_box at the largest size from max_px down to
 * min_px at which every line fits; sets overflow when none does. */
int layout_fit_text(ui_widget_t *w, int max_px, int min_px,
                    const ui_measure_t *m);

/* Cells of a grid of n items inside area: cols columns, gap pixels
 * between cells; cell i is returned in out[i]. */
void layout_grid(ui_rect_t area, int n, int cols, int gap, ui_rect_t *out);
/* Fewest columns (1..max_cols) with which n rows of at least min_h fit. */
int layout_grid_cols(ui_rect_t area, int n, int min_h, int gap, int max_cols);

/* The widget under (x, y) that accepts touch, or NULL. Later widgets win
 * (they are drawn on top). */
const ui_widget_t *layout_hit(const ui_screen_t *s, int x, int y);
const ui_widget_t *layout_find(const ui_screen_t *s, const char *id);
/* Millimetres to pixels at the screen's dpi. */
int layout_mm(const ui_screen_t *s, double mm);
ui_rect_t layout_inset(ui_rect_t r, int dx, int dy);
int layout_rect_contains(ui_rect_t outer, ui_rect_t inner);
int layout_rects_overlap(ui_rect_t a, ui_rect_t b);

#endif
