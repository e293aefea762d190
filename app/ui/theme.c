#include "theme.h"

static const theme_t theme_default = {
    .bg = 0xF3F6FAFFu,
    .header = 0x0B4F9CFFu,
    .on_header = 0xFFFFFFFFu,
    .header_rule = 0,
    .text = 0x102A43FFu,
    .text_soft = 0x3E5470FFu,
    .card = 0xFFFFFFFFu,
    .border = 0x9FB3C8FFu,
    .primary = 0x0B5FB8FFu,
    .primary_down = 0x084A8FFFu,
    .primary_edge = 0x084A8FFFu,
    .on_primary = 0xFFFFFFFFu,
    .quiet = 0xE1E8F0FFu,
    .quiet_edge = 0xE1E8F0FFu,
    .selected = 0xD6E6FAFFu,
    .chosen_edge = 0x0B5FB8FFu,
    .danger = 0xB3261EFFu,
    .danger_edge = 0xB3261EFFu,
    .on_danger = 0xFFFFFFFFu,
    .danger_text = 0xB3261EFFu,
    /* A touch-grid cell that passed: white on this green is 4.6:1. */
    .ok = 0x1B873FFFu,
    .ok_edge = 0x1B873FFFu,
    .on_ok = 0xFFFFFFFFu,
    .warn = 0xD98E04FFu,
    .ink = 0x1F2933FFu,
    .tick_edge = 0x3E5470FFu,
    .face = {0xD64545FFu, 0xF0894AFFu, 0xF2C94CFFu, 0x8BC34AFFu,
             0x3DA35DFFu},
    .border_div = 40,
    .border_add = 2,
};

/* Near-black ground, white text, yellow for what matters most (the
 * header, the main action, a chosen option's border). Buttons are black
 * cards with a thick white border, so their edges read without colour. */
static const theme_t theme_high = {
    .bg = 0x000000FFu,
    .header = 0x000000FFu,
    .on_header = 0xFFE600FFu,
    .header_rule = 0xFFE600FFu,
    .text = 0xFFFFFFFFu,
    .text_soft = 0xFFFFFFFFu,
    .card = 0x000000FFu,
    .border = 0xFFFFFFFFu,
    .primary = 0xFFE600FFu,
    .primary_down = 0xFFFFFFFFu,
    .primary_edge = 0xFFFFFFFFu,
    .on_primary = 0x000000FFu,
    .quiet = 0x000000FFu,
    .quiet_edge = 0xFFFFFFFFu,
    .selected = 0x3A3300FFu,
    .chosen_edge = 0xFFE600FFu,
    .danger = 0x000000FFu,
    .danger_edge = 0xFF9C9CFFu,
    .on_danger = 0xFFB8B8FFu,
    .danger_text = 0xFFB8B8FFu,
    .ok = 0x004D1FFFu,
    .ok_edge = 0xFFFFFFFFu,
    .on_ok = 0xFFFFFFFFu,
    .warn = 0xFFB000FFu,
    .ink = 0x000000FFu,
    .tick_edge = 0xFFFFFFFFu,
    .face = {0xFF6B6BFFu, 0xFF9F5AFFu, 0xFFD84DFFu, 0x9CDB5AFFu,
             0x4CC46EFFu},
    .border_div = 22,
    .border_add = 3,
};

const theme_t *theme_get(int high)
{
    return high ? &theme_high : &theme_default;
}
