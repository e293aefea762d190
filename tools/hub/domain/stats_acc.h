/*
 * stats_acc.h - counts added up by group, procedure field, question and
 * answer, as statistics read them from the summaries and the day
 * snapshots.
 *
 * Text is interned once (intern.h), so adding a row costs a few hash
 * lookups whatever the number of rows. Groups, fields and answers are
 * ordered by their text when read back (hub_acc_sort), never by the order
 * rows arrived in, so the same data always gives the same answer, byte
 * for byte.
 *
 * Ownership: hub_acc_new() returns an accumulator freed with
 * hub_acc_free(); strings it returns live as long as it does (until the
 * next hub_acc_intern()).
 * Threads: one thread at a time.
 */
#ifndef SIPAS_HUB_STATS_ACC_H
#define SIPAS_HUB_STATS_ACC_H

#include <stddef.h>
#include <stdint.h>

typedef struct hub_acc hub_acc_t;

/* One question of one instrument: interned ids. */
typedef struct hub_acc_question {
    int instrument, question, element;
} hub_acc_question_t;

/* One count: group, field, question and answer ids, and the sums of
 * answers of complete (n) and of partial (pn) responses. */
typedef struct hub_acc_cell {
    int group, field, question, answer;
    int64_t n, pn;
} hub_acc_cell_t;

/* Response counts of one group and instrument. */
typedef struct hub_acc_resp {
    int group, instrument;
    int64_t complete, partial, suppressed;
} hub_acc_resp_t;

/* Respondents of one element: group, field, instrument and element ids;
 * responses that answered it, complete (n) and partial (pn), and the
 * snapshot rows behind it that came without counts (approx). */
typedef struct hub_acc_elem {
    int group, field, instrument, element;
    int64_t n, pn, approx;
} hub_acc_elem_t;

hub_acc_t *hub_acc_new(void);
void hub_acc_free(hub_acc_t *a);

/* The id of a text (field, answer, instrument ...); -1 out of memory. */
int hub_acc_intern(hub_acc_t *a, const char *text);
const char *hub_acc_text(const hub_acc_t *a, int id);
/* The id of a group key (its own space of ids); -1 out of memory. */
int hub_acc_group(hub_acc_t *a, const char *key);
const char *hub_acc_group_key(const hub_acc_t *a, int group);
int hub_acc_count_groups(const hub_acc_t *a);
/* The id of a question; -1 out of memory. */
int hub_acc_question(hub_acc_t *a, int instrument, int question, int element);
const hub_acc_question_t *hub_acc_get_question(const hub_acc_t *a, int q);

/* 0, or -1 out of memory. */
int hub_acc_add_answer(hub_acc_t *a, int group, int field, int question,
                       int answer, int64_t n, int64_t pn);
int hub_acc_add_responses(hub_acc_t *a, int group, int instrument,
                          int64_t complete, int64_t partial,
                          int64_t suppressed);
int hub_acc_add_element(hub_acc_t *a, const hub_acc_elem_t *e);

/* Orders what was added: groups by key, cells by group, question
 * (instrument, then rank_of_element(element text), then question id,
 * then element), answer and field; responses by group and instrument.
 * rank_of_element may be NULL (elements by text only). 0, or -1 out of
 * memory. */
int hub_acc_sort(hub_acc_t *a, int (*rank_of_element)(const char *element));

/* After hub_acc_sort(): groups in order (group ids), the cells and the
 * response counts in order. The arrays belong to the accumulator. */
const int *hub_acc_get_group_order(const hub_acc_t *a);
const hub_acc_cell_t *hub_acc_get_cells(const hub_acc_t *a, size_t *n);
const hub_acc_resp_t *hub_acc_get_responses(const hub_acc_t *a, size_t *n);
/* After hub_acc_sort(): the element rows of group, in order. */
const hub_acc_elem_t *hub_acc_find_elements(const hub_acc_t *a, int group,
                                            size_t *n);
/* Compare two text ids by their text: < 0, 0, > 0 (after sorting). */
int hub_acc_compare_text(const hub_acc_t *a, int x, int y);

#endif
