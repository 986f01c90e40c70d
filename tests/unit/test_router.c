/* test_router: route matching — exact paths, {id} captures, 404 against 405 with Allow, HEAD. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "http/router.h"

/* Handlers are only compared by address; the router never calls them. */
static void list_things(struct request *req, struct reply *rep)
{
    (void)req;
    (void)rep;
}

static void create_thing(struct request *req, struct reply *rep)
{
    (void)req;
    (void)rep;
}

static void show_thing(struct request *req, struct reply *rep)
{
    (void)req;
    (void)rep;
}

static void update_thing(struct request *req, struct reply *rep)
{
    (void)req;
    (void)rep;
}

static void show_part(struct request *req, struct reply *rep)
{
    (void)req;
    (void)rep;
}

static void approve_thing(struct request *req, struct reply *rep)
{
    (void)req;
    (void)rep;
}

static const struct route TEST_ROUTES[] = {
    { "GET", "/api/v1/things", list_things, ROLE_ANYONE, POOL_OTHER },
    { "POST", "/api/v1/things", create_thing, ROLE_ENTERPRISE, POOL_OTHER },
    { "GET", "/api/v1/things/{id}", show_thing, ROLE_ANYONE, POOL_OTHER },
    { "PATCH", "/api/v1/things/{id}", update_thing, ROLE_INSTITUTION, POOL_OTHER },
    { "GET", "/api/v1/things/{id}/parts/{id}", show_part, ROLE_ANYONE, POOL_OTHER },
    { "POST", "/api/v1/things/{id}/approve", approve_thing, ROLE_ADMINS, POOL_OTHER },
};
static const size_t TEST_ROUTE_COUNT = sizeof TEST_ROUTES / sizeof TEST_ROUTES[0];

struct outcome {
    enum route_match match;
    const struct route *found;
    struct request req;
    char allow[128];
};

static void match(const char *method, const char *path, struct outcome *out)
{
    memset(out, 0, sizeof *out);
    out->match = router_match(TEST_ROUTES, TEST_ROUTE_COUNT, method, path, &out->found, &out->req,
                              out->allow, sizeof out->allow);
}

START_TEST(exact_path_finds_its_route)
{
    struct outcome o;
    match("GET", "/api/v1/things", &o);
    ck_assert_int_eq(o.match, ROUTE_FOUND);
    ck_assert_ptr_eq(o.found, &TEST_ROUTES[0]);
    ck_assert_uint_eq(o.req.id_count, 0);

    match("POST", "/api/v1/things", &o);
    ck_assert_int_eq(o.match, ROUTE_FOUND);
    ck_assert_ptr_eq(o.found->handler, create_thing);
}
END_TEST

START_TEST(id_capture_fills_number_and_text)
{
    struct outcome o;
    match("GET", "/api/v1/things/1", &o);
    ck_assert_int_eq(o.match, ROUTE_FOUND);
    ck_assert_ptr_eq(o.found, &TEST_ROUTES[2]);
    ck_assert_uint_eq(o.req.id_count, 1);
    ck_assert_int_eq(o.req.ids[0], 1);
    ck_assert_str_eq(o.req.id_text[0], "1");

    match("PATCH", "/api/v1/things/42", &o);
    ck_assert_int_eq(o.match, ROUTE_FOUND);
    ck_assert_ptr_eq(o.found, &TEST_ROUTES[3]);
    ck_assert_int_eq(o.req.ids[0], 42);
    ck_assert_str_eq(o.req.id_text[0], "42");
}
END_TEST

START_TEST(id_capture_takes_eighteen_digits)
{
    struct outcome o;
    match("GET", "/api/v1/things/999999999999999999", &o);
    ck_assert_int_eq(o.match, ROUTE_FOUND);
    ck_assert_int_eq(o.req.ids[0], 999999999999999999LL);
    ck_assert_str_eq(o.req.id_text[0], "999999999999999999");
}
END_TEST

START_TEST(id_capture_refuses_malformed_ids_as_404)
{
    static const char *const paths[] = {
        "/api/v1/things/9223372036854775807", /* 19 digits */
        "/api/v1/things/1000000000000000000", /* 19 digits */
        "/api/v1/things/0",
        "/api/v1/things/042",
        "/api/v1/things/+1",
        "/api/v1/things/-1",
        "/api/v1/things/",
        "/api/v1/things/1a",
        "/api/v1/things/abc",
        "/api/v1/things/1.5",
        "/api/v1/things/%31",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        struct outcome o;
        match("GET", paths[i], &o);
        ck_assert_msg(o.match == ROUTE_NO_PATH, "%s should be 404, got %d", paths[i], o.match);
    }
}
END_TEST

START_TEST(parse_id_bounds)
{
    int64_t id = -1;
    ck_assert(router_parse_id("1", 1, &id));
    ck_assert_int_eq(id, 1);
    ck_assert(router_parse_id("999999999999999999", 18, &id));
    ck_assert_int_eq(id, 999999999999999999LL);
    /* only len characters are read */
    ck_assert(router_parse_id("12/parts", 2, &id));
    ck_assert_int_eq(id, 12);

    id = 7;
    ck_assert(!router_parse_id("1000000000000000000", 19, &id));
    ck_assert(!router_parse_id("9223372036854775807", 19, &id));
    ck_assert(!router_parse_id("", 0, &id));
    ck_assert(!router_parse_id("0", 1, &id));
    ck_assert(!router_parse_id("01", 2, &id));
    ck_assert(!router_parse_id("+1", 2, &id));
    ck_assert(!router_parse_id("-1", 2, &id));
    ck_assert(!router_parse_id(" 1", 2, &id));
    ck_assert(!router_parse_id("1x", 2, &id));
    ck_assert_msg(id == 7, "a refused id must leave the output alone");
}
END_TEST

START_TEST(two_captures_in_order)
{
    struct outcome o;
    match("GET", "/api/v1/things/7/parts/123456", &o);
    ck_assert_int_eq(o.match, ROUTE_FOUND);
    ck_assert_ptr_eq(o.found, &TEST_ROUTES[4]);
    ck_assert_uint_eq(o.req.id_count, 2);
    ck_assert_int_eq(o.req.ids[0], 7);
    ck_assert_int_eq(o.req.ids[1], 123456);
    ck_assert_str_eq(o.req.id_text[0], "7");
    ck_assert_str_eq(o.req.id_text[1], "123456");

    match("GET", "/api/v1/things/7/parts/0", &o);
    ck_assert_int_eq(o.match, ROUTE_NO_PATH);
    match("GET", "/api/v1/things/7/parts", &o);
    ck_assert_int_eq(o.match, ROUTE_NO_PATH);
}
END_TEST

START_TEST(trailing_slash_and_extra_segments_do_not_match)
{
    static const char *const paths[] = {
        "/api/v1/things/",
        "/api/v1/things/1/",
        "/api/v1/things/1/approve/",
        "/api/v1/things/1/approve/x",
        "/api/v1/thing",
        "/api/v1/thingss",
        "/api/v1//things",
        "/api/v1",
        "",
        "/",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        struct outcome o;
        match("GET", paths[i], &o);
        ck_assert_msg(o.match == ROUTE_NO_PATH, "%s should be 404, got %d", paths[i], o.match);
    }
}
END_TEST

START_TEST(known_path_wrong_method_is_405_with_allow)
{
    struct outcome o;
    match("DELETE", "/api/v1/things", &o);
    ck_assert_int_eq(o.match, ROUTE_NO_METHOD);
    ck_assert_str_eq(o.allow, "GET, HEAD, POST");

    match("POST", "/api/v1/things/5", &o);
    ck_assert_int_eq(o.match, ROUTE_NO_METHOD);
    ck_assert_str_eq(o.allow, "GET, HEAD, PATCH");
}
END_TEST

START_TEST(allow_has_no_head_without_get)
{
    struct outcome o;
    match("GET", "/api/v1/things/5/approve", &o);
    ck_assert_int_eq(o.match, ROUTE_NO_METHOD);
    ck_assert_str_eq(o.allow, "POST");

    match("HEAD", "/api/v1/things/5/approve", &o);
    ck_assert_int_eq(o.match, ROUTE_NO_METHOD);
    ck_assert_str_eq(o.allow, "POST");
}
END_TEST

START_TEST(unknown_path_is_404_with_empty_allow)
{
    struct outcome o;
    memset(o.allow, 'x', sizeof o.allow);
    o.match = router_match(TEST_ROUTES, TEST_ROUTE_COUNT, "DELETE", "/api/v1/nothing", &o.found,
                           &o.req, o.allow, sizeof o.allow);
    ck_assert_int_eq(o.match, ROUTE_NO_PATH);
    ck_assert_str_eq(o.allow, "");
}
END_TEST

START_TEST(head_matches_get)
{
    struct outcome o;
    match("HEAD", "/api/v1/things", &o);
    ck_assert_int_eq(o.match, ROUTE_FOUND);
    ck_assert_ptr_eq(o.found, &TEST_ROUTES[0]);

    match("HEAD", "/api/v1/things/9", &o);
    ck_assert_int_eq(o.match, ROUTE_FOUND);
    ck_assert_ptr_eq(o.found, &TEST_ROUTES[2]);
    ck_assert_int_eq(o.req.ids[0], 9);
}
END_TEST

START_TEST(methods_are_case_sensitive)
{
    struct outcome o;
    match("get", "/api/v1/things", &o);
    ck_assert_int_eq(o.match, ROUTE_NO_METHOD);
}
END_TEST

START_TEST(small_allow_buffer_is_truncated_not_overrun)
{
    char allow[6];
    const struct route *found = NULL;
    struct request req;
    memset(&req, 0, sizeof req);
    enum route_match m = router_match(TEST_ROUTES, TEST_ROUTE_COUNT, "PUT", "/api/v1/things/1",
                                      &found, &req, allow, sizeof allow);
    ck_assert_int_eq(m, ROUTE_NO_METHOD);
    ck_assert_uint_lt(strlen(allow), sizeof allow);
    ck_assert_ptr_null(found);
}
END_TEST

static Suite *router_suite(void)
{
    Suite *suite = suite_create("router");
    TCase *tc = tcase_create("match");
    tcase_add_test(tc, exact_path_finds_its_route);
    tcase_add_test(tc, id_capture_fills_number_and_text);
    tcase_add_test(tc, id_capture_takes_eighteen_digits);
    tcase_add_test(tc, id_capture_refuses_malformed_ids_as_404);
    tcase_add_test(tc, parse_id_bounds);
    tcase_add_test(tc, two_captures_in_order);
    tcase_add_test(tc, trailing_slash_and_extra_segments_do_not_match);
    tcase_add_test(tc, known_path_wrong_method_is_405_with_allow);
    tcase_add_test(tc, allow_has_no_head_without_get);
    tcase_add_test(tc, unknown_path_is_404_with_empty_allow);
    tcase_add_test(tc, head_matches_get);
    tcase_add_test(tc, methods_are_case_sensitive);
    tcase_add_test(tc, small_allow_buffer_is_truncated_not_overrun);
    suite_add_tcase(suite, tc);
    return suite;
}

int main(void)
{
    SRunner *runner = srunner_create(router_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
