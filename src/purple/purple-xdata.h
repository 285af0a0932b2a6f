/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one generic renderer of XEP-0004 data forms: XmppXdataForm to purple_request_fields and
 * back. Registration, ad-hoc commands and user search all show their forms through it. */
#pragma once

#include <purple.h>

#include "services/xdata.h"

G_BEGIN_DECLS

#define XMPP_PURPLE_XDATA_ACTION_ID "lyre:xdata:action" /* the choice of next/prev/complete */

/* Pure: one request field per shown form field (hidden ones are not shown; fixed ones become
 * labels; media images come before their field). actions (optional, NULL-terminated labels)
 * adds a choice field to pick the next step, default_action its preselected index. */
PurpleRequestFields *xmpp_purple_xdata_to_fields(const XmppXdataForm *form,
                                                 const char *const *actions, int default_action);
/* Pure: a copy of form with the values the user entered (hidden fields keep theirs). */
XmppXdataForm *xmpp_purple_xdata_from_fields(const XmppXdataForm *form,
                                             PurpleRequestFields *fields);
/* The index chosen in the action field, or -1 when there is none. */
int xmpp_purple_xdata_get_action(PurpleRequestFields *fields);

/* filled: the answers (transfer full), or NULL when the user cancelled. action: as above. */
typedef void (*XmppPurpleXdataCallback)(XmppXdataForm *filled, int action, gpointer user_data);

/* Shows form (copied) in a dialog owned by handle. open (optional) is the caller's list of
 * open dialogs: the request stays in it until answered. cb runs once when the user answers;
 * destroy(user_data) runs after the answer or when xmpp_purple_xdata_close_all closes it. */
void xmpp_purple_xdata_request(void *handle, GQueue *open, PurpleAccount *account,
                               const char *title, const char *primary, const XmppXdataForm *form,
                               const char *const *actions, int default_action,
                               XmppPurpleXdataCallback cb, gpointer user_data,
                               GDestroyNotify destroy);
/* Closes every dialog still in open without calling their callbacks (sign-off). */
void xmpp_purple_xdata_close_all(GQueue *open);

G_END_DECLS
