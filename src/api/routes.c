/* routes: the map of the service — every endpoint, its handler, who may call it, and how it
 * touches the public pool (the reply cache: POOL_READ kept, POOL_CHANGE moves it on). */
#include "api/api.h"
#include "api/accounts.h"
#include "api/achievements.h"
#include "api/achievements_import.h"
#include "api/audit.h"
#include "api/compensations.h"
#include "api/export_annual.h"
#include "api/export_csv.h"
#include "api/export_xlsx.h"
#include "api/licenses.h"
#include "api/open_licenses.h"
#include "api/notifications.h"
#include "api/openapi.h"
#include "api/session.h"
#include "api/stats.h"
#include "api/trials.h"
#include "api/todo.h"
#include "http/router.h"

const struct route ROUTES[] = {
    /* operations */
    { "GET", "/healthz", ops_healthz, ROLE_ANYONE, POOL_OTHER },
    { "GET", "/readyz", ops_readyz, ROLE_ANYONE, POOL_OTHER },
    { "GET", "/metrics", ops_metrics, ROLE_ANYONE, POOL_OTHER },
    { "GET", "/api/v1/meta", ops_meta, ROLE_ANYONE, POOL_OTHER },
    { "GET", "/api/v1/openapi.json", openapi_document, ROLE_ANYONE, POOL_OTHER },

    /* accounts and sessions */
    { "POST", "/api/v1/session", session_create, ROLE_ANYONE, POOL_OTHER },
    { "DELETE", "/api/v1/session", session_delete, ROLE_ANYONE, POOL_OTHER },
    { "GET", "/api/v1/me", me_get, ROLE_SIGNED_IN, POOL_OTHER },
    { "GET", "/api/v1/me/preferences", preferences_get, ROLE_SIGNED_IN, POOL_OTHER },
    { "PUT", "/api/v1/me/preferences", preferences_put, ROLE_SIGNED_IN, POOL_OTHER },
    { "GET", "/api/v1/me/todo", todo_get, ROLE_SIGNED_IN, POOL_OTHER },
    { "GET", "/api/v1/notifications", notifications_list, ROLE_SIGNED_IN, POOL_OTHER },
    { "POST", "/api/v1/notifications/read-all", notifications_read_all, ROLE_SIGNED_IN,
      POOL_OTHER },
    { "POST", "/api/v1/notifications/{id}/read", notification_read, ROLE_SIGNED_IN, POOL_OTHER },
    { "POST", "/api/v1/enterprises", enterprise_signup, ROLE_ANYONE, POOL_OTHER },
    { "GET", "/api/v1/enterprises/{id}", enterprise_get, ROLE_SIGNED_IN, POOL_OTHER },
    { "GET", "/api/v1/institutions", institutions_list, ROLE_ANYONE, POOL_OTHER },
    { "POST", "/api/v1/institutions", institution_create, ROLE_ADMINS, POOL_OTHER },
    { "GET", "/api/v1/institutions/{id}", institution_get, ROLE_ANYONE, POOL_OTHER },
    { "POST", "/api/v1/users", user_create, ROLE_SIGNED_IN, POOL_OTHER },

    /* achievements */
    { "GET", "/api/v1/achievements", achievements_list, ROLE_ANYONE, POOL_READ },
    { "POST", "/api/v1/achievements", achievement_create, ROLE_INSTITUTION, POOL_CHANGE },
    { "GET", "/api/v1/achievements/{id}", achievement_get, ROLE_ANYONE, POOL_READ },
    { "PATCH", "/api/v1/achievements/{id}", achievement_update, ROLE_INSTITUTION, POOL_CHANGE },
    { "GET", "/api/v1/achievements/import-template.xlsx", import_template_xlsx, ROLE_INSTITUTION,
      POOL_OTHER },
    { "GET", "/api/v1/achievements/import-template.csv", import_template_csv, ROLE_INSTITUTION,
      POOL_OTHER },
    { "POST", "/api/v1/achievements/import", achievements_import, ROLE_INSTITUTION, POOL_CHANGE },
    { "POST", "/api/v1/achievements/{id}/submit", achievement_submit, ROLE_INSTITUTION,
      POOL_CHANGE },
    { "POST", "/api/v1/achievements/{id}/withdraw", achievement_withdraw, ROLE_INSTITUTION,
      POOL_CHANGE },
    { "POST", "/api/v1/achievements/{id}/approve", achievement_approve, ROLE_ADMINS, POOL_CHANGE },
    { "POST", "/api/v1/achievements/{id}/reject", achievement_reject, ROLE_ADMINS, POOL_CHANGE },

    /* trials */
    { "POST", "/api/v1/achievements/{id}/trials", trial_request, ROLE_ENTERPRISE, POOL_OTHER },
    { "GET", "/api/v1/trials", trials_list, ROLE_SIGNED_IN, POOL_OTHER },
    { "GET", "/api/v1/trials/{id}", trial_get, ROLE_SIGNED_IN, POOL_OTHER },
    { "POST", "/api/v1/trials/{id}/approve", trial_approve, ROLE_INSTITUTION, POOL_OTHER },
    { "POST", "/api/v1/trials/{id}/decline", trial_decline, ROLE_INSTITUTION, POOL_OTHER },
    { "POST", "/api/v1/trials/{id}/cancel", trial_cancel, ROLE_ENTERPRISE, POOL_OTHER },
    { "POST", "/api/v1/trials/{id}/return", trial_return, ROLE_ENTERPRISE, POOL_OTHER },
    { "POST", "/api/v1/trials/{id}/extension", trial_extension_request, ROLE_ENTERPRISE,
      POOL_OTHER },
    { "POST", "/api/v1/trials/{id}/extension/approve", trial_extension_approve, ROLE_INSTITUTION,
      POOL_OTHER },
    { "POST", "/api/v1/trials/{id}/extension/decline", trial_extension_decline, ROLE_INSTITUTION,
      POOL_OTHER },
    { "POST", "/api/v1/trials/{id}/convert", trial_convert, ROLE_INSTITUTION | ROLE_ENTERPRISE,
      POOL_CHANGE },

    /* licenses, payments and compensation */
    { "GET", "/api/v1/licenses", licenses_list, ROLE_SIGNED_IN, POOL_OTHER },
    { "GET", "/api/v1/licenses/{id}", license_get, ROLE_SIGNED_IN, POOL_OTHER },
    { "GET", "/api/v1/licenses/{id}/payments", license_payments_list, ROLE_SIGNED_IN, POOL_OTHER },
    { "POST", "/api/v1/licenses/{id}/payments", license_payment_record, ROLE_INSTITUTION,
      POOL_OTHER },
    { "POST", "/api/v1/licenses/{id}/accept", license_accept, ROLE_ENTERPRISE, POOL_CHANGE },
    { "POST", "/api/v1/licenses/{id}/decline", license_decline, ROLE_ENTERPRISE, POOL_OTHER },
    { "GET", "/api/v1/licenses/{id}/reports", license_reports_list, ROLE_SIGNED_IN, POOL_OTHER },
    { "POST", "/api/v1/licenses/{id}/reports", license_report_file, ROLE_ENTERPRISE, POOL_OTHER },
    { "PUT", "/api/v1/licenses/{id}/recording", license_recording_put, ROLE_INSTITUTION,
      POOL_OTHER },
    { "PUT", "/api/v1/licenses/{id}/registration", license_registration_put,
      ROLE_INSTITUTION | ROLE_ENTERPRISE, POOL_OTHER },
    { "POST", "/api/v1/licenses/{id}/default", license_default, ROLE_INSTITUTION, POOL_OTHER },

    /* patent open licensing */
    { "POST", "/api/v1/achievements/{id}/open-licenses", open_license_declare, ROLE_INSTITUTION,
      POOL_CHANGE },
    { "GET", "/api/v1/open-licenses", open_licenses_list, ROLE_ANYONE, POOL_OTHER },
    { "GET", "/api/v1/open-licenses/{id}", open_license_get, ROLE_ANYONE, POOL_OTHER },
    { "POST", "/api/v1/open-licenses/{id}/withdraw", open_license_withdraw, ROLE_INSTITUTION,
      POOL_CHANGE },
    { "POST", "/api/v1/open-licenses/{id}/take", open_license_take, ROLE_ENTERPRISE, POOL_OTHER },
    { "GET", "/api/v1/compensations", compensations_list, ROLE_ADMINS, POOL_OTHER },
    { "GET", "/api/v1/compensations/{id}", compensation_get, ROLE_ADMINS, POOL_OTHER },
    { "POST", "/api/v1/compensations/{id}/approve", compensation_approve, ROLE_ADMINS, POOL_OTHER },
    { "POST", "/api/v1/compensations/{id}/reject", compensation_reject, ROLE_ADMINS, POOL_OTHER },

    /* statistics, exports and audit */
    { "GET", "/api/v1/stats/summary", stats_summary, ROLE_ADMINS, POOL_OTHER },
    { "GET", "/api/v1/stats/flows", stats_flows, ROLE_ADMINS, POOL_OTHER },
    { "GET", "/api/v1/stats/monthly", stats_monthly, ROLE_ADMINS, POOL_OTHER },
    { "GET", "/api/v1/stats/fields", stats_fields, ROLE_ADMINS, POOL_OTHER },
    { "GET", "/api/v1/stats/regions", stats_regions, ROLE_ADMINS, POOL_OTHER },
    { "GET", "/api/v1/stats/returns", stats_returns, ROLE_ADMINS, POOL_OTHER },
    { "GET", "/api/v1/exports/trials.csv", export_trials_csv, ROLE_ADMINS, POOL_OTHER },
    { "GET", "/api/v1/exports/trials.xlsx", export_trials_xlsx, ROLE_ADMINS, POOL_OTHER },
    { "GET", "/api/v1/exports/annual-report.xlsx", export_annual_report_xlsx, ROLE_ADMINS,
      POOL_OTHER },
    { "GET", "/api/v1/audit", audit_list, ROLE_ADMINS, POOL_OTHER },
};

const size_t ROUTE_COUNT = sizeof ROUTES / sizeof ROUTES[0];

/* Handlers whose body is a file (a spreadsheet), not a JSON object. */
const handler_fn FILE_HANDLERS[] = { achievements_import };
const size_t FILE_HANDLER_COUNT = sizeof FILE_HANDLERS / sizeof FILE_HANDLERS[0];
