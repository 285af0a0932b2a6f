/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppMessages: RFC 6121 §5 messages in and out (bodies, threads, subjects, errors). */
#pragma once

#include "router/router.h"

G_BEGIN_DECLS

typedef struct _XmppMessages XmppMessages;

XmppMessages *xmpp_messages_new(XmppRouter *router, const XmppHost *host);
void xmpp_messages_free(XmppMessages *messages);

G_END_DECLS
