/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Presence on purple: the status types offered to the user and the <presence/> we send for
 * them (RFC 6121 §4.2 initial presence, §4.7 show/status/priority, invisibility, XEP-0319
 * idle), and contacts' presence on the buddy list (best resource, tooltip, status text). */
#include "purple-subscription.h"

#include "purple-errors.h"
#include "purple-i18n.h"

#include "xml/lang.h"
#include "xml/parser.h" /* XMPP_NS_JABBER_CLIENT */
#include "im/presence.h"
#include "im/subscription.h"
#include "services/csi.h"

/* Status ids are prpl-jabber's, so saved statuses of a migrated account still apply. */
#define STATUS_AVAILABLE "available"
#define STATUS_CHAT      "freeforchat"
#define STATUS_AWAY      "away"
#define STATUS_XA        "extended_away"
#define STATUS_DND       "dnd"
#define STATUS_INVISIBLE "invisible"
#define STATUS_OFFLINE   "offline"

#define PRIORITY_MIN (-128) /* RFC 6121 §4.7.2.3: a signed byte */
#define PRIORITY_MAX 127

static PurpleStatusType *
status_type_new(PurpleStatusPrimitive primitive, const char *id, const char *name,
                int default_priority)
{
  PurpleValue *priority = purple_value_new(PURPLE_TYPE_INT);
  purple_value_set_int(priority, default_priority);
  return purple_status_type_new_with_attrs(primitive, id, name, TRUE, TRUE, FALSE, "priority",
                                           _("Priority"), priority, "message", _("Message"),
                                           purple_value_new(PURPLE_TYPE_STRING), NULL);
}

GList *
xmpp_purple_presence_status_types(PurpleAccount *account)
{
  GList *types = NULL;
  /* Same default priorities as prpl-jabber: 1 when available, 0 when away. */
  types = g_list_append(types, status_type_new(PURPLE_STATUS_AVAILABLE, STATUS_AVAILABLE, NULL, 1));
  types =
      g_list_append(types, status_type_new(PURPLE_STATUS_AVAILABLE, STATUS_CHAT, _("Chatty"), 1));
  types = g_list_append(types, status_type_new(PURPLE_STATUS_AWAY, STATUS_AWAY, NULL, 0));
  types = g_list_append(types, status_type_new(PURPLE_STATUS_EXTENDED_AWAY, STATUS_XA, NULL, 0));
  types = g_list_append(
      types, status_type_new(PURPLE_STATUS_UNAVAILABLE, STATUS_DND, _("Do Not Disturb"), 0));
  types = g_list_append(types, status_type_new(PURPLE_STATUS_INVISIBLE, STATUS_INVISIBLE, NULL, 0));
  types = g_list_append(
      types, purple_status_type_new_with_attrs(PURPLE_STATUS_OFFLINE, STATUS_OFFLINE, NULL, TRUE,
                                               TRUE, FALSE, "message", _("Message"),
                                               purple_value_new(PURPLE_TYPE_STRING), NULL));
  return types;
}

/* ---- our own presence ------------------------------------------------------------------ */

/* Invisibility (the "invisible" status), in the order of preference:
 * 1. XEP-0186 invisible command, when the server lists urn:xmpp:invisible:0 in its disco#info:
 *    the server itself stops broadcasting our presence, and we stay reachable.
 * 2. XEP-0016 privacy list blocking outgoing presence (the XEP-0126 recipe), when the server
 *    lists jabber:iq:privacy.
 * 3. Otherwise (Prosody 0.12 offers neither): the legacy fallback, an unavailable presence
 *    while the stream stays up (RFC 6121 §4.5.1): contacts see us offline, messages still
 *    reach this connection. The seed's non-standard type='invisible' is never sent.
 * Until the server's answer is known the legacy form is used, so we never leak presence. The
 * mechanism in use is logged and shown in our own tooltip. */
static void
status_to_own(const char *status_id, int priority, XmppOwnPresence *own)
{
  *own = (XmppOwnPresence){.show = XMPP_SHOW_NONE, .priority = priority};
  if (g_strcmp0(status_id, STATUS_INVISIBLE) == 0)
    own->invisible = TRUE;
  else if (g_strcmp0(status_id, STATUS_CHAT) == 0)
    own->show = XMPP_SHOW_CHAT; /* RFC 6121 §4.7.2.1; no <show/> means available */
  else if (g_strcmp0(status_id, STATUS_AWAY) == 0)
    own->show = XMPP_SHOW_AWAY;
  else if (g_strcmp0(status_id, STATUS_XA) == 0)
    own->show = XMPP_SHOW_XA;
  else if (g_strcmp0(status_id, STATUS_DND) == 0)
    own->show = XMPP_SHOW_DND;
}

/* Purple status messages are HTML-ish markup; <status/> is plain text (§4.7.2.2). */
static char *
plain_message(const char *message)
{
  if (message == NULL || *message == '\0')
    return NULL;
  char *plain = purple_markup_strip_html(message);
  if (plain != NULL && *g_strstrip(plain) == '\0')
    g_clear_pointer(&plain, g_free);
  return plain;
}

XmppNode *
xmpp_purple_presence_build(const char *status_id, const char *message, int priority)
{
  XmppOwnPresence own;
  status_to_own(status_id, priority, &own);
  char *plain = plain_message(message);
  own.status = plain;
  XmppNode *presence = xmpp_presence_build_own(&own, NULL);
  g_free(plain);
  return presence;
}

XmppPurplePresence *
xmpp_purple_presence_get(PurpleConnection *gc)
{
  XmppPurpleConn *conn = xmpp_purple_connection_get(gc);
  return conn != NULL ? conn->presence_state : NULL;
}

static void
send_status(XmppPurpleConn *conn, PurpleStatus *status)
{
  if (conn == NULL || conn->session == NULL || !xmpp_session_is_ready(conn->session))
    return;
  PurpleStatusType *type = purple_status_get_type(status);
  if (purple_status_type_get_primitive(type) == PURPLE_STATUS_OFFLINE)
    return; /* libpurple disconnects the account itself */
  XmppPurplePresence *state = conn->presence_state;
  XmppOwnPresence own;
  status_to_own(purple_status_get_id(status), purple_status_get_attr_int(status, "priority"), &own);
  char *plain = plain_message(purple_status_get_attr_string(status, "message"));
  own.status = plain;
  own.idle_since = state != NULL ? state->idle_since : 0;
  /* Broadcast only: the server sends it to contacts with a subscription (§4.2, §11). */
  xmpp_presence_send_own(xmpp_session_get_presence(conn->session), &own);
  g_free(plain);
}

void
xmpp_purple_presence_send_current(XmppPurpleConn *conn)
{
  send_status(conn, purple_account_get_active_status(conn->account));
}

void
xmpp_purple_presence_set_status(PurpleAccount *account, PurpleStatus *status)
{
  if (!purple_status_is_active(status))
    return;
  PurpleConnection *gc = purple_account_get_connection(account);
  if (gc == NULL)
    return;
  send_status(xmpp_purple_connection_get(gc), status);
}

/* XEP-0319: idle since, in our presence; XEP-0352: an idle user's client is inactive (the
 * core tells a server that offers it, on a change only). */
void
xmpp_purple_presence_set_idle(PurpleConnection *gc, int idle_seconds)
{
  XmppPurpleConn *conn = xmpp_purple_connection_get(gc);
  if (conn != NULL && conn->session != NULL)
    xmpp_csi_set_inactive(xmpp_session_get_csi(conn->session), idle_seconds > 0);
  XmppPurplePresence *state = conn != NULL ? conn->presence_state : NULL;
  if (state == NULL)
    return;
  state->idle_since = idle_seconds > 0 ? (gint64)time(NULL) - idle_seconds : 0;
  xmpp_purple_presence_send_current(conn);
}

/* ---- contacts' presence ---------------------------------------------------------------- */

const char *
xmpp_purple_presence_status_id(XmppPresenceShow show)
{
  switch (show) {
    case XMPP_SHOW_CHAT:
      return STATUS_CHAT;
    case XMPP_SHOW_AWAY:
      return STATUS_AWAY;
    case XMPP_SHOW_XA:
      return STATUS_XA;
    case XMPP_SHOW_DND:
      return STATUS_DND;
    default:
      return STATUS_AVAILABLE;
  }
}

static void
on_contact_changed(gpointer data, const XmppPresenceContact *contact)
{
  XmppPurplePresence *state = data;
  PurpleAccount *account = state->conn->account;
  const XmppPresenceResource *best = xmpp_presence_contact_get_best(contact);
  PurpleBuddy *buddy = purple_find_buddy(account, contact->bare);
  if (buddy == NULL)
    return; /* not on the buddy list: purple would ignore it anyway */
  if (best == NULL) {
    /* Offline already (the server's answer to our probes at sign-in, for every contact who is
     * not online): purple would redraw the buddy and look for a conversation to stop typing
     * in, for nothing. */
    PurplePresence *shown = purple_buddy_get_presence(buddy);
    if (!purple_presence_is_online(shown) && !purple_presence_is_idle(shown))
      return;
    purple_prpl_got_user_status(account, contact->bare, STATUS_OFFLINE, NULL);
    purple_prpl_got_user_idle(account, contact->bare, FALSE, 0);
    return;
  }
  /* The contact's text is plain: escaped so purple never renders it as markup (T50). */
  char *message = best->status != NULL ? g_markup_escape_text(best->status, -1) : NULL;
  if (message != NULL)
    purple_prpl_got_user_status(account, contact->bare, xmpp_purple_presence_status_id(best->show),
                                "priority", best->priority, "message", message, NULL);
  else
    purple_prpl_got_user_status(account, contact->bare, xmpp_purple_presence_status_id(best->show),
                                "priority", best->priority, NULL);
  g_free(message);
  purple_prpl_got_user_idle(account, contact->bare, best->idle_since > 0, (time_t)best->idle_since);
}

/* A buddy added after its presence arrived (e.g. by a roster push once a subscription is
 * approved) gets the presence we already know. */
static void
on_buddy_added(PurpleBuddy *buddy, gpointer data)
{
  XmppPurplePresence *state = data;
  if (purple_buddy_get_account(buddy) != state->conn->account)
    return;
  const XmppPresenceContact *c =
      xmpp_presence_get_contact(state->presence, purple_buddy_get_name(buddy));
  if (c != NULL)
    on_contact_changed(state, c);
}

static void
on_invisible_mechanism(gpointer data, XmppInvisibleMechanism mechanism)
{
  XmppPurplePresence *state = data;
  state->mechanism = mechanism;
  purple_debug_info(XMPP_PURPLE_DEBUG, "invisibility by %s\n",
                    xmpp_presence_invisible_mechanism_name(mechanism));
}

const char *
xmpp_purple_presence_show_label(XmppPresenceShow show)
{
  switch (show) {
    case XMPP_SHOW_CHAT:
      return _("Chatty");
    case XMPP_SHOW_AWAY:
      return _("Away");
    case XMPP_SHOW_XA:
      return _("Extended Away");
    case XMPP_SHOW_DND:
      return _("Do Not Disturb");
    default:
      return _("Available");
  }
}

static void
add_resource_lines(PurpleNotifyUserInfo *info, const XmppPresenceResource *r, gboolean several)
{
  char *status =
      r->status != NULL
          /* Translators: a status ("Away") and the contact's own words about it. */
          ? g_strdup_printf(_("%s: %s"), xmpp_purple_presence_show_label(r->show), r->status)
          : g_strdup(xmpp_purple_presence_show_label(r->show));
  char *label = several && *r->resource != '\0' ? g_strdup_printf(_("Status (%s)"), r->resource)
                                                : g_strdup(_("Status"));
  purple_notify_user_info_add_pair_plaintext(info, label, status);
  char prio[8];
  g_snprintf(prio, sizeof prio, "%d", r->priority);
  purple_notify_user_info_add_pair_plaintext(info, _("Priority"), prio);
  if (r->idle_since > 0) {
    gint64 idle = (gint64)time(NULL) - r->idle_since;
    char *text = purple_str_seconds_to_string((guint)CLAMP(idle, 0, G_MAXUINT));
    purple_notify_user_info_add_pair_plaintext(info, _("Idle"), text);
    g_free(text);
  }
  g_free(label);
  g_free(status);
}

/* The contact's last presence error in words (RFC 6121 §4.7.2: e.g. its server was not found),
 * or NULL when there is none. Plain text. */
static char *
contact_error_text(const XmppPresenceContact *c)
{
  if (c == NULL || (c->error == NULL && c->error_info == NULL))
    return NULL;
  return xmpp_purple_stanza_error_info_text(c->error_info, XMPP_PURPLE_ERROR_REQUEST);
}

void
xmpp_purple_presence_tooltip_text(PurpleBuddy *buddy, PurpleNotifyUserInfo *info, gboolean full)
{
  PurpleAccount *account = purple_buddy_get_account(buddy);
  XmppPurplePresence *state = xmpp_purple_presence_get(purple_account_get_connection(account));
  if (state == NULL)
    return;
  const char *bare = purple_buddy_get_name(buddy);
  const XmppPresenceContact *c = xmpp_presence_get_contact(state->presence, bare);
  guint n = c != NULL ? c->resources->len : 0;
  /* The best resource first, then the others. */
  const XmppPresenceResource *best = xmpp_presence_contact_get_best(c);
  if (best != NULL)
    add_resource_lines(info, best, n > 1);
  for (guint i = 0; i < n; i++)
    if (c->resources->pdata[i] != best)
      add_resource_lines(info, c->resources->pdata[i], TRUE);
  g_autofree char *error = contact_error_text(c);
  if (error != NULL)
    purple_notify_user_info_add_pair_plaintext(info, _("Error"), error);
  XmppSubscriptionState s = xmpp_subscription_get_state(state->presence, bare);
  char *sub = xmpp_purple_subscription_describe(&s);
  purple_notify_user_info_add_pair_plaintext(info, _("Subscription"), sub);
  g_free(sub);
  const XmppJid *me = xmpp_session_get_account_jid(state->conn->session);
  if (me != NULL && xmpp_jid_str_equal(bare, xmpp_jid_get_bare(me), XMPP_JID_MATCH_BARE))
    purple_notify_user_info_add_pair_plaintext(
        info, _("Invisibility"), xmpp_presence_invisible_mechanism_name(state->mechanism));
}

char *
xmpp_purple_presence_status_text(PurpleBuddy *buddy)
{
  PurpleAccount *account = purple_buddy_get_account(buddy);
  XmppPurplePresence *state = xmpp_purple_presence_get(purple_account_get_connection(account));
  if (state == NULL)
    return NULL;
  const char *bare = purple_buddy_get_name(buddy);
  const XmppPresenceContact *c = xmpp_presence_get_contact(state->presence, bare);
  const XmppPresenceResource *best = xmpp_presence_contact_get_best(c);
  if (best != NULL && best->status != NULL)
    return g_markup_escape_text(best->status, -1);
  g_autofree char *error = contact_error_text(c);
  if (error != NULL)
    return g_markup_escape_text(error, -1);
  if (best == NULL && xmpp_subscription_get_state(state->presence, bare).ask)
    return g_strdup(_("Awaiting authorization"));
  return NULL;
}

void
xmpp_purple_presence_start(XmppPurpleConn *conn)
{
  XmppPurplePresence *state = g_new0(XmppPurplePresence, 1);
  state->conn = conn;
  state->presence = xmpp_session_get_presence(conn->session);
  conn->presence_state = state;
  static const XmppPresenceEvents events = {
      .contact_changed = on_contact_changed,
      .subscription_request = xmpp_purple_subscription_ask,
      .subscription_changed = xmpp_purple_subscription_changed,
      .invisible_mechanism = on_invisible_mechanism,
  };
  xmpp_presence_set_events(state->presence, &events, state);
  /* The language to pick a contact's <status/> in: the UI locale as a language tag. */
  char *lang = xmpp_lang_from_locale(g_get_language_names()[0]);
  xmpp_presence_set_lang(state->presence, lang);
  g_free(lang);
  xmpp_purple_subscription_start(state);
  purple_signal_connect(purple_blist_get_handle(), "buddy-added", state,
                        PURPLE_CALLBACK(on_buddy_added), state);
  xmpp_presence_discover(state->presence);
}

void
xmpp_purple_presence_stop(XmppPurpleConn *conn)
{
  XmppPurplePresence *state = conn->presence_state;
  if (state == NULL)
    return;
  xmpp_presence_set_events(state->presence, NULL, NULL);
  purple_signals_disconnect_by_handle(state);
  xmpp_purple_subscription_stop(state);
  g_free(state);
  conn->presence_state = NULL;
}
