#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/targets.h"

#include "testutil.h"

#define SHIPPED "assets/targets/default.json"

static int setup_shipped(void **state)
{
    targets_t *t = NULL;
    err_t err;
    char msg[600];
    size_t len;
    char *text = testutil_read_file(SHIPPED, &len);

    if (targets_parse(text, len, SHIPPED, &t, &err) != 0) {
        err_format(&err, msg, sizeof(msg));
        free(text);
        fail_msg("shipped targets do not load: %s", msg);
    }
    free(text);
    *state = t;
    return 0;
}

static int teardown_shipped(void **state)
{
    targets_free(*state);
    return 0;
}

static targets_pick_t pick(const targets_t *t, const char *province,
                           const char *indicator, int year)
{
    targets_pick_t p;

    assert_int_equal(targets_lookup(t, province, indicator, year, &p), 0);
    return p;
}

static void assert_row(const targets_row_t *r, const char *province,
                       targets_op_t op, int centi, int year)
{
    assert_non_null(r);
    assert_string_equal(r->province, province);
    assert_int_equal(r->op, op);
    assert_int_equal(r->threshold_centi, centi);
    assert_int_equal(r->year, year);
}

/* ---- the shipped file -------------------------------------------------- */

/* Every procedure field but health and education. */
static void assert_admin_scope(const targets_scope_t *scope)
{
    static const char *const admin[] = {"dat-dai",  "xay-dung", "dau-tu",
                                        "tu-phap",  "moi-truong", "lao-dong",
                                        "khac"};
    size_t i;

    assert_int_equal(scope->n, (int)(sizeof(admin) / sizeof(admin[0])));
    for (i = 0; i < sizeof(admin) / sizeof(admin[0]); i++)
        assert_string_equal(scope->fields[i], admin[i]);
}

static void test_shipped_file_loads(void **state)
{
    const targets_t *t = *state;
    const targets_indicator_t *ind;

    assert_int_equal(t->n_indicators, 6);
    assert_int_equal(t->n_rows, 14);
    ind = targets_get_indicator(t, "tthc-dat-dai-xay-dung-dau-tu");
    assert_non_null(ind);
    assert_int_equal(ind->scope.n, 3);
    assert_string_equal(ind->scope.fields[0], "dat-dai");
    assert_string_equal(ind->scope.fields[1], "xay-dung");
    assert_string_equal(ind->scope.fields[2], "dau-tu");
    ind = targets_get_indicator(t, "y-te-giao-duc");
    assert_non_null(ind);
    assert_int_equal(ind->scope.n, 2);
    /* The state administrative agencies' targets cover the administrative
     * fields: hospitals and schools are public service units, held against
     * y-te-giao-duc instead. */
    ind = targets_get_indicator(t, "phuc-vu-hcnn");
    assert_non_null(ind);
    assert_admin_scope(&ind->scope);
    assert_admin_scope(&targets_get_indicator(t, "tthc")->scope);
    assert_admin_scope(&targets_get_indicator(t, "ket-qua-tthc")->scope);
    assert_string_equal(ind->vi, "Mức độ hài lòng của người dân, tổ chức "
                                 "đối với sự phục vụ của cơ quan hành chính "
                                 "nhà nước");
    assert_non_null(targets_get_indicator(t, "dvc-truc-tuyen"));
    assert_non_null(targets_get_indicator(t, "ket-qua-tthc"));
    assert_non_null(targets_get_indicator(t, "tthc")->en);
    assert_null(targets_get_indicator(t, "pci"));
}

static void test_shipped_rows_keep_scope_and_source(void **state)
{
    const targets_t *t = *state;
    targets_pick_t p;

    p = pick(t, "khanh-hoa", "tthc-dat-dai-xay-dung-dau-tu", 2025);
    assert_row(p.target, "*", TARGETS_OP_AT_LEAST, 8500, 2025);
    /* Rows without a scope take the indicator's. */
    assert_int_equal(p.target->scope.n, 3);
    assert_string_equal(p.target->source,
                        "76/NQ-CP; 001:142; 003:109; 000:132");
    assert_string_equal(p.target->note, "");
    p = pick(t, "hau-giang", "ket-qua-tthc", 2025);
    assert_row(p.target, "hau-giang", TARGETS_OP_AT_LEAST, 8500, 2025);
    assert_non_null(strstr(p.target->note, "tư pháp"));
}

/* The "*" rows are the national targets of Resolution 76/NQ-CP; a
 * province's own row says it is the province's. */
static void test_shipped_rows_name_their_basis(void **state)
{
    const targets_t *t = *state;
    targets_pick_t p;
    int i;

    for (i = 0; i < t->n_rows; i++) {
        const targets_row_t *r = &t->rows[i];
        int national = strcmp(r->province, "*") == 0;

        assert_int_equal(targets_is_national(r), national);
        if (national)
            assert_non_null(strstr(r->source, "76/NQ-CP"));
    }
    p = pick(t, "khanh-hoa", "phuc-vu-hcnn", 2026);
    assert_string_equal(targets_get_basis(p.target, 0),
                        "Mục tiêu quốc gia theo Nghị quyết số 76/NQ-CP ngày"
                        " 15/7/2021 của Chính phủ");
    assert_non_null(strstr(targets_get_basis(p.target, 1), "76/NQ-CP"));
    p = pick(t, "hau-giang", "phuc-vu-hcnn", 2026);
    assert_int_equal(targets_is_national(p.target), 0);
    assert_string_equal(targets_get_basis(p.target, 0),
                        "Chỉ tiêu riêng của tỉnh");
    assert_string_equal(targets_get_basis(p.target, 1),
                        "The province's own target");
    assert_int_equal(targets_is_national(NULL), -1);
    assert_null(targets_get_basis(NULL, 0));
}

/* ---- year rules -------------------------------------------------------- */

static void test_lookup_years(void **state)
{
    const targets_t *t = *state;
    targets_pick_t p;

    /* The deadline year itself: due and goal are the same row. */
    p = pick(t, "khanh-hoa", "tthc", 2025);
    assert_row(p.target, "*", TARGETS_OP_AT_LEAST, 9000, 2025);
    assert_ptr_equal(p.due, p.goal);
    assert_int_equal(p.target_is_due, 1);
    /* Before the first deadline: nothing due, the 2025 goal is shown. */
    p = pick(t, "khanh-hoa", "tthc", 2023);
    assert_null(p.due);
    assert_row(p.goal, "*", TARGETS_OP_AT_LEAST, 9000, 2025);
    assert_ptr_equal(p.target, p.goal);
    assert_int_equal(p.target_is_due, 0);
    /* Between deadlines: 2025's 90% stays due, 2030's 95% is the goal. */
    p = pick(t, "khanh-hoa", "tthc", 2027);
    assert_row(p.due, "*", TARGETS_OP_AT_LEAST, 9000, 2025);
    assert_row(p.goal, "*", TARGETS_OP_AT_LEAST, 9500, 2030);
    assert_ptr_equal(p.target, p.due);
    assert_int_equal(p.target_is_due, 1);
    p = pick(t, "khanh-hoa", "tthc", 2029);
    assert_int_equal(p.target->year, 2025);
    /* After the last deadline it stays in force. */
    p = pick(t, "khanh-hoa", "tthc", 2031);
    assert_row(p.target, "*", TARGETS_OP_AT_LEAST, 9500, 2030);
    assert_null(p.goal);
    /* Online services: a 2025 row only. */
    p = pick(t, "khanh-hoa", "dvc-truc-tuyen", 2030);
    assert_row(p.target, "*", TARGETS_OP_AT_LEAST, 9000, 2025);
    assert_null(p.goal);
}

/* ---- province rows ----------------------------------------------------- */

static void test_lookup_province_override(void **state)
{
    const targets_t *t = *state;
    targets_pick_t p;

    /* Trà Vinh: 98% by 2030 replaces the 95% of every other province. */
    p = pick(t, "tra-vinh", "tthc", 2030);
    assert_row(p.target, "tra-vinh", TARGETS_OP_AT_LEAST, 9800, 2030);
    p = pick(t, "tra-vinh", "tthc", 2025);
    assert_row(p.target, "*", TARGETS_OP_AT_LEAST, 9000, 2025);
    p = pick(t, "tra-vinh", "tthc", 2027);
    assert_row(p.due, "*", TARGETS_OP_AT_LEAST, 9000, 2025);
    assert_row(p.goal, "tra-vinh", TARGETS_OP_AT_LEAST, 9800, 2030);
    /* Land, construction, investment: no own row, the default applies. */
    p = pick(t, "tra-vinh", "tthc-dat-dai-xay-dung-dau-tu", 2030);
    assert_row(p.target, "*", TARGETS_OP_AT_LEAST, 9000, 2030);
    /* Hậu Giang: "trên 80%" by 2025, its own, for three indicators. */
    p = pick(t, "hau-giang", "tthc", 2025);
    assert_row(p.target, "hau-giang", TARGETS_OP_ABOVE, 8000, 2025);
    p = pick(t, "hau-giang", "phuc-vu-hcnn", 2025);
    assert_row(p.target, "hau-giang", TARGETS_OP_ABOVE, 8000, 2025);
    p = pick(t, "hau-giang", "y-te-giao-duc", 2025);
    assert_row(p.target, "hau-giang", TARGETS_OP_ABOVE, 8000, 2025);
    /* Its own 2025 row stays due until the national 2030 row. */
    p = pick(t, "hau-giang", "tthc", 2028);
    assert_row(p.due, "hau-giang", TARGETS_OP_ABOVE, 8000, 2025);
    assert_row(p.goal, "*", TARGETS_OP_AT_LEAST, 9500, 2030);
    p = pick(t, "hau-giang", "tthc", 2030);
    assert_row(p.target, "*", TARGETS_OP_AT_LEAST, 9500, 2030);
    /* A province-only indicator has no target elsewhere. */
    p = pick(t, "khanh-hoa", "ket-qua-tthc", 2025);
    assert_null(p.target);
    assert_null(p.due);
    assert_null(p.goal);
    /* "*" asks for the default itself. */
    p = pick(t, "*", "tthc", 2030);
    assert_row(p.target, "*", TARGETS_OP_AT_LEAST, 9500, 2030);
}

static void test_lookup_refuses_bad_arguments(void **state)
{
    const targets_t *t = *state;
    targets_pick_t p;

    assert_int_equal(targets_lookup(t, "Trà Vinh", "tthc", 2025, &p), -1);
    assert_int_equal(targets_lookup(t, "", "tthc", 2025, &p), -1);
    assert_int_equal(targets_lookup(t, "tra-vinh", "tthc2", 2025, &p), -1);
    assert_int_equal(targets_lookup(t, "tra-vinh", NULL, 2025, &p), -1);
    assert_int_equal(targets_lookup(t, "tra-vinh", "tthc", 1999, &p), -1);
    assert_int_equal(targets_lookup(t, "tra-vinh", "tthc", 2025, NULL), -1);
    assert_int_equal(targets_lookup(NULL, "tra-vinh", "tthc", 2025, &p), -1);
}

/* ---- met or not -------------------------------------------------------- */

/* Every percentage is shown in hundredths rounded half away from zero,
 * from the integers: a tie never goes to even, and a double that sits a
 * hair below the tie never rounds down. */
static void test_round_centi_ties(void **state)
{
    static const struct {
        int64_t num, den, centi;
    } cases[] = {
        {5, 32, 1563},    /* 15.625: "%.2f" of the double prints 15.62 */
        {1, 32, 313},     /* 3.125 */
        {3, 32, 938},     /* 9.375 */
        {1, 16, 625},     /* 6.25 exactly, nothing to round */
        {1, 64, 156},     /* 1.5625 -> 1.56 (below the tie) */
        {7, 40, 1750},    /* 17.5 exactly; the double is 17.499999... */
        {1, 8, 1250},
        {1, 3, 3333},
        {2, 3, 6667},
        {89995, 100000, 9000}, /* 89.995 -> 90.00 */
        {89994, 100000, 8999},
        {0, 7, 0},
        {7, 7, 10000},
        {1, 20000, 1},    /* 0.005 -> 0.01 */
        {1, 20001, 0},    /* 0.004999... -> 0.00 */
    };
    int64_t centi;
    size_t i;
    char printed[32];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        centi = -1;
        assert_int_equal(targets_round_centi(cases[i].num, cases[i].den,
                                             &centi),
                         TARGETS_MET);
        assert_int_equal(centi, cases[i].centi);
    }
    /* Why the integers: the C library rounds the tie 15.625 to even. */
    snprintf(printed, sizeof(printed), "%.2f", 100.0 * 5 / 32);
    assert_string_equal(printed, "15.62");
    /* The largest denominator does not overflow. */
    assert_int_equal(targets_round_centi(TARGETS_RATIO_MAX / 2,
                                         TARGETS_RATIO_MAX, &centi),
                     TARGETS_MET);
    assert_int_equal(centi, 5000);
    assert_int_equal(targets_round_centi(TARGETS_RATIO_MAX - 1,
                                         TARGETS_RATIO_MAX, &centi),
                     TARGETS_MET);
    assert_int_equal(centi, 10000);
    /* Outside 0..den, no value, and *centi is left alone. */
    centi = 42;
    assert_int_equal(targets_round_centi(1, 0, &centi), TARGETS_EINVAL);
    assert_int_equal(targets_round_centi(-1, 3, &centi), TARGETS_EINVAL);
    assert_int_equal(targets_round_centi(4, 3, &centi), TARGETS_EINVAL);
    assert_int_equal(targets_round_centi(1, TARGETS_RATIO_MAX + 1, &centi),
                     TARGETS_EINVAL);
    assert_int_equal(targets_round_centi(1, 2, NULL), TARGETS_EINVAL);
    assert_int_equal(centi, 42);
}

static void test_operators_at_threshold(void **state)
{
    const targets_t *t = *state;
    /* ">= 90" everywhere, "> 80" in Hậu Giang, both by 2025. */
    const targets_row_t *at_least = pick(t, "khanh-hoa", "tthc", 2025).target;
    const targets_row_t *above = pick(t, "hau-giang", "tthc", 2025).target;

    assert_int_equal(targets_is_met(at_least, 90.0), TARGETS_MET);
    assert_int_equal(targets_is_met(at_least, 89.99), TARGETS_NOT_MET);
    assert_int_equal(targets_is_met(at_least, 100.0), TARGETS_MET);
    assert_int_equal(targets_is_met(above, 80.0), TARGETS_NOT_MET);
    assert_int_equal(targets_is_met(above, 80.01), TARGETS_MET);
    /* Judged to hundredths: noise above 80 does not pass "> 80", and a
     * figure published as 90.00 meets ">= 90". */
    assert_int_equal(targets_is_met(above, 80.000000000001), TARGETS_NOT_MET);
    assert_int_equal(targets_is_met(above, 80.004), TARGETS_NOT_MET);
    assert_int_equal(targets_is_met(at_least, 89.996), TARGETS_MET);
    /* Exact fractions: 9/10 = 90% meets >= 90, 8/10 = 80% not > 80,
     * 8001/10000 = 80.01% does. */
    assert_int_equal(targets_is_met_ratio(at_least, 9, 10), TARGETS_MET);
    assert_int_equal(targets_is_met_ratio(at_least, 899, 1000),
                     TARGETS_NOT_MET);
    assert_int_equal(targets_is_met_ratio(above, 8, 10), TARGETS_NOT_MET);
    assert_int_equal(targets_is_met_ratio(above, 4, 5), TARGETS_NOT_MET);
    assert_int_equal(targets_is_met_ratio(above, 8001, 10000), TARGETS_MET);
    /* 89.995% rounds half away from zero to 90.00. */
    assert_int_equal(targets_is_met_ratio(at_least, 89995, 100000),
                     TARGETS_MET);
    assert_int_equal(targets_is_met_ratio(at_least, 89994, 100000),
                     TARGETS_NOT_MET);
    /* No value, no verdict. */
    assert_int_equal(targets_is_met(at_least, NAN), TARGETS_EINVAL);
    assert_int_equal(targets_is_met(at_least, -1.0), TARGETS_EINVAL);
    assert_int_equal(targets_is_met(at_least, 101.0), TARGETS_EINVAL);
    assert_int_equal(targets_is_met(NULL, 95.0), TARGETS_EINVAL);
    assert_int_equal(targets_is_met_ratio(at_least, 1, 0), TARGETS_EINVAL);
    assert_int_equal(targets_is_met_ratio(at_least, 3, 2), TARGETS_EINVAL);
    assert_string_equal(targets_op_code(at_least->op), ">=");
    assert_string_equal(targets_op_sign(at_least->op), "≥");
    assert_string_equal(targets_op_code(above->op), ">");
}

/* ---- malformed files --------------------------------------------------- */

/* Lines 1-7 of every test document; the row under test is line 8. */
#define DOC_HEAD                                                              \
    "{\n"                                                                     \
    "  \"format\": \"sipas-targets/1\",\n"                                    \
    "  \"indicators\": {\n"                                                   \
    "    \"tthc\": {\"vi\": \"Hài lòng về giải quyết TTHC\", "                \
    "\"en\": \"Procedures\"}\n"                                               \
    "  },\n"                                                                  \
    "  \"targets\": [\n"                                                      \
    "    {\"province\": \"*\", \"indicator\": \"tthc\", \"op\": \">=\", "     \
    "\"threshold\": 90, \"year\": 2025},\n"
#define DOC_TAIL                                                              \
    "\n"                                                                      \
    "  ]\n"                                                                   \
    "}\n"
#define ROW_DOC(row) DOC_HEAD "    " row DOC_TAIL

static void expect_error(const char *text, const char *field, int line,
                         const char *words)
{
    targets_t *t = (targets_t *)0x1;
    err_t err;
    char msg[600];

    assert_int_equal(targets_parse(text, strlen(text), "t.json", &t, &err),
                     -1);
    assert_null(t);
    err_format(&err, msg, sizeof(msg));
    assert_string_equal(err.file, "t.json");
    if (strcmp(err.field, field) != 0 || err.line != line)
        fail_msg("want %s at line %d, got %s", field, line, msg);
    if (words != NULL && strstr(err.msg, words) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", msg, words);
}

static void test_minimal_document_loads(void **state)
{
    static const char text[] = ROW_DOC(
        "{\"province\": \"dak-nong\", \"indicator\": \"tthc\", \"op\": \">\","
        " \"threshold\": 92.5, \"year\": 2026, \"scope\": [\"tu-phap\"]}");
    targets_t *t = NULL;
    err_t err;

    (void)state;
    assert_int_equal(targets_parse(text, strlen(text), "t.json", &t, &err),
                     0);
    assert_int_equal(t->n_rows, 2);
    assert_int_equal(t->rows[1].threshold_centi, 9250);
    assert_int_equal(t->rows[1].op, TARGETS_OP_ABOVE);
    assert_int_equal(t->rows[1].scope.n, 1);
    assert_string_equal(t->rows[1].scope.fields[0], "tu-phap");
    targets_free(t);
}

static void test_malformed_rows(void **state)
{
    (void)state;
    expect_error(ROW_DOC("{\"province\": \"*\", \"indicator\": \"tthc\", "
                         "\"oprator\": \">=\", \"threshold\": 90, "
                         "\"year\": 2030}"),
                 "targets[1].oprator", 8, "unknown key");
    expect_error(ROW_DOC("{\"province\": \"*\", \"indicator\": \"tthc\", "
                         "\"op\": \"=>\", \"threshold\": 90, \"year\": 2030}"),
                 "targets[1].op", 8, "\">=\"");
    expect_error(ROW_DOC("{\"province\": \"*\", \"indicator\": \"tthc\", "
                         "\"op\": \">=\", \"threshold\": 120, "
                         "\"year\": 2030}"),
                 "targets[1].threshold", 8, "at most 100");
    expect_error(ROW_DOC("{\"province\": \"*\", \"indicator\": \"tthc\", "
                         "\"op\": \">=\", \"threshold\": 90.555, "
                         "\"year\": 2030}"),
                 "targets[1].threshold", 8, "2 decimals");
    expect_error(ROW_DOC("{\"province\": \"*\", \"indicator\": \"tthc\", "
                         "\"op\": \">=\", \"threshold\": \"90%\", "
                         "\"year\": 2030}"),
                 "targets[1].threshold", 8, "percent");
    expect_error(ROW_DOC("{\"province\": \"*\", \"indicator\": \"tthc\", "
                         "\"op\": \">=\", \"threshold\": 0, \"year\": 2030}"),
                 "targets[1].threshold", 8, "above 0");
    expect_error(ROW_DOC("{\"province\": \"*\", \"indicator\": \"tthc\", "
                         "\"op\": \">=\", \"threshold\": 90, "
                         "\"year\": 1999}"),
                 "targets[1].year", 8, "2000 to 2100");
    expect_error(ROW_DOC("{\"province\": \"Trà Vinh\", \"indicator\": "
                         "\"tthc\", \"op\": \">=\", \"threshold\": 90, "
                         "\"year\": 2030}"),
                 "targets[1].province", 8, "slug");
    expect_error(ROW_DOC("{\"province\": \"*\", \"indicator\": \"sipas\", "
                         "\"op\": \">=\", \"threshold\": 90, "
                         "\"year\": 2030}"),
                 "targets[1].indicator", 8, "must be one of");
    expect_error(ROW_DOC("{\"province\": \"*\", \"indicator\": "
                         "\"y-te-giao-duc\", \"op\": \">=\", "
                         "\"threshold\": 90, \"year\": 2030}"),
                 "targets[1].indicator", 8, "not declared");
    expect_error(ROW_DOC("{\"province\": \"*\", \"indicator\": \"tthc\", "
                         "\"op\": \">=\", \"threshold\": 90, \"year\": 2030, "
                         "\"scope\": [\"dat-dai\", \"land\"]}"),
                 "targets[1].scope[1]", 8, "procedure field");
    expect_error(ROW_DOC("{\"province\": \"*\", \"indicator\": \"tthc\", "
                         "\"op\": \">=\", \"threshold\": 90, \"year\": 2030, "
                         "\"scope\": [\"dat-dai\", \"dat-dai\"]}"),
                 "targets[1].scope[1]", 8, "twice");
    /* A missing key points at the object that lacks it. */
    expect_error(ROW_DOC("{\"province\": \"*\", \"indicator\": \"tthc\", "
                         "\"op\": \">=\", \"threshold\": 90}"),
                 "targets[1].year", 8, "is required");
    /* The same province, indicator and year twice. */
    expect_error(ROW_DOC("{\"province\": \"*\", \"indicator\": \"tthc\", "
                         "\"op\": \">\", \"threshold\": 80, \"year\": 2025}"),
                 "targets[1]", 8, "targets[0]");
}

static void test_malformed_documents(void **state)
{
    (void)state;
    /* Syntax: jansson's own position. */
    expect_error("{\n  \"format\": \"sipas-targets/1\",\n  \"targets\": [\n"
                 "    {\"province\": \"*\",}\n  ]\n}\n",
                 "", 4, "invalid JSON");
    expect_error("{\n  \"format\": \"sipas-targets/2\",\n"
                 "  \"indicators\": {},\n  \"targets\": []\n}\n",
                 "format", 2, "sipas-targets/1");
    expect_error("{\n  \"format\": \"sipas-targets/1\",\n"
                 "  \"indicator\": {},\n  \"targets\": []\n}\n",
                 "indicator", 3, "unknown key");
    expect_error("{\n  \"format\": \"sipas-targets/1\",\n"
                 "  \"indicators\": {},\n  \"targets\": []\n}\n",
                 "targets", 4, "1 to 256 targets");
    expect_error("{\n  \"format\": \"sipas-targets/1\",\n"
                 "  \"indicators\": {\n"
                 "    \"pci\": {\"vi\": \"PCI\", \"en\": \"PCI\"}\n"
                 "  },\n  \"targets\": []\n}\n",
                 "indicators.pci", 4, "unknown indicator");
    expect_error("{\n  \"format\": \"sipas-targets/1\",\n"
                 "  \"indicators\": {\n"
                 "    \"tthc\": {\"vi\": \"Hài lòng\"}\n"
                 "  },\n  \"targets\": []\n}\n",
                 "indicators.tthc.en", 4, "is required");
    expect_error("{\n  \"format\": \"sipas-targets/1\",\n"
                 "  \"indicators\": {\n"
                 "    \"tthc\": {\"vi\": \"Hài lòng\", \"en\": \"\\t\"}\n"
                 "  },\n  \"targets\": []\n}\n",
                 "indicators.tthc.en", 4, "control characters");
    expect_error("[]", "", 1, "JSON object");
}

static void test_parse_refuses_bad_arguments(void **state)
{
    targets_t *t = NULL;
    err_t err;

    (void)state;
    assert_int_equal(targets_parse(NULL, 0, "t.json", &t, &err), -1);
    assert_null(t);
    assert_int_equal(targets_parse("{}", 2, "t.json", NULL, &err), -1);
    assert_int_equal(targets_parse("{}", TARGETS_SOURCE_MAX + 1, "t.json", &t,
                                   &err),
                     -1);
    assert_int_equal(targets_is_known_indicator("tthc"), 1);
    assert_int_equal(targets_is_known_indicator("TTHC"), 0);
    assert_int_equal(targets_is_known_indicator(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_shipped_file_loads,
                                        setup_shipped, teardown_shipped),
        cmocka_unit_test_setup_teardown(
            test_shipped_rows_keep_scope_and_source, setup_shipped,
            teardown_shipped),
        cmocka_unit_test_setup_teardown(
            test_shipped_rows_name_their_basis, setup_shipped,
            teardown_shipped),
        cmocka_unit_test_setup_teardown(test_lookup_years, setup_shipped,
                                        teardown_shipped),
        cmocka_unit_test_setup_teardown(test_lookup_province_override,
                                        setup_shipped, teardown_shipped),
        cmocka_unit_test_setup_teardown(test_lookup_refuses_bad_arguments,
                                        setup_shipped, teardown_shipped),
        cmocka_unit_test_setup_teardown(test_operators_at_threshold,
                                        setup_shipped, teardown_shipped),
        cmocka_unit_test(test_round_centi_ties),
        cmocka_unit_test(test_minimal_document_loads),
        cmocka_unit_test(test_malformed_rows),
        cmocka_unit_test(test_malformed_documents),
        cmocka_unit_test(test_parse_refuses_bad_arguments),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
