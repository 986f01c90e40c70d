/* text: the invisible code points, a strict UTF-8 decoder to find them, and the blank rule. */
#include "domain/text.h"

#include <string.h>

struct code_range {
    unsigned long first;
    unsigned long last;
};

/* White_Space, Cf and Default_Ignorable_Code_Point of Unicode 15, merged and sorted. The
 * database's tp_text_blank() lists the same ranges. */
static const struct code_range INVISIBLE[] = {
    { 0x0009, 0x000D },   { 0x0020, 0x0020 },   { 0x0085, 0x0085 },   { 0x00A0, 0x00A0 },
    { 0x00AD, 0x00AD },   { 0x034F, 0x034F },   { 0x0600, 0x0605 },   { 0x061C, 0x061C },
    { 0x06DD, 0x06DD },   { 0x070F, 0x070F },   { 0x0890, 0x0891 },   { 0x08E2, 0x08E2 },
    { 0x115F, 0x1160 },   { 0x1680, 0x1680 },   { 0x17B4, 0x17B5 },   { 0x180B, 0x180F },
    { 0x2000, 0x200F },   { 0x2028, 0x202F },   { 0x205F, 0x206F },   { 0x3000, 0x3000 },
    { 0x3164, 0x3164 },   { 0xFE00, 0xFE0F },   { 0xFEFF, 0xFEFF },   { 0xFFA0, 0xFFA0 },
    { 0xFFF0, 0xFFFB },   { 0x110BD, 0x110BD }, { 0x110CD, 0x110CD }, { 0x13430, 0x1343F },
    { 0x1BCA0, 0x1BCA3 }, { 0x1D173, 0x1D17A }, { 0xE0000, 0xE0FFF },
};

bool text_invisible(unsigned long c)
{
    size_t low = 0;
    size_t high = sizeof INVISIBLE / sizeof INVISIBLE[0];
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (c < INVISIBLE[mid].first)
            high = mid;
        else if (c > INVISIBLE[mid].last)
            low = mid + 1;
        else
            return true;
    }
    return false;
}

/* Decodes the code point at s (at most len bytes) into *c; returns its length in bytes, or 0
 * for a sequence that is not valid UTF-8 (truncated, overlong, a surrogate, beyond U+10FFFF). */
static size_t utf8_decode(const unsigned char *s, size_t len, unsigned long *c)
{
    static const unsigned long MIN_OF_LENGTH[] = { 0, 0, 0x80, 0x800, 0x10000 };
    size_t n;
    unsigned long value;
    if (s[0] < 0x80) {
        *c = s[0];
        return 1;
    }
    if ((s[0] & 0xE0) == 0xC0) {
        n = 2;
        value = s[0] & 0x1Fu;
    } else if ((s[0] & 0xF0) == 0xE0) {
        n = 3;
        value = s[0] & 0x0Fu;
    } else if ((s[0] & 0xF8) == 0xF0) {
        n = 4;
        value = s[0] & 0x07u;
    } else {
        return 0;
    }
    if (n > len)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        value = (value << 6) | (s[i] & 0x3Fu);
    }
    if (value < MIN_OF_LENGTH[n] || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))
        return 0;
    *c = value;
    return n;
}

size_t text_invisible_prefix(const char *value, size_t len)
{
    const unsigned char *s = (const unsigned char *)value;
    size_t at = 0;
    while (at < len) {
        unsigned long c;
        size_t n = utf8_decode(s + at, len - at, &c);
        if (n == 0 || !text_invisible(c))
            break;
        at += n;
    }
    return at;
}

bool text_blank(const char *value, size_t len)
{
    return text_invisible_prefix(value, len) == len;
}

const char *text_not_blank(const char *value)
{
    return text_blank(value, strlen(value)) ? "must not be blank" : NULL;
}
