#include "voice.h"

#include <stdio.h>
#include <string.h>

static const char *const voice_variant_words[VOICE_VARIANT_COUNT] = {
    [VOICE_NORTH] = "north",
    [VOICE_CENTRAL] = "central",
    [VOICE_SOUTH] = "south",
};

int voice_variant_parse(const char *word)
{
    int i;

    for (i = 0; word && i < VOICE_VARIANT_COUNT; i++)
        if (strcmp(word, voice_variant_words[i]) == 0)
            return i;
    return -1;
}

const char *voice_variant_word(voice_variant_t v)
{
    if ((int)v < 0 || v >= VOICE_VARIANT_COUNT)
        return "north";
    return voice_variant_words[v];
}

/* A file name must not reach outside its folder: ids are slugs already,
 * but a survey from a province is data, so '/' and the like are kept out
 * here rather than trusted. */
static int voice_finish(char *buf, size_t cap, int n)
{
    size_t i;

    if (n < 0 || (size_t)n >= cap) {
        if (cap > 0)
            buf[0] = '\0';
        return -1;
    }
    for (i = 0; buf[i]; i++) {
        char c = buf[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'))
            buf[i] = '_';
    }
    if (buf[0] == '.')
        buf[0] = '_'; /* never a hidden file, never ".." */
    return 0;
}

int voice_name_question(const survey_t *s, int qi, char *buf, size_t cap)
{
    if (qi < 0 || qi >= s->n_questions)
        return voice_finish(buf, cap, -1);
    return voice_finish(buf, cap,
                        snprintf(buf, cap, "%s.%s", s->id,
                                 s->questions[qi].id));
}

int voice_name_option(const survey_t *s, int qi, int oi, char *buf,
                      size_t cap)
{
    const survey_question_t *q;

    if (qi < 0 || qi >= s->n_questions)
        return voice_finish(buf, cap, -1);
    q = &s->questions[qi];
    if (oi < 0 || oi >= q->n_options)
        return voice_finish(buf, cap, -1);
    /* A scale's words are the same under every question: one file each. */
    if (q->kind == SURVEY_KIND_SCALE)
        return voice_finish(buf, cap,
                            snprintf(buf, cap, "%s.%s.%d", s->id, q->scale,
                                     q->options[oi].value));
    return voice_finish(buf, cap,
                        snprintf(buf, cap, "%s.%s.%s", s->id, q->id,
                                 q->options[oi].code));
}

int voice_name_ui(const char *key, char *buf, size_t cap)
{
    return voice_finish(buf, cap, snprintf(buf, cap, "ui.%s", key));
}

int voice_folder(const char *lang, voice_variant_t v, char *buf, size_t cap)
{
    int n;

    if (strcmp(lang, "vi") == 0 && v != VOICE_NORTH)
        n = snprintf(buf, cap, "vi-%s", voice_variant_word(v));
    else
        n = snprintf(buf, cap, "%s", lang);
    return voice_finish(buf, cap, n);
}
