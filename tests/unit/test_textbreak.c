#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/textbreak.h"
#include "ui/layout.h"

/*
 * Khmer line breaking without a dictionary: lines break where the
 * translator put U+200B, and a segment wider than the line breaks only
 * between whole clusters, never between a consonant, COENG and the
 * subscript consonant under it.
 */

#define ZWSP "\xE2\x80\x8B"
/* ខ្មែរ "Khmer": KHA COENG MO (subscript) vowel AE, then RO. */
#define KHMER_WORD "\xE1\x9E\x81\xE1\x9F\x92\xE1\x9E\x98\xE1\x9F\x82\xE1\x9E\x9A"
/* ស្ត្រី "woman": SA, two subscripts (TA, RO) and the vowel II. */
#define STREI "\xE1\x9E\x9F\xE1\x9F\x92\xE1\x9E\x8F\xE1\x9F\x92\xE1\x9E\x9A\xE1\x9E\xB8"
/* សួស្តី "hello": SA + UA, then SA COENG TA + II. */
#define SUOSDEI "\xE1\x9E\x9F\xE1\x9E\xBD\xE1\x9E\x9F\xE1\x9F\x92\xE1\x9E\x8F\xE1\x9E\xB8"

/* Offsets of every cluster end in s, in order. */
static int cluster_ends(const char *s, size_t *ends, int cap)
{
    size_t len = strlen(s), pos = 0;
    int n = 0;

    while (pos < len && n < cap) {
        size_t next = textbreak_cluster_end(s, len, pos);
        assert_true(next > pos);
        ends[n++] = next;
        pos = next;
    }
    return n;
}

static void test_coeng_stays_with_its_consonant(void **state)
{
    size_t ends[8];

    (void)state;
    /* ខ្មែ is one cluster (12 bytes), រ another. */
    assert_int_equal(cluster_ends(KHMER_WORD, ends, 8), 2);
    assert_int_equal(ends[0], 12);
    assert_int_equal(ends[1], 15);
    /* Two stacked subscripts and a vowel: one unbreakable cluster. */
    assert_int_equal(cluster_ends(STREI, ends, 8), 1);
    assert_int_equal(ends[0], strlen(STREI));
    /* សួ | ស្តី */
    assert_int_equal(cluster_ends(SUOSDEI, ends, 8), 2);
    assert_int_equal(ends[0], 6);
    assert_int_equal(ends[1], strlen(SUOSDEI));
}

static void test_latin_clusters_unchanged(void **state)
{
    size_t ends[8];

    (void)state;
    /* "Việt" in NFC: one cluster per letter. */
    assert_int_equal(cluster_ends("Vi\xE1\xBB\x87t", ends, 8), 4);
    assert_int_equal(ends[2], 5);
    /* A combining mark stays with its letter (NFD "e" + U+0302). */
    assert_int_equal(cluster_ends("e\xCC\x82x", ends, 8), 2);
    assert_int_equal(ends[0], 3);
}

static void test_zwsp_is_a_gap(void **state)
{
    const char *s = "ab" ZWSP "cd e";
    size_t len = strlen(s);

    (void)state;
    assert_int_equal(textbreak_zwsp_len(s, len, 2), 3);
    assert_int_equal(textbreak_zwsp_len(s, len, 1), 0);
    assert_int_equal(textbreak_zwsp_len(s, 4, 2), 0); /* cut short */
    assert_int_equal(textbreak_word_end(s, len, 0), 2);
    assert_int_equal(textbreak_skip_gaps(s, len, 2), 5);
    assert_int_equal(textbreak_word_end(s, len, 5), 7);
    assert_int_equal(textbreak_skip_gaps(s, len, 7), 8);
    assert_int_equal(textbreak_skip_gaps(" " ZWSP " ", 5, 0), 5);
}

static void test_strip_and_detect(void **state)
{
    char out[64];

    (void)state;
    assert_int_equal(textbreak_strip_zwsp(KHMER_WORD ZWSP STREI,
                                          strlen(KHMER_WORD ZWSP STREI), out,
                                          sizeof(out)),
                     (int)strlen(KHMER_WORD STREI));
    assert_string_equal(out, KHMER_WORD STREI);
    assert_int_equal(textbreak_strip_zwsp("abc", 3, out, 3), -1);
    assert_true(textbreak_has_khmer("Câu 1 " KHMER_WORD,
                                    strlen("Câu 1 " KHMER_WORD)));
    assert_false(textbreak_has_khmer("Tiếng Việt", strlen("Tiếng Việt")));
    assert_false(textbreak_has_khmer(ZWSP, 3));
    assert_true(textbreak_is_khmer_cp(0x17D2));
    assert_false(textbreak_is_khmer_cp(0x200B));
    assert_int_equal(textbreak_cp_at(KHMER_WORD, 15, 3), 0x17D2);
}

/* A measure with no font: 10 pixels a code point, U+200B none. */
static int fake_width(void *ctx, int px, int bold, const char *s, size_t len,
                      int *w)
{
    size_t i;

    (void)ctx;
    (void)px;
    (void)bold;
    *w = 0;
    for (i = 0; i < len; i++) {
        if (textbreak_zwsp_len(s, len, i)) {
            i += 2;
            continue;
        }
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            *w += 10;
    }
    return 0;
}

static ui_widget_t wrap(const char *text, int box_w)
{
    ui_measure_t m = {NULL, fake_width, NULL};
    ui_widget_t w;

    memset(&w, 0, sizeof(w));
    w.kind = UI_LABEL;
    w.text = text;
    w.text_box = (ui_rect_t){0, 0, box_w, 1000};
    /* One size only: the wrap under test is the one at 20 px. */
    assert_int_equal(layout_fit_text(&w, 20, 20, &m), 0);
    return w;
}

static void test_wrap_breaks_at_zwsp(void **state)
{
    /* ខ្មែរ|ស្ត្រី|សួស្តី: 5, 6 and 6 code points. */
    const char *s = KHMER_WORD ZWSP STREI ZWSP SUOSDEI;
    ui_widget_t w;

    (void)state;
    w = wrap(s, 120);
    assert_int_equal(w.n_lines, 2);
    assert_int_equal(w.lines[0].off, 0);
    assert_int_equal(w.lines[0].len, (int)strlen(KHMER_WORD ZWSP STREI));
    assert_int_equal(w.lines[0].width, 110);
    /* The next line starts after the U+200B, not on it. */
    assert_int_equal(w.lines[1].off, (int)strlen(KHMER_WORD ZWSP STREI ZWSP));
    assert_int_equal(w.lines[1].width, 60);
    assert_false(w.overflow);
}

static void test_wide_segment_splits_between_clusters(void **state)
{
    /* One segment of 17 code points, no U+200B, in a 70 px box: it is cut,
     * but only where a cluster ends. */
    const char *s = KHMER_WORD STREI SUOSDEI;
    ui_widget_t w;
    int i, total = 0;

    (void)state;
    w = wrap(s, 70);
    assert_false(w.overflow);
    assert_true(w.n_lines >= 3);
    for (i = 0; i < w.n_lines; i++) {
        size_t end = (size_t)(w.lines[i].off + w.lines[i].len);
        size_t at = (size_t)w.lines[i].off;
        assert_true(w.lines[i].width <= 70);
        /* Every line ends on a cluster boundary of the whole text. */
        while (at < end)
            at = textbreak_cluster_end(s, strlen(s), at);
        assert_int_equal(at, end);
        total += w.lines[i].len;
    }
    assert_int_equal(total, (int)strlen(s));
    /* ស្ត្រី (6 code points, 60 px) never comes apart: it starts a line. */
    assert_int_equal(w.lines[1].off, (int)strlen(KHMER_WORD));
    assert_int_equal(w.lines[1].len, (int)strlen(STREI));
}

static void test_latin_word_never_cut(void **state)
{
    ui_measure_t m = {NULL, fake_width, NULL};
    ui_widget_t w;

    (void)state;
    memset(&w, 0, sizeof(w));
    w.text = "Unbreakable";
    w.text_box = (ui_rect_t){0, 0, 50, 1000};
    assert_int_equal(layout_fit_text(&w, 20, 20, &m), -1);
    assert_true(w.overflow);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_coeng_stays_with_its_consonant),
        cmocka_unit_test(test_latin_clusters_unchanged),
        cmocka_unit_test(test_zwsp_is_a_gap),
        cmocka_unit_test(test_strip_and_detect),
        cmocka_unit_test(test_wrap_breaks_at_zwsp),
        cmocka_unit_test(test_wide_segment_splits_between_clusters),
        cmocka_unit_test(test_latin_word_never_cut),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
