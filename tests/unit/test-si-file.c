/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for si-file.c (XEP-0096 over XEP-0047): offers to us (refused when unusable, a
 * question otherwise), the user's answers, and our own offer's answer. */
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

typedef struct {
  TestRouter *t;
  XmppDisco *disco;
  XmppIbb *ibb;
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
ev_answered(gpointer data, const GError *error)
{
  g_string_append_printf(((Fixture *)data)->log, "answered[%s];",
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
  f->si = xmpp_si_files_new(f->t->router, &f->t->fake->host, f->disco, f->ibb);
  xmpp_si_files_set_offered(f->si, ev_offered, f);
  f->log = g_string_new(NULL);
}

static void
teardown(Fixture *f, gconstpointer unused)
{
  xmpp_si_files_free(f->si);
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
  g_assert_true(xmpp_disco_has_feature(f->disco, "http://jabber.org/protocol/ibb"));
}

static void
test_accepted(Fixture *f, gconstpointer unused)
{
  offer(
      f, "<file xmlns='" FILE_NS "' name='rose.jpg' size='10'/>",
      METHODS(OPT("http://jabber.org/protocol/bytestreams") OPT("http://jabber.org/protocol/ibb")));
  g_assert_cmpstr(f->log->str, ==, "offered[sid1|rose.jpg|10];");
  g_assert_cmpuint(test_router_n_sent(f->t), ==, 0); /* the user answers */
  g_assert_nonnull(xmpp_si_accept(f->si, f->handle, &events, f));
  g_autofree char *answer = last_sent(f);
  g_assert_nonnull(strstr(answer, "type='result'"));
  g_assert_nonnull(strstr(answer, "<value>http://jabber.org/protocol/ibb</value>"));
  g_assert_null(xmpp_si_accept(f->si, f->handle, &events, f)); /* once */
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

/* Offers we cannot take are refused at once, never asked; the twin above is asked. */
static void
test_unusable_offers(Fixture *f, gconstpointer unused)
{
  offer(f, "<file xmlns='" FILE_NS "' name='rose.jpg' size='10'/>",
        METHODS(OPT("http://jabber.org/protocol/bytestreams")));
  g_autofree char *no_stream = last_sent(f);
  g_assert_nonnull(strstr(no_stream, "<no-valid-streams xmlns='" SI "'/>"));
  offer(f, "<file xmlns='" FILE_NS "' size='10'/>", METHODS(OPT("http://jabber.org/protocol/ibb")));
  g_autofree char *no_name = last_sent(f);
  g_assert_nonnull(strstr(no_name, "<bad-request"));
  offer(f, "<file xmlns='" FILE_NS "' name='a' size='-1'/>",
        METHODS(OPT("http://jabber.org/protocol/ibb")));
  g_autofree char *bad_size = last_sent(f);
  g_assert_nonnull(strstr(bad_size, "<bad-request"));
  g_assert_cmpstr(f->log->str, ==, "");
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
  test_router_answer_last(f->t, "<si xmlns='" SI "'><feature xmlns='http://jabber.org/protocol/"
                                "feature-neg'><x xmlns='jabber:x:data' type='submit'><field "
                                "var='stream-method'><value>http://jabber.org/protocol/ibb</value>"
                                "</field></x></feature></si>");
  g_assert_cmpstr(f->log->str, ==, "answered[ok];");
  /* A receiver that picks something we did not offer: an error, not a stream. */
  g_autofree char *sid2 = NULL;
  g_assert_true(xmpp_si_offer(f->si, PEER, "b", 1, &sid2, ev_answered, f, NULL));
  test_router_answer_last(f->t, "<si xmlns='" SI "'/>");
  g_assert_cmpstr(f->log->str, ==, "answered[ok];answered[bad-request];");
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
  ADD("/si-file/features-advertised", test_features_advertised);
  ADD("/si-file/accepted", test_accepted);
  ADD("/si-file/declined", test_declined);
  ADD("/si-file/unusable-offers", test_unusable_offers);
  ADD("/si-file/our-offer", test_our_offer);
  return g_test_run();
}
