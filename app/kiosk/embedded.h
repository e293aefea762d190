/*
 * embedded.h - the default configuration, survey, UI words and fonts,
 * compiled into the binary (see embedded.S). Read-only; never freed.
 */
#ifndef SIPAS_EMBEDDED_H
#define SIPAS_EMBEDDED_H

#include <stddef.h>

extern const char embed_config[], embed_config_end[];
extern const char embed_formats[], embed_formats_end[];
extern const char embed_survey[], embed_survey_end[];
extern const char embed_ui[], embed_ui_end[];
extern const char embed_font_regular[], embed_font_regular_end[];
extern const char embed_font_bold[], embed_font_bold_end[];
extern const char embed_font_khmer[], embed_font_khmer_end[];

#define EMBED_LEN(name) ((size_t)(name##_end - name))

#endif
