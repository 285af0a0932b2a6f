/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppMucUser: the muc#user part of a presence (XEP-0045 §7.2, §9, §10.9), parsed with limits. */
#include "muc/muc-user.h"

#include <stdlib.h>
#include <string.h>

static const char *const role_names[] = {"none", "visitor", "participant", "moderator"};
static const char *const affiliation_names[] = {"none", "outcast", "member", "admin", "owner"};

const char *
xmpp_muc_role_name(XmppMucRole role)
{
  return (guint)role < G_N_ELEMENTS(role_names) ? role_names[role] : "none";
}

const char *
xmpp_muc_affiliation_name(XmppMucAffiliation affiliation)
{
  return (guint)affiliation < G_N_ELEMENTS(affiliation_names) ? affiliation_names[affiliation]
                                                              : "none";
}

static guint
index_of(const char *name, const char *const *names, guint n)
{
  for (guint i = 0; name != NULL && i < n; i++)
    if (strcmp(name, names[i]) == 0)
      return i;
  return 0; /* absent or unknown: none */
}

XmppMucRole
xmpp_muc_role_from_string(const char *name)
{
  return (XmppMucRole)index_of(name, role_names, G_N_ELEMENTS(role_names));
}

XmppMucAffiliation
xmpp_muc_affiliation_from_string(const char *name)
{
  return (XmppMucAffiliation)index_of(name, affiliation_names, G_N_ELEMENTS(affiliation_names));
}

gboolean
xmpp_muc_nick_valid(const char *nick, char **prepared)
{
  if (prepared != NULL)
    *prepared = NULL;
  if (nick == NULL || *nick == '\0' || strlen(nick) > XMPP_MUC_MAX_NICK)
    return FALSE;
  /* A nick is the resourcepart of the occupant's JID: prepared as one (PRECIS
   * OpaqueString), with any room and service around it. */
  g_autoptr(XmppJid) jid = xmpp_jid_new("room", "muc.invalid", nick, NULL);
  if (jid == NULL || xmpp_jid_get_resource(jid) == NULL)
    return FALSE;
  if (prepared != NULL)
    *prepared = g_strdup(xmpp_jid_get_resource(jid));
  return TRUE;
}

char *
xmpp_muc_room_jid(const char *jid)
{
  g_autoptr(XmppJid) parsed = jid != NULL ? xmpp_jid_parse(jid, NULL) : NULL;
  if (parsed == NULL || xmpp_jid_get_local(parsed) == NULL || xmpp_jid_get_resource(parsed) != NULL)
    return NULL;
  return g_strdup(xmpp_jid_get_bare(parsed));
}

/* Text cut at a character boundary within max bytes; NULL for none or empty. */
static char *
dup_capped_text(const char *text, gsize max)
{
  if (text == NULL || *text == '\0')
    return NULL;
  if (strlen(text) <= max)
    return g_strdup(text);
  const char *end = text + max;
  while (end > text && ((guchar)*end & 0xc0) == 0x80)
    end--; /* not inside a UTF-8 sequence */
  return g_strndup(text, (gsize)(end - text));
}

/* The codes of <status code=/> children we act on, as bits. */
static guint
parse_statuses(const XmppNode *x)
{
  static const struct {
    int code;
    guint bit;
  } known[] = {
      {100, XMPP_MUC_STATUS_NON_ANONYMOUS},
      {110, XMPP_MUC_STATUS_SELF},
      {170, XMPP_MUC_STATUS_LOGGED},
      {201, XMPP_MUC_STATUS_CREATED},
      {210, XMPP_MUC_STATUS_NICK_ASSIGNED},
      {301, XMPP_MUC_STATUS_BANNED},
      {303, XMPP_MUC_STATUS_NICK_CHANGED},
      {307, XMPP_MUC_STATUS_KICKED},
      {321, XMPP_MUC_STATUS_REMOVED_AFFILIATION},
      {322, XMPP_MUC_STATUS_REMOVED_MEMBERS_ONLY},
      {332, XMPP_MUC_STATUS_SHUTDOWN},
      {333, XMPP_MUC_STATUS_REMOVED_ERROR},
      {104, XMPP_MUC_STATUS_CONFIG_CHANGED},
      {171, XMPP_MUC_STATUS_NOT_LOGGED},
      {172, XMPP_MUC_STATUS_NOW_NON_ANONYMOUS},
      {173, XMPP_MUC_STATUS_NOW_SEMI_ANONYMOUS},
      {174, XMPP_MUC_STATUS_NOW_ANONYMOUS},
  };
  guint bits = 0, seen = 0;
  for (XmppNode *s = xmpp_node_get_child(x, XMPP_NS_MUC_USER, "status");
       s != NULL && seen < XMPP_MUC_MAX_STATUSES;
       s = xmpp_node_next_child(x, s, XMPP_NS_MUC_USER, "status"), seen++) {
    const char *code = xmpp_node_get_attr(s, "code");
    /* Exactly three digits (§15.6): "110 " or "+110" is not a code. */
    if (code == NULL || strlen(code) != 3 || !g_ascii_isdigit(code[0]) ||
        !g_ascii_isdigit(code[1]) || !g_ascii_isdigit(code[2]))
      continue;
    int n = atoi(code);
    for (guint i = 0; i < G_N_ELEMENTS(known); i++)
      if (known[i].code == n)
        bits |= known[i].bit;
  }
  return bits;
}

static void
parse_item(const XmppNode *item, XmppMucUser *user)
{
  user->role = xmpp_muc_role_from_string(xmpp_node_get_attr(item, "role"));
  user->affiliation = xmpp_muc_affiliation_from_string(xmpp_node_get_attr(item, "affiliation"));
  const char *jid = xmpp_node_get_attr(item, "jid");
  user->real_jid = jid != NULL ? xmpp_jid_parse(jid, NULL) : NULL;
  if (user->status & XMPP_MUC_STATUS_NICK_CHANGED)
    xmpp_muc_nick_valid(xmpp_node_get_attr(item, "nick"), &user->new_nick);
  XmppNode *actor = xmpp_node_get_child(item, XMPP_NS_MUC_USER, "actor");
  if (actor != NULL)
    xmpp_muc_nick_valid(xmpp_node_get_attr(actor, "nick"), &user->actor_nick);
  g_autofree char *reason = xmpp_node_dup_child_text(item, XMPP_NS_MUC_USER, "reason");
  user->reason = dup_capped_text(reason, XMPP_MUC_MAX_REASON);
}

XmppMucUser *
xmpp_muc_user_parse(const XmppNode *presence)
{
  XmppNode *x = xmpp_node_get_child(presence, XMPP_NS_MUC_USER, "x");
  if (x == NULL)
    return NULL;
  XmppMucUser *user = g_new0(XmppMucUser, 1);
  user->status = parse_statuses(x);
  /* One item describes the occupant (§7.2.3); a second one is not the room's to send. */
  XmppNode *item = xmpp_node_get_child(x, XMPP_NS_MUC_USER, "item");
  if (item != NULL)
    parse_item(item, user);
  XmppNode *destroy = xmpp_node_get_child(x, XMPP_NS_MUC_USER, "destroy");
  if (destroy != NULL) {
    user->destroyed = TRUE;
    const char *alternate = xmpp_node_get_attr(destroy, "jid");
    g_autoptr(XmppJid) alt = alternate != NULL ? xmpp_jid_parse(alternate, NULL) : NULL;
    /* An alternate venue is a room: a bare JID. */
    if (alt != NULL && xmpp_jid_get_resource(alt) == NULL && xmpp_jid_get_local(alt) != NULL)
      user->alternate = g_steal_pointer(&alt);
    g_autofree char *reason = xmpp_node_dup_child_text(destroy, XMPP_NS_MUC_USER, "reason");
    user->destroy_reason = dup_capped_text(reason, XMPP_MUC_MAX_REASON);
  }
  return user;
}

void
xmpp_muc_user_free(XmppMucUser *user)
{
  if (user == NULL)
    return;
  xmpp_jid_free(user->real_jid);
  g_free(user->new_nick);
  g_free(user->actor_nick);
  g_free(user->reason);
  g_free(user->destroy_reason);
  xmpp_jid_free(user->alternate);
  g_free(user);
}
