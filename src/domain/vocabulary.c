/* vocabulary: the enums of the domain, each listed once below as (value, Chinese label, English
 * label); the value lists and the term tables are both expanded from that one list. */
#include "domain/vocabulary.h"

#include <string.h>

/* clang-format off */
#define PROVINCE_TERMS(TERM)                                                                       \
    TERM("SH", "上海", "Shanghai")                                                                 \
    TERM("JS", "江苏", "Jiangsu")                                                                  \
    TERM("ZJ", "浙江", "Zhejiang")                                                                 \
    TERM("AH", "安徽", "Anhui")

#define FIELD_TERMS(TERM)                                                                          \
    TERM("integrated_circuits", "集成电路", "Integrated circuits")                                 \
    TERM("biomedicine", "生物医药", "Biomedicine")                                                 \
    TERM("artificial_intelligence", "人工智能", "Artificial intelligence")                         \
    TERM("advanced_manufacturing", "高端装备制造", "Advanced manufacturing")                       \
    TERM("new_energy", "新能源", "New energy")                                                     \
    TERM("new_materials", "新材料", "New materials")                                               \
    TERM("information_technology", "新一代信息技术", "Information technology")                     \
    TERM("agriculture", "现代农业", "Agriculture")                                                 \
    TERM("environment", "节能环保", "Environment")                                                 \
    TERM("other", "其他", "Other")

#define KIND_TERMS(TERM)                                                                           \
    TERM("invention_patent", "发明专利", "Invention patent")                                       \
    TERM("utility_model", "实用新型", "Utility model")                                             \
    TERM("design_patent", "外观设计", "Design patent")                                             \
    TERM("software_copyright", "软件著作权", "Software copyright")                                 \
    TERM("ic_layout", "集成电路布图设计", "IC layout design")                                      \
    TERM("plant_variety", "植物新品种", "Plant variety")                                           \
    TERM("technical_secret", "技术秘密", "Technical secret")                                       \
    TERM("other", "其他", "Other")

#define PAYMENT_MODE_TERMS(TERM)                                                                   \
    TERM("lump_sum", "一次性付款", "Lump sum")                                                     \
    TERM("installments", "分期付款", "Installments")                                               \
    TERM("royalty", "按销售提成", "Royalty")                                                       \
    TERM("lump_sum_plus_royalty", "入门费加提成", "Lump sum plus royalty")                         \
    TERM("equity", "作价入股", "Equity")

#define ACHIEVEMENT_STATUS_TERMS(TERM)                                                             \
    TERM("draft", "草稿", "Draft")                                                                 \
    TERM("pending", "待审核", "Pending review")                                                    \
    TERM("listed", "已上架", "Listed")                                                             \
    TERM("rejected", "已驳回", "Rejected")                                                         \
    TERM("withdrawn", "已撤回", "Withdrawn")                                                       \
    TERM("licensed", "已独占许可", "Licensed")

#define TRIAL_STATUS_TERMS(TERM)                                                                   \
    TERM("requested", "已申请", "Requested")                                                       \
    TERM("active", "试用中", "Active")                                                             \
    TERM("declined", "已拒绝", "Declined")                                                         \
    TERM("cancelled", "已取消", "Cancelled")                                                       \
    TERM("converted", "已转许可", "Converted")                                                     \
    TERM("returned", "已退回", "Returned")                                                         \
    TERM("expired", "已到期", "Expired")

#define ENTERPRISE_SCALE_TERMS(TERM)                                                               \
    TERM("micro", "微型企业", "Micro enterprise")                                                  \
    TERM("small", "小型企业", "Small enterprise")                                                  \
    TERM("medium", "中型企业", "Medium-sized enterprise")                                          \
    TERM("large", "大型企业", "Large enterprise")

#define RETURN_REASON_CODE_TERMS(TERM)                                                             \
    TERM("technical_failure", "技术未达预期", "Did not work technically")                          \
    TERM("not_mature", "成果尚不成熟", "Not mature enough")                                        \
    TERM("too_costly", "成本过高", "Too costly")                                                   \
    TERM("market_changed", "市场变化", "Market changed")                                           \
    TERM("other", "其他原因", "Other")

#define ROYALTY_BASE_TERMS(TERM)                                                                   \
    TERM("net_sales", "净销售额", "Net sales")                                                     \
    TERM("profit", "利润", "Profit")

#define FEE_KIND_TERMS(TERM)                                                                       \
    TERM("lump_sum", "一次性许可费", "Lump sum")                                                   \
    TERM("royalty", "按销售提成", "Royalty")                                                       \
    TERM("entry_plus_royalty", "入门费加提成", "Entry fee plus royalty")

#define RECORDING_STATUS_TERMS(TERM)                                                               \
    TERM("pending", "待备案", "Pending")                                                           \
    TERM("overdue", "备案逾期", "Overdue")                                                         \
    TERM("done", "已备案", "Recorded")

#define LICENSE_STATUS_TERMS(TERM)                                                                 \
    TERM("proposed", "待企业确认", "Proposed")                                                     \
    TERM("declined", "企业未接受", "Declined")                                                     \
    TERM("active", "履行中", "Active")                                                             \
    TERM("settled", "已结清", "Settled")                                                           \
    TERM("defaulted", "已违约", "Defaulted")

#define COMPENSATION_STATUS_TERMS(TERM)                                                            \
    TERM("pending", "待审批", "Pending")                                                           \
    TERM("approved", "已批准", "Approved")                                                         \
    TERM("rejected", "已驳回", "Rejected")

#define INSTITUTION_KIND_TERMS(TERM)                                                               \
    TERM("university", "高校", "University")                                                       \
    TERM("institute", "科研院所", "Research institute")                                            \
    TERM("hospital", "医院", "Hospital")                                                           \
    TERM("other", "其他", "Other")

#define ROLE_TERMS(TERM)                                                                           \
    TERM("admin", "长三角管理员", "Delta administrator")                                           \
    TERM("province_admin", "省级管理员", "Province administrator")                                 \
    TERM("institution", "高校院所", "Institution staff")                                           \
    TERM("enterprise", "企业", "Enterprise staff")

#define OPEN_LICENSE_STATUS_TERMS(TERM)                                                            \
    TERM("active", "有效", "Active")                                                               \
    TERM("withdrawn", "已撤回", "Withdrawn")

#define AUDIT_ENTITY_TERMS(TERM)                                                                   \
    TERM("achievement", "成果", "Achievement")                                                     \
    TERM("trial", "试用", "Trial")                                                                 \
    TERM("license", "许可", "License")                                                             \
    TERM("payment", "付款", "Payment")                                                             \
    TERM("compensation", "风险补偿", "Compensation")                                               \
    TERM("user", "用户", "User")                                                                   \
    TERM("institution", "高校院所", "Institution")                                                 \
    TERM("enterprise", "企业", "Enterprise")                                                       \
    TERM("session", "会话", "Session")                                                             \
    TERM("open_license", "开放许可", "Open license")

#define LANGUAGE_TERMS(TERM)                                                                       \
    TERM("zh", "中文", "Chinese")                                                                  \
    TERM("en", "英文", "English")

#define AS_VALUE(value, zh, en) value,
#define AS_TERM(value, zh, en) { value, zh, en },

/* One enum: its value list NAME[] and its term table NAME##_TABLE[]. */
#define VOCABULARY_DEFINE(NAME, TERMS)                                                             \
    const char *const NAME[] = { TERMS(AS_VALUE) NULL };                                           \
    static const struct vocabulary_term NAME##_TABLE[] = { TERMS(AS_TERM) };

VOCABULARY_DEFINE(PROVINCES, PROVINCE_TERMS)
VOCABULARY_DEFINE(ACHIEVEMENT_FIELDS, FIELD_TERMS)
VOCABULARY_DEFINE(ACHIEVEMENT_KINDS, KIND_TERMS)
VOCABULARY_DEFINE(PAYMENT_MODES, PAYMENT_MODE_TERMS)
VOCABULARY_DEFINE(ACHIEVEMENT_STATUSES, ACHIEVEMENT_STATUS_TERMS)
VOCABULARY_DEFINE(TRIAL_STATUSES, TRIAL_STATUS_TERMS)
VOCABULARY_DEFINE(ENTERPRISE_SCALES, ENTERPRISE_SCALE_TERMS)
VOCABULARY_DEFINE(RETURN_REASON_CODES, RETURN_REASON_CODE_TERMS)
VOCABULARY_DEFINE(ROYALTY_BASES, ROYALTY_BASE_TERMS)
VOCABULARY_DEFINE(FEE_KINDS, FEE_KIND_TERMS)
VOCABULARY_DEFINE(RECORDING_STATUSES, RECORDING_STATUS_TERMS)
VOCABULARY_DEFINE(LICENSE_STATUSES, LICENSE_STATUS_TERMS)
VOCABULARY_DEFINE(COMPENSATION_STATUSES, COMPENSATION_STATUS_TERMS)
VOCABULARY_DEFINE(INSTITUTION_KINDS, INSTITUTION_KIND_TERMS)
VOCABULARY_DEFINE(ROLES, ROLE_TERMS)
VOCABULARY_DEFINE(OPEN_LICENSE_STATUSES, OPEN_LICENSE_STATUS_TERMS)
VOCABULARY_DEFINE(AUDIT_ENTITIES, AUDIT_ENTITY_TERMS)
VOCABULARY_DEFINE(LANGUAGES, LANGUAGE_TERMS)

#define ENTRY(NAME, META_KEY, IN_META)                                                             \
    { META_KEY, IN_META, NAME##_TABLE, sizeof NAME##_TABLE / sizeof NAME##_TABLE[0], NAME }

const struct vocabulary VOCABULARIES[] = {
    ENTRY(PROVINCES, "provinces", true),
    ENTRY(ACHIEVEMENT_FIELDS, "fields", true),
    ENTRY(ACHIEVEMENT_KINDS, "kinds", true),
    ENTRY(PAYMENT_MODES, "payment_modes", true),
    ENTRY(ACHIEVEMENT_STATUSES, "achievement_statuses", true),
    ENTRY(TRIAL_STATUSES, "trial_statuses", true),
    ENTRY(ENTERPRISE_SCALES, "enterprise_scales", true),
    ENTRY(RETURN_REASON_CODES, "return_reason_codes", true),
    ENTRY(ROYALTY_BASES, "royalty_bases", true),
    ENTRY(FEE_KINDS, "fee_kinds", true),
    ENTRY(RECORDING_STATUSES, "recording_statuses", true),
    ENTRY(LICENSE_STATUSES, "license_statuses", true),
    ENTRY(COMPENSATION_STATUSES, "compensation_statuses", true),
    ENTRY(INSTITUTION_KINDS, "institution_kinds", true),
    ENTRY(ROLES, "roles", true),
    /* not (yet) in GET /api/v1/meta: adding them would change that document */
    ENTRY(OPEN_LICENSE_STATUSES, "open_license_statuses", false),
    ENTRY(AUDIT_ENTITIES, "audit_entities", false),
    ENTRY(LANGUAGES, "languages", false),
};
/* clang-format on */
const size_t VOCABULARY_COUNT = sizeof VOCABULARIES / sizeof VOCABULARIES[0];

const struct vocabulary *vocabulary_find(const char *name)
{
    for (size_t i = 0; i < VOCABULARY_COUNT; i++)
        if (strcmp(VOCABULARIES[i].name, name) == 0)
            return &VOCABULARIES[i];
    return NULL;
}

const struct vocabulary_term *vocabulary_term(const struct vocabulary *vocabulary,
                                              const char *value)
{
    for (size_t i = 0; vocabulary != NULL && i < vocabulary->count; i++)
        if (strcmp(vocabulary->terms[i].value, value) == 0)
            return &vocabulary->terms[i];
    return NULL;
}

bool vocabulary_has(const char *const *values, const char *value)
{
    for (size_t i = 0; values[i] != NULL; i++)
        if (strcmp(values[i], value) == 0)
            return true;
    return false;
}
