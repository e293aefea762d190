/*
 * i18n.h - the kiosk's own words (buttons, titles, field names) per language.
 *
 * Loaded from assets/i18n/ui.json: {"vi": {"key": "text", ...}, "en": {...}}.
 * An optional "review": {"km": "note"} says, per language, how far its
 * wording has been checked; it is validated and otherwise ignored.
 * Vietnamese is the reference: another language may define only keys
 * Vietnamese defines, and where it lacks one the Vietnamese text shows, so
 * adding a language is adding data, never code (docs/LANGUAGES.md).
 * Pure: parses text handed to it.
 * Ownership: i18n_parse() returns a table the caller frees with i18n_free().
 */
#ifndef SIPAS_I18N_H
#define SIPAS_I18N_H

#include <stddef.h>

#include "err.h"

#define I18N_LANG_MAX 8
#define I18N_KEY_MAX 64
#define I18N_ENTRY_MAX 160
#define I18N_TEXT_MAX 400
#define I18N_POOL_MAX (128 * 1024)

typedef struct i18n i18n_t;

int i18n_parse(const char *text, size_t len, const char *name, i18n_t **out,
               err_t *err);
void i18n_free(i18n_t *t);
int i18n_has_lang(const i18n_t *t, const char *lang);
/* Text for key in lang; falls back to "vi", then to the key itself, so a
 * screen never shows an empty label. Never NULL. */
const char *i18n_get(const i18n_t *t, const char *lang, const char *key);

#endif
