#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/unitfile.h"

#include "testutil.h"

#define EXAMPLE "assets/units/example-2025.json"

static unitfile_t *parse_ok(const char *text)
{
    unitfile_t *f = NULL;
    err_t err;
    char msg[800];

    if (unitfile_parse(text, strlen(text), "u.json", &f, &err) != 0) {
        err_format(&err, msg, sizeof(msg));
        fail_msg("unexpected error: %s", msg);
    }
    assert_non_null(f);
    return f;
}

static void expect_error(const char *text, const char *field, int line,
                         const char *words)
{
    unitfile_t *f = (unitfile_t *)0x1;
    err_t err;

    assert_int_equal(unitfile_parse(text, strlen(text), "u.json", &f, &err),
                     -1);
    assert_null(f);
    assert_string_equal(err.file, "u.json");
    assert_string_equal(err.field, field);
    assert_int_equal(err.line, line);
    if (words != NULL && strstr(err.msg, words) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, words);
}

static void test_units_and_changes(void **state)
{
    unitfile_t *f;

    (void)state;
    f = parse_ok("{\"format\": \"sipas-units/1\",\n"
                 " \"units\": [\n"
                 "  {\"code\": \"T\", \"name\": \"Tỉnh T\", \"kind\": \"tinh\"},\n"
                 "  {\"code\": \"X\", \"name\": \"Xã X\", \"kind\": \"xa\","
                 " \"parent\": \"T\"},\n"
                 "  {\"code\": \"H\", \"name\": \"Huyện H\", \"kind\": \"huyen\","
                 " \"parent\": \"T\"},\n"
                 "  {\"code\": \"H.1\", \"name\": \"Xã 1\", \"kind\": \"xa\","
                 " \"parent\": \"H\"}],\n"
                 " \"changes\": [\n"
                 "  {\"unit\": \"X\", \"rename\": \"Xã Y\", \"from\": \"2026-01-01\"},\n"
                 "  {\"unit\": \"H.1\", \"merge_into\": \"X\", \"from\": \"2025-07-01\"},\n"
                 "  {\"unit\": \"H\", \"merge_into\": \"X\", \"from\": \"2025-06-30\"}]}\n");
    assert_int_equal(f->n_units, 4);
    assert_string_equal(f->units[1].name, "Xã X");
    assert_string_equal(f->units[1].parent, "T");
    assert_null(f->units[0].parent);
    assert_string_equal(f->units[2].kind, "huyen");
    assert_int_equal(unitfile_line_of_unit(f, 3), 6);
    /* By date, whatever the file's order; each keeps its place. */
    assert_int_equal(f->n_changes, 3);
    assert_string_equal(f->changes[0].code, "H");
    assert_string_equal(f->changes[0].from, "2025-06-30");
    assert_int_equal(f->changes[0].kind, UNITFILE_MERGE);
    assert_int_equal(f->changes[0].index, 2);
    assert_string_equal(f->changes[2].value, "Xã Y");
    assert_int_equal(f->changes[2].kind, UNITFILE_RENAME);
    assert_int_equal(unitfile_line_of_change(f, &f->changes[2]), 8);
    unitfile_free(f);
}

static void test_entries_checked(void **state)
{
    (void)state;
    expect_error("{\"format\": \"sipas-units/2\", \"units\": []}", "format",
                 1, "sipas-units/1");
    expect_error("{\"format\": \"sipas-units/1\", \"units\": []}", "units",
                 1, "list of 1");
    expect_error("{\"format\": \"sipas-units/1\",\n \"units\": [\n"
                 "  {\"code\": \"T\", \"name\": \"T\", \"kind\": \"tinh\","
                 " \"level\": 1}]}",
                 "units[0].level", 3, NULL);
    expect_error("{\"format\": \"sipas-units/1\",\n \"units\": [\n"
                 "  {\"code\": \"T T\", \"name\": \"T\", \"kind\": \"tinh\"}]}",
                 "units[0].code", 3, "1 to 64");
    expect_error("{\"format\": \"sipas-units/1\",\n \"units\": [\n"
                 "  {\"code\": \"T\", \"name\": \"\", \"kind\": \"tinh\"}]}",
                 "units[0].name", 3, NULL);
    expect_error("{\"format\": \"sipas-units/1\",\n \"units\": [\n"
                 "  {\"code\": \"T\", \"name\": \"T\", \"kind\": \"Tinh\"}]}",
                 "units[0].kind", 3, "one of tinh");
    expect_error("{\"format\": \"sipas-units/1\",\n \"units\": [\n"
                 "  {\"code\": \"T\", \"name\": \"T\", \"kind\": \"tinh\"},\n"
                 "  {\"code\": \"T\", \"name\": \"T2\", \"kind\": \"tinh\"}]}",
                 "units[1]", 4, "listed twice");
    expect_error("{\"format\": \"sipas-units/1\",\n \"units\": [\n"
                 "  {\"code\": \"T\", \"name\": \"T\", \"kind\": \"tinh\"}],\n"
                 " \"changes\": [{\"unit\": \"T\", \"from\": \"2025-07-01\"}]}",
                 "changes[0]", 4, "exactly one of");
    expect_error("{\"format\": \"sipas-units/1\",\n \"units\": [\n"
                 "  {\"code\": \"T\", \"name\": \"T\", \"kind\": \"tinh\"}],\n"
                 " \"changes\": [{\"unit\": \"T\", \"merge_into\": \"T\","
                 " \"from\": \"2025-07-01\"}]}",
                 "changes[0]", 4, "into itself");
    expect_error("{\"format\": \"sipas-units/1\",\n \"units\": [\n"
                 "  {\"code\": \"T\", \"name\": \"T\", \"kind\": \"tinh\"}],\n"
                 " \"changes\": [{\"unit\": \"T\", \"rename\": \"U\","
                 " \"from\": \"2025-7-1\"}]}",
                 "changes[0].from", 4, "YYYY-MM-DD");
}

/* No district, thi-tran or unit below one lives past 2025-06-30. */
static void test_two_levels_from_2025_07_01(void **state)
{
    static const char head[] =
        "{\"format\": \"sipas-units/1\",\n \"units\": [\n"
        "  {\"code\": \"T\", \"name\": \"T\", \"kind\": \"tinh\"},\n"
        "  {\"code\": \"H\", \"name\": \"H\", \"kind\": \"%s\","
        " \"parent\": \"T\"},\n"
        "  {\"code\": \"C\", \"name\": \"C\", \"kind\": \"mot-cua\","
        " \"parent\": \"H\"}],\n"
        " \"changes\": [%s]}";
    static const char *const kinds[] = {"huyen", "quan", "thi-xa",
                                        "thanh-pho-thuoc-tinh", "thi-tran"};
    char text[1024];
    unitfile_t *f;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        snprintf(text, sizeof(text), head, kinds[i], "");
        expect_error(text, "units[1]", 4, "ended on 2025-07-01");
        snprintf(text, sizeof(text), head, kinds[i],
                 "{\"unit\": \"H\", \"merge_into\": \"T\","
                 " \"from\": \"2025-07-02\"}");
        expect_error(text, "units[1]", 4, "ended on 2025-07-01");
        /* The district merged, its one-stop counter not. */
        snprintf(text, sizeof(text), head, kinds[i],
                 "{\"unit\": \"H\", \"merge_into\": \"T\","
                 " \"from\": \"2025-07-01\"}");
        expect_error(text, "units[2]", 5, "its parent's level");
        snprintf(text, sizeof(text), head, kinds[i],
                 "{\"unit\": \"C\", \"merge_into\": \"T\","
                 " \"from\": \"2025-07-01\"},"
                 "{\"unit\": \"H\", \"merge_into\": \"T\","
                 " \"from\": \"2020-01-01\"}");
        f = parse_ok(text);
        unitfile_free(f);
    }
    /* Communes and agencies of the two-level years stay. */
    snprintf(text, sizeof(text), head, "xa", "");
    f = parse_ok(text);
    unitfile_free(f);
    assert_int_equal(unitfile_kind_is_abolished("dac-khu"), 0);
    assert_string_equal(unitfile_kind_label("trung-tam-hcc"),
                        "Trung tâm Phục vụ hành chính công");
    assert_string_equal(unitfile_kind_label("mot-cua"), "Bộ phận Một cửa");
    assert_null(unitfile_kind_label("village"));
}

static void test_syntax_and_caps(void **state)
{
    unitfile_t *f = NULL;
    err_t err;

    (void)state;
    expect_error("{\"format\": \"sipas-units/1\",\n \"units\": [,]}", "", 2,
                 NULL);
    assert_int_equal(unitfile_parse("{}", UNITFILE_SOURCE_MAX + 1, "u.json",
                                    &f, &err),
                     -1);
    assert_null(f);
    assert_int_equal(unitfile_parse(NULL, 0, "u.json", &f, &err), -1);
    assert_int_equal(unitfile_parse("{}", 2, "u.json", NULL, &err), -1);
}

/* The shipped example: the five provinces of today, no district after
 * 2025-07-01, the Vĩnh Linh communes the domain brief names. */
static void test_example(void **state)
{
    static const char *const vinh_linh[] = {"Xã Vĩnh Linh", "Xã Cửa Tùng",
                                            "Xã Vĩnh Hoàng", "Xã Vĩnh Thủy",
                                            "Xã Bến Quan"};
    static const char *const today[] = {"VINHLONG", "CANTHO", "LAMDONG",
                                        "KHANHHOA", "QUANGTRI"};
    unitfile_t *f = NULL;
    size_t len, i, k, roots = 0, found = 0;
    char *text = testutil_read_file(EXAMPLE, &len);
    char msg[800];
    err_t err;

    (void)state;
    if (unitfile_parse(text, len, EXAMPLE, &f, &err) != 0) {
        err_format(&err, msg, sizeof(msg));
        fail_msg("%s", msg);
    }
    free(text);
    for (i = 0; i < f->n_units; i++) {
        const unitfile_unit_t *u = &f->units[i];
        int merged = 0;

        for (k = 0; k < f->n_changes; k++)
            if (strcmp(f->changes[k].code, u->code) == 0 &&
                f->changes[k].kind == UNITFILE_MERGE)
                merged = 1;
        if (!u->parent && !merged) {
            roots++;
            for (k = 0; k < 5 && strcmp(today[k], u->code) != 0; k++)
                ;
            assert_true(k < 5);
        }
        for (k = 0; k < 5; k++)
            if (strcmp(vinh_linh[k], u->name) == 0)
                found++;
    }
    assert_int_equal(roots, 5);
    assert_int_equal(found, 5);
    for (i = 0; i < f->n_changes; i++)
        assert_string_equal(f->changes[i].from, "2025-07-01");
    unitfile_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_units_and_changes),
        cmocka_unit_test(test_entries_checked),
        cmocka_unit_test(test_two_levels_from_2025_07_01),
        cmocka_unit_test(test_syntax_and_caps),
        cmocka_unit_test(test_example),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
