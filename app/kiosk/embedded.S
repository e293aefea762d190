/* Files compiled into the kiosk so that it runs with no arguments. Each is
 * followed by a NUL so text can be used as a C string. */
#define EMBED(name, file)          \
    .section .rodata;              \
    .global name;                  \
    .type name, @object;           \
    .balign 16;                    \
name:                              \
    .incbin file;                  \
    .global name##_end;            \
name##_end:                        \
    .byte 0

EMBED(embed_config, "assets/config/default.json")
EMBED(embed_formats, "assets/config/dossier-formats.json")
EMBED(embed_survey, "assets/surveys/sipas-short.json")
EMBED(embed_ui, "assets/i18n/ui.json")
EMBED(embed_font_regular, "assets/fonts/NotoSans-Regular.ttf")
EMBED(embed_font_bold, "assets/fonts/NotoSans-Bold.ttf")
EMBED(embed_font_khmer, "assets/fonts/NotoSansKhmer-Regular.ttf")

    .section .note.GNU-stack, "", @progbits
