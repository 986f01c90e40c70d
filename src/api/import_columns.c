/* import_columns: the columns of an import file — name, Chinese header, kind of cell, and the
 * explanations the templates carry — and the labels of their enums, taken from the vocabulary
 * that GET /api/v1/meta also serves, so that the UI, the templates and the import name them
 * alike. */
#include "api/import_rows.h"

const struct import_column IMPORT_COLUMNS[] = {
    { "external_ref", "外部编号", CELL_TEXT, NULL, true, "ZJUT-2026-001",
      "本单位对该成果的编号，每行唯一；再次导入同一编号即更新该成果",
      "Your own key for the achievement, unique per row; importing it again updates it" },
    { "title", "成果名称", CELL_TEXT, NULL, true, "石墨烯导热膜连续制备技术", "必填，1–300 字",
      "Required, 1–300 characters" },
    { "title_en", "英文名称", CELL_TEXT, NULL, false,
      "Continuous production of graphene thermal films", "可选，1–300 字",
      "Optional, 1–300 characters" },
    { "abstract", "成果简介", CELL_TEXT, NULL, true,
      "以氧化石墨烯为原料，卷对卷连续制备高导热膜，导热系数 1500 W/mK 以上。", "必填，1–5000 字",
      "Required, 1–5000 characters" },
    { "field", "技术领域", CELL_ENUM, "fields", true, "新材料",
      "必填，下拉选择中文名称，或填英文值", "Required: the Chinese label, or the English value" },
    { "kind", "成果类型", CELL_ENUM, "kinds", true, "发明专利",
      "必填，下拉选择中文名称，或填英文值", "Required: the Chinese label, or the English value" },
    { "patent_numbers", "专利号", CELL_LIST, NULL, false, "ZL202110123456.7",
      "可选，多个用分号（; 或 ；）分隔，校验位须正确",
      "Optional; several separated by ; (check digits are verified)" },
    { "keywords", "关键词", CELL_LIST, NULL, false, "石墨烯；导热膜",
      "可选，多个用分号分隔，至多 30 个", "Optional; separated by ;, at most 30" },
    { "maturity", "技术成熟度", CELL_INT, NULL, true, "6", "必填，1–9 的整数（TRL）",
      "Required, an integer 1–9 (TRL)" },
    { "trial_months", "最长试用期（月）", CELL_INT, NULL, true, "6", "必填，1–36 的整数",
      "Required, an integer 1–36" },
    { "payment_mode", "付款方式", CELL_ENUM, "payment_modes", true, "分期付款",
      "必填，下拉选择中文名称，或填英文值", "Required: the Chinese label, or the English value" },
    { "reference_fee_fen", "参考许可费（分）", CELL_INT, NULL, false, "50000000",
      "可选，以分为单位的整数，默认 0", "Optional, an integer number of fen (cents), default 0" },
    { "royalty_bp", "提成比例（基点）", CELL_INT, NULL, false, "0",
      "可选，0–10000 基点（1 基点 = 0.01%），默认 0",
      "Optional, 0–10000 basis points (1 = 0.01%), default 0" },
    { "exclusive", "是否独占", CELL_BOOL, NULL, false, "否", "可选，是/否，默认否",
      "Optional, yes/no (是/否), default no" },
};
const size_t IMPORT_COLUMN_COUNT = sizeof IMPORT_COLUMNS / sizeof IMPORT_COLUMNS[0];
