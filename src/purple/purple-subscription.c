/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Subscriptions on purple (RFC 6121 §3): authorization questions, the buddy menu (re-request,
 * cancel, unsubscribe, directed presence) and the subscription state in words. */
#include "purple-subscription.h"

#include "purple-i18n.h"

/* One open authorization question. The UI may answer after the connection is gone, so the
 * answer finds the connection again through the account. */
typedef struct {
  PurpleAccount *account;
  char *bare;
  XmppPurplePresence *state; /* NULL once the connection stopped */
} XmppPurpleAuth;

static void
auth_free(XmppPurpleAuth *auth)
{
  g_free(auth->bare);
  g_free(auth);
}

static void
auth_answer(XmppPurpleAuth *auth, gboolean accept)
{
  XmppPurplePresence *state = auth->state;
  if (state != NULL) {
    g_ptr_array_remove(state->auth_requests, auth);
    purple_debug_info(XMPP_PURPLE_DEBUG, "%s subscription of %s\n",
                      accept ? "accepting" : "denying", auth->bare);
    xmpp_subscription_answer(state->presence, auth->bare, accept);
  }
  auth_free(auth);
}

static void
auth_accept(void *data)
{
  auth_answer(data, TRUE);
}

static void
auth_deny(void *data)
{
  auth_answer(data, FALSE);
}

void
xmpp_purple_subscription_ask(gpointer data, const char *bare, const char *message)
{
  XmppPurplePresence *state = data;
  PurpleAccount *account = state->conn->account;
  XmppPurpleAuth *auth = g_new0(XmppPurpleAuth, 1);
  auth->account = account;
  auth->bare = g_strdup(bare);
  auth->state = state;
  g_ptr_array_add(state->auth_requests, auth);
  PurpleBuddy *buddy = purple_find_buddy(account, bare);
  /* The contact's own words are plain text: escape them before purple renders markup (T50). */
  char *safe = message != NULL ? g_markup_escape_text(message, -1) : NULL;
  purple_account_request_authorization(account, bare, NULL,
                                       buddy != NULL ? purple_buddy_get_alias(buddy) : NULL, safe,
                                       buddy != NULL, auth_accept, auth_deny, auth);
  g_free(safe);
}

void
xmpp_purple_subscription_changed(gpointer data, const char *bare, XmppPresenceType type)
{
  purple_debug_info(XMPP_PURPLE_DEBUG, "subscription: %s from %s\n", xmpp_presence_type_name(type),
                    bare);
}

void
xmpp_purple_subscription_start(XmppPurplePresence *state)
{
  state->auth_requests = g_ptr_array_new();
}

void
xmpp_purple_subscription_stop(XmppPurplePresence *state)
{
  if (state->auth_requests == NULL)
    return;
  /* Questions still open are answered by nobody: close them (their callbacks then never run). */
  if (state->auth_requests->len > 0)
    purple_account_request_close_with_account(state->conn->account);
  for (guint i = 0; i < state->auth_requests->len; i++)
    auth_free(state->auth_requests->pdata[i]);
  g_ptr_array_free(state->auth_requests, TRUE);
  state->auth_requests = NULL;
}

char *
xmpp_purple_subscription_describe(const XmppSubscriptionState *s)
{
  const char *base = s->to && s->from ? _("Both")
                     : s->to          ? _("To")
                     : s->from        ? _("From")
                                      : _("None");
  if (s->ask)
    return g_strdup_printf(_("%s (awaiting authorization)"), base);
  if (s->pending_in)
    return g_strdup_printf(_("%s (asks for authorization)"), base);
  return g_strdup(base);
}

/* ---- the buddy menu --------------------------------------------------------------------- */

typedef enum {
  ACTION_REREQUEST,
  ACTION_CANCEL,
  ACTION_UNSUBSCRIBE,
  ACTION_APPEAR_ONLINE,
  ACTION_APPEAR_OFFLINE,
} MenuAction;

static void
run_action(PurpleBlistNode *node, MenuAction action)
{
  if (!PURPLE_BLIST_NODE_IS_BUDDY(node))
    return;
  PurpleBuddy *buddy = (PurpleBuddy *)node;
  XmppPurplePresence *state =
      xmpp_purple_presence_get(purple_account_get_connection(purple_buddy_get_account(buddy)));
  if (state == NULL)
    return;
  const char *who = purple_buddy_get_name(buddy);
  switch (action) {
    case ACTION_REREQUEST:
      xmpp_subscription_request(state->presence, who, NULL);
      break;
    case ACTION_CANCEL:
      xmpp_subscription_cancel(state->presence, who);
      break;
    case ACTION_UNSUBSCRIBE:
      xmpp_subscription_unsubscribe(state->presence, who);
      break;
    case ACTION_APPEAR_ONLINE:
    case ACTION_APPEAR_OFFLINE:
      /* §4.6 directed presence: only because the user asked for it. */
      xmpp_presence_send_directed(state->presence, who, action == ACTION_APPEAR_ONLINE);
      break;
  }
}

#define MENU_CALLBACK(name, action)                                                                \
  static void name(PurpleBlistNode *node, gpointer data)                                           \
  {                                                                                                \
    run_action(node, action);                                                                      \
  }
MENU_CALLBACK(menu_rerequest, ACTION_REREQUEST)
MENU_CALLBACK(menu_cancel, ACTION_CANCEL)
MENU_CALLBACK(menu_unsubscribe, ACTION_UNSUBSCRIBE)
MENU_CALLBACK(menu_appear_online, ACTION_APPEAR_ONLINE)
MENU_CALLBACK(menu_appear_offline, ACTION_APPEAR_OFFLINE)

static GList *
add_item(GList *menu, const char *label, void (*cb)(PurpleBlistNode *, gpointer))
{
  return g_list_append(menu, purple_menu_action_new(label, PURPLE_CALLBACK(cb), NULL, NULL));
}

GList *
xmpp_purple_subscription_menu(PurpleBlistNode *node)
{
  if (!PURPLE_BLIST_NODE_IS_BUDDY(node))
    return NULL;
  PurpleBuddy *buddy = (PurpleBuddy *)node;
  XmppPurplePresence *state =
      xmpp_purple_presence_get(purple_account_get_connection(purple_buddy_get_account(buddy)));
  if (state == NULL)
    return NULL;
  XmppSubscriptionState s =
      xmpp_subscription_get_state(state->presence, purple_buddy_get_name(buddy));
  GList *menu = NULL;
  menu = add_item(menu, _("Appear Online to"), menu_appear_online);
  menu = add_item(menu, _("Appear Offline to"), menu_appear_offline);
  if (!s.to)
    menu = add_item(menu, _("Re-request authorization"), menu_rerequest);
  if (s.from || s.approved)
    menu = add_item(menu, _("Cancel presence notification"), menu_cancel);
  if (s.to || s.ask)
    menu = add_item(menu, _("Unsubscribe"), menu_unsubscribe);
  return menu;
}
