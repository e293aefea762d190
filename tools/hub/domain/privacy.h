/*
 * privacy.h - which groups of a statistics answer must be withheld so that
 * no grouping shows what the officer grouping hides (docs/STATS_API.md,
 * "Officer privacy").
 *
 * The officer grouping hides an officer with fewer than min_group complete
 * responses. Any other grouping (unit, field, counter, a period, or none)
 * could still show those responses: a counter served by one officer is
 * that officer, and a group minus the officers shown beside it leaves the
 * rest. For each group g and officer o, with n(g,o) the complete
 * responses of o in g and T(o) those of o in the whole answer:
 *
 *   A(g) = sum of n(g,o) over officers with T(o) < min_group
 *          (the officers this answer's officer grouping hides);
 *   B(g) = sum of n(g,o) over officers with n(g,o) < min_group
 *          (those the officer grouping would hide were g asked alone);
 *
 * and g is withheld when 0 < A(g) < min_group or 0 < B(g) < min_group:
 * whatever is subtracted from a shown group, what is left of hidden
 * officers is nothing or a pool of at least min_group responses. Rows
 * without an officer ("") are never an officer's and never pool.
 *
 * Pure: no I/O. Ownership: hub_privacy_new() returns a table freed with
 * hub_privacy_free(); officer texts are copied. Threads: one at a time.
 */
#ifndef SIPAS_HUB_PRIVACY_H
#define SIPAS_HUB_PRIVACY_H

#include <stdint.h>

typedef struct hub_privacy hub_privacy_t;

hub_privacy_t *hub_privacy_new(void);
void hub_privacy_free(hub_privacy_t *p);

/* complete responses of officer in group (a group id >= 0); adds up when
 * the pair comes again. An empty officer or complete <= 0 adds nothing.
 * 0, or -1 out of memory or a negative group. */
int hub_privacy_add(hub_privacy_t *p, int group, const char *officer,
                    int64_t complete);

/* withheld[g] = 1 for each group 0..n_groups-1 the rule above withholds
 * at min_group, 0 otherwise (min_group <= 1 withholds nothing). Groups
 * added at or above n_groups are left out. 0, or -1 out of memory. */
int hub_privacy_judge(const hub_privacy_t *p, int min_group, int n_groups,
                      unsigned char *withheld);

#endif
