/*
 * sipas-report - the analysts' report of satisfaction ratings, read from
 * the provincial hub and written as CSV, XLSX or PDF.
 *
 * A program of its own so that a kiosk, which installs sipasctl, needs no
 * PDF or spreadsheet libraries; `sipasctl report ...` runs this program
 * with the same arguments.
 */
#include "report.h"

#include <string.h>

#include <curl/curl.h>

int main(int argc, char **argv)
{
    int rc;

    if (argc < 2) {
        report_print_help(stderr);
        return REPORT_EXIT_USAGE;
    }
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        report_print_version(stdout);
        return REPORT_EXIT_OK;
    }
    if (argc == 2 &&
        (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        report_print_help(stdout);
        return REPORT_EXIT_OK;
    }
    /* libcurl's global state is set up once, before anything could start
     * a thread, as its documentation requires. */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        report_say("cannot initialise libcurl");
        return REPORT_EXIT_FAIL;
    }
    rc = report_main(argc, argv);
    curl_global_cleanup();
    return rc;
}
