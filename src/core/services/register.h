/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppRegistration: XEP-0077 in-band registration, password change and unregistration. */
#pragma once

#include "router/router.h"
#include "services/xdata.h"
#include "services/namespaces.h"

G_BEGIN_DECLS

/* What the server asks for (XEP-0077 §3.1): legacy fields or a data form, both as one form. */
typedef struct {
  gboolean registered; /* <registered/>: the account exists already */
  XmppXdataForm *form; /* never NULL; form->legacy tells how to answer */
  char *oob_url;       /* jabber:x:oob redirection (XEP-0077 §5), or NULL */
} XmppRegisterRequest;

/* Parses the result of a registration get (iq borrowed). NULL with error when it has no query. */
XmppRegisterRequest *xmpp_register_request_parse(const XmppNode *iq, GError **error);
void xmpp_register_request_free(XmppRegisterRequest *request);
/* Prefills username and password (legacy fields and the XEP-0077 §6 form fields). */
void xmpp_register_request_prefill(XmppRegisterRequest *request, const char *username,
                                   const char *password);

/* <iq type='get' to=to><query xmlns='jabber:iq:register'/></iq> */
XmppNode *xmpp_register_build_get(const char *to);
/* The set answering form (filled by the user): legacy fields, or the form as type submit. */
XmppNode *xmpp_register_build_submit(const char *to, const XmppXdataForm *form);
/* XEP-0077 §3.3 password change. */
XmppNode *xmpp_register_build_password(const char *to, const char *username, const char *password);
/* XEP-0077 §3.2 <remove/>. */
XmppNode *xmpp_register_build_remove(const char *to);

typedef struct _XmppRegistration XmppRegistration;

/* Got the form (request borrowed for the call), or error. */
typedef void (*XmppRegisterFormCallback)(const XmppRegisterRequest *request, const GError *error,
                                         gpointer user_data);
/* The server said yes (error NULL) or no. */
typedef void (*XmppRegisterDoneCallback)(const GError *error, gpointer user_data);

XmppRegistration *xmpp_registration_new(XmppRouter *router, const XmppHost *host);
void xmpp_registration_free(XmppRegistration *registration);

/* All to our server (the account's domain). Each callback runs exactly once. */
void xmpp_registration_fetch(XmppRegistration *registration, XmppRegisterFormCallback cb,
                             gpointer user_data, GDestroyNotify destroy);
void xmpp_registration_submit(XmppRegistration *registration, const XmppXdataForm *form,
                              XmppRegisterDoneCallback cb, gpointer user_data,
                              GDestroyNotify destroy);
void xmpp_registration_change_password(XmppRegistration *registration, const char *password,
                                       XmppRegisterDoneCallback cb, gpointer user_data,
                                       GDestroyNotify destroy);
void xmpp_registration_remove(XmppRegistration *registration, XmppRegisterDoneCallback cb,
                              gpointer user_data, GDestroyNotify destroy);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppRegisterRequest, xmpp_register_request_free)

G_END_DECLS
