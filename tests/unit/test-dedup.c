/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppDedup: one message on two paths is one message; different messages stay different;
 * the set is bounded. */
#include "im/dedup.h"

static void
test_same_stanza_id(void)
{
  XmppDedup *d = xmpp_dedup_new(16);
  XmppDedupMessage live = {
      .stanza_id = "A1", .id = "m1", .counterpart = "romeo@example.net", .body = "hi"};
  XmppDedupMessage archived = {.stanza_id = "A1", .counterpart = "romeo@example.net", .body = "hi"};
  g_assert_false(xmpp_dedup_check(d, &live));
  g_assert_true(xmpp_dedup_check(d, &archived));
  xmpp_dedup_free(d);
}

/* A live message without a trusted stanza-id, then its archive copy (with one): the origin-id
 * ties them. */
static void
test_origin_id_ties_paths(void)
{
  XmppDedup *d = xmpp_dedup_new(16);
  XmppDedupMessage live = {
      .origin_id = "o-7", .id = "o-7", .counterpart = "romeo@example.net", .body = "hi"};
  XmppDedupMessage archived = {
      .stanza_id = "B2", .origin_id = "o-7", .counterpart = "romeo@example.net", .body = "hi"};
  g_assert_false(xmpp_dedup_check(d, &live));
  g_assert_true(xmpp_dedup_check(d, &archived));
  /* The same origin-id from someone else is someone else's message. */
  XmppDedupMessage other = {.origin_id = "o-7", .counterpart = "nurse@example.net", .body = "hi"};
  g_assert_false(xmpp_dedup_check(d, &other));
  xmpp_dedup_free(d);
}

/* A bare id is not enough: old clients reuse counters, so the body counts too. */
static void
test_bare_id_with_body(void)
{
  XmppDedup *d = xmpp_dedup_new(16);
  XmppDedupMessage first = {.id = "1", .counterpart = "old@example.net", .body = "hello"};
  XmppDedupMessage again = {.id = "1", .counterpart = "old@example.net", .body = "hello"};
  XmppDedupMessage reused = {.id = "1", .counterpart = "old@example.net", .body = "new text"};
  g_assert_false(xmpp_dedup_check(d, &first));
  g_assert_true(xmpp_dedup_check(d, &again));
  g_assert_false(xmpp_dedup_check(d, &reused));
  /* Nothing to know it by: never a duplicate. */
  XmppDedupMessage anonymous = {.counterpart = "old@example.net", .body = "x"};
  g_assert_false(xmpp_dedup_check(d, &anonymous));
  g_assert_false(xmpp_dedup_check(d, &anonymous));
  xmpp_dedup_free(d);
}

static void
test_bounded(void)
{
  XmppDedup *d = xmpp_dedup_new(8);
  for (guint i = 0; i < 100; i++) {
    g_autofree char *id = g_strdup_printf("s%u", i);
    XmppDedupMessage m = {.stanza_id = id, .body = "b"};
    g_assert_false(xmpp_dedup_check(d, &m));
    g_assert_cmpuint(xmpp_dedup_n_keys(d), <=, 8);
  }
  /* The oldest were forgotten, the newest are known. */
  XmppDedupMessage oldest = {.stanza_id = "s0", .body = "b"};
  XmppDedupMessage newest = {.stanza_id = "s99", .body = "b"};
  g_assert_cmpuint(xmpp_dedup_n_keys(d), ==, 8);
  g_assert_true(xmpp_dedup_check(d, &newest));
  /* First in, first forgotten: exactly the last 8 (s92..s99) are known. */
  for (guint i = 92; i < 100; i++) {
    g_autofree char *id = g_strdup_printf("s%u", i);
    XmppDedupMessage m = {.stanza_id = id, .body = "b"};
    g_assert_true(xmpp_dedup_check(d, &m));
  }
  XmppDedupMessage forgotten = {.stanza_id = "s91", .body = "b"};
  g_assert_false(xmpp_dedup_check(d, &forgotten)); /* now remembered, in place of s92 */
  XmppDedupMessage pushed_out = {.stanza_id = "s92", .body = "b"};
  g_assert_false(xmpp_dedup_check(d, &pushed_out));
  g_assert_false(xmpp_dedup_check(d, &oldest));
  xmpp_dedup_free(d);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/dedup/same_stanza_id", test_same_stanza_id);
  g_test_add_func("/dedup/origin_id_ties_paths", test_origin_id_ties_paths);
  g_test_add_func("/dedup/bare_id_with_body", test_bare_id_with_body);
  g_test_add_func("/dedup/bounded", test_bounded);
  return g_test_run();
}
