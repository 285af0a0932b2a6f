/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the stanza-to-model parsers (stream features, stream errors, stanza errors,
 * stanza addressing, message, presence and roster models with the XHTML-IM sanitiser) and the
 * router, on any element the XML parser accepts. */
#include "fake-host.h"
#include "im/message.h"
#include "im/presence.h"
#include "im/roster.h"
#include "router/router.h"
#include "router/stanza-error.h"
#include "stream/features.h"
#include "stream/stream-error.h"
#include "xml/parser.h"
#include "xml/writer.h"

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size);

static void
discard(gpointer data, const XmppNode *node)
{
  g_free(xmpp_xml_node_to_string(node));
}

static void
on_element(gpointer data, XmppNode *node)
{
  XmppRouter *router = data;
  xmpp_stream_features_free(xmpp_stream_features_parse(node));
  g_autoptr(XmppStreamErrorInfo) info = xmpp_stream_error_info_parse(node);
  g_error_free(xmpp_stream_error_info_to_gerror(info));
  char *host = NULL;
  guint port;
  if (xmpp_stream_error_split_host(info->see_other_host, &host, &port) && host[0] == '\0')
    abort();
  g_free(host);
  XmppStanza *stanza = xmpp_stanza_new(xmpp_node_copy(node));
  g_error_free(xmpp_stanza_error_from_stanza(stanza));
  const gint64 now = 1700000000; /* fixed: the same input always takes the same path */
  XmppMessageInfo *message = xmpp_message_info_parse(stanza, now);
  if (message != NULL) {
    g_free(xmpp_message_info_dup_markup(message, "fr"));
    g_free(xmpp_message_info_dup_markup(message, NULL));
    xmpp_message_info_free(message);
  }
  xmpp_presence_info_free(xmpp_presence_info_parse(node, "en", now));
  XmppNode *query = xmpp_node_get_child(node, "jabber:iq:roster", "query");
  if (query != NULL) {
    XmppRosterQuery *roster = xmpp_roster_query_parse(query);
    for (guint i = 0; i < roster->items->len; i++) {
      XmppNode *back = xmpp_roster_item_to_node(roster->items->pdata[i], TRUE);
      XmppRosterItem *again = xmpp_roster_item_parse(back, NULL);
      if (again == NULL || !xmpp_roster_item_equal(again, roster->items->pdata[i]))
        abort(); /* what we store must read back the same */
      xmpp_roster_item_free(again);
      xmpp_node_free(back);
    }
    xmpp_roster_query_free(roster);
  }
  XmppNode *reply = xmpp_stanza_error_new_reply(stanza, XMPP_STANZA_ERROR_BAD_REQUEST);
  g_free(xmpp_xml_node_to_string(reply));
  xmpp_node_free(reply);
  xmpp_stanza_free(stanza);
  xmpp_router_dispatch(router, node);
}

int
LLVMFuzzerTestOneInput(const guint8 *data, size_t size)
{
  FakeHost *fake = fake_host_new();
  fake->host.log = NULL;
  XmppRouter *router = xmpp_router_new(&fake->host, discard, NULL);
  XmppJid *me = xmpp_jid_parse("juliet@example.test/r", NULL);
  xmpp_router_set_own_jid(router, me);
  XmppParserCallbacks callbacks = {.stanza = on_element};
  XmppParser *parser = xmpp_parser_new(&callbacks, router, NULL);
  static const char header[] = "<stream:stream xmlns='jabber:client' "
                               "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";
  xmpp_parser_feed(parser, header, sizeof header - 1, NULL);
  xmpp_parser_feed(parser, (const char *)data, size, NULL);
  xmpp_parser_free(parser);
  xmpp_router_free(router);
  xmpp_jid_free(me);
  fake_host_free(fake);
  return 0;
}
