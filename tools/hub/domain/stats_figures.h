/*
 * stats_figures.h - the answer of GET /api/v1/stats made from the counts
 * added up by stats.c: group keys and names, counts per question, and
 * every figure through app/core/indices.c and app/core/targets.c.
 *
 * How a question is read (the hub holds counts, not surveys):
 *  - element tiep-can, thu-tuc, cong-chuc, ket-qua or gop-y, or "overall"
 *    outside c01-counter: the 1..5 SIPAS scale; satisfied_pct by the
 *    query's method; these feed the elements and the index;
 *  - "overall" of c01-counter: the three levels of Circular 32/2017;
 *  - c01-1 .. c01-9 of c01-counter: Circular 01 points 0..2 per dossier;
 *  - anything else (reasons, expectations): counts only.
 * A question with an answer outside its scale is shown with its counts
 * and no figure.
 *
 * Targets (docs/STATS_API.md): each indicator the hub can compute from
 * kiosk data is held against the row targets_lookup() picks for the
 * province and the group's year, over the procedure fields of that row
 * only (the shipped file scopes tthc, phuc-vu-hcnn and ket-qua-tthc to the
 * administrative fields, y-te-giao-duc to health and education), always
 * by the share method (targets are shares of satisfied answers):
 *   tthc, tthc-dat-dai-xay-dung-dau-tu, phuc-vu-hcnn, y-te-giao-duc: the
 *   SIPAS index over those fields (the overall question is never judged);
 *   ket-qua-tthc: the ket-qua element over those fields;
 *   dvc-truc-tuyen (online services): not measured at a counter, left out.
 *
 * Ownership: the JSON returned is the caller's.
 */
#ifndef SIPAS_HUB_STATS_FIGURES_H
#define SIPAS_HUB_STATS_FIGURES_H

#include <jansson.h>

#include "hub/domain/stats_acc.h"
#include "hub/domain/stats_query.h"
#include "hub/store/unittree.h"

typedef struct hub_figures_in {
    const hub_stats_query_t *q;
    const hub_tree_t *tree;
    hub_acc_t *acc; /* sorted here */
    int root;       /* the scope's unit in tree, -1 for everything */
    /* By group id: 1 for a group withheld so that it shows no officer
     * the officer grouping hides (privacy.h); NULL: none. */
    const unsigned char *withheld;
} hub_figures_in_t;

/* The whole answer object; NULL out of memory. */
json_t *hub_figures_build(hub_figures_in_t *in);

/* Where a question of this element comes within its instrument: overall,
 * the five elements in order, Circular 01 indicators, then the rest. */
int hub_figures_rank_element(const char *element);

#endif
