/*
 * theme.h - colours of the kiosk (0xRRGGBBAA).
 *
 * High contrast on a light background, readable in a bright hall; answers
 * carry a face and a word, so colour is never the only cue.
 */
#ifndef SIPAS_THEME_H
#define SIPAS_THEME_H

#define THEME_BG 0xF3F6FAFFu
#define THEME_HEADER 0x0B4F9CFFu
#define THEME_ON_HEADER 0xFFFFFFFFu
#define THEME_TEXT 0x102A43FFu
#define THEME_TEXT_SOFT 0x3E5470FFu
#define THEME_CARD 0xFFFFFFFFu
#define THEME_BORDER 0x9FB3C8FFu
#define THEME_PRIMARY 0x0B5FB8FFu
#define THEME_PRIMARY_DOWN 0x084A8FFFu
#define THEME_ON_PRIMARY 0xFFFFFFFFu
#define THEME_QUIET 0xE1E8F0FFu
#define THEME_SELECTED 0xD6E6FAFFu
#define THEME_DANGER 0xB3261EFFu
#define THEME_INK 0x1F2933FFu
#define THEME_OK 0x1B873FFFu
#define THEME_WARN 0xD98E04FFu

/* Face colours from very unhappy to very happy. */
#define THEME_FACE_1 0xD64545FFu
#define THEME_FACE_2 0xF0894AFFu
#define THEME_FACE_3 0xF2C94CFFu
#define THEME_FACE_4 0x8BC34AFFu
#define THEME_FACE_5 0x3DA35DFFu

#endif
