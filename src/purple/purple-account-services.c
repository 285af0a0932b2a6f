/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The glue of registration, password change, data forms, ad-hoc commands, user search
 * (XEP-0077/0004/0050/0055). */
#include "purple-glue.h"
#include "purple-errors.h"
#include "purple-i18n.h"
#include "purple-account-services.h"
#include "services/register.h"
#include "services/xdata.h"

AccountSvc *
xmpp_purple_accountsvc_get(XmppPurpleConn *conn)
{
  return conn != NULL ? conn->accountsvc_state : NULL;
}

AccountSvc *
xmpp_purple_accountsvc_ensure(XmppPurpleConn *conn)
{
  if (conn->accountsvc_state == NULL) {
    AccountSvc *st = g_new0(AccountSvc, 1);
    g_queue_init(&st->forms);
    st->search_jid_col = -1;
    conn->accountsvc_state = st;
  }
  return conn->accountsvc_state;
}

void
xmpp_purple_accountsvc_notify_error(XmppPurpleConn *conn, const char *title, const GError *error,
                                    XmppPurpleErrorContext context)
{
  char *text = xmpp_purple_stanza_error_text(error, context);
  purple_notify_error(conn->gc, title, title, text);
  g_free(text);
}

static gboolean
close_cb(gpointer data)
{
  XmppPurpleConn *conn = data;
  AccountSvc *st = xmpp_purple_accountsvc_get(conn);
  if (st != NULL)
    st->close_timer = 0;
  purple_account_disconnect(conn->account); /* frees conn: nothing after this */
  return G_SOURCE_REMOVE;
}

/* Never from inside a core callback: the main loop disconnects. */
static void
schedule_close(XmppPurpleConn *conn)
{
  AccountSvc *st = xmpp_purple_accountsvc_ensure(conn);
  if (st->close_timer == 0)
    st->close_timer = purple_timeout_add(0, close_cb, conn);
}

/* ---- registration (XEP-0077 §3.1) ---------------------------------------------------------- */

/* libpurple 2 exports no function for this: prpls call the account's callback (as prpl-jabber). */
static void
register_completed(PurpleAccount *account, gboolean success)
{
  if (account->registration_cb != NULL)
    account->registration_cb(account, success, account->registration_cb_user_data);
}

static void
reg_finish(XmppPurpleConn *conn, gboolean success)
{
  AccountSvc *st = xmpp_purple_accountsvc_ensure(conn);
  if (st->reg_done)
    return;
  st->reg_done = TRUE;
  register_completed(conn->account, success);
  schedule_close(conn);
}

/* A different username in the form renames the account (keeping domain and resource). */
static void
apply_registered(XmppPurpleConn *conn, AccountSvc *st)
{
  const XmppJid *jid = xmpp_session_get_account_jid(conn->session);
  if (st->reg_username != NULL && g_strcmp0(st->reg_username, xmpp_jid_get_local(jid)) != 0) {
    const char *old = purple_account_get_username(conn->account);
    const char *slash = strchr(old, '/');
    char *name = g_strdup_printf("%s@%s%s", st->reg_username, xmpp_jid_get_domain(jid),
                                 slash != NULL ? slash : "");
    purple_account_set_username(conn->account, name);
    g_free(name);
  }
  if (st->reg_password != NULL)
    purple_account_set_password(conn->account, st->reg_password);
}

static void
reg_done(const GError *error, gpointer data)
{
  XmppPurpleConn *conn = data;
  AccountSvc *st = xmpp_purple_accountsvc_get(conn);
  if (st == NULL)
    return;
  if (error != NULL) {
    xmpp_purple_accountsvc_notify_error(conn, _("Registration Failed"), error,
                                        XMPP_PURPLE_ERROR_REGISTRATION);
    reg_finish(conn, FALSE);
    return;
  }
  apply_registered(conn, st);
  char *text = g_strdup_printf(_("Registration of %s successful"),
                               purple_account_get_username(conn->account));
  purple_notify_info(conn->gc, _("Registration Successful"), _("Registration Successful"), text);
  g_free(text);
  reg_finish(conn, TRUE);
}

static void
reg_answered(XmppXdataForm *filled, int action, gpointer data)
{
  XmppPurpleConn *conn = data;
  AccountSvc *st = xmpp_purple_accountsvc_get(conn);
  if (st == NULL) {
    xmpp_xdata_form_free(filled);
    return;
  }
  if (filled == NULL) {
    reg_finish(conn, FALSE); /* the user cancelled */
    return;
  }
  g_free(st->reg_username);
  g_free(st->reg_password);
  st->reg_username =
      g_strdup(xmpp_xdata_field_get_value(xmpp_xdata_form_get_field(filled, "username")));
  st->reg_password =
      g_strdup(xmpp_xdata_field_get_value(xmpp_xdata_form_get_field(filled, "password")));
  xmpp_registration_submit(xmpp_session_get_registration(conn->session), filled, reg_done, conn,
                           NULL);
  xmpp_xdata_form_free(filled);
}

static void
reg_form(const XmppRegisterRequest *request, const GError *error, gpointer data)
{
  XmppPurpleConn *conn = data;
  AccountSvc *st = xmpp_purple_accountsvc_get(conn);
  if (st == NULL)
    return;
  if (error != NULL) {
    xmpp_purple_accountsvc_notify_error(conn, _("Registration Failed"), error,
                                        XMPP_PURPLE_ERROR_REGISTRATION);
    reg_finish(conn, FALSE);
    return;
  }
  if (request->form->fields->len == 0) {
    /* XEP-0077 §5: registration elsewhere (a web page); show where, never fetch it. */
    char *url = xmpp_purple_error_sanitize(request->oob_url ? request->oob_url : "");
    char *text = g_strdup_printf(_("The server asks you to register at: %s"), url);
    purple_notify_error(conn->gc, _("Registration Failed"), _("Registration Failed"), text);
    g_free(text);
    g_free(url);
    reg_finish(conn, FALSE);
    return;
  }
  XmppRegisterRequest copy = *request;
  copy.form = xmpp_xdata_form_copy(request->form);
  xmpp_register_request_prefill(&copy,
                                xmpp_jid_get_local(xmpp_session_get_account_jid(conn->session)),
                                purple_connection_get_password(conn->gc));
  char *primary =
      g_strdup_printf(_("Register New Account at %s"), xmpp_session_get_domain(conn->session));
  xmpp_purple_xdata_request(conn, &st->forms, conn->account, _("Register New XMPP Account"),
                            primary, copy.form, NULL, 0, reg_answered, conn, NULL);
  g_free(primary);
  xmpp_xdata_form_free(copy.form);
}

void
xmpp_purple_accountsvc_registration_ready(XmppPurpleConn *conn)
{
  xmpp_purple_accountsvc_ensure(conn);
  purple_connection_update_progress(conn->gc, _("Requesting registration form"), 3,
                                    XMPP_SESSION_N_STEPS);
  xmpp_registration_fetch(xmpp_session_get_registration(conn->session), reg_form, conn, NULL);
}

void
xmpp_purple_accountsvc_register_user(PurpleAccount *account)
{
  xmpp_purple_connection_register(account);
}

/* ---- password change (XEP-0077 §3.3) ------------------------------------------------------- */

static void
passwd_done(const GError *error, gpointer data)
{
  XmppPurpleConn *conn = data;
  AccountSvc *st = xmpp_purple_accountsvc_get(conn);
  if (st == NULL)
    return;
  if (error != NULL) {
    xmpp_purple_accountsvc_notify_error(conn, _("Password Change Failed"), error,
                                        XMPP_PURPLE_ERROR_REQUEST);
  } else {
    purple_account_set_password(conn->account, st->new_password);
    purple_notify_info(conn->gc, _("Password Changed"), _("Password Changed"),
                       _("Your password has been changed."));
  }
  g_clear_pointer(&st->new_password, g_free);
}

void
xmpp_purple_accountsvc_change_passwd(PurpleConnection *gc, const char *old_pass,
                                     const char *new_pass)
{
  XmppPurpleConn *conn = xmpp_purple_connection_get(gc);
  /* libpurple 2 stores the new password before calling us: keep the old one until the server
   * confirms, so a refusal cannot lock the user out. */
  purple_account_set_password(purple_connection_get_account(gc), old_pass);
  if (conn == NULL || conn->session == NULL || !xmpp_session_is_ready(conn->session) ||
      new_pass == NULL || *new_pass == '\0') {
    purple_notify_error(gc, _("Password Change Failed"), _("Password Change Failed"),
                        _("Sign in first, then change the password."));
    return;
  }
  AccountSvc *st = xmpp_purple_accountsvc_ensure(conn);
  g_free(st->new_password);
  st->new_password = g_strdup(new_pass);
  xmpp_registration_change_password(xmpp_session_get_registration(conn->session), new_pass,
                                    passwd_done, conn, NULL);
}

static void
action_change_password(PurplePluginAction *action)
{
  PurpleConnection *gc = action->context;
  purple_account_request_change_password(purple_connection_get_account(gc));
}

/* ---- unregistration (XEP-0077 §3.2) -------------------------------------------------------- */

static void
unreg_done(const GError *error, gpointer data)
{
  XmppPurpleConn *conn = data;
  AccountSvc *st = xmpp_purple_accountsvc_get(conn);
  if (st == NULL)
    return;
  if (error != NULL)
    xmpp_purple_accountsvc_notify_error(conn, _("Unregistration Failed"), error,
                                        XMPP_PURPLE_ERROR_REQUEST);
  else
    purple_notify_info(conn->gc, _("Account Removed"), _("Account Removed"),
                       _("Your account has been removed from the server."));
  if (st->unreg_cb != NULL)
    st->unreg_cb(conn->account, error == NULL, st->unreg_data);
  st->unreg_cb = NULL;
  if (error == NULL)
    schedule_close(conn);
}

static void
unreg_confirmed(XmppPurpleConn *conn, int choice)
{
  xmpp_registration_remove(xmpp_session_get_registration(conn->session), unreg_done, conn, NULL);
}

static void
unreg_cancelled(XmppPurpleConn *conn, int choice)
{
  AccountSvc *st = xmpp_purple_accountsvc_get(conn);
  if (st != NULL && st->unreg_cb != NULL)
    st->unreg_cb(conn->account, FALSE, st->unreg_data);
  if (st != NULL)
    st->unreg_cb = NULL;
}

void
xmpp_purple_accountsvc_unregister_user(PurpleAccount *account, PurpleAccountUnregistrationCb cb,
                                       void *user_data)
{
  XmppPurpleConn *conn = xmpp_purple_connection_get(purple_account_get_connection(account));
  if (conn == NULL || conn->session == NULL || !xmpp_session_is_ready(conn->session)) {
    purple_notify_error(NULL, _("Unregistration Failed"), _("Unregistration Failed"),
                        _("Sign in first, then remove the account from the server."));
    if (cb != NULL)
      cb(account, FALSE, user_data);
    return;
  }
  AccountSvc *st = xmpp_purple_accountsvc_ensure(conn);
  st->unreg_cb = cb;
  st->unreg_data = user_data;
  purple_request_action(conn, _("Unregister"), _("Delete this account on the server?"),
                        _("The account and everything the server keeps for it are removed for "
                          "good."),
                        1, account, NULL, NULL, conn, 2, _("_Delete"), G_CALLBACK(unreg_confirmed),
                        _("_Cancel"), G_CALLBACK(unreg_cancelled));
}

/* ---- registration of the slots, start, stop ----------------------------------------------- */

void
xmpp_purple_accountsvc_start(XmppPurpleConn *conn)
{
  xmpp_purple_accountsvc_ensure(conn);
}

void
xmpp_purple_accountsvc_stop(XmppPurpleConn *conn)
{
  AccountSvc *st = xmpp_purple_accountsvc_get(conn);
  if (conn->register_only && (st == NULL || !st->reg_done))
    register_completed(conn->account, FALSE);
  if (st == NULL)
    return;
  conn->accountsvc_state = NULL; /* replies still due (ending now) find no state */
  xmpp_purple_xdata_close_all(&st->forms);
  purple_request_close_with_handle(conn);
  if (st->close_timer != 0)
    purple_timeout_remove(st->close_timer);
  if (st->unreg_cb != NULL)
    st->unreg_cb(conn->account, FALSE, st->unreg_data);
  if (st->commands != NULL)
    g_ptr_array_unref(st->commands);
  if (st->new_password != NULL)
    memset(st->new_password, 0, strlen(st->new_password));
  if (st->reg_password != NULL)
    memset(st->reg_password, 0, strlen(st->reg_password));
  g_free(st->new_password);
  g_free(st->reg_password);
  g_free(st->reg_username);
  g_free(st->search_jid);
  g_free(st);
}

GList *
xmpp_purple_accountsvc_actions(GList *actions)
{
  actions = g_list_append(actions,
                          purple_plugin_action_new(_("Change Password…"), action_change_password));
  actions =
      g_list_append(actions, purple_plugin_action_new(_("Server Commands…"),
                                                      xmpp_purple_accountsvc_action_commands));
  return g_list_append(actions, purple_plugin_action_new(_("Search for Users…"),
                                                         xmpp_purple_accountsvc_action_search));
}
