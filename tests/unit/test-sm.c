/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppSm (XEP-0198 bookkeeping): counts, acknowledgements, the queue a resume re-sends, the
 * wrap at 2^32, and a server's impossible h (handled-count-too-high) refused without change. */
#include <string.h>

#include "sm.h"

static XmppNode *
message(guint n)
{
  XmppNode *m = xmpp_node_new("jabber:client", "message");
  g_autofree char *id = g_strdup_printf("m%u", n);
  xmpp_node_set_attr(m, "id", id);
  return m;
}

static void
send_n(XmppSm *sm, guint first, guint n)
{
  for (guint i = first; i < first + n; i++) {
    g_autoptr(XmppNode) m = message(i);
    g_assert_true(xmpp_sm_sent(sm, m, NULL));
  }
}

static void
test_counts_and_acks(void)
{
  XmppSm *sm = xmpp_sm_new();
  g_assert_false(xmpp_sm_is_counting(sm));
  xmpp_sm_enable_sent(sm);
  g_assert_true(xmpp_sm_is_counting(sm));
  g_assert_false(xmpp_sm_is_enabled(sm));
  send_n(sm, 1, 3);
  xmpp_sm_handled(sm); /* before <enabled/>: the server does not count yet */
  g_assert_cmpuint(xmpp_sm_get_handled(sm), ==, 0);
  xmpp_sm_enabled(sm, "sm-1", 300);
  g_assert_cmpstr(xmpp_sm_get_resume_id(sm), ==, "sm-1");
  g_assert_cmpuint(xmpp_sm_get_max(sm), ==, 300);
  xmpp_sm_handled(sm);
  xmpp_sm_handled(sm);
  g_assert_cmpuint(xmpp_sm_get_handled(sm), ==, 2);
  g_assert_cmpuint(xmpp_sm_n_unacked(sm), ==, 3);
  g_assert_true(xmpp_sm_ack(sm, 2, NULL));
  g_assert_cmpuint(xmpp_sm_n_unacked(sm), ==, 1);
  g_assert_cmpstr(xmpp_node_get_attr(xmpp_sm_peek_unacked(sm, 0), "id"), ==, "m3");
  g_assert_true(xmpp_sm_ack(sm, 2, NULL)); /* the same h again: nothing new */
  g_assert_cmpuint(xmpp_sm_n_unacked(sm), ==, 1);
  g_assert_true(xmpp_sm_ack(sm, 3, NULL));
  g_assert_cmpuint(xmpp_sm_n_unacked(sm), ==, 0);
  xmpp_sm_free(sm);
}

/* A server that claims more than we sent, or goes back, is refused and changes nothing. */
static void
test_handled_count_too_high(void)
{
  XmppSm *sm = xmpp_sm_new();
  xmpp_sm_enable_sent(sm);
  xmpp_sm_enabled(sm, NULL, 0);
  send_n(sm, 1, 4);
  g_autoptr(GError) error = NULL;
  g_assert_false(xmpp_sm_ack(sm, 5, &error));
  g_assert_error(error, XMPP_SM_ERROR, XMPP_SM_ERROR_HANDLED_COUNT_TOO_HIGH);
  g_assert_cmpuint(xmpp_sm_n_unacked(sm), ==, 4);
  g_assert_true(xmpp_sm_ack(sm, 3, NULL));
  g_clear_error(&error);
  g_assert_false(xmpp_sm_ack(sm, 1, &error)); /* backwards */
  g_assert_error(error, XMPP_SM_ERROR, XMPP_SM_ERROR_HANDLED_COUNT_TOO_HIGH);
  g_clear_error(&error);
  g_assert_false(xmpp_sm_ack(sm, G_MAXUINT32, &error)); /* -1: far beyond */
  g_assert_cmpuint(xmpp_sm_n_unacked(sm), ==, 1);
  g_assert_cmpstr(xmpp_node_get_attr(xmpp_sm_peek_unacked(sm, 0), "id"), ==, "m4");
  g_assert_null(xmpp_sm_get_resume_id(sm)); /* not resumable: no id */
  xmpp_sm_free(sm);
}

/* §4: the counts wrap to 0 after 2^32 - 1. */
static void
test_wraps_at_2_32(void)
{
  XmppSm *sm = xmpp_sm_new();
  xmpp_sm_enable_sent(sm);
  xmpp_sm_enabled(sm, "w", 0);
  xmpp_sm_set_counts_for_tests(sm, G_MAXUINT32 - 1);
  send_n(sm, 1, 4); /* stanzas 2^32-1, 0, 1, 2 */
  g_assert_cmpuint(xmpp_sm_get_sent(sm), ==, 2);
  g_assert_true(xmpp_sm_ack(sm, G_MAXUINT32, NULL));
  g_assert_cmpuint(xmpp_sm_n_unacked(sm), ==, 3);
  g_assert_true(xmpp_sm_ack(sm, 1, NULL));
  g_assert_cmpuint(xmpp_sm_n_unacked(sm), ==, 1);
  g_assert_false(xmpp_sm_ack(sm, 3, NULL));
  g_assert_true(xmpp_sm_ack(sm, 2, NULL));
  g_assert_cmpuint(xmpp_sm_n_unacked(sm), ==, 0);
  xmpp_sm_handled(sm);
  xmpp_sm_handled(sm);
  g_assert_cmpuint(xmpp_sm_get_handled(sm), ==, 0); /* 2^32 - 1 + 2 */
  xmpp_sm_free(sm);
}

static void
test_take_unacked_and_reset(void)
{
  XmppSm *sm = xmpp_sm_new();
  xmpp_sm_enable_sent(sm);
  xmpp_sm_enabled(sm, "t", 0);
  send_n(sm, 1, 3);
  g_assert_true(xmpp_sm_ack(sm, 1, NULL));
  g_autoptr(GPtrArray) held = xmpp_sm_take_unacked(sm);
  g_assert_cmpuint(held->len, ==, 2);
  g_assert_cmpstr(xmpp_node_get_attr(held->pdata[0], "id"), ==, "m2");
  g_assert_cmpstr(xmpp_node_get_attr(held->pdata[1], "id"), ==, "m3");
  g_assert_cmpuint(xmpp_sm_n_unacked(sm), ==, 0);
  g_assert_true(xmpp_sm_ack(sm, 3, NULL)); /* what was taken counts as settled */
  xmpp_sm_reset(sm);
  g_assert_false(xmpp_sm_is_counting(sm));
  g_assert_null(xmpp_sm_get_resume_id(sm));
  xmpp_sm_free(sm);
}

static void
test_queue_bounded(void)
{
  XmppSm *sm = xmpp_sm_new();
  xmpp_sm_enable_sent(sm);
  send_n(sm, 0, XMPP_SM_MAX_UNACKED);
  g_autoptr(XmppNode) one_more = message(0);
  g_autoptr(GError) error = NULL;
  g_assert_false(xmpp_sm_sent(sm, one_more, &error));
  g_assert_error(error, XMPP_SM_ERROR, XMPP_SM_ERROR_TOO_MANY_UNACKED);
  xmpp_sm_free(sm);
}

static void
test_parse_h(void)
{
  static const struct {
    const char *xml;
    gboolean ok;
    guint32 h;
  } cases[] = {
      {"<a xmlns='urn:xmpp:sm:3' h='0'/>", TRUE, 0},
      {"<a xmlns='urn:xmpp:sm:3' h='4294967295'/>", TRUE, G_MAXUINT32},
      {"<a xmlns='urn:xmpp:sm:3' h='4294967296'/>", FALSE, 0},
      {"<a xmlns='urn:xmpp:sm:3' h='-1'/>", FALSE, 0},
      {"<a xmlns='urn:xmpp:sm:3' h='+5'/>", FALSE, 0},
      {"<a xmlns='urn:xmpp:sm:3' h=' 5'/>", FALSE, 0},
      {"<a xmlns='urn:xmpp:sm:3' h='5x'/>", FALSE, 0},
      {"<a xmlns='urn:xmpp:sm:3' h=''/>", FALSE, 0},
      {"<a xmlns='urn:xmpp:sm:3'/>", FALSE, 0},
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    XmppNode *a = xmpp_node_new("urn:xmpp:sm:3", "a");
    const char *v = strstr(cases[i].xml, "h='");
    if (v != NULL) {
      g_autofree char *value = g_strndup(v + 3, strchr(v + 3, '\'') - (v + 3));
      xmpp_node_set_attr(a, "h", value);
    }
    guint32 h = 0;
    g_assert_cmpint(xmpp_sm_parse_h(a, &h), ==, cases[i].ok);
    if (cases[i].ok)
      g_assert_cmpuint(h, ==, cases[i].h);
    xmpp_node_free(a);
  }
}

/* A stanza given to the queue is the one kept (no copy); one sent by reference is copied.
 * Both count the same, and an acknowledgement frees both. */
static void
test_sent_take_keeps_the_stanza(void)
{
  XmppSm *sm = xmpp_sm_new();
  xmpp_sm_enable_sent(sm);
  xmpp_sm_enabled(sm, "sm-1", 300);
  XmppNode *given = message(1);
  g_assert_true(xmpp_sm_sent_take(sm, given, NULL));
  g_autoptr(XmppNode) lent = message(2);
  g_assert_true(xmpp_sm_sent(sm, lent, NULL));
  g_assert_cmpuint(xmpp_sm_get_sent(sm), ==, 2);
  g_assert_true(xmpp_sm_peek_unacked(sm, 0) == given);
  g_assert_true(xmpp_sm_peek_unacked(sm, 1) != lent);
  g_assert_cmpstr(xmpp_node_get_attr(xmpp_sm_peek_unacked(sm, 1), "id"), ==, "m2");
  g_assert_true(xmpp_sm_ack(sm, 2, NULL));
  g_assert_cmpuint(xmpp_sm_n_unacked(sm), ==, 0);
  xmpp_sm_free(sm);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/sm/T66_counts_and_acks", test_counts_and_acks);
  g_test_add_func("/sm/T66_handled_count_too_high", test_handled_count_too_high);
  g_test_add_func("/sm/T66_wraps_at_2_32", test_wraps_at_2_32);
  g_test_add_func("/sm/take_unacked_and_reset", test_take_unacked_and_reset);
  g_test_add_func("/sm/queue_bounded", test_queue_bounded);
  g_test_add_func("/sm/parse_h", test_parse_h);
  g_test_add_func("/sm/sent_take_keeps_the_stanza", test_sent_take_keeps_the_stanza);
  return g_test_run();
}
