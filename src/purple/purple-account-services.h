/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What purple-account-services.c and purple-account-commands.c share (not for other files). */
#pragma once

#include "purple-errors.h"
#include "purple-glue.h"
#include "purple-xdata.h"

struct _XmppPurpleAccountSvc {
  GQueue forms;       /* open data-form dialogs (purple-xdata.c) */
  guint close_timer;  /* disconnects after registration or unregistration */
  gboolean reg_done;  /* purple_account_register_completed was called */
  char *reg_username; /* what the user registered, applied on success */
  char *reg_password;
  char *new_password; /* saved only once the server confirms (XEP-0077 §3.3) */
  PurpleAccountUnregistrationCb unreg_cb;
  gpointer unreg_data;
  GPtrArray *commands; /* XmppAdhocCommand* of the last list */
  char *search_jid;    /* the directory of the current search */
  int search_jid_col;  /* the results' jid column, -1 for none */
};
typedef struct _XmppPurpleAccountSvc AccountSvc;

/* conn's state, or NULL once stopped (replies that end after that find nothing to do). */
AccountSvc *xmpp_purple_accountsvc_get(XmppPurpleConn *conn);
/* conn's state, created when missing: only for a user's action on a live connection (the
 * account actions may run before xmpp_purple_accountsvc_start). */
AccountSvc *xmpp_purple_accountsvc_ensure(XmppPurpleConn *conn);
/* A translated error dialog for a refused request (purple-errors.h says the words). */
void xmpp_purple_accountsvc_notify_error(XmppPurpleConn *conn, const char *title,
                                         const GError *error, XmppPurpleErrorContext context);

/* purple-account-commands.c: ad-hoc commands (XEP-0050) and user search (XEP-0055). */
void xmpp_purple_accountsvc_action_commands(PurplePluginAction *action);
void xmpp_purple_accountsvc_action_search(PurplePluginAction *action);
/* The commands of `to` (NULL: our server) in a list to run one from (purple-browse.c too). */
void xmpp_purple_accountsvc_list_commands(XmppPurpleConn *conn, const char *to);
