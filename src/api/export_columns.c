/* export_columns: the trials exports' columns, and their cells as officials read them. The enum
 * labels are those of the vocabulary, as GET /api/v1/meta serves them. */
#include "api/export_columns.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "api/listing.h"
#include "domain/calendar.h"
#include "domain/vocabulary.h"

const struct export_column EXPORT_COLUMNS[EXPORT_COLUMN_COUNT] = {
    { "trial_id", "试用编号", "Trial ID", EXPORT_NUMBER, NULL, 10 },
    { "achievement_id", "成果编号", "Achievement ID", EXPORT_NUMBER, NULL, 14 },
    { "achievement_title", "成果名称", "Achievement", EXPORT_TEXT, NULL, 40 },
    { "field", "技术领域", "Field", EXPORT_ENUM, "fields", 22 },
    { "institution", "成果方", "Institution", EXPORT_TEXT, NULL, 28 },
    { "institution_province", "成果方省份", "Institution's province", EXPORT_ENUM, "provinces",
      12 },
    { "enterprise", "企业", "Enterprise", EXPORT_TEXT, NULL, 28 },
    { "enterprise_credit_code", "统一社会信用代码", "Unified social credit code", EXPORT_TEXT, NULL,
      22 },
    { "enterprise_province", "企业省份", "Enterprise's province", EXPORT_ENUM, "provinces", 12 },
    { "status", "状态", "Status", EXPORT_ENUM, "trial_statuses", 11 },
    { "requested_at", "申请时间", "Requested at", EXPORT_INSTANT, NULL, 18 },
    { "started_on", "开始日期", "Started on", EXPORT_DATE, NULL, 12 },
    { "ends_on", "结束日期", "Ends on", EXPORT_DATE, NULL, 12 },
    { "closed_at", "结束时间", "Closed at", EXPORT_INSTANT, NULL, 18 },
    { "license_total_fen", "许可费总额（元）", "License total (yuan)", EXPORT_MONEY, NULL, 16 },
    { "paid_fen", "已付（元）", "Paid (yuan)", EXPORT_MONEY, NULL, 16 },
};

bool export_labels_parse(const struct request *req, enum export_labels fallback,
                         enum export_labels *out, struct reply *rep)
{
    const char *language;
    if (!list_query_enum(req, "labels", LANGUAGES, &language, rep))
        return false;
    *out = language == NULL ? fallback : language[0] == 'z' ? EXPORT_LABELS_ZH : EXPORT_LABELS_EN;
    return true;
}

const char *export_heading(size_t col, enum export_labels labels)
{
    switch (labels) {
    case EXPORT_LABELS_ZH:
        return EXPORT_COLUMNS[col].zh;
    case EXPORT_LABELS_EN:
        return EXPORT_COLUMNS[col].en;
    case EXPORT_LABELS_NONE:
    default:
        return EXPORT_COLUMNS[col].key;
    }
}

/* fen as yuan with two decimals, or NULL when value is not an integer. */
static const char *yuan_text(const char *value, char *buf, size_t size)
{
    char *end;
    errno = 0;
    long long fen = strtoll(value, &end, 10);
    if (errno != 0 || end == value || *end != '\0')
        return NULL;
    unsigned long long magnitude = fen < 0 ? 0ULL - (unsigned long long)fen
                                           : (unsigned long long)fen;
    snprintf(buf, size, "%s%llu.%02llu", fen < 0 ? "-" : "", magnitude / 100, magnitude % 100);
    return buf;
}

/* An RFC 3339 instant as Asia/Shanghai "YYYY-MM-DD HH:MM", or NULL when it is not one. */
static const char *shanghai_text(const char *value, char *buf, size_t size)
{
    double epoch;
    if (!instant_parse(value, &epoch))
        return NULL;
    struct minute_of_day at = minute_in_shanghai(epoch);
    char day[11];
    date_format(at.date, day);
    snprintf(buf, size, "%s %02d:%02d", day, at.hour % 100, at.minute % 100);
    return buf;
}

/* The label of an enum's value, or NULL when the value is not one of the enum's. */
static const char *enum_text(const char *name, const char *value, enum export_labels labels)
{
    const struct vocabulary_term *term = vocabulary_term(vocabulary_find(name), value);
    if (term == NULL)
        return NULL;
    return labels == EXPORT_LABELS_ZH ? term->zh : term->en;
}

const char *export_cell_text(size_t col, const char *value, enum export_labels labels, char *buf,
                             size_t size)
{
    if (labels == EXPORT_LABELS_NONE || value[0] == '\0')
        return value;
    const char *text = NULL;
    switch (EXPORT_COLUMNS[col].kind) {
    case EXPORT_ENUM:
        text = enum_text(EXPORT_COLUMNS[col].labels, value, labels);
        break;
    case EXPORT_MONEY:
        text = yuan_text(value, buf, size);
        break;
    case EXPORT_INSTANT:
        text = shanghai_text(value, buf, size);
        break;
    case EXPORT_NUMBER:
    case EXPORT_TEXT:
    case EXPORT_DATE:
    default:
        break;
    }
    return text != NULL ? text : value;
}
