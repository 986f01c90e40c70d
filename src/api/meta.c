/* meta: the contract's enums with Chinese and English labels, for the browser UI — the enums of
 * the vocabulary (src/domain/vocabulary.c) that GET /api/v1/meta serves, in their order. */
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "config.h"
#include "domain/vocabulary.h"

/* {"provinces":[{"value","zh","en"},...],"fields":[...],...}: built once, never changed after. */
static json_t *labels;
static pthread_once_t labels_once = PTHREAD_ONCE_INIT;

static json_t *terms_json(const struct vocabulary *vocabulary)
{
    json_t *items = json_array();
    for (size_t i = 0; items != NULL && i < vocabulary->count; i++) {
        const struct vocabulary_term *term = &vocabulary->terms[i];
        json_array_append_new(items, json_pack("{s:s, s:s, s:s}", "value", term->value, "zh",
                                               term->zh, "en", term->en));
    }
    return items;
}

static void labels_load(void)
{
    labels = json_object();
    for (size_t i = 0; labels != NULL && i < VOCABULARY_COUNT; i++)
        if (VOCABULARIES[i].in_meta)
            json_object_set_new(labels, VOCABULARIES[i].name, terms_json(&VOCABULARIES[i]));
}

void ops_meta(struct request *req, struct reply *rep)
{
    (void)req;
    pthread_once(&labels_once, labels_load);
    char today[11];
    config_service_today(&techpool_config, today);
    /* the enums, after "today" (an addition: the service's date, for the UI's day counts) */
    json_t *doc = json_pack("{s:s}", "today", today);
    const char *name;
    json_t *items;
    json_object_foreach(labels, name, items) {
        if (doc != NULL && json_object_set(doc, name, items) != 0) {
            json_decref(doc);
            doc = NULL;
        }
    }
    if (doc == NULL) {
        reply_error(rep, ERR_INTERNAL, "out of memory");
        return;
    }
    reply_json(rep, 200, doc);
    json_decref(doc);
}
