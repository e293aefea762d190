/*
 * dossier.h - dossier codes printed on the receipt, read by a USB barcode
 * scanner that types like a keyboard.
 *
 * Their shapes are data (dossierfmt.h): Circular 01/2018 Art. 19
 *   V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX   e.g. 000.00.07.H42-230815-0005
 * and those a province configures beside it since 2025 (Circulars 03/2025
 * and 04/2025/TT-VPCP). Every shape names the agency's part, the receiving
 * date and the serial.
 * Pure. Ownership: plain value types, no heap.
 */
#ifndef SIPAS_DOSSIER_H
#define SIPAS_DOSSIER_H

#include <stddef.h>

#include "dossierfmt.h"

#define DOSSIER_CODE_MAX DOSSIERFMT_TEXT_MAX
#define DOSSIER_FORMAT_MAX 8

/* Circular 01/2018 Art. 19: 2..5 dot-separated groups of 1..4 letters or
 * digits (Decision 20/2020 agency codes), the date and four digits. What
 * config_defaults accepts before any configuration is read. */
#define DOSSIER_TT01_ID "tt01-2018"
#define DOSSIER_TT01_NAME "Thông tư 01/2018/TT-VPCP Điều 19"
#define DOSSIER_TT01_TEMPLATE                                                 \
    "<agency:X{1,4}.X{1,4}[.X{1,4}[.X{1,4}[.X{1,4}]]]>-YYMMDD-<serial:9{4}>"

typedef struct dossier {
    char code[DOSSIER_CODE_MAX]; /* normalised: trimmed, upper case */
    char agency[DOSSIER_CODE_MAX];
    int year, month, day;        /* receiving date, year in full */
    int serial;                  /* its digits' value; -1 when not digits */
    char serial_text[DOSSIERFMT_SERIAL_MAX];
    char format[DOSSIERFMT_ID_MAX]; /* id of the first format that fits */
} dossier_t;

/* 0 on a code of Circular 01/2018 Art. 19 (fills *d), -1 otherwise. */
int dossier_parse(const char *text, dossier_t *d);
/* 0 when the code fits one of formats[0..n) (the first that fits, with a
 * real calendar date), -1 otherwise. Accepts surrounding spaces and lower
 * case, since scanners differ in keyboard layout. */
int dossier_parse_with(const dossierfmt_t *formats, int n, const char *text,
                       dossier_t *d);

#endif
