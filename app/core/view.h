/*
 * view.h - how the current citizen wants the screens drawn: high contrast,
 * large text, read aloud. Pure.
 *
 * A citizen who reads poorly switches these on the idle screen for their
 * own survey only; the next citizen must find the kiosk as it always is,
 * so the flow resets the view whenever it returns to idle. The view is the
 * citizen's, not data: it is never part of a response.
 * Ownership: a value type.
 */
#ifndef SIPAS_VIEW_H
#define SIPAS_VIEW_H

#define VIEW_ID_CONTRAST "view.contrast"
#define VIEW_ID_LARGE "view.large"
/* "Nghe": questions and answers are read aloud when touched, and an
 * answer is confirmed by a second touch (see flow.h). */
#define VIEW_ID_LISTEN "view.listen"

typedef struct view {
    int contrast; /* high-contrast theme */
    int large;    /* larger text, re-flowed */
    int listen;   /* spoken prompts, touch twice to choose */
} view_t;

void view_reset(view_t *v);
int view_is_default(const view_t *v);
/* A tap on a view.* widget id flips that setting: 1 if id was one of
 * them, 0 if not (nothing changed). */
int view_tap(view_t *v, const char *id);

#endif
