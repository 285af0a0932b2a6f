/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppRegistration: XEP-0077 in-band registration, password change and unregistration. */
#pragma once

#include "router/router.h"

G_BEGIN_DECLS

typedef struct _XmppRegistration XmppRegistration;

XmppRegistration *xmpp_registration_new(XmppRouter *router, const XmppHost *host);
void xmpp_registration_free(XmppRegistration *registration);

G_END_DECLS
