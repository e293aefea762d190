#include "view.h"

#include <string.h>

void view_reset(view_t *v)
{
    v->contrast = 0;
    v->large = 0;
    v->listen = 0;
}

int view_is_default(const view_t *v)
{
    return !v->contrast && !v->large && !v->listen;
}

int view_tap(view_t *v, const char *id)
{
    if (strcmp(id, VIEW_ID_CONTRAST) == 0) {
        v->contrast = !v->contrast;
        return 1;
    }
    if (strcmp(id, VIEW_ID_LARGE) == 0) {
        v->large = !v->large;
        return 1;
    }
    if (strcmp(id, VIEW_ID_LISTEN) == 0) {
        v->listen = !v->listen;
        return 1;
    }
    return 0;
}
