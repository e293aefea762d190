#include "fields.h"

#include <string.h>

static const char *const known_fields[] = {
    "dat-dai", "xay-dung", "dau-tu",  "tu-phap", "moi-truong",
    "lao-dong", "y-te",    "giao-duc", "khac",
};

int fields_is_known(const char *slug)
{
    size_t i;

    for (i = 0; i < sizeof(known_fields) / sizeof(known_fields[0]); i++)
        if (strcmp(slug, known_fields[i]) == 0)
            return 1;
    return 0;
}
