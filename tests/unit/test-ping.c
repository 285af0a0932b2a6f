/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for ping.c (XEP-0199): the responder, and the keepalive that pings after silence
 * and declares the link dead only when a ping goes unanswered. */
#include "services/ping.h"
#include "router-fixture.h"
#include "router/namespaces.h"

typedef struct {
  TestRouter *t;
  gint64 last_rx; /* what last_activity reports (µs, the fake clock) */
  guint dead;
} Fixture;

static gint64
last_activity(gpointer data)
{
  return ((Fixture *)data)->last_rx;
}

static void
on_dead(gpointer data)
{
  ((Fixture *)data)->dead++;
}

static void
setup(Fixture *f, gconstpointer unused)
{
  f->t = test_router_new("juliet@example.test/balcony");
}

static void
teardown(Fixture *f, gconstpointer unused)
{
  test_router_free(f->t);
}

static void
test_responder(Fixture *f, gconstpointer unused)
{
  xmpp_ping_add_responder(f->t->router);
  test_router_dispatch(f->t, "<iq type='get' id='p1' from='example.test'>"
                             "<ping xmlns='urn:xmpp:ping'/></iq>");
  g_assert_cmpuint(test_router_n_sent(f->t), ==, 1);
  XmppNode *reply = test_router_last_sent(f->t);
  g_assert_cmpstr(xmpp_node_get_attr(reply, "type"), ==, "result");
  g_assert_cmpstr(xmpp_node_get_attr(reply, "id"), ==, "p1");
  g_assert_cmpstr(xmpp_node_get_attr(reply, "to"), ==, "example.test");
  /* A ping "set" is not a ping: the router answers it as unhandled (no result). */
  test_router_dispatch(f->t, "<iq type='set' id='p2' from='example.test'>"
                             "<ping xmlns='urn:xmpp:ping'/></iq>");
  g_assert_cmpuint(test_router_n_sent(f->t), ==, 2);
  g_assert_cmpstr(xmpp_node_get_attr(test_router_last_sent(f->t), "type"), ==, "error");
}

/* Pings only after `interval` of silence; an answer keeps the link; no answer is death. */
static void
test_keepalive(Fixture *f, gconstpointer unused)
{
  FakeHost *fake = f->t->fake;
  XmppPing *ping = xmpp_ping_new(f->t->router, &fake->host, 30, 10, last_activity, on_dead, f);
  f->last_rx = fake->now_us;
  fake_host_advance(fake, 25 * 1000);
  g_assert_cmpuint(test_router_n_sent(f->t), ==, 0); /* not silent long enough */
  fake_host_advance(fake, 10 * 1000);
  g_assert_cmpuint(test_router_n_sent(f->t), ==, 1);
  XmppNode *iq = test_router_last_sent(f->t);
  g_assert_nonnull(xmpp_node_get_child(iq, XMPP_NS_PING, "ping"));
  g_assert_null(xmpp_node_get_attr(iq, "to")); /* our own server */
  /* Even an error answer proves the link is alive. */
  g_autofree char *error =
      g_strdup_printf("<iq type='error' id='%s'><error type='cancel'><service-unavailable "
                      "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
                      xmpp_node_get_attr(iq, "id"));
  test_router_dispatch(f->t, error);
  f->last_rx = fake->now_us; /* t = 35 s; the check runs every 5 s */
  fake_host_advance(fake, 29 * 1000);
  g_assert_cmpuint(test_router_n_sent(f->t), ==, 1); /* 29 s of silence: not yet */
  fake_host_advance(fake, 2 * 1000);
  g_assert_cmpuint(test_router_n_sent(f->t), ==, 2); /* 30 s: a second ping */
  /* Unanswered: dead once its 10 s pass, not before. */
  fake_host_advance(fake, 8 * 1000);
  g_assert_cmpuint(f->dead, ==, 0);
  fake_host_advance(fake, 2 * 1000);
  g_assert_cmpuint(f->dead, ==, 1);
  xmpp_ping_free(ping);
}

/* Freed while a ping is outstanding: the late reply finds nothing to call. */
static void
test_free_with_ping_outstanding(Fixture *f, gconstpointer unused)
{
  FakeHost *fake = f->t->fake;
  XmppPing *ping = xmpp_ping_new(f->t->router, &fake->host, 5, 10, last_activity, on_dead, f);
  f->last_rx = fake->now_us;
  fake_host_advance(fake, 10 * 1000);
  g_assert_cmpuint(test_router_n_sent(f->t), ==, 1);
  xmpp_ping_free(ping);
  fake_host_advance(fake, 20 * 1000); /* the IQ times out after its owner is gone */
  g_assert_cmpuint(f->dead, ==, 0);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
  ADD("/ping/responder", test_responder);
  ADD("/ping/keepalive", test_keepalive);
  ADD("/ping/free_with_ping_outstanding", test_free_with_ping_outstanding);
  return g_test_run();
}
