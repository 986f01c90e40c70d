/* meta: the contract's enums with Chinese and English labels, for the browser UI. */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "config.h"

static const char META_JSON[] =
    "{\"provinces\":["
    "{\"value\":\"SH\",\"zh\":\"上海\",\"en\":\"Shanghai\"},"
    "{\"value\":\"JS\",\"zh\":\"江苏\",\"en\":\"Jiangsu\"},"
    "{\"value\":\"ZJ\",\"zh\":\"浙江\",\"en\":\"Zhejiang\"},"
    "{\"value\":\"AH\",\"zh\":\"安徽\",\"en\":\"Anhui\"}],"
    "\"fields\":["
    "{\"value\":\"integrated_circuits\",\"zh\":\"集成电路\",\"en\":\"Integrated circuits\"},"
    "{\"value\":\"biomedicine\",\"zh\":\"生物医药\",\"en\":\"Biomedicine\"},"
    "{\"value\":\"artificial_intelligence\",\"zh\":\"人工智能\",\"en\":\"Artificial "
    "intelligence\"},"
    "{\"value\":\"advanced_manufacturing\",\"zh\":\"高端装备制造\",\"en\":\"Advanced "
    "manufacturing\"},"
    "{\"value\":\"new_energy\",\"zh\":\"新能源\",\"en\":\"New energy\"},"
    "{\"value\":\"new_materials\",\"zh\":\"新材料\",\"en\":\"New materials\"},"
    "{\"value\":\"information_technology\",\"zh\":\"新一代信息技术\",\"en\":\"Information "
    "technology\"},"
    "{\"value\":\"agriculture\",\"zh\":\"现代农业\",\"en\":\"Agriculture\"},"
    "{\"value\":\"environment\",\"zh\":\"节能环保\",\"en\":\"Environment\"},"
    "{\"value\":\"other\",\"zh\":\"其他\",\"en\":\"Other\"}],"
    "\"kinds\":["
    "{\"value\":\"invention_patent\",\"zh\":\"发明专利\",\"en\":\"Invention patent\"},"
    "{\"value\":\"utility_model\",\"zh\":\"实用新型\",\"en\":\"Utility model\"},"
    "{\"value\":\"design_patent\",\"zh\":\"外观设计\",\"en\":\"Design patent\"},"
    "{\"value\":\"software_copyright\",\"zh\":\"软件著作权\",\"en\":\"Software copyright\"},"
    "{\"value\":\"ic_layout\",\"zh\":\"集成电路布图设计\",\"en\":\"IC layout design\"},"
    "{\"value\":\"plant_variety\",\"zh\":\"植物新品种\",\"en\":\"Plant variety\"},"
    "{\"value\":\"technical_secret\",\"zh\":\"技术秘密\",\"en\":\"Technical secret\"},"
    "{\"value\":\"other\",\"zh\":\"其他\",\"en\":\"Other\"}],"
    "\"payment_modes\":["
    "{\"value\":\"lump_sum\",\"zh\":\"一次性付款\",\"en\":\"Lump sum\"},"
    "{\"value\":\"installments\",\"zh\":\"分期付款\",\"en\":\"Installments\"},"
    "{\"value\":\"royalty\",\"zh\":\"按销售提成\",\"en\":\"Royalty\"},"
    "{\"value\":\"lump_sum_plus_royalty\",\"zh\":\"入门费加提成\",\"en\":\"Lump sum plus "
    "royalty\"},"
    "{\"value\":\"equity\",\"zh\":\"作价入股\",\"en\":\"Equity\"}],"
    "\"achievement_statuses\":["
    "{\"value\":\"draft\",\"zh\":\"草稿\",\"en\":\"Draft\"},"
    "{\"value\":\"pending\",\"zh\":\"待审核\",\"en\":\"Pending review\"},"
    "{\"value\":\"listed\",\"zh\":\"已上架\",\"en\":\"Listed\"},"
    "{\"value\":\"rejected\",\"zh\":\"已驳回\",\"en\":\"Rejected\"},"
    "{\"value\":\"withdrawn\",\"zh\":\"已撤回\",\"en\":\"Withdrawn\"},"
    "{\"value\":\"licensed\",\"zh\":\"已独占许可\",\"en\":\"Licensed\"}],"
    "\"trial_statuses\":["
    "{\"value\":\"requested\",\"zh\":\"已申请\",\"en\":\"Requested\"},"
    "{\"value\":\"active\",\"zh\":\"试用中\",\"en\":\"Active\"},"
    "{\"value\":\"declined\",\"zh\":\"已拒绝\",\"en\":\"Declined\"},"
    "{\"value\":\"cancelled\",\"zh\":\"已取消\",\"en\":\"Cancelled\"},"
    "{\"value\":\"converted\",\"zh\":\"已转许可\",\"en\":\"Converted\"},"
    "{\"value\":\"returned\",\"zh\":\"已退回\",\"en\":\"Returned\"},"
    "{\"value\":\"expired\",\"zh\":\"已到期\",\"en\":\"Expired\"}],"
    "\"enterprise_scales\":["
    "{\"value\":\"micro\",\"zh\":\"微型企业\",\"en\":\"Micro enterprise\"},"
    "{\"value\":\"small\",\"zh\":\"小型企业\",\"en\":\"Small enterprise\"},"
    "{\"value\":\"medium\",\"zh\":\"中型企业\",\"en\":\"Medium-sized enterprise\"},"
    "{\"value\":\"large\",\"zh\":\"大型企业\",\"en\":\"Large enterprise\"}],"
    "\"return_reason_codes\":["
    "{\"value\":\"technical_failure\",\"zh\":\"技术未达预期\",\"en\":\"Did not work technically\"},"
    "{\"value\":\"not_mature\",\"zh\":\"成果尚不成熟\",\"en\":\"Not mature enough\"},"
    "{\"value\":\"too_costly\",\"zh\":\"成本过高\",\"en\":\"Too costly\"},"
    "{\"value\":\"market_changed\",\"zh\":\"市场变化\",\"en\":\"Market changed\"},"
    "{\"value\":\"other\",\"zh\":\"其他原因\",\"en\":\"Other\"}],"
    "\"royalty_bases\":["
    "{\"value\":\"net_sales\",\"zh\":\"净销售额\",\"en\":\"Net sales\"},"
    "{\"value\":\"profit\",\"zh\":\"利润\",\"en\":\"Profit\"}],"
    "\"fee_kinds\":["
    "{\"value\":\"lump_sum\",\"zh\":\"一次性许可费\",\"en\":\"Lump sum\"},"
    "{\"value\":\"royalty\",\"zh\":\"按销售提成\",\"en\":\"Royalty\"},"
    "{\"value\":\"entry_plus_royalty\",\"zh\":\"入门费加提成\",\"en\":\"Entry fee plus royalty\"}],"
    "\"recording_statuses\":["
    "{\"value\":\"pending\",\"zh\":\"待备案\",\"en\":\"Pending\"},"
    "{\"value\":\"overdue\",\"zh\":\"备案逾期\",\"en\":\"Overdue\"},"
    "{\"value\":\"done\",\"zh\":\"已备案\",\"en\":\"Recorded\"}],"
    "\"license_statuses\":["
    "{\"value\":\"proposed\",\"zh\":\"待企业确认\",\"en\":\"Proposed\"},"
    "{\"value\":\"declined\",\"zh\":\"企业未接受\",\"en\":\"Declined\"},"
    "{\"value\":\"active\",\"zh\":\"履行中\",\"en\":\"Active\"},"
    "{\"value\":\"settled\",\"zh\":\"已结清\",\"en\":\"Settled\"},"
    "{\"value\":\"defaulted\",\"zh\":\"已违约\",\"en\":\"Defaulted\"}],"
    "\"compensation_statuses\":["
    "{\"value\":\"pending\",\"zh\":\"待审批\",\"en\":\"Pending\"},"
    "{\"value\":\"approved\",\"zh\":\"已批准\",\"en\":\"Approved\"},"
    "{\"value\":\"rejected\",\"zh\":\"已驳回\",\"en\":\"Rejected\"}],"
    "\"institution_kinds\":["
    "{\"value\":\"university\",\"zh\":\"高校\",\"en\":\"University\"},"
    "{\"value\":\"institute\",\"zh\":\"科研院所\",\"en\":\"Research institute\"},"
    "{\"value\":\"hospital\",\"zh\":\"医院\",\"en\":\"Hospital\"},"
    "{\"value\":\"other\",\"zh\":\"其他\",\"en\":\"Other\"}],"
    "\"roles\":["
    "{\"value\":\"admin\",\"zh\":\"长三角管理员\",\"en\":\"Delta administrator\"},"
    "{\"value\":\"province_admin\",\"zh\":\"省级管理员\",\"en\":\"Province administrator\"},"
    "{\"value\":\"institution\",\"zh\":\"高校院所\",\"en\":\"Institution staff\"},"
    "{\"value\":\"enterprise\",\"zh\":\"企业\",\"en\":\"Enterprise staff\"}]}";

const char *meta_labels_json(void)
{
    return META_JSON;
}

static json_t *labels;
static pthread_once_t labels_once = PTHREAD_ONCE_INIT;

static void labels_load(void)
{
    labels = json_loads(META_JSON, 0, NULL);
}

const json_t *meta_enum_labels(const char *name)
{
    pthread_once(&labels_once, labels_load);
    return json_object_get(labels, name);
}

const char *meta_enum_label(const char *name, const char *value, const char *language)
{
    size_t index;
    const json_t *item;
    json_array_foreach((json_t *)meta_enum_labels(name), index, item) {
        const char *known = json_string_value(json_object_get(item, "value"));
        const char *label = json_string_value(json_object_get(item, language));
        if (known != NULL && label != NULL && strcmp(known, value) == 0)
            return label;
    }
    return value;
}

void ops_meta(struct request *req, struct reply *rep)
{
    (void)req;
    char today[11];
    config_service_today(&techpool_config, today);
    /* the enums, plus "today" (an addition: the service's date, for the UI's day counts) */
    size_t size = sizeof META_JSON + 32;
    char *body = malloc(size);
    if (body == NULL) {
        reply_error(rep, ERR_INTERNAL, "out of memory");
        return;
    }
    int len = snprintf(body, size, "{\"today\":\"%s\",%s", today, META_JSON + 1);
    reply_body_steal(rep, 200, "application/json", body, (size_t)len);
}
