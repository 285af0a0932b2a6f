/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for jingle-file.c (XEP-0234 over XEP-0261): a file offered to us and the user's
 * answers, a transport we do not speak, and our own offer through accept, decline and end. */
#include "services/jingle-file.h"
#include "router-fixture.h"
#include "router/stanza-error.h"

#include <string.h>

#define OWN  "juliet@example.com/balcony"
#define PEER "romeo@example.net/orchard"
#define J    "urn:xmpp:jingle:1"
#define FT   "urn:xmpp:jingle:apps:file-transfer:5"
#define IBB  "urn:xmpp:jingle:transports:ibb:1"

typedef struct {
  TestRouter *t;
  XmppDisco *disco;
  XmppIbb *ibb;
  XmppJingleFiles *jf;
  GString *log;
  guint handle;
} Fixture;

static void
ev_offered(gpointer data, const XmppSiOffer *o)
{
  Fixture *f = data;
  f->handle = o->handle;
  g_string_append_printf(f->log, "offered[%s|%s|%s|%" G_GUINT64_FORMAT "];", o->from, o->sid,
                         o->name, o->size);
}

static void
ev_answered(gpointer data, XmppSiMethod method, const GError *error)
{
  Fixture *f = data;
  g_assert_cmpint(method, ==, XMPP_SI_IBB); /* Jingle here is in-band only */
  g_string_append_printf(f->log, "answered[%s];",
                         error != NULL ? xmpp_stanza_error_condition_name(error->code) : "ok");
}

static void
ev_nothing(gpointer data)
{
}

static const XmppIbbEvents events = {.opened = ev_nothing};

static void
setup(Fixture *f, gconstpointer unused)
{
  f->t = test_router_new(OWN);
  f->disco = xmpp_disco_new(f->t->router, &f->t->fake->host);
  f->ibb = xmpp_ibb_new(f->t->router, &f->t->fake->host);
  f->jf = xmpp_jingle_files_new(f->t->router, &f->t->fake->host, f->disco, f->ibb);
  xmpp_jingle_files_set_offered(f->jf, ev_offered, f);
  f->log = g_string_new(NULL);
}

static void
teardown(Fixture *f, gconstpointer unused)
{
  xmpp_jingle_files_free(f->jf);
  xmpp_ibb_free(f->ibb);
  xmpp_disco_free(f->disco);
  test_router_free(f->t);
  g_string_free(f->log, TRUE);
}

static char *
last_sent(Fixture *f)
{
  return test_router_dup_sent_string(f->t, test_router_n_sent(f->t) - 1);
}

static void
initiate(Fixture *f, const char *transport)
{
  test_router_dispatchf(
      f->t,
      "<iq type='set' id='i1' from='" PEER "'><jingle xmlns='" J "' action='session-initiate' "
      "sid='j1' initiator='" PEER "'><content creator='initiator' name='f' senders='initiator'>"
      "<description xmlns='" FT "'><file><name>rose.jpg</name><size>10</size></file>"
      "</description>%s</content></jingle></iq>",
      transport);
}

static void
test_offer_accepted(Fixture *f, gconstpointer unused)
{
  initiate(f, "<transport xmlns='" IBB "' sid='ibb1' block-size='4096'/>");
  g_autofree char *ack = last_sent(f);
  g_assert_nonnull(strstr(ack, "type='result'"));
  g_assert_cmpstr(f->log->str, ==, "offered[" PEER "|ibb1|rose.jpg|10];");
  g_assert_nonnull(xmpp_jingle_accept(f->jf, f->handle, &events, f));
  g_autofree char *accept = last_sent(f);
  g_assert_nonnull(strstr(accept, "action='session-accept'"));
  g_assert_nonnull(strstr(accept, "sid='ibb1'"));
  g_assert_nonnull(strstr(accept, "responder='" OWN "'"));
  /* The stream is expected from that peer now: its open is taken. */
  test_router_dispatch(f->t, "<iq type='set' id='o1' from='" PEER "'><open xmlns='"
                             "http://jabber.org/protocol/ibb' sid='ibb1' block-size='4096'/></iq>");
  g_autofree char *opened = last_sent(f);
  g_assert_nonnull(strstr(opened, "type='result'"));
  g_assert_null(xmpp_jingle_accept(f->jf, f->handle, &events, f)); /* answered once */
}

static void
test_offer_declined(Fixture *f, gconstpointer unused)
{
  initiate(f, "<transport xmlns='" IBB "' sid='ibb1' block-size='4096'/>");
  xmpp_jingle_decline(f->jf, f->handle);
  g_autofree char *decline = last_sent(f);
  g_assert_nonnull(strstr(decline, "action='session-terminate'"));
  g_assert_nonnull(strstr(decline, "<decline/>"));
  g_assert_cmpuint(xmpp_jingle_n_sessions(f->jf), ==, 0);
}

/* SOCKS5 only: ended as unsupported, never a question to the user. */
static void
test_unsupported_transport(Fixture *f, gconstpointer unused)
{
  initiate(f, "<transport xmlns='urn:xmpp:jingle:transports:s5b:1' sid='s'/>");
  g_autofree char *end = last_sent(f);
  g_assert_nonnull(strstr(end, "<unsupported-transports/>"));
  g_assert_cmpstr(f->log->str, ==, "");
  g_assert_cmpuint(xmpp_jingle_n_sessions(f->jf), ==, 0);
}

static void
test_our_offer(Fixture *f, gconstpointer unused)
{
  g_autofree char *sid = NULL;
  g_assert_false(xmpp_jingle_offer(f->jf, "romeo@example.net", "a", 1, &sid, ev_answered, f,
                                   NULL)); /* not a full JID */
  g_assert_true(xmpp_jingle_offer(f->jf, PEER, "rose.jpg", 10, &sid, ev_answered, f, NULL));
  XmppNode *iq = test_router_last_sent(f->t);
  XmppNode *jingle = xmpp_node_get_child(iq, J, "jingle");
  g_autofree char *offer = last_sent(f);
  g_assert_nonnull(strstr(offer, "<name>rose.jpg</name><size>10</size>"));
  g_assert_nonnull(strstr(offer, sid));
  test_router_answer_last(f->t, NULL);
  test_router_dispatchf(f->t,
                        "<iq type='set' id='a1' from='" PEER "'><jingle xmlns='" J
                        "' action='session-accept' sid='%s'/></iq>",
                        xmpp_node_get_attr(jingle, "sid"));
  g_assert_cmpstr(f->log->str, ==, "answered[ok];");
  xmpp_jingle_finish(f->jf, sid, TRUE);
  g_autofree char *end = last_sent(f);
  g_assert_nonnull(strstr(end, "<success/>"));
  g_assert_cmpuint(xmpp_jingle_n_sessions(f->jf), ==, 0);
}

/* The peer declines ours: the answer says so; its twin above is accepted. */
static void
test_our_offer_declined(Fixture *f, gconstpointer unused)
{
  g_autofree char *sid = NULL;
  g_assert_true(xmpp_jingle_offer(f->jf, PEER, "rose.jpg", 10, &sid, ev_answered, f, NULL));
  XmppNode *jingle = xmpp_node_get_child(test_router_last_sent(f->t), J, "jingle");
  g_autofree char *jsid = g_strdup(xmpp_node_get_attr(jingle, "sid"));
  test_router_answer_last(f->t, NULL);
  /* Someone else cannot end it. */
  test_router_dispatchf(f->t,
                        "<iq type='set' id='t0' from='mallory@example.net/x'><jingle xmlns='" J
                        "' action='session-terminate' sid='%s'><reason><decline/></reason>"
                        "</jingle></iq>",
                        jsid);
  g_assert_cmpstr(f->log->str, ==, "");
  test_router_dispatchf(f->t,
                        "<iq type='set' id='t1' from='" PEER "'><jingle xmlns='" J
                        "' action='session-terminate' sid='%s'><reason><decline/></reason>"
                        "</jingle></iq>",
                        jsid);
  g_assert_cmpstr(f->log->str, ==, "answered[forbidden];");
  g_assert_cmpuint(xmpp_jingle_n_sessions(f->jf), ==, 0);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
  ADD("/jingle-file/offer-accepted", test_offer_accepted);
  ADD("/jingle-file/offer-declined", test_offer_declined);
  ADD("/jingle-file/unsupported-transport", test_unsupported_transport);
  ADD("/jingle-file/our-offer", test_our_offer);
  ADD("/jingle-file/our-offer-declined", test_our_offer_declined);
  return g_test_run();
}
