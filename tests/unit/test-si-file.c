/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for si-file.c (XEP-0096 over XEP-0065 or XEP-0047): offers to us (refused when
 * unusable, a question otherwise), the user's answers (SOCKS5 when offered and wanted, in-band
 * otherwise), and our own offer's answer. */
#include "services/si-file.h"
#include "router-fixture.h"
#include "router/stanza-error.h"

#include <string.h>

#define OWN     "juliet@example.com/balcony"
#define PEER    "romeo@example.net/orchard"
#define SI      "http://jabber.org/protocol/si"
#define FILE_NS "http://jabber.org/protocol/si/profile/file-transfer"
#define METHODS(m)                                                                                 \
  "<feature xmlns='http://jabber.org/protocol/feature-neg'><x xmlns='jabber:x:data' "              \
  "type='form'><field var='stream-method' type='list-single'>" m "</field></x></feature>"
#define OPT(v) "<option><value>" v "</value></option>"
#define S5B    "http://jabber.org/protocol/bytestreams"
#define IBB    "http://jabber.org/protocol/ibb"

typedef struct {
  TestRouter *t;
  XmppDisco *disco;
  XmppIbb *ibb;
  XmppBytestreams *bs;
  XmppSiFiles *si;
  GString *log;
  guint handle;
} Fixture;

static void
ev_offered(gpointer data, const XmppSiOffer *o)
{
  Fixture *f = data;
  f->handle = o->handle;
  g_string_append_printf(f->log, "offered[%s|%s|%" G_GUINT64_FORMAT "];", o->sid, o->name, o->size);
}

static void
ev_answered(gpointer data, XmppSiMethod method, const GError *error)
{
  g_string_append_printf(((Fixture *)data)->log, "answered[%s];",
                         error != NULL ? xmpp_stanza_error_condition_name(error->code)
                         : method == XMPP_SI_BYTESTREAMS ? "socks5"
                                                         : "ibb");
}

static void
ev_hosts(gpointer data, const GPtrArray *hosts)
{
  Fixture *f = data;
  g_string_append(f->log, "hosts[");
  for (guint i = 0; i < hosts->len; i++) {
    const XmppStreamhost *h = hosts->pdata[i];
    g_string_append_printf(f->log, "%s%s:%u", i > 0 ? "," : "", h->host, h->port);
  }
  g_string_append(f->log, "];");
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
  f->bs = xmpp_bytestreams_new(f->t->router, &f->t->fake->host, f->disco, NULL);
  f->si = xmpp_si_files_new(f->t->router, &f->t->fake->host, f->disco, f->ibb, f->bs);
  xmpp_si_files_set_offered(f->si, ev_offered, f);
  f->log = g_string_new(NULL);
}

static void
teardown(Fixture *f, gconstpointer unused)
{
  xmpp_si_files_free(f->si);
  xmpp_bytestreams_free(f->bs);
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
offer(Fixture *f, const char *file, const char *methods)
{
  test_router_dispatchf(f->t,
                        "<iq type='set' id='s1' from='" PEER "'><si xmlns='" SI "' id='sid1' "
                        "profile='" FILE_NS "'>%s%s</si></iq>",
                        file, methods);
}

static void
test_features_advertised(Fixture *f, gconstpointer unused)
{
  g_assert_true(xmpp_disco_has_feature(f->disco, SI));
  g_assert_true(xmpp_disco_has_feature(f->disco, FILE_NS));
  g_assert_true(xmpp_disco_has_feature(f->disco, IBB));
  g_assert_true(xmpp_disco_has_feature(f->disco, S5B));
}

/* Accepted by a user whose client takes in-band only: the answer names IBB. */
static void
test_accepted(Fixture *f, gconstpointer unused)
{
  offer(f, "<file xmlns='" FILE_NS "' name='rose.jpg' size='10'/>", METHODS(OPT(S5B) OPT(IBB)));
  g_assert_cmpstr(f->log->str, ==, "offered[sid1|rose.jpg|10];");
  g_assert_cmpuint(test_router_n_sent(f->t), ==, 0); /* the user answers */
  guint bytestream = 99;
  g_assert_nonnull(xmpp_si_accept(f->si, f->handle, &events, NULL, f, &bytestream));
  g_assert_cmpuint(bytestream, ==, 0);
  g_autofree char *answer = last_sent(f);
  g_assert_nonnull(strstr(answer, "type='result'"));
  g_assert_nonnull(strstr(answer, "<value>" IBB "</value>"));
  g_assert_null(xmpp_si_accept(f->si, f->handle, &events, NULL, f, &bytestream)); /* once */
}

/* With SOCKS5 wanted and offered, the answer chooses it, and the sender's hosts for this stream
 * (and only this one) reach us; the in-band stream stays expected for its fallback. */
static void
test_accepted_socks5(Fixture *f, gconstpointer unused)
{
  offer(f, "<file xmlns='" FILE_NS "' name='rose.jpg' size='10'/>", METHODS(OPT(S5B) OPT(IBB)));
  guint bytestream = 0;
  g_assert_nonnull(xmpp_si_accept(f->si, f->handle, &events, ev_hosts, f, &bytestream));
  g_assert_cmpuint(bytestream, !=, 0);
  g_autofree char *answer = last_sent(f);
  g_assert_nonnull(strstr(answer, "<value>" S5B "</value>"));
  g_assert_cmpuint(xmpp_bytestreams_n_waits(f->bs), ==, 1);
  test_router_dispatch(f->t, "<iq type='set' id='b1' from='" PEER "'><query xmlns='" S5B
                             "' sid='sid1'><streamhost jid='" PEER
                             "' host='127.0.0.1' port='7777'/></query></iq>");
  g_assert_cmpstr(f->log->str, ==, "offered[sid1|rose.jpg|10];hosts[127.0.0.1:7777];");
  /* The in-band open of the same stream is taken too. */
  test_router_dispatch(f->t, "<iq type='set' id='o1' from='" PEER "'><open xmlns='" IBB
                             "' sid='sid1' block-size='4096'/></iq>");
  g_autofree char *opened = last_sent(f);
  g_assert_nonnull(strstr(opened, "type='result'"));
}

static void
test_declined(Fixture *f, gconstpointer unused)
{
  offer(f, "<file xmlns='" FILE_NS "' name='rose.jpg' size='10'/>",
        METHODS(OPT("http://jabber.org/protocol/ibb")));
  xmpp_si_decline(f->si, f->handle);
  g_autofree char *answer = last_sent(f);
  g_assert_nonnull(strstr(answer, "<forbidden"));
  g_assert_nonnull(strstr(answer, "Offer Declined"));
  g_assert_cmpuint(xmpp_si_n_offers(f->si), ==, 0);
}

/* Offers we cannot take are refused at once, never asked; the twins above are asked. */
static void
test_unusable_offers(Fixture *f, gconstpointer unused)
{
  offer(f, "<file xmlns='" FILE_NS "' name='rose.jpg' size='10'/>", METHODS(OPT("jabber:iq:oob")));
  g_autofree char *no_stream = last_sent(f);
  g_assert_nonnull(strstr(no_stream, "<no-valid-streams xmlns='" SI "'/>"));
  offer(f, "<file xmlns='" FILE_NS "' size='10'/>", METHODS(OPT(IBB)));
  g_autofree char *no_name = last_sent(f);
  g_assert_nonnull(strstr(no_name, "<bad-request"));
  offer(f, "<file xmlns='" FILE_NS "' name='a' size='-1'/>", METHODS(OPT(IBB)));
  g_autofree char *bad_size = last_sent(f);
  g_assert_nonnull(strstr(bad_size, "<bad-request"));
  g_assert_cmpstr(f->log->str, ==, "");
}

/* An offer of SOCKS5 alone is a question; accepted where SOCKS5 is not wanted, it is refused
 * rather than answered with a method the sender did not offer. */
static void
test_socks5_only(Fixture *f, gconstpointer unused)
{
  offer(f, "<file xmlns='" FILE_NS "' name='a' size='1'/>", METHODS(OPT(S5B)));
  g_assert_cmpstr(f->log->str, ==, "offered[sid1|a|1];");
  guint bytestream = 0;
  g_assert_null(xmpp_si_accept(f->si, f->handle, &events, NULL, f, &bytestream));
  g_autofree char *answer = last_sent(f);
  g_assert_nonnull(strstr(answer, "<resource-constraint"));
  offer(f, "<file xmlns='" FILE_NS "' name='a' size='1'/>", METHODS(OPT(S5B)));
  g_assert_nonnull(xmpp_si_accept(f->si, f->handle, &events, ev_hosts, f, &bytestream));
  g_autofree char *chosen = last_sent(f);
  g_assert_nonnull(strstr(chosen, "<value>" S5B "</value>"));
}

static void
test_our_offer(Fixture *f, gconstpointer unused)
{
  g_autofree char *sid = NULL;
  g_assert_false(xmpp_si_offer(f->si, "romeo@example.net", "a", 1, &sid, ev_answered, f, NULL));
  g_assert_true(xmpp_si_offer(f->si, PEER, "rose.jpg", 10, &sid, ev_answered, f, NULL));
  g_autofree char *iq = last_sent(f);
  g_assert_nonnull(strstr(iq, "profile='" FILE_NS "'"));
  g_assert_nonnull(strstr(iq, "name='rose.jpg' size='10'"));
  /* Both methods, SOCKS5 first. */
  const char *s5b = strstr(iq, "<value>" S5B "</value>");
  const char *ibb = strstr(iq, "<value>" IBB "</value>");
  g_assert_true(s5b != NULL && ibb != NULL && s5b < ibb);
  test_router_answer_last(f->t, "<si xmlns='" SI "'><feature xmlns='http://jabber.org/protocol/"
                                "feature-neg'><x xmlns='jabber:x:data' type='submit'><field "
                                "var='stream-method'><value>http://jabber.org/protocol/ibb</value>"
                                "</field></x></feature></si>");
  g_assert_cmpstr(f->log->str, ==, "answered[ibb];");
  g_autofree char *sid3 = NULL;
  g_assert_true(xmpp_si_offer(f->si, PEER, "c", 1, &sid3, ev_answered, f, NULL));
  test_router_answer_last(f->t, "<si xmlns='" SI "'><feature xmlns='http://jabber.org/protocol/"
                                "feature-neg'><x xmlns='jabber:x:data' type='submit'><field "
                                "var='stream-method'><value>" S5B "</value>"
                                "</field></x></feature></si>");
  g_assert_cmpstr(f->log->str, ==, "answered[ibb];answered[socks5];");
  /* A receiver that picks something we did not offer: an error, not a stream. */
  g_autofree char *sid2 = NULL;
  g_assert_true(xmpp_si_offer(f->si, PEER, "b", 1, &sid2, ev_answered, f, NULL));
  test_router_answer_last(f->t, "<si xmlns='" SI "'/>");
  g_assert_cmpstr(f->log->str, ==, "answered[ibb];answered[socks5];answered[bad-request];");
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
  ADD("/si-file/features-advertised", test_features_advertised);
  ADD("/si-file/accepted", test_accepted);
  ADD("/si-file/accepted-socks5", test_accepted_socks5);
  ADD("/si-file/socks5-only", test_socks5_only);
  ADD("/si-file/declined", test_declined);
  ADD("/si-file/unusable-offers", test_unusable_offers);
  ADD("/si-file/our-offer", test_our_offer);
  return g_test_run();
}
