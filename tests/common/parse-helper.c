/* SPDX-License-Identifier: GPL-2.0-or-later */
/* test_parse_element: parse test fixtures with the real parser. */
#include "parse-helper.h"

#include "xml/parser.h"

static void
keep_first(gpointer data, XmppNode *node)
{
  XmppNode **slot = data;
  if (*slot == NULL)
    *slot = node;
  else
    xmpp_node_free(node);
}

XmppNode *
test_parse_element(const char *xml)
{
  XmppNode *result = NULL;
  XmppParserCallbacks callbacks = {.stanza = keep_first};
  g_autoptr(XmppParser) parser = xmpp_parser_new(&callbacks, &result, NULL);
  g_autofree char *doc = g_strconcat("<stream:stream xmlns='jabber:client' xmlns:stream='"
                                     "http://etherx.jabber.org/streams' version='1.0'>",
                                     xml, NULL);
  g_autoptr(GError) error = NULL;
  if (!xmpp_parser_feed(parser, doc, strlen(doc), &error))
    g_error("test fixture is bad XML: %s", error->message);
  g_assert_nonnull(result);
  return result;
}
