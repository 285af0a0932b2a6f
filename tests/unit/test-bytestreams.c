/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for bytestreams.c (XEP-0065 over XMPP): host lists for a stream we expect (read,
 * bounded, bad hosts left out) and refused for any other, our answers, our own list and the
 * receiver's choice (only a host we listed), a proxy's address and its activation. */
#include "services/bytestreams.h"
#include "router-fixture.h"
#include "router/stanza-error.h"

#include <string.h>

#define OWN  "juliet@example.com/balcony"
#define PEER "romeo@example.net/orchard"
#define NS   "http://jabber.org/protocol/bytestreams"

typedef struct {
  TestRouter *t;
  XmppDisco *disco;
  XmppBytestreams *bs;
  GString *log;
} Fixture;

static void
ev_offered(gpointer data, const GPtrArray *hosts)
{
  Fixture *f = data;
  g_string_append(f->log, "hosts[");
  for (guint i = 0; i < hosts->len; i++) {
    const XmppStreamhost *h = hosts->pdata[i];
    g_string_append_printf(f->log, "%s%s@%s:%u", i > 0 ? "," : "", h->jid, h->host, h->port);
  }
  g_string_append(f->log, "];");
}

static void
ev_used(gpointer data, const XmppStreamhost *used, const GError *error)
{
  Fixture *f = data;
  g_string_append_printf(f->log, "used[%s];",
                         error != NULL ? xmpp_stanza_error_condition_name(error->code) : used->jid);
}

static void
ev_found(gpointer data, const XmppStreamhost *host, const GError *error)
{
  Fixture *f = data;
  if (error != NULL)
    g_string_append_printf(f->log, "found[%s];", error->message);
  else
    g_string_append_printf(f->log, "found[%s@%s:%u];", host->jid, host->host, host->port);
}

static void
ev_activated(gpointer data, const GError *error)
{
  Fixture *f = data;
  g_string_append_printf(f->log, "activated[%s];",
                         error != NULL ? xmpp_stanza_error_condition_name(error->code) : "ok");
}

static void
setup(Fixture *f, gconstpointer unused)
{
  f->t = test_router_new(OWN);
  f->disco = xmpp_disco_new(f->t->router, &f->t->fake->host);
  f->bs = xmpp_bytestreams_new(f->t->router, &f->t->fake->host, f->disco, NULL);
  f->log = g_string_new(NULL);
}

static void
teardown(Fixture *f, gconstpointer unused)
{
  xmpp_bytestreams_free(f->bs);
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
hosts_for(Fixture *f, const char *sid, const char *attrs, const char *hosts)
{
  test_router_dispatchf(f->t,
                        "<iq type='set' id='h1' from='" PEER "'><query xmlns='" NS
                        "' sid='%s' %s>%s</query></iq>",
                        sid, attrs, hosts);
}

static void
test_hosts_expected(Fixture *f, gconstpointer unused)
{
  g_assert_true(xmpp_disco_has_feature(f->disco, NS));
  guint handle = xmpp_bytestreams_expect(f->bs, PEER, "s1", ev_offered, f);
  g_assert_cmpuint(handle, !=, 0);
  hosts_for(f, "s1", "mode='tcp'",
            "<streamhost jid='" PEER "' host='192.0.2.1' port='5086'/>"
            "<streamhost jid='proxy.example.net' host='proxy.example.net' port='7777'/>"
            /* left out: no port, port 0, a port past 65535, no JID, a zeroconf host, a host
             * with a space, a bad JID */
            "<streamhost jid='a@b/c' host='h'/>"
            "<streamhost jid='a@b/c' host='h' port='0'/>"
            "<streamhost jid='a@b/c' host='h' port='70000'/>"
            "<streamhost host='h' port='1'/>"
            "<streamhost jid='a@b/c' zeroconf='_jabber.bytestreams'/>"
            "<streamhost jid='a@b/c' host='h x' port='1'/>"
            "<streamhost jid='@@' host='h' port='1'/>");
  g_assert_cmpstr(f->log->str, ==,
                  "hosts[" PEER "@192.0.2.1:5086,proxy.example.net@proxy.example.net:7777];");
  g_assert_cmpuint(test_router_n_sent(f->t), ==, 0); /* answered once the glue knows */
  xmpp_bytestreams_answer(f->bs, handle, "proxy.example.net");
  g_autofree char *answer = last_sent(f);
  g_assert_nonnull(strstr(answer, "type='result'"));
  g_assert_nonnull(strstr(answer, "<streamhost-used jid='proxy.example.net'/>"));
  g_assert_cmpuint(xmpp_bytestreams_n_waits(f->bs), ==, 0);
}

/* Lists for a stream nobody agreed to, a second list, UDP: not-acceptable, never told. */
static void
test_hosts_refused(Fixture *f, gconstpointer unused)
{
  hosts_for(f, "nobody", "", "<streamhost jid='" PEER "' host='h' port='1'/>");
  g_autofree char *unknown = last_sent(f);
  g_assert_nonnull(strstr(unknown, "<not-acceptable"));
  guint handle = xmpp_bytestreams_expect(f->bs, PEER, "s1", ev_offered, f);
  hosts_for(f, "s1", "mode='udp'", "<streamhost jid='" PEER "' host='h' port='1'/>");
  g_autofree char *udp = last_sent(f);
  g_assert_nonnull(strstr(udp, "<not-acceptable"));
  /* From another resource of the same contact: not the stream's peer. */
  test_router_dispatch(f->t, "<iq type='set' id='h2' from='romeo@example.net/other'><query "
                             "xmlns='" NS "' sid='s1'><streamhost jid='a@b/c' host='h' "
                             "port='1'/></query></iq>");
  g_autofree char *other = last_sent(f);
  g_assert_nonnull(strstr(other, "<not-acceptable"));
  g_assert_cmpstr(f->log->str, ==, "");
  hosts_for(f, "s1", "", "<streamhost jid='a@b/c' host='h' port='1'/>");
  g_assert_cmpstr(f->log->str, ==, "hosts[a@b/c@h:1];");
  hosts_for(f, "s1", "", "<streamhost jid='a@b/c' host='h' port='1'/>"); /* a second list */
  g_autofree char *second = last_sent(f);
  g_assert_nonnull(strstr(second, "<not-acceptable"));
  g_assert_cmpstr(f->log->str, ==, "hosts[a@b/c@h:1];");
  /* None reached: item-not-found (the sender may go in-band). */
  xmpp_bytestreams_answer(f->bs, handle, NULL);
  g_autofree char *none = last_sent(f);
  g_assert_nonnull(strstr(none, "<item-not-found"));
}

/* T55: a list of 100 hosts gives at most XMPP_BYTESTREAMS_MAX_HOSTS to try; a transfer that
 * ends while its list waits refuses it and hears nothing more. */
static void
test_hosts_bounded_and_forgotten(Fixture *f, gconstpointer unused)
{
  guint handle = xmpp_bytestreams_expect(f->bs, PEER, "s1", ev_offered, f);
  GString *many = g_string_new(NULL);
  for (guint i = 0; i < 100; i++)
    g_string_append_printf(many, "<streamhost jid='h%u@x/y' host='10.0.0.%u' port='%u'/>", i,
                           i % 250, 1000 + i);
  hosts_for(f, "s1", "", many->str);
  g_string_free(many, TRUE);
  g_auto(GStrv) taken = g_strsplit(f->log->str, ",", -1);
  g_assert_cmpuint(g_strv_length(taken), ==, XMPP_BYTESTREAMS_MAX_HOSTS);
  g_assert_true(g_str_has_prefix(f->log->str, "hosts[h0@x/y@10.0.0.0:1000,"));
  xmpp_bytestreams_forget(f->bs, handle);
  g_autofree char *refused = last_sent(f);
  g_assert_nonnull(strstr(refused, "<not-acceptable"));
  g_assert_cmpuint(xmpp_bytestreams_n_waits(f->bs), ==, 0);
  guint sent = test_router_n_sent(f->t);
  xmpp_bytestreams_answer(f->bs, handle, "h0@x/y"); /* gone: nothing sent */
  g_assert_cmpuint(test_router_n_sent(f->t), ==, sent);
  /* At most XMPP_BYTESTREAMS_MAX_WAITS expected at once. */
  for (guint i = 0; i < XMPP_BYTESTREAMS_MAX_WAITS; i++) {
    g_autofree char *sid = g_strdup_printf("w%u", i);
    g_assert_cmpuint(xmpp_bytestreams_expect(f->bs, PEER, sid, ev_offered, f), !=, 0);
  }
  g_assert_cmpuint(xmpp_bytestreams_expect(f->bs, PEER, "one-more", ev_offered, f), ==, 0);
}

static void
test_our_hosts(Fixture *f, gconstpointer unused)
{
  g_autoptr(GPtrArray) hosts = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_streamhost_free);
  g_assert_false(xmpp_bytestreams_offer(f->bs, PEER, "s1", hosts, ev_used, f, NULL)); /* none */
  g_ptr_array_add(hosts, xmpp_streamhost_new(OWN, "127.0.0.1", 5086));
  g_ptr_array_add(hosts, xmpp_streamhost_new("proxy.example.com", "192.0.2.7", 7777));
  g_assert_false(xmpp_bytestreams_offer(f->bs, "romeo@example.net", "s1", hosts, ev_used, f, NULL));
  g_assert_true(xmpp_bytestreams_offer(f->bs, PEER, "s1", hosts, ev_used, f, NULL));
  g_autofree char *iq = last_sent(f);
  g_assert_nonnull(strstr(iq, "sid='s1'"));
  const char *own = strstr(iq, "<streamhost jid='" OWN "' host='127.0.0.1' port='5086'/>");
  const char *proxy = strstr(iq, "<streamhost jid='proxy.example.com' host='192.0.2.7' "
                                 "port='7777'/>");
  g_assert_true(own != NULL && proxy != NULL && own < proxy);
  test_router_answer_last(f->t, "<query xmlns='" NS "' sid='s1'><streamhost-used jid='"
                                "proxy.example.com'/></query>");
  g_assert_cmpstr(f->log->str, ==, "used[proxy.example.com];");
  /* A host we never listed is not followed. */
  g_assert_true(xmpp_bytestreams_offer(f->bs, PEER, "s2", hosts, ev_used, f, NULL));
  test_router_answer_last(f->t, "<query xmlns='" NS "' sid='s2'><streamhost-used jid='"
                                "evil.example.org'/></query>");
  g_assert_cmpstr(f->log->str, ==, "used[proxy.example.com];used[bad-request];");
  /* The receiver reached none. */
  g_assert_true(xmpp_bytestreams_offer(f->bs, PEER, "s3", hosts, ev_used, f, NULL));
  XmppNode *sent = test_router_last_sent(f->t);
  test_router_dispatchf(
      f->t,
      "<iq type='error' id='%s' from='" PEER "'><error type='cancel'>"
      "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
      xmpp_node_get_attr(sent, "id"));
  g_assert_cmpstr(f->log->str, ==,
                  "used[proxy.example.com];used[bad-request];used[item-not-found];");
}

static void
test_proxy(Fixture *f, gconstpointer unused)
{
  g_assert_null(xmpp_bytestreams_server_proxy(f->bs));
  xmpp_bytestreams_ask_proxy(f->bs, "proxy.example.com", ev_found, f, NULL);
  g_autofree char *ask = last_sent(f);
  g_assert_nonnull(strstr(ask, "type='get'"));
  g_assert_nonnull(strstr(ask, "to='proxy.example.com'"));
  test_router_answer_last(f->t, "<query xmlns='" NS "'><streamhost jid='proxy.example.com' "
                                "host='192.0.2.7' port='7777'/></query>");
  xmpp_bytestreams_ask_proxy(f->bs, "proxy.example.com", ev_found, f, NULL);
  test_router_answer_last(f->t, "<query xmlns='" NS "'/>");
  g_assert_cmpstr(f->log->str, ==,
                  "found[proxy.example.com@192.0.2.7:7777];found[the proxy gave no address];");
  xmpp_bytestreams_activate(f->bs, "proxy.example.com", "s1", PEER, ev_activated, f, NULL);
  g_autofree char *activate = last_sent(f);
  g_assert_nonnull(
      strstr(activate, "<query xmlns='" NS "' sid='s1'><activate>" PEER "</activate></query>"));
  test_router_answer_last(f->t, NULL);
  g_assert_cmpstr(f->log->str, ==,
                  "found[proxy.example.com@192.0.2.7:7777];found[the proxy gave no address];"
                  "activated[ok];");
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
  ADD("/bytestreams/hosts-expected", test_hosts_expected);
  ADD("/bytestreams/hosts-refused", test_hosts_refused);
  ADD("/bytestreams/hosts-bounded-and-forgotten", test_hosts_bounded_and_forgotten);
  ADD("/bytestreams/our-hosts", test_our_hosts);
  ADD("/bytestreams/proxy", test_proxy);
  return g_test_run();
}
