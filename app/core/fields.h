/*
 * fields.h - the procedure fields ("lĩnh vực") and their stable slugs.
 * Pure table; labels for the UI come from the language files.
 */
#ifndef SIPAS_FIELDS_H
#define SIPAS_FIELDS_H

/* 1 when slug is one of dat-dai, xay-dung, dau-tu, tu-phap, moi-truong,
 * lao-dong, y-te, giao-duc, khac. */
int fields_is_known(const char *slug);

#endif
