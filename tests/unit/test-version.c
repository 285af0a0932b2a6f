/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tests of version.c: answers to XEP-0092 (OS hidden by default), XEP-0202 and XEP-0012, the
 * answer parsers (T49 for time stamps), queries and pings. */
#include <string.h>

#include "parse-helper.h"
#include "router-fixture.h"
#include "router/namespaces.h"
#include "router/stanza-error.h"
#include "services/version.h"

typedef struct {
  TestRouter *t;
  XmppDisco *disco;
  XmppEntityInfo *info;
  GString *events;
} Fixture;

/* 2026-03-01 12:00:00 at UTC-06:00 */
static GDateTime *
fixed_clock(gpointer data)
{
  GTimeZone *tz = g_time_zone_new_identifier("-06:00");
  GDateTime *dt = g_date_time_new(tz, 2026, 3, 1, 12, 0, 0);
  g_time_zone_unref(tz);
  return dt;
}

static void
setup(Fixture *f, gconstpointer data)
{
  f->t = test_router_new("juliet@example.test/balcony");
  f->events = g_string_new(NULL);
  f->disco = xmpp_disco_new(f->t->router, &f->t->fake->host);
  f->info = xmpp_entity_info_new(f->t->router, &f->t->fake->host, f->disco);
  xmpp_entity_info_set_version(f->info, "0.1.0");
  xmpp_entity_info_set_clock(f->info, fixed_clock, NULL);
}

static void
teardown(Fixture *f, gconstpointer data)
{
  xmpp_router_fail_pending(f->t->router);
  xmpp_entity_info_free(f->info);
  xmpp_disco_free(f->disco);
  test_router_free(f->t);
  g_string_free(f->events, TRUE);
}

static XmppNode *
ask(Fixture *f, const char *payload)
{
  g_autofree char *xml =
      g_strdup_printf("<iq type='get' from='romeo@example.test/orchard' id='v1'>%s</iq>", payload);
  test_router_dispatch(f->t, xml);
  XmppNode *reply = test_router_last_sent(f->t);
  g_assert_cmpstr(xmpp_node_get_attr(reply, "type"), ==, "result");
  g_assert_cmpstr(xmpp_node_get_attr(reply, "id"), ==, "v1");
  return xmpp_node_first_element(reply);
}

static void
test_features_registered(Fixture *f, gconstpointer data)
{
  g_assert_true(xmpp_disco_has_feature(f->disco, XMPP_NS_VERSION));
  g_assert_true(xmpp_disco_has_feature(f->disco, XMPP_NS_TIME));
  g_assert_true(xmpp_disco_has_feature(f->disco, XMPP_NS_LAST_ACTIVITY));
}

/* XEP-0092 §5: the OS is private unless the user shares it. */
static void
test_version_os_hidden_by_default(Fixture *f, gconstpointer data)
{
  XmppNode *q = ask(f, "<query xmlns='jabber:iq:version'/>");
  g_autoptr(XmppSoftwareVersion) v = xmpp_software_version_parse(q);
  g_assert_nonnull(v);
  g_assert_cmpstr(v->name, ==, "Lyre");
  g_assert_cmpstr(v->version, ==, "0.1.0");
  g_assert_null(v->os);
  g_assert_null(xmpp_node_get_child(q, NULL, "os"));
}

static void
test_version_os_when_allowed(Fixture *f, gconstpointer data)
{
  xmpp_entity_info_set_os(f->info, "Debian GNU/Linux 12");
  g_autoptr(XmppSoftwareVersion) v =
      xmpp_software_version_parse(ask(f, "<query xmlns='jabber:iq:version'/>"));
  g_assert_cmpstr(v->os, ==, "Debian GNU/Linux 12");
  xmpp_entity_info_set_os(f->info, NULL);
  g_autoptr(XmppSoftwareVersion) again =
      xmpp_software_version_parse(ask(f, "<query xmlns='jabber:iq:version'/>"));
  g_assert_null(again->os);
}

static void
test_time_answer(Fixture *f, gconstpointer data)
{
  XmppNode *t = ask(f, "<time xmlns='urn:xmpp:time'/>");
  g_autofree char *tzo = xmpp_node_dup_child_text(t, XMPP_NS_TIME, "tzo");
  g_autofree char *utc = xmpp_node_dup_child_text(t, XMPP_NS_TIME, "utc");
  g_assert_cmpstr(tzo, ==, "-06:00");
  g_assert_cmpstr(utc, ==, "2026-03-01T18:00:00Z");
  g_autoptr(XmppEntityTime) parsed = xmpp_entity_time_parse(t);
  g_assert_nonnull(parsed);
  g_assert_cmpint(parsed->tzo_s, ==, -6 * 3600);
}

static void
test_last_answer(Fixture *f, gconstpointer data)
{
  XmppNode *q = ask(f, "<query xmlns='jabber:iq:last'/>");
  g_assert_cmpstr(xmpp_node_get_attr(q, "seconds"), ==, "0");
  g_autoptr(GDateTime) now = fixed_clock(NULL);
  xmpp_entity_info_set_idle_since(f->info, g_date_time_to_unix(now) - 903);
  q = ask(f, "<query xmlns='jabber:iq:last'/>");
  g_assert_cmpstr(xmpp_node_get_attr(q, "seconds"), ==, "903");
}

static void
add_contact(XmppRoster *roster, GPtrArray *items, const char *jid, XmppRosterSubscription sub)
{
  g_autoptr(XmppJid) j = xmpp_jid_parse(jid, NULL);
  XmppRosterItem *item = xmpp_roster_item_new(j, NULL, NULL);
  item->subscription = sub;
  g_ptr_array_add(items, item);
}

/* XEP-0012 §6: our idle time is for those who may see our presence; strangers and contacts
 * without a 'from' subscription are refused, subscribers and our own resources answered. */
static void
test_last_privacy(Fixture *f, gconstpointer data)
{
  XmppRoster *roster = xmpp_roster_new(f->t->router, &f->t->fake->host);
  GPtrArray *items = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_roster_item_free);
  add_contact(roster, items, "romeo@example.test", XMPP_ROSTER_SUBSCRIPTION_BOTH);
  add_contact(roster, items, "nurse@example.test", XMPP_ROSTER_SUBSCRIPTION_TO);
  add_contact(roster, items, "friar@example.test", XMPP_ROSTER_SUBSCRIPTION_FROM);
  xmpp_roster_set_cache(roster, NULL, items);
  xmpp_entity_info_set_roster(f->info, roster);
  const struct {
    const char *from;
    gboolean answered;
  } cases[] = {
      {"romeo@example.test/orchard", TRUE}, {"friar@example.test/cell", TRUE},
      {"juliet@example.test/other", TRUE},  {"nurse@example.test/kitchen", FALSE},
      {"mallory@example.test/evil", FALSE}, {"example.test", FALSE},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *xml =
        g_strdup_printf("<iq type='get' from='%s' id='l%zu'><query xmlns='jabber:iq:last'/></iq>",
                        cases[i].from, i);
    test_router_dispatch(f->t, xml);
    XmppNode *reply = test_router_last_sent(f->t);
    g_assert_cmpstr(xmpp_node_get_attr(reply, "to"), ==, cases[i].from);
    g_assert_cmpstr(xmpp_node_get_attr(reply, "type"), ==, cases[i].answered ? "result" : "error");
    if (!cases[i].answered)
      g_assert_nonnull(xmpp_node_get_child(xmpp_node_get_child(reply, NULL, "error"),
                                           XMPP_NS_STANZA_ERRORS, "forbidden"));
  }
  xmpp_entity_info_set_roster(f->info, NULL);
  xmpp_roster_free(roster);
}

static void
test_set_refused(Fixture *f, gconstpointer data)
{
  const char *payloads[] = {"<query xmlns='jabber:iq:version'/>", "<time xmlns='urn:xmpp:time'/>",
                            "<query xmlns='jabber:iq:last'/>"};
  for (gsize i = 0; i < G_N_ELEMENTS(payloads); i++) {
    g_autofree char *xml = g_strdup_printf(
        "<iq type='set' from='romeo@example.test/orchard' id='s%zu'>%s</iq>", i, payloads[i]);
    test_router_dispatch(f->t, xml);
    XmppNode *reply = test_router_last_sent(f->t);
    g_assert_cmpstr(xmpp_node_get_attr(reply, "type"), ==, "error");
    XmppNode *error = xmpp_node_get_child(reply, NULL, "error");
    g_assert_nonnull(xmpp_node_get_child(error, XMPP_NS_STANZA_ERRORS, "feature-not-implemented"));
  }
}

/* ---- parsers ---- */

static void
test_parse_time(void)
{
  const struct {
    const char *tzo, *utc;
    gboolean ok;
  } cases[] = {
      {"-06:00", "2006-12-19T17:58:35Z", TRUE},
      {"Z", "2006-12-19T17:58:35.123Z", TRUE},
      {"+14:00", "2038-01-19T03:14:08Z", TRUE},
      {"+99:99", "2006-12-19T17:58:35Z", FALSE},
      {"06:00", "2006-12-19T17:58:35Z", FALSE},
      {"-06:00", "2006-12-19T17:58:35", FALSE},
      {"-06:00", "9999-99-99T99:99:99Z", FALSE},
      {"-06:00", "garbage", FALSE},
      /* Only XEP-0082 forms (T49: the strict parser), each with its twin. */
      {"-06:00", "2006-W51-2T17:58:35Z", FALSE},
      {"-06:00", "20061219T175835Z", FALSE},
      {"-06:00", "2006-12-19 17:58:35Z", FALSE},
      {"-06:00", "2006-12-19T17:58:60Z", FALSE},
      {"-06:00", "2006-12-19T17:58:35,5Z", FALSE},
      {"-06:00", "2006-12-19T17:58:35.5Z", TRUE},
      {"-06:00", "2006-12-19T17:58:59Z", TRUE},
      /* <utc/> is in UTC: an offset of zero is, another is not. */
      {"-06:00", "2006-12-19T11:58:35-06:00", FALSE},
      {"-06:00", "2006-12-19T17:58:35+00:00", TRUE},
      /* <tzo/>: ±14:00 at most. */
      {"+14:59", "2006-12-19T17:58:35Z", FALSE},
      {"-14:00", "2006-12-19T17:58:35Z", TRUE},
      {"-0600", "2006-12-19T17:58:35Z", FALSE},
      {"", "", FALSE},
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *xml =
        g_strdup_printf("<time xmlns='urn:xmpp:time'><tzo>%s</tzo><utc>%s</utc></time>",
                        cases[i].tzo, cases[i].utc);
    g_autoptr(XmppNode) node = test_parse_element(xml);
    g_autoptr(XmppEntityTime) t = xmpp_entity_time_parse(node);
    g_assert_cmpint(t != NULL, ==, cases[i].ok);
  }
  g_autoptr(XmppNode) node = test_parse_element(
      "<time xmlns='urn:xmpp:time'><tzo>-06:00</tzo><utc>2006-12-19T17:58:35Z</utc></time>");
  g_autoptr(XmppEntityTime) t = xmpp_entity_time_parse(node);
  g_assert_cmpint(t->utc, ==, 1166551115);
  g_assert_cmpstr(t->tzo, ==, "-06:00");
}

static void
test_parse_version_and_last(void)
{
  g_autoptr(XmppNode) v = test_parse_element(
      "<query xmlns='jabber:iq:version'><name> Exodus </name><version>0.7.0.4</version>"
      "<os>Windows-XP 5.01.2600</os></query>");
  g_autoptr(XmppSoftwareVersion) version = xmpp_software_version_parse(v);
  g_assert_cmpstr(version->name, ==, "Exodus");
  g_assert_cmpstr(version->os, ==, "Windows-XP 5.01.2600");
  g_autoptr(XmppNode) noname = test_parse_element("<query xmlns='jabber:iq:version'/>");
  g_assert_null(xmpp_software_version_parse(noname));
  g_autofree char *long_name = g_strnfill(5000, 'x');
  g_autofree char *xml =
      g_strdup_printf("<query xmlns='jabber:iq:version'><name>%s</name></query>", long_name);
  g_autoptr(XmppNode) big = test_parse_element(xml);
  g_autoptr(XmppSoftwareVersion) cut = xmpp_software_version_parse(big);
  g_assert_cmpuint(strlen(cut->name), ==, XMPP_ENTITY_INFO_MAX_TEXT);

  g_autoptr(XmppNode) l =
      test_parse_element("<query xmlns='jabber:iq:last' seconds='903'>Heading home</query>");
  g_autoptr(XmppLastActivity) last = xmpp_last_activity_parse(l);
  g_assert_cmpint(last->seconds, ==, 903);
  g_assert_cmpstr(last->status, ==, "Heading home");
  const char *bad[] = {"-1", "abc", "", "99999999999999999999"};
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autofree char *b = g_strdup_printf("<query xmlns='jabber:iq:last' seconds='%s'/>", bad[i]);
    g_autoptr(XmppNode) n = test_parse_element(b);
    g_assert_null(xmpp_last_activity_parse(n));
  }
}

/* ---- queries ---- */

static void
on_version(const XmppSoftwareVersion *v, const GError *error, gpointer data)
{
  Fixture *f = data;
  g_string_append_printf(f->events, "version:%s ", error ? error->message : v->name);
}

static void
on_time(const XmppEntityTime *t, const GError *error, gpointer data)
{
  Fixture *f = data;
  g_string_append_printf(f->events, "time:%s ", error ? "error" : t->tzo);
}

static void
on_last(const XmppLastActivity *l, const GError *error, gpointer data)
{
  Fixture *f = data;
  if (error)
    g_string_append_printf(f->events, "last:error:%d ", error->code);
  else
    g_string_append_printf(f->events, "last:%" G_GINT64_FORMAT " ", l->seconds);
}

static void
on_ping(gint64 rtt_us, const GError *error, gpointer data)
{
  Fixture *f = data;
  if (error)
    g_string_append_printf(f->events, "ping:error:%d ", error->code);
  else
    g_string_append_printf(f->events, "ping:%" G_GINT64_FORMAT " ", rtt_us / 1000);
}

static void
test_queries(Fixture *f, gconstpointer data)
{
  const char *peer = "romeo@example.test/orchard";
  xmpp_entity_info_query_version(f->info, peer, on_version, f, NULL);
  g_assert_true(
      xmpp_node_is(xmpp_node_first_element(test_router_last_sent(f->t)), XMPP_NS_VERSION, "query"));
  test_router_answer_last(f->t, "<query xmlns='jabber:iq:version'><name>Psi</name></query>");
  xmpp_entity_info_query_time(f->info, peer, on_time, f, NULL);
  test_router_answer_last(
      f->t, "<time xmlns='urn:xmpp:time'><tzo>+02:00</tzo><utc>2026-01-01T00:00:00Z</utc></time>");
  xmpp_entity_info_query_last(f->info, peer, on_last, f, NULL);
  test_router_answer_last(f->t, "<query xmlns='jabber:iq:last' seconds='42'/>");
  xmpp_entity_info_query_last(f->info, peer, on_last, f, NULL);
  test_router_answer_last(f->t,
                          "<query xmlns='jabber:iq:last' seconds='forever'/>"); /* malformed */
  xmpp_entity_info_ping(f->info, peer, on_ping, f, NULL);
  g_assert_true(
      xmpp_node_is(xmpp_node_first_element(test_router_last_sent(f->t)), XMPP_NS_PING, "ping"));
  fake_host_advance(f->t->fake, 250);
  test_router_answer_last(f->t, "");
  g_assert_cmpstr(f->events->str, ==, "version:Psi time:+02:00 last:42 last:error:0 ping:250 ");
}

static void
test_ping_error(Fixture *f, gconstpointer data)
{
  xmpp_entity_info_ping(f->info, "romeo@example.test/orchard", on_ping, f, NULL);
  XmppNode *iq = test_router_last_sent(f->t);
  g_autofree char *xml = g_strdup_printf(
      "<iq type='error' from='romeo@example.test/orchard' id='%s'><error type='cancel'>"
      "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
      xmpp_node_get_attr(iq, "id"));
  test_router_dispatch(f->t, xml);
  g_autofree char *want = g_strdup_printf("ping:error:%d ", XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE);
  g_assert_cmpstr(f->events->str, ==, want);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/version/parse/time", test_parse_time);
  g_test_add_func("/version/parse/version_and_last", test_parse_version_and_last);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
  ADD("/version/features", test_features_registered);
  ADD("/version/answer/os_hidden_by_default", test_version_os_hidden_by_default);
  ADD("/version/answer/os_when_allowed", test_version_os_when_allowed);
  ADD("/version/answer/time", test_time_answer);
  ADD("/version/answer/last", test_last_answer);
  ADD("/version/answer/last_only_for_subscribers", test_last_privacy);
  ADD("/version/answer/set_refused", test_set_refused);
  ADD("/version/query/all", test_queries);
  ADD("/version/query/ping_error", test_ping_error);
  return g_test_run();
}
