/*
 * pg_half.h - a unit test with a PostgreSQL half: each case BOTH(fn)
 * runs on an SQLite file (state &sqlite_ctx) and on a PostgreSQL server
 * (&pg_ctx), PG_ONLY(fn) on the server only; the server's half runs when
 * SIPAS_TEST_PG_URI names one (tests/hub/test_sqlx_pg.sh NAME starts
 * one and checks every BOTH and PG_ONLY case ran there).
 *
 * The including file defines setup() and teardown() and, in main(),
 * sqlite_ctx and pg_ctx, whose first member is "const char *uri".
 */
#ifndef SIPAS_TESTS_PG_HALF_H
#define SIPAS_TESTS_PG_HALF_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#define PG_HALF_TESTS_MAX 64

#define BOTH(fn)                                                          \
    {"sqlite: " #fn, fn, setup, teardown, &sqlite_ctx},                   \
    {                                                                     \
        "postgresql: " #fn, fn, setup, teardown, &pg_ctx                  \
    }
#define PG_ONLY(fn)                                                       \
    {                                                                     \
        "postgresql: " #fn, fn, setup, teardown, &pg_ctx                  \
    }

/* Runs all (n cases) as group, leaving out those of pg_ctx when no
 * server is named; *pg_uri (pg_ctx's uri) gets the server's URI. */
static inline int pg_half_run(const char *group,
                              const struct CMUnitTest *all, size_t n,
                              const void *pg_ctx, const char **pg_uri)
{
    struct CMUnitTest tests[PG_HALF_TESTS_MAX];
    size_t i, k = 0;

    *pg_uri = getenv("SIPAS_TEST_PG_URI");
    if (*pg_uri && !(*pg_uri)[0])
        *pg_uri = NULL;
    for (i = 0; i < n && k < PG_HALF_TESTS_MAX; i++)
        if (all[i].initial_state != pg_ctx || *pg_uri)
            tests[k++] = all[i];
    if (!*pg_uri)
        printf("%s: PostgreSQL half not run: SIPAS_TEST_PG_URI is unset "
               "(tests/hub/test_sqlx_pg.sh starts a server)\n", group);
    return _cmocka_run_group_tests(group, tests, k, NULL, NULL);
}

#endif
