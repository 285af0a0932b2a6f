/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a session remembers per message stays bounded by count, whatever the traffic: a whole
 * session receives thousands of messages from more peers than any table keeps (each with an
 * id, an origin-id, a trusted stanza-id, a thread, a chat state, a receipt request, a marker
 * request, some of them corrections) and sends to as many, and every per-message table ends
 * at its limit, never past it. The twin: after a few messages the same counts are exactly
 * what those messages left, so the counts measure the tables. */
#include "im/chatstates.h"
#include "im/dedup.h"
#include "im/message.h"
#include "script-server.h"
#include "services/delivery.h"

/* More than every bound below: peers beyond the per-conversation tables, keys beyond the
 * duplicate check's. */
#define PEERS                                                                                      \
  (XMPP_MESSAGE_MAX_PEERS + 89) /* prime to 3: every third message answers a new peer              \
                                 */
#define MESSAGES (XMPP_DEDUP_MAX_KEYS + 1000)

typedef struct {
  ScriptServer *s;
  guint shown;
} Fixture;

static void
on_received(gpointer data, const XmppMessageInfo *info, const char *text, const char *subject)
{
  ((Fixture *)data)->shown++;
}

static const XmppMessagesEvents events = {.received = on_received};

static void
setup(Fixture *f, gconstpointer unused)
{
  XmppSessionConfig config = {
      .jid = "juliet@example.test",
      .password = "r0m30",
      .tls_policy = XMPP_TLS_POLICY_OPPORTUNISTIC,
      .allow_plain_in_clear = TRUE,
  };
  f->s = script_new(&config);
  f->shown = 0;
  xmpp_messages_set_events(xmpp_session_get_messages(f->s->session), &events, f);
  /* Our server vouches for stanza-ids: every message brings a key of each kind. */
  script_login_plain_offering(f->s, "<feature var='urn:xmpp:sid:0'/>");
}

static void
teardown(Fixture *f, gconstpointer unused)
{
  script_free(f->s);
}

/* Message i of the flood, from peer i % PEERS; every seventh corrects the one before it from
 * the same peer. */
static void
receive_one(Fixture *f, guint i)
{
  guint peer = i % PEERS;
  g_autofree char *replace =
      i % 7 == 6 && i >= PEERS
          ? g_strdup_printf("<replace xmlns='urn:xmpp:message-correct:0' id='m%u'/>", i - PEERS)
          : g_strdup("");
  g_autofree char *xml = g_strdup_printf(
      "<message from='peer%u@example.net/phone' to='juliet@example.test/balcony' type='chat' "
      "id='m%u'><body>message %u</body><thread>t%u</thread>"
      "<active xmlns='http://jabber.org/protocol/chatstates'/>"
      "<request xmlns='urn:xmpp:receipts'/><markable xmlns='urn:xmpp:chat-markers:0'/>"
      "<origin-id xmlns='urn:xmpp:sid:0' id='o%u'/>"
      "<stanza-id xmlns='urn:xmpp:sid:0' id='s%u' by='juliet@example.test'/>%s</message>",
      peer, i, i, peer, i, i, replace);
  script_send(f->s, xml);
}

static void
send_one(Fixture *f, guint i)
{
  XmppMessages *m = xmpp_session_get_messages(f->s->session);
  g_autofree char *to = g_strdup_printf("peer%u@example.net", i % PEERS);
  g_autofree char *id = xmpp_messages_send_chat(m, to, "an answer", NULL);
  g_assert_nonnull(id);
  xmpp_messages_send_typing(m, to, XMPP_CHAT_STATE_ACTIVE);
}

typedef struct {
  XmppMessagesTables messages;
  guint chatstate_peers, delivery_peers, pending_iqs;
} Tables;

static Tables
tables(Fixture *f)
{
  Tables t;
  xmpp_messages_get_tables(xmpp_session_get_messages(f->s->session), &t.messages);
  t.chatstate_peers = xmpp_chatstates_n_peers(
      xmpp_messages_get_chatstates(xmpp_session_get_messages(f->s->session)));
  t.delivery_peers = xmpp_delivery_n_peers(xmpp_session_get_delivery(f->s->session));
  t.pending_iqs = xmpp_router_n_pending(xmpp_session_get_router(f->s->session));
  return t;
}

/* The twin: five messages from five peers, three sent: the counts are what they left. */
static void
test_counts_what_was_seen(Fixture *f, gconstpointer unused)
{
  for (guint i = 0; i < 5; i++)
    receive_one(f, i);
  for (guint i = 0; i < 3; i++)
    send_one(f, i);
  g_assert_cmpuint(f->shown, ==, 5);
  Tables t = tables(f);
  /* A stanza-id and an origin-id each received, an origin-id each sent (its carbon or archived
   * copy is the same message). */
  g_assert_cmpuint(t.messages.dedup_keys, ==, 13);
  g_assert_cmpuint(t.messages.recent_peers, ==, 5);
  g_assert_cmpuint(t.messages.recent_ids, ==, 5);
  g_assert_cmpuint(t.messages.threads, ==, 5);
  g_assert_cmpuint(t.messages.last_sent, ==, 3);
  g_assert_cmpuint(t.chatstate_peers, ==, 5);
  g_assert_cmpuint(t.delivery_peers, >=, 3);
  /* The same messages again (a resumed stream, the archive): shown once, nothing grows. */
  for (guint i = 0; i < 5; i++)
    receive_one(f, i);
  g_assert_cmpuint(f->shown, ==, 5);
  g_assert_cmpuint(tables(f).messages.dedup_keys, ==, 13);
}

/* The flood: every table ends at its limit, never past it, and checked all along. */
static void
test_bounded_by_count(Fixture *f, gconstpointer unused)
{
  for (guint i = 0; i < MESSAGES; i++) {
    receive_one(f, i);
    if (i % 3 == 0)
      send_one(f, i);
    if (i % 500 == 0) {
      Tables t = tables(f);
      g_assert_cmpuint(t.messages.dedup_keys, <=, XMPP_DEDUP_MAX_KEYS);
      g_assert_cmpuint(t.messages.recent_peers, <=, XMPP_MESSAGE_MAX_PEERS);
    }
  }
  g_assert_cmpuint(f->shown, ==, MESSAGES);
  Tables t = tables(f);
  g_assert_cmpuint(t.messages.dedup_keys, ==, XMPP_DEDUP_MAX_KEYS);
  g_assert_cmpuint(t.messages.recent_peers, ==, XMPP_MESSAGE_MAX_PEERS);
  g_assert_cmpuint(t.messages.recent_ids, <=, XMPP_MESSAGE_MAX_PEERS * XMPP_MESSAGE_MAX_RECENT);
  g_assert_cmpuint(t.messages.threads, ==, XMPP_MESSAGE_MAX_THREADS);
  g_assert_cmpuint(t.messages.last_sent, ==, XMPP_MESSAGE_MAX_PEERS);
  g_assert_cmpuint(t.chatstate_peers, ==, XMPP_CHATSTATES_MAX_PEERS);
  g_assert_cmpuint(t.delivery_peers, ==, XMPP_DELIVERY_MAX_PEERS);
  g_assert_cmpuint(t.pending_iqs, ==, 0); /* messages leave no request waiting */
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add("/tables/counts-what-was-seen", Fixture, NULL, setup, test_counts_what_was_seen,
             teardown);
  g_test_add("/tables/bounded-by-count", Fixture, NULL, setup, test_bounded_by_count, teardown);
  return g_test_run();
}
