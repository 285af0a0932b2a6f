/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The glue of XEP-0191 blocking on purple's privacy (deny list,
 * xmpp_purple_privacy_add_deny/xmpp_purple_privacy_rem_deny, xmpp_purple_privacy_set_permit_deny);
 * it also wires the extras (purple-extras.c: attention, mood, nick, tune). */
#include "purple-errors.h"
#include "purple-extras.h"
#include "purple-glue.h"
#include "purple-i18n.h"

#include "jid/jid.h"
#include "services/blocking.h"

/* Per connection: the blocking state we need beyond the core's. */
struct _XmppPurplePrivacyState {
  XmppPurpleConn *conn;
  gboolean supported; /* the server offers XEP-0191 */
  gboolean loaded;    /* the server's list was applied (or the server has no XEP-0191) */
  /* What the user changed before the server's list arrived: applied after it, so that the
   * sign-in sync does not undo a block made in the first second (normalised JID -> NULL). */
  GHashTable *early_block;
  GHashTable *early_unblock;
  gboolean early_mode;   /* xmpp_purple_privacy_set_permit_deny ran before the list arrived */
  gboolean refusal_open; /* a refused request is being shown: later ones are only logged */
};
typedef struct _XmppPurplePrivacyState PrivacyState;

static XmppBlocking *
blocking_of(PurpleConnection *gc)
{
  XmppPurpleConn *conn = xmpp_purple_connection_get(gc);
  if (conn == NULL || conn->session == NULL || conn->privacy_state == NULL ||
      !((PrivacyState *)conn->privacy_state)->supported)
    return NULL;
  return xmpp_session_get_blocking(conn->session);
}

/* A copy of purple's deny list (purple_privacy_deny_remove changes it while we walk). */
static GSList *
copy_deny_list(PurpleAccount *account)
{
  GSList *copy = NULL;
  for (GSList *l = account->deny; l != NULL; l = l->next)
    copy = g_slist_prepend(copy, g_strdup(l->data));
  return copy;
}

/* --- events from the core --- */

static void
ev_supported(gpointer data, gboolean supported)
{
  PrivacyState *state = data;
  state->supported = supported;
  state->loaded = !supported;
  if (!supported)
    purple_debug_info(XMPP_PURPLE_DEBUG,
                      "privacy: the server has no XEP-0191 blocking; purple's deny list applies "
                      "locally only (blocked contacts' messages are dropped by libpurple)\n");
}

/* The server's list at sign-in. With "block the users below" (DENY_USERS) the server's list
 * wins: purple's list becomes a copy. With "allow all" a non-empty server list means somebody is
 * blocked after all (by another client): purple shows it by switching to DENY_USERS. In the
 * modes XEP-0191 cannot express, the server's entries are added and nothing is removed. */
static void
ev_list(gpointer data, const GPtrArray *jids)
{
  PrivacyState *state = data;
  PurpleAccount *account = state->conn->account;
  PurplePrivacyType mode = purple_account_get_privacy_type(account);
  g_autoptr(GHashTable) server = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; i < jids->len; i++) {
    g_hash_table_add(server, jids->pdata[i]);
    if (!g_hash_table_contains(state->early_unblock, jids->pdata[i]))
      purple_privacy_deny_add(account, jids->pdata[i], TRUE);
  }
  if (mode == PURPLE_PRIVACY_DENY_USERS) {
    GSList *copy = copy_deny_list(account);
    for (GSList *l = copy; l != NULL; l = l->next)
      if (!g_hash_table_contains(server, l->data) &&
          !g_hash_table_contains(state->early_block, l->data))
        purple_privacy_deny_remove(account, l->data, TRUE);
    g_slist_free_full(copy, g_free);
  } else if (mode == PURPLE_PRIVACY_ALLOW_ALL && jids->len > 0) {
    purple_account_set_privacy_type(account, PURPLE_PRIVACY_DENY_USERS);
  }
  purple_debug_info(XMPP_PURPLE_DEBUG, "privacy: server block list has %u entries\n", jids->len);
  gboolean first = !state->loaded;
  state->loaded = TRUE;
  if (!first)
    return;
  /* Then what the user did meanwhile. */
  XmppBlocking *blocking = xmpp_session_get_blocking(state->conn->session);
  GHashTableIter iter;
  gpointer jid;
  g_hash_table_iter_init(&iter, state->early_block);
  while (g_hash_table_iter_next(&iter, &jid, NULL))
    if (!g_hash_table_contains(server, jid))
      xmpp_blocking_block(blocking, jid);
  g_hash_table_iter_init(&iter, state->early_unblock);
  while (g_hash_table_iter_next(&iter, &jid, NULL))
    if (g_hash_table_contains(server, jid))
      xmpp_blocking_unblock(blocking, jid);
  g_hash_table_remove_all(state->early_block);
  g_hash_table_remove_all(state->early_unblock);
  if (state->early_mode)
    xmpp_purple_privacy_set_permit_deny(state->conn->gc);
  state->early_mode = FALSE;
}

static void
ev_blocked(gpointer data, const char *jid)
{
  PrivacyState *state = data;
  PurpleAccount *account = state->conn->account;
  purple_privacy_deny_add(account, jid, TRUE);
  if (purple_account_get_privacy_type(account) == PURPLE_PRIVACY_ALLOW_ALL)
    purple_account_set_privacy_type(account, PURPLE_PRIVACY_DENY_USERS);
}

static void
ev_unblocked(gpointer data, const char *jid)
{
  PrivacyState *state = data;
  PurpleAccount *account = state->conn->account;
  /* "Allow all" unblocks everyone on the server but keeps purple's list for later. */
  if (purple_account_get_privacy_type(account) != PURPLE_PRIVACY_ALLOW_ALL)
    purple_privacy_deny_remove(account, jid, TRUE);
}

static void
ev_unblocked_all(gpointer data)
{
  PrivacyState *state = data;
  PurpleAccount *account = state->conn->account;
  if (purple_account_get_privacy_type(account) == PURPLE_PRIVACY_ALLOW_ALL)
    return;
  GSList *copy = copy_deny_list(account);
  for (GSList *l = copy; l != NULL; l = l->next)
    purple_privacy_deny_remove(account, l->data, TRUE);
  g_slist_free_full(copy, g_free);
}

static void
refusal_closed(gpointer data)
{
  ((PrivacyState *)data)->refusal_open = FALSE;
}

/* The server refused a block or unblock (or did not answer): purple's list now says more than
 * the server does, so the user hears of it. One dialog at a time: a sync that fails for many
 * contacts does not bury the user in them. */
static void
ev_refused(gpointer data, gboolean block, const char *jid, const GError *error)
{
  PrivacyState *state = data;
  if (xmpp_iq_error_is_ended(error))
    return;
  char *why = xmpp_purple_stanza_error_text(error, XMPP_PURPLE_ERROR_REQUEST);
  purple_debug_warning(XMPP_PURPLE_DEBUG, "privacy: %s %s refused: %s\n",
                       block ? "blocking" : "unblocking", jid != NULL ? jid : "everyone", why);
  if (!state->refusal_open) {
    char *primary = jid == NULL ? g_strdup(_("Unable to unblock everyone on the server"))
                    : block     ? g_strdup_printf(_("Unable to block %s on the server"), jid)
                                : g_strdup_printf(_("Unable to unblock %s on the server"), jid);
    state->refusal_open = TRUE;
    purple_notify_message(state, PURPLE_NOTIFY_MSG_ERROR, _("Privacy"), primary, why,
                          refusal_closed, state);
    g_free(primary);
  }
  g_free(why);
}

static const XmppBlockingEvents blocking_events = {
    .supported = ev_supported,
    .list = ev_list,
    .blocked = ev_blocked,
    .unblocked = ev_unblocked,
    .unblocked_all = ev_unblocked_all,
    .refused = ev_refused,
};

/* --- prpl slots --- */

/* The state while the server's list is still on its way (else NULL). */
static PrivacyState *
early_state(PurpleConnection *gc)
{
  XmppPurpleConn *conn = xmpp_purple_connection_get(gc);
  PrivacyState *state = conn != NULL ? conn->privacy_state : NULL;
  return state != NULL && !state->loaded ? state : NULL;
}

static void
remember(GHashTable *add_to, GHashTable *remove_from, const char *name)
{
  char *norm = xmpp_jid_normalize(name);
  if (norm == NULL)
    return;
  g_hash_table_remove(remove_from, norm);
  g_hash_table_add(add_to, norm);
}

void
xmpp_purple_privacy_add_deny(PurpleConnection *gc, const char *name)
{
  PrivacyState *early = early_state(gc);
  if (early != NULL) {
    remember(early->early_block, early->early_unblock, name);
    return;
  }
  XmppBlocking *blocking = blocking_of(gc);
  if (blocking != NULL && !xmpp_blocking_block(blocking, name))
    purple_debug_warning(XMPP_PURPLE_DEBUG, "privacy: cannot block %s\n", name);
}

void
xmpp_purple_privacy_rem_deny(PurpleConnection *gc, const char *name)
{
  PrivacyState *early = early_state(gc);
  if (early != NULL) {
    remember(early->early_unblock, early->early_block, name);
    return;
  }
  XmppBlocking *blocking = blocking_of(gc);
  if (blocking != NULL && xmpp_blocking_is_blocked(blocking, name))
    xmpp_blocking_unblock(blocking, name);
}

/* Blocks on the server every JID of purple's deny list it does not block yet. */
static void
block_deny_list(PurpleAccount *account, XmppBlocking *blocking)
{
  for (GSList *l = account->deny; l != NULL; l = l->next)
    if (!xmpp_blocking_is_blocked(blocking, l->data))
      xmpp_blocking_block(blocking, l->data);
}

void
xmpp_purple_privacy_set_permit_deny(PurpleConnection *gc)
{
  PrivacyState *early = early_state(gc);
  if (early != NULL) {
    early->early_mode = TRUE;
    return;
  }
  XmppBlocking *blocking = blocking_of(gc);
  if (blocking == NULL)
    return; /* no XEP-0191: libpurple's purple_privacy_check filters messages locally */
  PurpleAccount *account = purple_connection_get_account(gc);
  PurplePrivacyType mode = purple_account_get_privacy_type(account);
  switch (mode) {
    case PURPLE_PRIVACY_ALLOW_ALL:
      /* §3.5: unblock everyone; purple's deny list stays for a later "block the users below". */
      if (xmpp_blocking_n_blocked(blocking) > 0)
        xmpp_blocking_unblock(blocking, NULL);
      break;
    case PURPLE_PRIVACY_DENY_USERS: {
      /* The server's list becomes purple's: block the missing, unblock the rest. */
      GList *server = xmpp_blocking_get_jids(blocking);
      GSList *stale = NULL;
      for (GList *l = server; l != NULL; l = l->next)
        if (g_slist_find_custom(account->deny, l->data, (GCompareFunc)g_strcmp0) == NULL)
          stale = g_slist_prepend(stale, g_strdup(l->data));
      g_list_free(server);
      for (GSList *l = stale; l != NULL; l = l->next)
        xmpp_blocking_unblock(blocking, l->data);
      g_slist_free_full(stale, g_free);
      block_deny_list(account, blocking);
      break;
    }
    default:
      /* "Block all", "allow only the users below" and "allow only my buddy list" need a list
       * of whom to allow, which XEP-0191 cannot say (it only lists whom to block). The deny
       * list is still blocked on the server; libpurple drops other senders' messages locally
       * (purple_privacy_check in serv_got_im), but not their presence. */
      purple_debug_info(XMPP_PURPLE_DEBUG,
                        "privacy: mode %d cannot be expressed with XEP-0191; blocking the deny "
                        "list on the server and filtering the rest locally\n",
                        (int)mode);
      block_deny_list(account, blocking);
      break;
  }
}

/* --- registration and lifetime --- */

void
xmpp_purple_privacy_start(XmppPurpleConn *conn)
{
  PrivacyState *state = g_new0(PrivacyState, 1);
  state->conn = conn;
  state->early_block = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  state->early_unblock = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  conn->privacy_state = state;
  XmppBlocking *blocking = xmpp_session_get_blocking(conn->session);
  xmpp_blocking_set_events(blocking, &blocking_events, state);
  xmpp_blocking_start(blocking);
}

void
xmpp_purple_privacy_stop(XmppPurpleConn *conn)
{
  PrivacyState *state = conn->privacy_state;
  if (state == NULL)
    return;
  if (conn->session != NULL)
    xmpp_blocking_set_events(xmpp_session_get_blocking(conn->session), NULL, NULL);
  purple_request_close_with_handle(state);
  purple_notify_close_with_handle(state);
  conn->privacy_state = NULL;
  g_hash_table_unref(state->early_block);
  g_hash_table_unref(state->early_unblock);
  g_free(state);
}
