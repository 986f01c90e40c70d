/* test_static_path: the static/ path guard, MIME types, and loading a real directory — index
 * files, links that leave the directory, hidden files and ETags. */
#include <check.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/static_files.h"

START_TEST(clean_paths_are_safe)
{
    static const char *const paths[] = {
        "/",          "/index.html", "/js/app.js", "/js/",
        "/a/b/c.txt", "/app.v2.js",  "/中文.html", "/a-b_c~d.css",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        ck_assert_msg(static_path_safe(paths[i]), "%s should be safe", paths[i]);
}
END_TEST

START_TEST(traversal_and_hidden_paths_are_refused)
{
    static const char *const paths[] = {
        "..", "",      "index.html", "/..",      "/../etc/passwd",  "/js/../../x", "/js/..",
        "/.", "/./x",  "/js/.",      "/.hidden", "/js/.git/config", "//x",         "/js//app.js",
        "//", "/a\\b", "\\",         "/..\\x",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        ck_assert_msg(!static_path_safe(paths[i]), "%s should be refused", paths[i]);
}
END_TEST

START_TEST(control_characters_are_refused)
{
    /* "\x01" is what a decoded %00 turns into once libmicrohttpd has cut at the NUL; the
     * others are plain control bytes in a path */
    static const char *const paths[] = {
        "/\x01", "/a\x01.html", "/a\tb", "/a\nb", "/a\rb", "/\x1f", "/a\x7f",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        ck_assert_msg(!static_path_safe(paths[i]), "path %zu with a control byte should be refused",
                      i);
}
END_TEST

START_TEST(mime_types_by_extension)
{
    static const struct {
        const char *name;
        const char *mime;
    } cases[] = {
        { "/index.html", "text/html; charset=utf-8" },
        { "/css/site.css", "text/css; charset=utf-8" },
        { "/js/app.js", "text/javascript; charset=utf-8" },
        { "/js/mod.mjs", "text/javascript; charset=utf-8" },
        { "/data.json", "application/json" },
        { "/js/app.js.map", "application/json" },
        { "/site.webmanifest", "application/manifest+json" },
        { "/logo.svg", "image/svg+xml" },
        { "/logo.png", "image/png" },
        { "/photo.jpg", "image/jpeg" },
        { "/photo.jpeg", "image/jpeg" },
        { "/anim.gif", "image/gif" },
        { "/pic.webp", "image/webp" },
        { "/favicon.ico", "image/x-icon" },
        { "/font.woff2", "font/woff2" },
        { "/font.woff", "font/woff" },
        { "/robots.txt", "text/plain; charset=utf-8" },
        { "/INDEX.HTML", "text/html; charset=utf-8" },
        { "/JS/APP.JS", "text/javascript; charset=utf-8" },
        { "/Logo.Png", "image/png" },
        { "/Font.WOFF2", "font/woff2" },
        { "/setup.exe", "application/octet-stream" },
        { "/README", "application/octet-stream" },
        { "/archive.tar.gz", "application/octet-stream" },
        { "/js.d/app", "application/octet-stream" },
        { "/page.htm", "application/octet-stream" },
        { "/page.html5", "application/octet-stream" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_msg(strcmp(static_mime_type(cases[i].name), cases[i].mime) == 0,
                      "%s: expected %s, got %s", cases[i].name, cases[i].mime,
                      static_mime_type(cases[i].name));
}
END_TEST

/* A static/ directory of our own, beside a directory that must never be served. */
static char base[PATH_MAX];
static char root[PATH_MAX];

static void write_file(const char *relative, const char *content)
{
    char path[PATH_MAX];
    ck_assert(snprintf(path, sizeof path, "%s/%s", base, relative) < (int)sizeof path);
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "cannot create %s", path);
    ck_assert_uint_eq(fwrite(content, 1, strlen(content), f), strlen(content));
    ck_assert_int_eq(fclose(f), 0);
}

static void make_dir(const char *relative)
{
    char path[PATH_MAX];
    ck_assert(snprintf(path, sizeof path, "%s/%s", base, relative) < (int)sizeof path);
    ck_assert_msg(mkdir(path, 0755) == 0, "cannot create %s", path);
}

static void make_link(const char *target, const char *relative)
{
    char path[PATH_MAX];
    ck_assert(snprintf(path, sizeof path, "%s/%s", base, relative) < (int)sizeof path);
    ck_assert_msg(symlink(target, path) == 0, "cannot link %s", path);
}

static void tree_setup(void)
{
    const char *tmp = getenv("TMPDIR");
    ck_assert(snprintf(base, sizeof base, "%s/techpool-static-XXXXXX",
                       tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp") < (int)sizeof base);
    ck_assert(mkdtemp(base) != NULL);
    ck_assert(snprintf(root, sizeof root, "%s/static", base) < (int)sizeof root);

    make_dir("outside");
    write_file("outside/secret.txt", "not for the web");
    make_dir("static");
    write_file("static/index.html", "<h1>home</h1>");
    make_dir("static/js");
    write_file("static/js/app.js", "console.log(1);");
    make_dir("static/sub");
    write_file("static/sub/index.html", "<h1>sub</h1>");
    write_file("static/sub/page.html", "<p>page</p>");
    make_dir("static/nosub");
    write_file("static/nosub/note.txt", "no index here");
    write_file("static/.hidden", "hidden");
    make_dir("static/.git");
    write_file("static/.git/config", "[core]");
    write_file("static/same_a.txt", "same content");
    write_file("static/same_b.txt", "same content");
    write_file("static/other.txt", "other content");
    write_file("static/empty.txt", "");
    make_link("../outside/secret.txt", "static/escape.txt");
    make_link(base, "static/escape_up");
    make_link("../outside", "static/escape_dir");
    make_link("js/app.js", "static/link.js");
    make_link("sub", "static/sub_link");
    make_link("missing.txt", "static/dangling.txt");
    ck_assert(static_load(root));
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void tree_teardown(void)
{
    static_unload();
    nftw(base, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void assert_serves(const char *path, const char *content, const char *mime)
{
    const struct static_file *file = static_lookup(path);
    ck_assert_msg(file != NULL, "%s should be served", path);
    ck_assert_uint_eq(file->size, strlen(content));
    ck_assert_msg(memcmp(file->data, content, file->size) == 0, "%s has the wrong content", path);
    ck_assert_str_eq(file->mime, mime);
}

START_TEST(files_are_served_with_content_and_type)
{
    assert_serves("/index.html", "<h1>home</h1>", "text/html; charset=utf-8");
    assert_serves("/js/app.js", "console.log(1);", "text/javascript; charset=utf-8");
    assert_serves("/sub/page.html", "<p>page</p>", "text/html; charset=utf-8");
    assert_serves("/nosub/note.txt", "no index here", "text/plain; charset=utf-8");
    assert_serves("/empty.txt", "", "text/plain; charset=utf-8");
    ck_assert_str_eq(static_lookup("/js/app.js")->path, "/js/app.js");
}
END_TEST

START_TEST(directory_paths_serve_their_index)
{
    assert_serves("/", "<h1>home</h1>", "text/html; charset=utf-8");
    assert_serves("/sub/", "<h1>sub</h1>", "text/html; charset=utf-8");
    ck_assert_ptr_null(static_lookup("/nosub/"));
    ck_assert_ptr_null(static_lookup("/sub"));
    ck_assert_ptr_null(static_lookup("/js"));
}
END_TEST

START_TEST(missing_and_unsafe_paths_are_not_served)
{
    static const char *const paths[] = {
        "/nothing.html", "/js/nothing.js",    "/index.htm",   "/INDEX.HTML",   "",
        "index.html",    "/js/../index.html", "//index.html", "/./index.html", "/sub/../index.html",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        ck_assert_msg(static_lookup(paths[i]) == NULL, "%s should not be served", paths[i]);
}
END_TEST

START_TEST(hidden_files_are_not_served)
{
    ck_assert_ptr_null(static_lookup("/.hidden"));
    ck_assert_ptr_null(static_lookup("/.git/config"));
}
END_TEST

START_TEST(links_leaving_the_directory_are_not_served)
{
    ck_assert_ptr_null(static_lookup("/escape.txt"));
    ck_assert_ptr_null(static_lookup("/escape_dir/secret.txt"));
    ck_assert_ptr_null(static_lookup("/escape_up/outside/secret.txt"));
    ck_assert_ptr_null(static_lookup("/escape_up/static/index.html"));
    ck_assert_ptr_null(static_lookup("/dangling.txt"));
}
END_TEST

START_TEST(links_inside_the_directory_are_served)
{
    assert_serves("/link.js", "console.log(1);", "text/javascript; charset=utf-8");
    assert_serves("/sub_link/", "<h1>sub</h1>", "text/html; charset=utf-8");
    assert_serves("/sub_link/page.html", "<p>page</p>", "text/html; charset=utf-8");
    ck_assert_str_eq(static_lookup("/link.js")->etag, static_lookup("/js/app.js")->etag);
}
END_TEST

START_TEST(etag_is_quoted_and_follows_content)
{
    const struct static_file *a = static_lookup("/same_a.txt");
    const struct static_file *b = static_lookup("/same_b.txt");
    const struct static_file *other = static_lookup("/other.txt");
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_ptr_nonnull(other);
    size_t len = strlen(a->etag);
    ck_assert_uint_ge(len, 3);
    ck_assert_msg(a->etag[0] == '"' && a->etag[len - 1] == '"', "ETag %s is not quoted", a->etag);
    ck_assert_msg(strchr(a->etag + 1, '"') == a->etag + len - 1, "ETag %s has inner quotes",
                  a->etag);
    ck_assert_str_eq(a->etag, b->etag);
    ck_assert_str_ne(a->etag, other->etag);
    ck_assert_str_ne(static_lookup("/empty.txt")->etag, a->etag);
}
END_TEST

START_TEST(etag_is_stable_across_loads)
{
    char before[32];
    ck_assert(snprintf(before, sizeof before, "%s", static_lookup("/index.html")->etag) <
              (int)sizeof before);
    ck_assert(static_load(root));
    ck_assert_str_eq(static_lookup("/index.html")->etag, before);

    /* a changed file gets a new ETag on the next load */
    write_file("static/index.html", "<h1>home, changed</h1>");
    ck_assert(static_load(root));
    assert_serves("/", "<h1>home, changed</h1>", "text/html; charset=utf-8");
    ck_assert_str_ne(static_lookup("/index.html")->etag, before);
}
END_TEST

START_TEST(unload_forgets_every_file)
{
    static_unload();
    ck_assert_ptr_null(static_lookup("/index.html"));
    ck_assert_ptr_null(static_lookup("/"));
}
END_TEST

START_TEST(missing_directory_fails_to_load)
{
    char missing[PATH_MAX];
    ck_assert(snprintf(missing, sizeof missing, "%s/no-such-dir", base) < (int)sizeof missing);
    ck_assert(!static_load(missing));
    ck_assert_ptr_null(static_lookup("/index.html"));
}
END_TEST

static Suite *static_suite(void)
{
    Suite *suite = suite_create("static_files");

    TCase *guard = tcase_create("guard");
    tcase_add_test(guard, clean_paths_are_safe);
    tcase_add_test(guard, traversal_and_hidden_paths_are_refused);
    tcase_add_test(guard, control_characters_are_refused);
    tcase_add_test(guard, mime_types_by_extension);
    suite_add_tcase(suite, guard);

    TCase *tree = tcase_create("tree");
    tcase_add_checked_fixture(tree, tree_setup, tree_teardown);
    tcase_add_test(tree, files_are_served_with_content_and_type);
    tcase_add_test(tree, directory_paths_serve_their_index);
    tcase_add_test(tree, missing_and_unsafe_paths_are_not_served);
    tcase_add_test(tree, hidden_files_are_not_served);
    tcase_add_test(tree, links_leaving_the_directory_are_not_served);
    tcase_add_test(tree, links_inside_the_directory_are_served);
    tcase_add_test(tree, etag_is_quoted_and_follows_content);
    tcase_add_test(tree, etag_is_stable_across_loads);
    tcase_add_test(tree, unload_forgets_every_file);
    tcase_add_test(tree, missing_directory_fails_to_load);
    suite_add_tcase(suite, tree);

    return suite;
}

int main(void)
{
    SRunner *runner = srunner_create(static_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
