/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for ibb.c (XEP-0047): a stream opened only when expected, blocks in order and
 * within the agreed size (else the stream ends with an error), our own stream block by block,
 * and the ends of both. */
#include "services/ibb.h"
#include "router-fixture.h"
#include "router/stanza-error.h"

#include <string.h>

#define PEER "romeo@example.net/orchard"
#define NS   "http://jabber.org/protocol/ibb"

typedef struct {
  TestRouter *t;
  XmppIbb *ibb;
  GString *log;
} Fixture;

static void
ev_opened(gpointer data)
{
  g_string_append(((Fixture *)data)->log, "opened;");
}

static void
ev_received(gpointer data, const guint8 *bytes, gsize len)
{
  g_string_append_printf(((Fixture *)data)->log, "got[%.*s];", (int)len, (const char *)bytes);
}

static void
ev_acked(gpointer data)
{
  g_string_append(((Fixture *)data)->log, "acked;");
}

static void
ev_closed(gpointer data, const GError *error)
{
  g_string_append_printf(((Fixture *)data)->log, "closed[%s];",
                         error != NULL ? xmpp_stanza_error_condition_name(error->code) : "ok");
}

static const XmppIbbEvents events = {ev_opened, ev_received, ev_acked, ev_closed};

static void
setup(Fixture *f, gconstpointer unused)
{
  f->t = test_router_new("juliet@example.com/balcony");
  f->ibb = xmpp_ibb_new(f->t->router, &f->t->fake->host);
  f->log = g_string_new(NULL);
}

static void
teardown(Fixture *f, gconstpointer unused)
{
  xmpp_ibb_free(f->ibb);
  test_router_free(f->t);
  g_string_free(f->log, TRUE);
}

/* The type of the last answer we sent, and its error condition if any. */
static const char *
last_answer(Fixture *f)
{
  XmppNode *a = test_router_last_sent(f->t);
  XmppNode *e = xmpp_node_get_child(a, NULL, "error");
  XmppNode *cond = e != NULL ? xmpp_node_first_element(e) : NULL;
  return cond != NULL ? cond->name : xmpp_node_get_attr(a, "type");
}

static void
peer_sends(Fixture *f, const char *payload)
{
  test_router_dispatchf(f->t, "<iq type='set' id='p%u' from='" PEER "'>%s</iq>",
                        test_router_n_sent(f->t), payload);
}

static void
test_unexpected_open_refused(Fixture *f, gconstpointer unused)
{
  peer_sends(f, "<open xmlns='" NS "' sid='s1' block-size='4096'/>");
  g_assert_cmpstr(last_answer(f), ==, "not-acceptable");
  /* Expected, but from someone else: refused too. */
  g_assert_nonnull(xmpp_ibb_expect(f->ibb, PEER, "s1", &events, f));
  test_router_dispatch(f->t, "<iq type='set' id='x' from='mallory@example.net/r'>"
                             "<open xmlns='" NS "' sid='s1' block-size='4096'/></iq>");
  g_assert_cmpstr(last_answer(f), ==, "not-acceptable");
  g_assert_cmpstr(f->log->str, ==, "");
}

static void
test_receive_in_order(Fixture *f, gconstpointer unused)
{
  g_assert_nonnull(xmpp_ibb_expect(f->ibb, PEER, "s1", &events, f));
  peer_sends(f, "<open xmlns='" NS "' sid='s1' block-size='8' stanza='iq'/>");
  g_assert_cmpstr(last_answer(f), ==, "result");
  peer_sends(f, "<data xmlns='" NS "' sid='s1' seq='0'>aGVsbG8=</data>"); /* hello */
  g_assert_cmpstr(last_answer(f), ==, "result");
  peer_sends(f, "<data xmlns='" NS "' sid='s1' seq='1'>d29ybGQ=</data>"); /* world */
  peer_sends(f, "<close xmlns='" NS "' sid='s1'/>");
  g_assert_cmpstr(last_answer(f), ==, "result");
  g_assert_cmpstr(f->log->str, ==, "opened;got[hello];got[world];closed[ok];");
  g_assert_cmpuint(xmpp_ibb_n_streams(f->ibb), ==, 0);
}

/* A repeated or skipped block ends the stream (§2.2); its twin above goes in order. */
static void
test_out_of_order_ends(Fixture *f, gconstpointer unused)
{
  g_assert_nonnull(xmpp_ibb_expect(f->ibb, PEER, "s1", &events, f));
  peer_sends(f, "<open xmlns='" NS "' sid='s1' block-size='8'/>");
  peer_sends(f, "<data xmlns='" NS "' sid='s1' seq='0'>aGVsbG8=</data>");
  peer_sends(f, "<data xmlns='" NS "' sid='s1' seq='0'>aGVsbG8=</data>");
  g_assert_cmpstr(last_answer(f), ==, "unexpected-request");
  g_assert_cmpstr(f->log->str, ==, "opened;got[hello];closed[unexpected-request];");
  g_assert_cmpuint(xmpp_ibb_n_streams(f->ibb), ==, 0);
  /* Anything more on that sid is unknown now. */
  peer_sends(f, "<data xmlns='" NS "' sid='s1' seq='1'>aGVsbG8=</data>");
  g_assert_cmpstr(last_answer(f), ==, "item-not-found");
}

/* A block over the agreed size, or not base64, ends the stream. */
static void
test_oversized_block_ends(Fixture *f, gconstpointer unused)
{
  const char *bad[] = {"aGVsbG8gd29ybGQ=", /* 11 bytes > 8 */ "!!!not-base64!!!", ""};
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_string_truncate(f->log, 0);
    g_assert_nonnull(xmpp_ibb_expect(f->ibb, PEER, "s2", &events, f));
    peer_sends(f, "<open xmlns='" NS "' sid='s2' block-size='8'/>");
    g_autofree char *data =
        g_strdup_printf("<data xmlns='" NS "' sid='s2' seq='0'>%s</data>", bad[i]);
    peer_sends(f, data);
    g_assert_cmpstr(last_answer(f), ==, "bad-request");
    g_assert_cmpstr(f->log->str, ==, "opened;closed[bad-request];");
  }
  /* A block size over the protocol's limit is refused at the open. */
  g_string_truncate(f->log, 0);
  g_assert_nonnull(xmpp_ibb_expect(f->ibb, PEER, "s3", &events, f));
  peer_sends(f, "<open xmlns='" NS "' sid='s3' block-size='70000'/>");
  g_assert_cmpstr(last_answer(f), ==, "resource-constraint");
  g_assert_cmpstr(f->log->str, ==, "");
}

static void
answer_last(Fixture *f)
{
  XmppNode *iq = test_router_last_sent(f->t);
  test_router_dispatchf(f->t, "<iq type='result' id='%s' from='" PEER "'/>",
                        xmpp_node_get_attr(iq, "id"));
}

static void
test_send_blocks(Fixture *f, gconstpointer unused)
{
  XmppIbbStream *s = xmpp_ibb_open(f->ibb, PEER, "s9", &events, f);
  g_assert_nonnull(s);
  g_autofree char *open = test_router_dup_sent_string(f->t, 0);
  g_assert_nonnull(strstr(open, "<open xmlns='" NS "' sid='s9' block-size='4096' stanza='iq'/>"));
  g_assert_false(xmpp_ibb_send(s, (const guint8 *)"x", 1)); /* not open yet */
  answer_last(f);
  g_assert_true(xmpp_ibb_send(s, (const guint8 *)"hello", 5));
  g_assert_false(xmpp_ibb_send(s, (const guint8 *)"world", 5)); /* one at a time */
  g_autofree char *data = test_router_dup_sent_string(f->t, 1);
  g_assert_nonnull(strstr(data, "<data xmlns='" NS "' sid='s9' seq='0'>aGVsbG8=</data>"));
  answer_last(f);
  g_assert_true(xmpp_ibb_send(s, (const guint8 *)"world", 5));
  g_autofree char *data2 = test_router_dup_sent_string(f->t, 2);
  g_assert_nonnull(strstr(data2, "seq='1'"));
  answer_last(f);
  xmpp_ibb_close(s, FALSE);
  g_autofree char *close = test_router_dup_sent_string(f->t, 3);
  g_assert_nonnull(strstr(close, "<close xmlns='" NS "' sid='s9'/>"));
  answer_last(f);
  g_assert_cmpstr(f->log->str, ==, "opened;acked;acked;closed[ok];");
  g_assert_cmpuint(xmpp_ibb_n_streams(f->ibb), ==, 0);
}

/* The receiver refuses our open, or a block: the stream ends with its error. */
static void
test_send_refused(Fixture *f, gconstpointer unused)
{
  g_assert_nonnull(xmpp_ibb_open(f->ibb, PEER, "s9", &events, f));
  XmppNode *iq = test_router_last_sent(f->t);
  test_router_dispatchf(f->t,
                        "<iq type='error' id='%s' from='" PEER "'><error type='cancel'>"
                        "<not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                        "</error></iq>",
                        xmpp_node_get_attr(iq, "id"));
  g_assert_cmpstr(f->log->str, ==, "closed[not-acceptable];");
  g_assert_cmpuint(xmpp_ibb_n_streams(f->ibb), ==, 0);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
  ADD("/ibb/unexpected-open-refused", test_unexpected_open_refused);
  ADD("/ibb/receive-in-order", test_receive_in_order);
  ADD("/ibb/out-of-order-ends", test_out_of_order_ends);
  ADD("/ibb/oversized-block-ends", test_oversized_block_ends);
  ADD("/ibb/send-blocks", test_send_blocks);
  ADD("/ibb/send-refused", test_send_refused);
  return g_test_run();
}
