/*
 * dossier.h - dossier codes printed on the receipt (Circular 01/2018 Art. 19):
 *   V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX   e.g. 000.00.07.H42-230815-0005
 * The first part is the agency's identifier (dot-separated groups), then the
 * receiving date and a serial. A USB barcode scanner types it like a keyboard.
 * Pure.
 */
#ifndef SIPAS_DOSSIER_H
#define SIPAS_DOSSIER_H

#include <stddef.h>

#define DOSSIER_CODE_MAX 48

typedef struct dossier {
    char code[DOSSIER_CODE_MAX]; /* normalised: trimmed, upper case */
    char agency[DOSSIER_CODE_MAX];
    int year, month, day;        /* receiving date, year in full */
    int serial;
} dossier_t;

/* 0 on a valid code (fills *d), -1 otherwise. Accepts surrounding spaces
 * and lower case, since scanners differ in keyboard layout. */
int dossier_parse(const char *text, dossier_t *d);

#endif
