/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Presence subscriptions (RFC 6121 §3): what we send for the user's requests and answers, and
 * what we do with the subscription stanzas we receive. The server keeps the roster state
 * (§3.1.2 onwards, pushed to us as roster items); we only send requests and answers, and ask the
 * user. We never send presence to anyone without a subscription on our own (§11). */
#include "im/subscription.h"

#include "router/namespaces.h"
#include "im/namespaces.h"

/* A subscription stanza to the bare JID (§3.1.1: SHOULD be bare). FALSE when jid is invalid. */
static gboolean
send_type(XmppPresence *p, const char *jid, const char *type, const char *message, char **bare)
{
  g_autoptr(XmppJid) parsed = jid != NULL ? xmpp_jid_parse(jid, NULL) : NULL;
  if (parsed == NULL)
    return FALSE;
  XmppNode *node = xmpp_node_new(XMPP_NS_JABBER_CLIENT, "presence");
  xmpp_node_set_attr(node, "to", xmpp_jid_get_bare(parsed));
  xmpp_node_set_attr(node, "type", type);
  if (message != NULL && *message != '\0')
    xmpp_node_new_text_child(node, NULL, "status", message);
  xmpp_router_send(xmpp_presence_get_router(p), node);
  xmpp_node_free(node);
  if (bare != NULL)
    *bare = g_strdup(xmpp_jid_get_bare(parsed));
  return TRUE;
}

gboolean
xmpp_subscription_request(XmppPresence *p, const char *jid, const char *message)
{
  g_return_val_if_fail(p != NULL, FALSE);
  return send_type(p, jid, "subscribe", message, NULL);
}

gboolean
xmpp_subscription_approve(XmppPresence *p, const char *jid)
{
  g_return_val_if_fail(p != NULL, FALSE);
  g_autoptr(XmppJid) parsed = jid != NULL ? xmpp_jid_parse(jid, NULL) : NULL;
  if (parsed == NULL)
    return FALSE;
  const char *bare = xmpp_jid_get_bare(parsed);
  GHashTable *pending = xmpp_presence_get_pending_in(p);
  /* Without a request from them, 'subscribed' is a pre-approval (§3.4), which only a server
   * that advertises it understands; others would drop it or worse. */
  if (!g_hash_table_contains(pending, bare) && !xmpp_presence_get_pre_approval(p))
    return FALSE;
  send_type(p, bare, "subscribed", NULL, NULL);
  g_hash_table_remove(pending, bare);
  g_hash_table_add(xmpp_presence_get_approved(p), g_strdup(bare));
  return TRUE;
}

gboolean
xmpp_subscription_cancel(XmppPresence *p, const char *jid)
{
  g_return_val_if_fail(p != NULL, FALSE);
  g_autofree char *bare = NULL;
  if (!send_type(p, jid, "unsubscribed", NULL, &bare))
    return FALSE;
  g_hash_table_remove(xmpp_presence_get_pending_in(p), bare);
  g_hash_table_remove(xmpp_presence_get_approved(p), bare);
  return TRUE;
}

gboolean
xmpp_subscription_unsubscribe(XmppPresence *p, const char *jid)
{
  g_return_val_if_fail(p != NULL, FALSE);
  return send_type(p, jid, "unsubscribe", NULL, NULL);
}

XmppSubscriptionState
xmpp_subscription_get_state(XmppPresence *p, const char *bare)
{
  XmppSubscriptionState state = {0};
  g_return_val_if_fail(p != NULL, state);
  XmppRoster *roster = xmpp_presence_get_roster(p);
  const XmppRosterItem *item =
      roster != NULL && bare != NULL ? xmpp_roster_lookup_str(roster, bare) : NULL;
  if (item != NULL) {
    state.to = item->subscription == XMPP_ROSTER_SUBSCRIPTION_TO ||
               item->subscription == XMPP_ROSTER_SUBSCRIPTION_BOTH;
    state.from = item->subscription == XMPP_ROSTER_SUBSCRIPTION_FROM ||
                 item->subscription == XMPP_ROSTER_SUBSCRIPTION_BOTH;
    state.ask = item->ask;
    state.approved = item->approved;
  }
  if (bare != NULL) {
    state.pending_in = g_hash_table_contains(xmpp_presence_get_pending_in(p), bare);
    state.approved = state.approved || g_hash_table_contains(xmpp_presence_get_approved(p), bare);
  }
  return state;
}

void
xmpp_subscription_answer(XmppPresence *p, const char *jid, gboolean accept)
{
  g_return_if_fail(p != NULL);
  g_autofree char *bare = NULL;
  if (!accept) {
    xmpp_subscription_cancel(p, jid); /* §3.1.4: a denial is 'unsubscribed' */
    return;
  }
  if (!send_type(p, jid, "subscribed", NULL, &bare))
    return;
  g_hash_table_remove(xmpp_presence_get_pending_in(p), bare);
  g_hash_table_add(xmpp_presence_get_approved(p), g_strdup(bare));
  /* Users expect a mutual subscription: ask back unless we already see them or asked. */
  XmppSubscriptionState state = xmpp_subscription_get_state(p, bare);
  if (!state.to && !state.ask)
    send_type(p, bare, "subscribe", NULL, NULL);
}

void
xmpp_subscription_handle(XmppPresence *p, const XmppPresenceInfo *info)
{
  g_return_if_fail(p != NULL && info != NULL);
  if (info->from == NULL)
    return;
  const char *bare = xmpp_jid_get_bare(info->from);
  const XmppHost *host = xmpp_presence_get_host(p);
  const XmppJid *me = xmpp_router_get_own_jid(xmpp_presence_get_router(p));
  if (me != NULL && xmpp_jid_equal(info->from, me, XMPP_JID_MATCH_BARE))
    return; /* our own account: nothing to ask the user */
  gpointer data;
  const XmppPresenceEvents *events = xmpp_presence_get_events(p, &data);
  GHashTable *pending = xmpp_presence_get_pending_in(p);
  switch (info->type) {
    case XMPP_PRESENCE_SUBSCRIBE: {
      XmppSubscriptionState state = xmpp_subscription_get_state(p, bare);
      if (state.from || state.approved) {
        /* They already have (or we already granted) a subscription: a repeated request, e.g.
         * after they lost their roster. Confirm without bothering the user (§3.1.3). */
        send_type(p, bare, "subscribed", NULL, NULL);
        return;
      }
      if (g_hash_table_contains(pending, bare)) {
        g_hash_table_replace(pending, g_strdup(bare), g_strdup(info->status));
        return; /* the user is already being asked: one question per contact */
      }
      if (g_hash_table_size(pending) >= XMPP_SUBSCRIPTION_MAX_PENDING) {
        xmpp_host_log(host, XMPP_LOG_WARNING, "subscription: too many requests, %s ignored", bare);
        return;
      }
      g_hash_table_insert(pending, g_strdup(bare), g_strdup(info->status));
      if (events->subscription_request)
        events->subscription_request(data, bare, info->status);
      return;
    }
    case XMPP_PRESENCE_UNSUBSCRIBE:
      /* §3.3.3: they no longer want our presence; a pending request of theirs is withdrawn. */
      g_hash_table_remove(pending, bare);
      g_hash_table_remove(xmpp_presence_get_approved(p), bare);
      break;
    case XMPP_PRESENCE_SUBSCRIBED:
    case XMPP_PRESENCE_UNSUBSCRIBED:
      break;
    default:
      return;
  }
  xmpp_host_log(host, XMPP_LOG_INFO, "subscription: %s from %s",
                xmpp_presence_type_name(info->type), bare);
  if (events->subscription_changed)
    events->subscription_changed(data, bare, info->type);
}
