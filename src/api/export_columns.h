/* export_columns: the columns of the trials exports (trials.csv and trials.xlsx) and how a cell
 * reads under ?labels= — headings, enum labels, yuan and Beijing time — so that both files say
 * the same thing. */
#ifndef TECHPOOL_EXPORT_COLUMNS_H
#define TECHPOOL_EXPORT_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>

#include "http/reply.h"
#include "http/request.h"

/* Who the file is for: programs (the contract's raw form) or officials in one language. */
enum export_labels { EXPORT_LABELS_NONE, EXPORT_LABELS_ZH, EXPORT_LABELS_EN };

enum export_cell {
    EXPORT_NUMBER,
    EXPORT_TEXT,
    EXPORT_ENUM,
    EXPORT_DATE,
    EXPORT_INSTANT,
    EXPORT_MONEY
};

/* One column of export_trial_rows, in order. */
struct export_column {
    const char *key; /* the contract's header, for programs */
    const char *zh;
    const char *en;
    enum export_cell kind;
    const char *labels; /* EXPORT_ENUM: its enum in the vocabulary (its GET /api/v1/meta key) */
    double width;       /* in the workbook, in characters */
};

#define EXPORT_COLUMN_COUNT 16
extern const struct export_column EXPORT_COLUMNS[EXPORT_COLUMN_COUNT];

/* Reads ?labels= (zh or en; fallback when absent). False with 422 on labels in rep otherwise. */
bool export_labels_parse(const struct request *req, enum export_labels fallback,
                         enum export_labels *out, struct reply *rep);

/* The heading of column col for labels. */
const char *export_heading(size_t col, enum export_labels labels);

/* The text of a cell of column col (value as the rows have it) for labels: unchanged for
 * programs; for officials an enum's label, money in yuan with two decimals ("1234.50") and an
 * instant in Asia/Shanghai time ("2026-03-01 16:00"). Returns value itself or buf (size bytes,
 * enough at 32 for money and instants). */
const char *export_cell_text(size_t col, const char *value, enum export_labels labels, char *buf,
                             size_t size);

#endif
