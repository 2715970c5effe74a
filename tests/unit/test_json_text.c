/*
 * test_json_text.c - the server's JSON replies are written by json_text
 * (http/json_text.c), which must give the very bytes jansson's
 * json_dumps(JSON_COMPACT) gives: every value kind, every escaped byte,
 * member order after removals, keys holding NUL, the largest integers,
 * reals, and the nesting limit.  The fuzzer fuzz_json_text checks the same
 * on any document jansson parses.  The writer (jw_*), which the record
 * replies are written with, must give the text json_text gives for the same
 * document, and refuse text that is not UTF-8 as jansson does.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "http/json_text.h"

/* json_text(v) is json_dumps(v)'s text, with the length given. */
static void assert_same(json_t *v)
{
	char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	size_t len = 0;
	char *got = json_text(v, &len);
	assert_non_null(want);
	assert_non_null(got);
	assert_string_equal(got, want);
	assert_int_equal(len, strlen(want));
	free(want);
	free(got);
	json_decref(v);
}

static void test_scalars(void **state)
{
	(void)state;
	assert_same(json_null());
	assert_same(json_true());
	assert_same(json_false());
	assert_same(json_integer(0));
	assert_same(json_integer(-7));
	assert_same(json_integer(INT64_MAX));
	assert_same(json_integer(INT64_MIN));
	assert_same(json_real(0.1));
	assert_same(json_real(1.0));
	assert_same(json_real(-0.0));
	assert_same(json_real(1e300));
	assert_same(json_string(""));
	assert_same(json_string("Əliyeva Gülnar / Алиева"));
}

/* Every byte below 0x20, the quote, the backslash, DEL and a slash. */
static void test_escapes(void **state)
{
	char raw[40];
	size_t n = 0;
	(void)state;
	for (int c = 0; c < 0x20; c++)
		raw[n++] = (char)c;
	raw[n++] = '"';
	raw[n++] = '\\';
	raw[n++] = 0x7f;
	raw[n++] = '/';
	assert_same(json_stringn(raw, n));
	json_t *o = json_object();
	json_object_setn_new(o, "a\0b\"\n", 5, json_stringn(raw, n));
	assert_same(o);
}

static void test_containers(void **state)
{
	(void)state;
	assert_same(json_object());
	assert_same(json_array());
	json_t *doc = json_pack("{s:s, s:i, s:[i, s, {}, []], s:{s:n, s:b}, s:o}", "ref", "B000001",
				"n", 3, "list", 1, "x", "deep", "z", "t", 1, "empty",
				json_array());
	assert_non_null(doc);
	assert_same(json_incref(doc));
	/* members stay in the order they were set, also after one goes */
	json_object_del(doc, "n");
	json_object_set_new(doc, "n", json_integer(4));
	assert_same(doc);
}

/* A large reply grows the buffer many times over. */
static void test_large(void **state)
{
	json_t *list = json_array();
	(void)state;
	for (int i = 0; i < 5000; i++)
		json_array_append_new(list, json_pack("{s:i, s:s}", "i", i, "name", "Məmmədov\t\"x\""));
	assert_same(list);
}

/* As deep as jansson parses is written; one level deeper is refused. */
static void test_depth(void **state)
{
	json_t *top = json_array(), *v = top;
	(void)state;
	for (int i = 1; i < JSON_TEXT_DEPTH_MAX; i++) {
		json_t *inner = json_array();
		json_array_append_new(v, inner);
		v = inner;
	}
	assert_same(json_incref(top));
	json_array_append_new(v, json_array());
	assert_null(json_text(top, NULL));
	json_decref(top);
}

/* A document written member by member: the bytes of the same document
 * built with jansson; a part written apart goes in whole (jw_part). */
static void test_writer(void **state)
{
	struct json_writer w = JSON_WRITER_INIT, part = JSON_WRITER_INIT;
	size_t len = 0;
	(void)state;
	jw_begin_array(&part);
	jw_integer(&part, INT64_MIN);
	jw_bool(&part, 0);
	jw_begin_object(&part);
	jw_end_object(&part);
	jw_end_array(&part);
	jw_begin_object(&w);
	jw_key(&w, "id");
	jw_string(&w, "B000001");
	jw_key(&w, "note");
	jw_string(&w, NULL);
	jw_key(&w, "name\t");
	jw_stringn(&w, "M\u0259mm\u0259d\"ov\0x", 12);
	jw_key(&w, "list");
	jw_part(&w, &part);
	jw_key(&w, "empty");
	jw_begin_array(&w);
	jw_end_array(&w);
	jw_key(&w, "n");
	jw_integer(&w, 42);
	jw_end_object(&w);
	char *got = jw_take(&w, &len);
	json_t *v = json_pack("{s:s, s:n, s:s%, s:[I, b, {}], s:[], s:i}", "id", "B000001", "note",
			      "name\t", "M\u0259mm\u0259d\"ov\0x", (size_t)12, "list",
			      (json_int_t)INT64_MIN, 0, "empty", "n", 42);
	char *want = json_text(v, NULL);
	assert_non_null(got);
	assert_string_equal(got, want);
	assert_int_equal(len, strlen(want));
	jw_free(&part);
	free(got);
	free(want);
	json_decref(v);
}

/* Text that is not UTF-8 fails the whole document, as json_string refuses
 * it; nothing is left to free. */
static void test_writer_refusals(void **state)
{
	static const char *const bad[] = {"\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
					  "ok\xff"};
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct json_writer w = JSON_WRITER_INIT;
		assert_null(json_string(bad[i])); /* jansson agrees */
		jw_begin_array(&w);
		jw_string(&w, bad[i]);
		jw_string(&w, "fine");
		jw_end_array(&w);
		assert_null(jw_take(&w, NULL));
		assert_null(w.p);
	}
	struct json_writer deep = JSON_WRITER_INIT;
	for (int i = 0; i <= JSON_TEXT_DEPTH_MAX; i++)
		jw_begin_array(&deep);
	assert_null(jw_take(&deep, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalars), cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_containers), cmocka_unit_test(test_large),
		cmocka_unit_test(test_depth), cmocka_unit_test(test_writer),
		cmocka_unit_test(test_writer_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
