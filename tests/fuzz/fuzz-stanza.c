/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the stanza-to-model parsers (stream features, stream errors, stanza errors,
 * stanza addressing, message, presence and roster models with the XHTML-IM sanitiser) and the
 * router, on any element the XML parser accepts; and the stored roster format on the raw bytes. */
#include <string.h>

#include "fake-host.h"
#include "im/message.h"
#include "im/presence.h"
#include "im/roster.h"
#include "router/router.h"
#include "router/stanza-error.h"
#include "services/adhoc.h"
#include "services/attention.h"
#include "services/avatar.h"
#include "services/blocking.h"
#include "services/caps.h"
#include "services/version.h"
#include "services/register.h"
#include "services/search.h"
#include "services/xdata.h"
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
  /* XEP-0191 lists and pushes, XEP-0224, and the PEP payloads of XEP-0107/0172/0118. */
  xmpp_blocking_items_free(xmpp_blocking_items_parse(xmpp_stanza_get_payload(stanza)));
  (void)xmpp_attention_is_request(node);
  XmppNode *event = xmpp_node_get_child(node, "http://jabber.org/protocol/pubsub#event", "event");
  XmppNode *items = event != NULL ? xmpp_node_get_child(event, NULL, "items") : NULL;
  xmpp_mood_free(xmpp_mood_parse(xmpp_mood_items_payload(items, XMPP_NS_MOOD, "mood", NULL)));
  xmpp_tune_free(xmpp_tune_parse(xmpp_mood_items_payload(items, XMPP_NS_TUNE, "tune", NULL)));
  g_free(xmpp_nick_parse(xmpp_mood_items_payload(items, XMPP_NS_NICK, "nick", NULL)));
  g_free(xmpp_nick_parse(xmpp_node_get_child(node, XMPP_NS_NICK, "nick")));
  /* XEP-0030 answers and the XEP-0115 hash of what they say; XEP-0092/0202/0012 answers. */
  XmppNode *payload = xmpp_stanza_get_payload(stanza);
  XmppDiscoInfo *disco = xmpp_disco_info_parse(payload, NULL);
  if (disco != NULL) {
    g_free(xmpp_caps_compute_ver(disco));
    xmpp_node_free(xmpp_disco_info_build(disco));
    xmpp_disco_info_free(disco);
  }
  xmpp_software_version_free(xmpp_software_version_parse(payload));
  xmpp_entity_time_free(xmpp_entity_time_parse(payload));
  xmpp_last_activity_free(xmpp_last_activity_parse(payload));
  /* XEP-0054 vCards (what we build must read back the same), XEP-0163 events, XEP-0084. */
  XmppVcard *vcard = xmpp_vcard_parse(payload, NULL);
  if (vcard != NULL) {
    XmppNode *built = xmpp_vcard_build(vcard);
    XmppVcard *again = xmpp_vcard_parse(built, NULL);
    XmppNode *rebuilt = again != NULL ? xmpp_vcard_build(again) : NULL;
    if (rebuilt == NULL || !xmpp_node_equal(built, rebuilt))
      abort();
    xmpp_node_free(rebuilt);
    xmpp_vcard_free(again);
    xmpp_node_free(built);
    xmpp_vcard_free(vcard);
  }
  const XmppNode *pep_items = xmpp_pep_event_get_items(node, NULL);
  xmpp_avatar_info_free(xmpp_avatar_info_parse(pep_items, NULL));
  const XmppNode *pubsub = xmpp_node_get_child(node, XMPP_NS_PUBSUB, "pubsub");
  const XmppNode *item = xmpp_pep_items_find(
      pubsub != NULL ? xmpp_node_get_child(pubsub, XMPP_NS_PUBSUB, "items") : NULL, NULL);
  const char *item_id = item != NULL ? xmpp_node_get_attr(item, "id") : NULL;
  GBytes *avatar = item_id != NULL ? xmpp_avatar_data_parse(node, item_id, NULL) : NULL;
  if (avatar != NULL) {
    (void)xmpp_avatar_verify(avatar, item_id, NULL);
    g_bytes_unref(avatar);
  }
  /* XEP-0077/0004/0050/0055: forms read, built back as submissions, results. */
  XmppRegisterRequest *reg = xmpp_register_request_parse(node, NULL);
  if (reg != NULL) {
    xmpp_register_request_prefill(reg, "juliet", "pw");
    xmpp_node_free(xmpp_register_build_submit("example.test", reg->form));
    xmpp_register_request_free(reg);
  }
  XmppAdhocStage *stage = xmpp_adhoc_stage_parse(node, NULL);
  if (stage != NULL && stage->form != NULL)
    xmpp_node_free(xmpp_xdata_form_to_node(stage->form));
  xmpp_adhoc_stage_free(stage);
  g_ptr_array_unref(xmpp_adhoc_parse_list(node));
  xmpp_xdata_form_free(xmpp_search_parse_form(node, NULL));
  xmpp_xdata_form_free(xmpp_search_parse_results(node, NULL));
  XmppNode *reply = xmpp_stanza_error_new_reply(stanza, XMPP_STANZA_ERROR_BAD_REQUEST);
  g_free(xmpp_xml_node_to_string(reply));
  xmpp_node_free(reply);
  xmpp_stanza_free(stanza);
  xmpp_router_dispatch(router, node);
}

/* The stored roster (roster-store.c) read from the raw bytes: what it accepts must serialise
 * and read back to the very same bytes. */
static void
fuzz_roster_store(XmppRouter *router, const XmppHost *host, const guint8 *data, size_t size)
{
  XmppRoster *roster = xmpp_roster_new(router, host);
  if (xmpp_roster_store_load(roster, (const char *)data, size, NULL)) {
    gsize len = 0, len_again = 0;
    char *bytes = xmpp_roster_store_serialize(roster, &len);
    XmppRoster *again = xmpp_roster_new(router, host);
    if (!xmpp_roster_store_load(again, bytes, len, NULL))
      abort();
    char *bytes_again = xmpp_roster_store_serialize(again, &len_again);
    if (len != len_again || memcmp(bytes, bytes_again, len) != 0)
      abort();
    g_free(bytes_again);
    xmpp_roster_free(again);
    g_free(bytes);
  }
  xmpp_roster_free(roster);
}

int
LLVMFuzzerTestOneInput(const guint8 *data, size_t size)
{
  FakeHost *fake = fake_host_new();
  fake->host.log = NULL;
  XmppRouter *router = xmpp_router_new(&fake->host, discard, NULL);
  XmppJid *me = xmpp_jid_parse("juliet@example.test/r", NULL);
  xmpp_router_set_own_jid(router, me);
  fuzz_roster_store(router, &fake->host, data, size);
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
