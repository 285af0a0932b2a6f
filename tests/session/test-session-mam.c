/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Transcript tests of the archive catch-up (XEP-0313 with XEP-0059 paging): started once
 * signed in when our account has an archive, from the last archive id we know (else the last
 * days), page after page, oldest first, with original times; our own lines shown as ours; a
 * result from anyone but our archive, or for another query, dropped (T40) with its twin; one
 * message on two paths shown once. */
#include <string.h>

#include "im/message.h"
#include "router/namespaces.h"
#include "script-server.h"
#include "services/mam.h"
#include "xml/datetime.h"

#define MAM_FEATURES "<feature var='urn:xmpp:mam:2'/><feature var='urn:xmpp:sid:0'/>"

typedef struct {
  ScriptServer *s;
  GString *log;
  GString *mam_events;
  char *queryid; /* of the last query the client sent */
  char *iq_id;
} Fixture;

static void
on_received(gpointer data, const XmppMessageInfo *info, const char *text, const char *subject)
{
  Fixture *f = data;
  g_string_append_printf(f->log, "recv[%s|%s|%" G_GINT64_FORMAT "]",
                         info->from ? xmpp_jid_get_bare(info->from) : "-", text ? text : "-",
                         info->delay ? info->delay->stamp : (gint64)-1);
}

static void
on_sent(gpointer data, const XmppMessageInfo *info, const char *text)
{
  Fixture *f = data;
  g_string_append_printf(f->log, "sent[%s|%s|%" G_GINT64_FORMAT "]", xmpp_jid_get_bare(info->to),
                         text, info->delay ? info->delay->stamp : (gint64)-1);
}

static const XmppMessagesEvents events = {.received = on_received, .sent = on_sent};

/* Signed in, archive discovered, initial presence not sent yet. */
static void
sign_in(Fixture *f, const char *archive_after_id, const char *account_features)
{
  XmppSessionConfig config = {
      .jid = "juliet@example.test",
      .password = "r0m30",
      .tls_policy = XMPP_TLS_POLICY_OPPORTUNISTIC,
      .allow_plain_in_clear = TRUE,
      .archive_after_id = archive_after_id,
  };
  f->s = script_new(&config);
  f->log = g_string_new(NULL);
  xmpp_messages_set_events(xmpp_session_get_messages(f->s->session), &events, f);
  script_login_plain_discovering(f->s, NULL, account_features);
}

/* The first catch-up of an account moved from another client starts when it was moved. */
static void
test_not_before_moved_history(Fixture *f, gconstpointer unused)
{
  gint64 moved = g_get_real_time() / G_USEC_PER_SEC - 3600;
  XmppSessionConfig config = {
      .jid = "juliet@example.test",
      .password = "r0m30",
      .tls_policy = XMPP_TLS_POLICY_OPPORTUNISTIC,
      .allow_plain_in_clear = TRUE,
      .archive_not_before_s = moved,
  };
  f->s = script_new(&config);
  f->log = g_string_new(NULL);
  script_login_plain_discovering(f->s, NULL, MAM_FEATURES);
  g_autoptr(XmppNode) presence = xmpp_node_new(XMPP_NS_JABBER_CLIENT, "presence");
  xmpp_session_send(f->s->session, presence);
  g_autoptr(XmppNode) out = script_expect(f->s, XMPP_NS_JABBER_CLIENT, "presence");
  g_autoptr(XmppNode) iq = script_expect(f->s, XMPP_NS_JABBER_CLIENT, "iq");
  XmppNode *x =
      xmpp_node_get_child(xmpp_node_get_child(iq, XMPP_NS_MAM, "query"), XMPP_NS_XDATA, "x");
  g_autofree char *start = NULL;
  for (XmppNode *field = xmpp_node_get_child(x, XMPP_NS_XDATA, "field"); field != NULL;
       field = xmpp_node_next_child(x, field, XMPP_NS_XDATA, "field"))
    if (g_strcmp0(xmpp_node_get_attr(field, "var"), "start") == 0)
      start = xmpp_node_dup_child_text(field, XMPP_NS_XDATA, "value");
  g_autofree char *want = xmpp_datetime_format(moved);
  g_assert_cmpstr(start, ==, want); /* not two days back: the old client logged those */
}

static void
send_initial_presence(Fixture *f)
{
  g_autoptr(XmppNode) presence = xmpp_node_new(XMPP_NS_JABBER_CLIENT, "presence");
  xmpp_session_send(f->s->session, presence);
  g_autoptr(XmppNode) out = script_expect(f->s, XMPP_NS_JABBER_CLIENT, "presence");
}

/* Signed in and initial presence out: the catch-up may start. */
static void
start(Fixture *f, const char *archive_after_id, const char *account_features)
{
  sign_in(f, archive_after_id, account_features);
  send_initial_presence(f);
}

static void
teardown(Fixture *f, gconstpointer unused)
{
  script_free(f->s);
  g_string_free(f->log, TRUE);
  if (f->mam_events != NULL)
    g_string_free(f->mam_events, TRUE);
  g_free(f->queryid);
  g_free(f->iq_id);
}

/* The next query: returns its RSM <after/> (or NULL) and whether it had a start field. */
static char *
expect_query(Fixture *f, gboolean *has_start)
{
  g_autoptr(XmppNode) iq = script_expect(f->s, XMPP_NS_JABBER_CLIENT, "iq");
  g_assert_cmpstr(xmpp_node_get_attr(iq, "type"), ==, "set");
  g_assert_null(xmpp_node_get_attr(iq, "to")); /* our own archive */
  XmppNode *query = xmpp_node_get_child(iq, XMPP_NS_MAM, "query");
  g_assert_nonnull(query);
  g_free(f->queryid);
  f->queryid = g_strdup(xmpp_node_get_attr(query, "queryid"));
  g_assert_nonnull(f->queryid);
  g_free(f->iq_id);
  f->iq_id = g_strdup(xmpp_node_get_attr(iq, "id"));
  XmppNode *set = xmpp_node_get_child(query, XMPP_NS_RSM, "set");
  g_autofree char *max = xmpp_node_dup_child_text(set, XMPP_NS_RSM, "max");
  g_assert_cmpstr(max, ==, "100");
  XmppNode *x = xmpp_node_get_child(query, XMPP_NS_XDATA, "x");
  *has_start = FALSE;
  for (XmppNode *field = xmpp_node_get_child(x, XMPP_NS_XDATA, "field"); field != NULL;
       field = xmpp_node_next_child(x, field, XMPP_NS_XDATA, "field"))
    if (g_strcmp0(xmpp_node_get_attr(field, "var"), "start") == 0)
      *has_start = TRUE;
  return xmpp_node_dup_child_text(set, XMPP_NS_RSM, "after");
}

/* One archive result (from: NULL for none) for queryid. */
static void
send_result(Fixture *f, const char *from, const char *queryid, const char *id, const char *stamp,
            const char *inner)
{
  g_autofree char *from_attr = from != NULL ? g_strdup_printf(" from='%s'", from) : g_strdup("");
  g_autofree char *xml = g_strdup_printf(
      "<message%s to='juliet@example.test/balcony'><result xmlns='urn:xmpp:mam:2' queryid='%s' "
      "id='%s'><forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='%s'/>"
      "%s</forwarded></result></message>",
      from_attr, queryid, id, stamp, inner);
  script_send(f->s, xml);
}

static void
send_fin(Fixture *f, gboolean complete, const char *last)
{
  g_autofree char *xml =
      g_strdup_printf("<iq type='result' id='%s'><fin xmlns='urn:xmpp:mam:2'%s><set "
                      "xmlns='http://jabber.org/protocol/rsm'>%s%s%s</set></fin></iq>",
                      f->iq_id, complete ? " complete='true'" : "", last ? "<last>" : "",
                      last ? last : "", last ? "</last>" : "");
  script_send(f->s, xml);
}

#define FROM_ROMEO(body)                                                                           \
  "<message xmlns='jabber:client' from='romeo@example.net/orchard' "                               \
  "to='juliet@example.test/phone' type='chat'><body>" body "</body></message>"

/* 2025-01-01T10:00:00Z */
#define STAMP1 "2025-01-01T10:00:00Z"
#define T1     1735725600

static void
test_first_catch_up_pages(Fixture *f, gconstpointer unused)
{
  start(f, NULL, MAM_FEATURES);
  gboolean has_start = FALSE;
  g_autofree char *after = expect_query(f, &has_start);
  g_assert_null(after);
  g_assert_true(has_start); /* first use: a time window, never the whole archive */
  send_result(f, "juliet@example.test", f->queryid, "A1", STAMP1, FROM_ROMEO("one"));
  send_result(f, NULL, f->queryid, "A2", "2025-01-01T10:01:00Z",
              "<message xmlns='jabber:client' from='juliet@example.test/phone' "
              "to='romeo@example.net' type='chat'><body>two</body></message>");
  send_fin(f, FALSE, "A2");
  g_autofree char *after2 = expect_query(f, &has_start);
  g_assert_cmpstr(after2, ==, "A2");
  send_result(f, NULL, f->queryid, "A3", "2025-01-01T10:02:00Z", FROM_ROMEO("three"));
  send_fin(f, TRUE, "A3");
  script_expect_nothing(f->s);
  g_assert_cmpstr(f->log->str, ==,
                  "recv[romeo@example.net|one|1735725600]"
                  "sent[romeo@example.net|two|1735725660]"
                  "recv[romeo@example.net|three|1735725720]");
  XmppMessages *messages = xmpp_session_get_messages(f->s->session);
  g_assert_cmpstr(xmpp_messages_get_last_archive_id(messages), ==, "A3");
  g_assert_false(xmpp_mam_is_running(xmpp_session_get_mam(f->s->session)));
}

static void
test_from_last_known_id(Fixture *f, gconstpointer unused)
{
  start(f, "K9", MAM_FEATURES);
  gboolean has_start = TRUE;
  g_autofree char *after = expect_query(f, &has_start);
  g_assert_cmpstr(after, ==, "K9");
  g_assert_false(has_start);
  send_fin(f, TRUE, NULL);
  script_expect_nothing(f->s);
}

/* The archive forgot the id we start after: once, from the time window instead. */
static void
test_forgotten_id_restarts_from_window(Fixture *f, gconstpointer unused)
{
  start(f, "gone", MAM_FEATURES);
  gboolean has_start = TRUE;
  g_autofree char *after = expect_query(f, &has_start);
  g_assert_cmpstr(after, ==, "gone");
  g_autofree char *error =
      g_strdup_printf("<iq type='error' id='%s'><error type='cancel'><item-not-found "
                      "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
                      f->iq_id);
  script_send(f->s, error);
  g_autofree char *after2 = expect_query(f, &has_start);
  g_assert_null(after2);
  g_assert_true(has_start);
}

/* Offline messages first: a server may hold them back from a client that asked its archive
 * before its initial presence (Prosody), and they need not be in the archive. */
static void
test_waits_for_initial_presence(Fixture *f, gconstpointer unused)
{
  sign_in(f, NULL, MAM_FEATURES);
  script_expect_nothing(f->s);
  send_initial_presence(f);
  gboolean has_start;
  g_autofree char *after = expect_query(f, &has_start);
  g_assert_true(has_start);
}

/* No initial presence at all (signed in invisible): the catch-up starts a little later. */
static void
test_without_presence_starts_later(Fixture *f, gconstpointer unused)
{
  sign_in(f, NULL, MAM_FEATURES);
  fake_host_advance(f->s->fake, (XMPP_ARCHIVE_WAIT_PRESENCE_S - 1) * 1000);
  script_expect_nothing(f->s);
  fake_host_advance(f->s->fake, 1000);
  gboolean has_start;
  g_autofree char *after = expect_query(f, &has_start);
}

static void
test_no_archive_no_query(Fixture *f, gconstpointer unused)
{
  start(f, NULL, NULL);
  script_expect_nothing(f->s);
}

/* T40: results from anyone but our archive, for another query id, or with no query open, are
 * dropped whole (the chat owner does not show them either); the real one right after is shown. */
static void
test_T40_result_spoof(Fixture *f, gconstpointer unused)
{
  start(f, NULL, MAM_FEATURES);
  gboolean has_start;
  g_autofree char *after = expect_query(f, &has_start);
  send_result(f, "romeo@example.net", f->queryid, "X1", STAMP1, FROM_ROMEO("from romeo"));
  send_result(f, "juliet@example.test/phone", f->queryid, "X2", STAMP1, FROM_ROMEO("a resource"));
  send_result(f, "example.test", f->queryid, "X3", STAMP1, FROM_ROMEO("the domain"));
  send_result(f, NULL, "not-our-query", "X4", STAMP1, FROM_ROMEO("other query"));
  g_assert_cmpstr(f->log->str, ==, "");
  send_result(f, NULL, f->queryid, "A1", STAMP1, FROM_ROMEO("real"));
  g_assert_cmpstr(f->log->str, ==, "recv[romeo@example.net|real|1735725600]");
  send_fin(f, TRUE, "A1");
  g_string_truncate(f->log, 0);
  /* No query open any more: even our archive's word is not taken. */
  send_result(f, NULL, f->queryid, "A9", STAMP1, FROM_ROMEO("late"));
  g_assert_cmpstr(f->log->str, ==, "");
}

/* One message on two paths: live (with our archive's stanza-id) and then from the archive:
 * shown once. Our own line sent here, then its archive copy: not shown again. */
static void
test_live_and_archive_shown_once(Fixture *f, gconstpointer unused)
{
  start(f, NULL, MAM_FEATURES);
  gboolean has_start;
  g_autofree char *after = expect_query(f, &has_start);
  script_send(f->s, "<message from='romeo@example.net/orchard' type='chat' id='r1'><body>live"
                    "</body><stanza-id xmlns='urn:xmpp:sid:0' by='juliet@example.test' id='A1'/>"
                    "</message>");
  XmppMessages *messages = xmpp_session_get_messages(f->s->session);
  g_autofree char *id = xmpp_messages_send_chat(messages, "romeo@example.net", "mine", NULL);
  g_autoptr(XmppNode) out = script_expect(f->s, XMPP_NS_JABBER_CLIENT, "message");
  send_result(f, NULL, f->queryid, "A1", STAMP1,
              "<message xmlns='jabber:client' from='romeo@example.net/orchard' type='chat' "
              "id='r1'><body>live</body></message>");
  g_autofree char *mine = g_strdup_printf(
      "<message xmlns='jabber:client' from='juliet@example.test/balcony' to='romeo@example.net' "
      "type='chat' id='%s'><body>mine</body><origin-id xmlns='urn:xmpp:sid:0' id='%s'/>"
      "</message>",
      id, id);
  send_result(f, NULL, f->queryid, "A2", STAMP1, mine);
  send_result(f, NULL, f->queryid, "A3", STAMP1, FROM_ROMEO("new"));
  send_fin(f, TRUE, "A3");
  g_assert_cmpstr(f->log->str, ==,
                  "recv[romeo@example.net|live|-1]recv[romeo@example.net|new|1735725600]");
}

/* The same message twice on the live stream (a server's resend after a failed resume): once. */
static void
test_live_twice_shown_once(Fixture *f, gconstpointer unused)
{
  start(f, NULL, NULL);
  const char *xml = "<message from='romeo@example.net/orchard' type='chat' id='r7'><body>again"
                    "</body><origin-id xmlns='urn:xmpp:sid:0' id='o7'/></message>";
  script_send(f->s, xml);
  script_send(f->s, xml);
  g_assert_cmpstr(f->log->str, ==, "recv[romeo@example.net|again|-1]");
}

static void
on_mam_progress(gpointer data, guint fetched)
{
  Fixture *f = data;
  g_string_append_printf(f->mam_events, "progress[%u]", fetched);
}

static void
on_mam_done(gpointer data, guint fetched, gboolean complete, const char *last_id,
            const GError *error)
{
  Fixture *f = data;
  g_string_append_printf(f->mam_events, "done[%u|%s|%s|%s]", fetched,
                         complete ? "complete" : "stopped", last_id ? last_id : "-",
                         error ? "error" : "ok");
}

static const XmppMamEvents mam_events = {.progress = on_mam_progress, .done = on_mam_done};

/* Signed in (archive id after_id, or none), the catch-up's events recorded, initial presence
 * out: the first query is on its way. */
static void
start_watching(Fixture *f, const char *after_id)
{
  sign_in(f, after_id, MAM_FEATURES);
  f->mam_events = g_string_new(NULL);
  xmpp_mam_set_events(xmpp_session_get_mam(f->s->session), &mam_events, f);
  send_initial_presence(f);
}

/* Full pages of 100 results until the query is not answered by a next one; returns how many
 * pages were asked for (the first was already expected by the caller). */
static guint
serve_full_pages(Fixture *f, guint pages)
{
  guint asked = 1;
  for (guint page = 0; page < pages; page++) {
    char last[32] = "";
    for (guint i = 0; i < 100; i++) {
      g_snprintf(last, sizeof last, "P%u-%u", page, i);
      send_result(f, NULL, f->queryid, last, STAMP1, FROM_ROMEO("m"));
    }
    send_fin(f, FALSE, last);
    if (!xmpp_mam_is_running(xmpp_session_get_mam(f->s->session)))
      break;
    gboolean has_start;
    g_autofree char *after = expect_query(f, &has_start);
    g_assert_cmpstr(after, ==, last);
    asked++;
  }
  return asked;
}

/* First use: at most XMPP_MAM_FIRST_MAX_MESSAGES, however much the window holds; progress is
 * reported only while another page follows, and the end says it stopped at the limit. */
static void
test_first_use_bounded(Fixture *f, gconstpointer unused)
{
  start_watching(f, NULL);
  gboolean has_start;
  g_autofree char *after = expect_query(f, &has_start);
  g_assert_null(after); /* first use: from the time window */
  guint pages = XMPP_MAM_FIRST_MAX_MESSAGES / 100;
  g_assert_cmpuint(serve_full_pages(f, pages + 5), ==, pages);
  script_expect_nothing(f->s);
  g_assert_true(g_str_has_prefix(f->mam_events->str, "progress[100]progress[200]"));
  g_autofree char *end =
      g_strdup_printf("progress[%u]done[%u|stopped|P%u-99|ok]", XMPP_MAM_FIRST_MAX_MESSAGES - 100,
                      XMPP_MAM_FIRST_MAX_MESSAGES, pages - 1);
  g_assert_true(g_str_has_suffix(f->mam_events->str, end));
}

/* After a kept archive id the catch-up goes on past the first-use bound (nothing the user
 * missed is left behind for a big backlog), and a short one reports no progress at all. */
static void
test_after_id_goes_further(Fixture *f, gconstpointer unused)
{
  start_watching(f, "K1");
  gboolean has_start;
  g_autofree char *after = expect_query(f, &has_start);
  g_assert_cmpstr(after, ==, "K1");
  guint pages = XMPP_MAM_FIRST_MAX_MESSAGES / 100 + 2;
  g_assert_cmpuint(serve_full_pages(f, pages), ==, pages + 1);
  send_result(f, NULL, f->queryid, "Z1", STAMP1, FROM_ROMEO("last"));
  send_fin(f, TRUE, "Z1");
  g_autofree char *end = g_strdup_printf("done[%u|complete|Z1|ok]", pages * 100 + 1);
  g_assert_true(g_str_has_suffix(f->mam_events->str, end));
  XmppMessages *messages = xmpp_session_get_messages(f->s->session);
  g_assert_cmpstr(xmpp_messages_get_last_archive_id(messages), ==, "Z1");
}

static void
test_short_catch_up_no_progress(Fixture *f, gconstpointer unused)
{
  start_watching(f, "K1");
  gboolean has_start;
  g_autofree char *after = expect_query(f, &has_start);
  g_assert_cmpstr(after, ==, "K1");
  send_result(f, NULL, f->queryid, "A1", STAMP1, FROM_ROMEO("one"));
  send_fin(f, TRUE, "A1");
  g_assert_cmpstr(f->mam_events->str, ==, "done[1|complete|A1|ok]");
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add("/session/mam/" path, Fixture, NULL, NULL, fn, teardown)
  ADD("T70_first_catch_up_pages", test_first_catch_up_pages);
  ADD("from_last_known_id", test_from_last_known_id);
  ADD("T70_forgotten_id_restarts_from_window", test_forgotten_id_restarts_from_window);
  ADD("no_archive_no_query", test_no_archive_no_query);
  ADD("waits_for_initial_presence", test_waits_for_initial_presence);
  ADD("without_presence_starts_later", test_without_presence_starts_later);
  ADD("T40_result_spoof", test_T40_result_spoof);
  ADD("T56_live_and_archive_shown_once", test_live_and_archive_shown_once);
  ADD("T56_live_twice_shown_once", test_live_twice_shown_once);
  ADD("T70_first_use_bounded", test_first_use_bounded);
  ADD("after_id_goes_further", test_after_id_goes_further);
  ADD("not_before_moved_history", test_not_before_moved_history);
  ADD("short_catch_up_no_progress", test_short_catch_up_no_progress);
#undef ADD
  return g_test_run();
}
