/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: group chat (XEP-0045) parsing on any element the XML parser accepts: the
 * muc#user part of a room presence (status codes, the item, a room's destruction) and room
 * invitations (mediated, XEP-0249 direct), and bookmark payloads (XEP-0402 items anywhere in
 * the element, XEP-0048 storages), each bookmark checked and read back from what it builds. */
#include <string.h>

#include "muc/bookmark.h"
#include "muc/muc-invite.h"
#include "muc/muc-user.h"
#include "xml/parser.h"

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size);

static gboolean
nick_ok(const char *nick)
{
  return nick == NULL || (*nick != '\0' && strlen(nick) <= XMPP_MUC_MAX_NICK &&
                          g_utf8_validate(nick, -1, NULL) && xmpp_muc_nick_valid(nick, NULL));
}

static gboolean
text_ok(const char *text)
{
  return text == NULL ||
         (*text != '\0' && strlen(text) <= XMPP_MUC_MAX_REASON && g_utf8_validate(text, -1, NULL));
}

/* A bookmark as parsed: a room's bare JID, a usable nick, texts within the limit; and the
 * item (or storage) built from it reads back the same. */
static void
check_bookmark(const XmppBookmark *b)
{
  g_autoptr(XmppJid) room = xmpp_jid_parse(b->room, NULL);
  if (room == NULL || xmpp_jid_get_local(room) == NULL || xmpp_jid_get_resource(room) != NULL ||
      !nick_ok(b->nick) || (b->name != NULL && strlen(b->name) > XMPP_BOOKMARK_MAX_TEXT) ||
      (b->password != NULL && !g_utf8_validate(b->password, -1, NULL)))
    abort();
  g_autoptr(XmppNode) item = xmpp_bookmark_build_item(b);
  g_autoptr(XmppBookmark) again = xmpp_bookmark_parse_item(item);
  if (!xmpp_bookmark_equal(b, again))
    abort();
}

/* Every element of the tree (depth-first, bounded by the parser's own depth limit). */
static void
bookmarks_in(const XmppNode *node)
{
  g_autoptr(XmppBookmark) b = xmpp_bookmark_parse_item(node);
  if (b != NULL)
    check_bookmark(b);
  g_autoptr(GPtrArray) list = xmpp_bookmark_parse_storage(node, 50);
  for (guint i = 0; i < list->len; i++)
    check_bookmark(list->pdata[i]);
  if (list->len > 0) {
    g_autoptr(XmppNode) storage = xmpp_bookmark_build_storage(list, node);
    g_autoptr(GPtrArray) again = xmpp_bookmark_parse_storage(storage, 50);
    if (again->len != list->len)
      abort();
  }
  for (guint i = 0; i < xmpp_node_n_children(node); i++) {
    const XmppNode *child = xmpp_node_nth_child(node, i);
    if (!xmpp_node_is_text(child))
      bookmarks_in(child);
  }
}

static void
on_element(gpointer data, XmppNode *node)
{
  bookmarks_in(node);
  XmppMucUser *user = xmpp_muc_user_parse(node);
  if (user != NULL) {
    /* What the parser keeps is within its limits and valid, whatever came in. */
    if ((guint)user->role > XMPP_MUC_ROLE_MODERATOR ||
        (guint)user->affiliation > XMPP_MUC_AFFILIATION_OWNER ||
        user->status >= (XMPP_MUC_STATUS_NOW_ANONYMOUS << 1) || !nick_ok(user->new_nick) ||
        !nick_ok(user->actor_nick) || !text_ok(user->reason) || !text_ok(user->destroy_reason) ||
        (user->new_nick != NULL && !(user->status & XMPP_MUC_STATUS_NICK_CHANGED)) ||
        (user->alternate != NULL &&
         (!user->destroyed || xmpp_jid_get_resource(user->alternate) != NULL)))
      abort();
    xmpp_muc_user_free(user);
  }
  XmppStanza *stanza = xmpp_stanza_new(node); /* takes node */
  XmppMucInvite *invite = xmpp_muc_invite_parse(stanza);
  if (invite != NULL) {
    /* An invitation always names a room's bare JID, and its texts are valid. */
    g_autoptr(XmppJid) room = xmpp_jid_parse(invite->room, NULL);
    if (room == NULL || xmpp_jid_get_local(room) == NULL || xmpp_jid_get_resource(room) != NULL ||
        !text_ok(invite->reason) ||
        (invite->password != NULL && !g_utf8_validate(invite->password, -1, NULL)))
      abort();
    xmpp_muc_invite_free(invite);
  }
  xmpp_stanza_free(stanza);
}

int
LLVMFuzzerTestOneInput(const guint8 *data, size_t size)
{
  XmppParserCallbacks callbacks = {.stanza = on_element};
  XmppParser *parser = xmpp_parser_new(&callbacks, NULL, NULL);
  static const char header[] = "<stream:stream xmlns='jabber:client' "
                               "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";
  xmpp_parser_feed(parser, header, sizeof header - 1, NULL);
  xmpp_parser_feed(parser, (const char *)data, size, NULL);
  xmpp_parser_free(parser);
  return 0;
}
