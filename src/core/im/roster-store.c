/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The roster and its version as bytes, kept by the glue between sessions so that roster
 * versioning (RFC 6121 §2.6) can skip the transfer of an unchanged roster. Pure: no file I/O.
 *
 * The format is an XMPP stream, so that the same hardened parser (limits, no entities, no DTD)
 * reads it back and each element stays small:
 *   <stream:stream xmlns='jabber:client' xmlns:stream='...'>
 *   <roster xmlns='urn:xmpp:lyre:roster-store:1' ver='...'/>
 *   <item xmlns='jabber:iq:roster' jid='...' subscription='both'><group>...</group></item>...
 *   </stream:stream> */
#include "im/roster.h"

#include <string.h>

#include "xml/parser.h"
#include "xml/writer.h"

#define STORE_NS "urn:xmpp:lyre:roster-store:1"
#define STORE_HEADER                                                                               \
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "                                     \
  "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>\n"
#define STORE_FOOTER "</stream:stream>\n"

char *
xmpp_roster_store_serialize(const XmppRoster *roster, gsize *len)
{
  g_return_val_if_fail(roster != NULL, NULL);
  GString *out = g_string_sized_new(64 + 160 * xmpp_roster_n_items(roster));
  g_string_append(out, STORE_HEADER);
  g_autoptr(XmppNode) head = xmpp_node_new(STORE_NS, "roster");
  if (xmpp_roster_get_version(roster) != NULL)
    xmpp_node_set_attr(head, "ver", xmpp_roster_get_version(roster));
  xmpp_xml_write_node(out, head, XMPP_NS_CLIENT);
  g_string_append_c(out, '\n');
  GList *items = xmpp_roster_get_items(roster);
  for (GList *l = items; l != NULL; l = l->next) {
    g_autoptr(XmppNode) node = xmpp_roster_item_to_node(l->data, TRUE);
    xmpp_xml_write_node(out, node, XMPP_NS_CLIENT);
    g_string_append_c(out, '\n');
  }
  g_list_free(items);
  g_string_append(out, STORE_FOOTER);
  if (len != NULL)
    *len = out->len;
  return g_string_free(out, FALSE);
}

typedef struct {
  gboolean header_seen; /* the <roster/> element came first */
  gboolean ended;
  char *ver;
  GPtrArray *items;
  GError *error;
} StoreReader;

static void
reader_fail(StoreReader *r, const char *message)
{
  if (r->error == NULL)
    g_set_error_literal(&r->error, G_FILE_ERROR, G_FILE_ERROR_INVAL, message);
}

static void
reader_stream_start(gpointer user_data, const XmppNode *header)
{
}

static void
reader_stanza(gpointer user_data, XmppNode *node)
{
  StoreReader *r = user_data;
  g_autoptr(XmppNode) owned = node;
  if (r->error != NULL)
    return;
  if (!r->header_seen) {
    if (!xmpp_node_is(node, STORE_NS, "roster")) {
      reader_fail(r, "not a stored roster");
      return;
    }
    r->header_seen = TRUE;
    const char *ver = xmpp_node_get_attr(node, "ver");
    if (ver != NULL && strlen(ver) <= XMPP_ROSTER_MAX_VER_BYTES)
      r->ver = g_strdup(ver);
    return;
  }
  if (!xmpp_node_is(node, XMPP_NS_ROSTER, "item")) {
    reader_fail(r, "unexpected element in a stored roster");
    return;
  }
  if (r->items->len >= XMPP_ROSTER_MAX_ITEMS) {
    reader_fail(r, "too many items in a stored roster");
    return;
  }
  XmppRosterItem *item = xmpp_roster_item_parse(node, NULL);
  if (item == NULL || item->subscription == XMPP_ROSTER_SUBSCRIPTION_REMOVE) {
    xmpp_roster_item_free(item);
    reader_fail(r, "invalid item in a stored roster");
    return;
  }
  g_ptr_array_add(r->items, item);
}

static void
reader_stream_end(gpointer user_data)
{
  ((StoreReader *)user_data)->ended = TRUE;
}

static const XmppParserCallbacks reader_callbacks = {
    .stream_start = reader_stream_start,
    .stanza = reader_stanza,
    .stream_end = reader_stream_end,
};

gboolean
xmpp_roster_store_parse(const char *data, gsize len, char **ver, GPtrArray **items, GError **error)
{
  g_return_val_if_fail(data != NULL || len == 0, FALSE);
  StoreReader r = {
      .items = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_roster_item_free),
  };
  XmppParserLimits limits = XMPP_XML_CLIENT_LIMITS; /* as big as the roster the stream took */
  XmppParser *parser = xmpp_parser_new(&reader_callbacks, &r, &limits);
  GError *parse_error = NULL;
  if (!xmpp_parser_feed(parser, data, len, &parse_error) && r.error == NULL)
    r.error = parse_error;
  else
    g_clear_error(&parse_error);
  xmpp_parser_free(parser);
  if (r.error == NULL && (!r.header_seen || !r.ended))
    reader_fail(&r, "truncated stored roster");
  if (r.error != NULL) {
    g_propagate_error(error, r.error);
    g_free(r.ver);
    g_ptr_array_unref(r.items);
    return FALSE;
  }
  if (ver != NULL)
    *ver = r.ver;
  else
    g_free(r.ver);
  if (items != NULL)
    *items = r.items;
  else
    g_ptr_array_unref(r.items);
  return TRUE;
}

gboolean
xmpp_roster_store_load(XmppRoster *roster, const char *data, gsize len, GError **error)
{
  g_return_val_if_fail(roster != NULL, FALSE);
  char *ver = NULL;
  GPtrArray *items = NULL;
  if (!xmpp_roster_store_parse(data, len, &ver, &items, error))
    return FALSE;
  xmpp_roster_set_cache(roster, ver, items);
  g_free(ver);
  return TRUE;
}
