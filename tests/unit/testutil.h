#ifndef SIPAS_TESTS_UNIT_TESTUTIL_H
#define SIPAS_TESTS_UNIT_TESTUTIL_H

/* File and scratch-directory plumbing shared by the unit tests.
 *
 * The Makefile links each tests/unit/test_*.c on its own, so everything here
 * is file-scope static; the unused attribute keeps -Werror quiet in tests
 * that need only part of it. Include after <cmocka.h>: a missing fixture
 * file is a test failure, reported through cmocka's assertions. */

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

/* Whole file as a NUL-terminated malloc'd buffer; *len excludes the NUL.
 * An absent or empty file fails the running test. */
__attribute__((unused)) static char *testutil_read_file(const char *path,
                                                        size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long size;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    size = ftell(f);
    assert_true(size > 0);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    buf = malloc((size_t)size + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
    buf[size] = '\0';
    assert_int_equal(fclose(f), 0);
    *len = (size_t)size;
    return buf;
}

/* Fresh private directory "<$TMPDIR or /tmp>/<stem>-XXXXXX", written to
 * dir. 0 on success, -1 if it could not be made. Honouring TMPDIR lets
 * parallel or sandboxed runs keep their scratch files apart. */
__attribute__((unused)) static int testutil_make_tmpdir(char *dir, size_t size,
                                                        const char *stem)
{
    const char *tmp = getenv("TMPDIR");

    snprintf(dir, size, "%s/%s-XXXXXX", tmp && tmp[0] ? tmp : "/tmp", stem);
    return mkdtemp(dir) ? 0 : -1;
}

__attribute__((unused)) static int testutil_remove_entry(
    const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Deletes dir and everything under it, children first, never following
 * symlinks out of the tree. nftw's result: 0 when all went. */
__attribute__((unused)) static int testutil_remove_tree(const char *dir)
{
    return nftw(dir, testutil_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
