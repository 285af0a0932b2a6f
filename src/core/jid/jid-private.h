/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to the JID layer and its tests: the general (non-fast-path) parser as a reference. */
#pragma once

#include "jid/jid.h"

G_BEGIN_DECLS

/* xmpp_jid_parse and xmpp_jid_new without the ASCII fast path: every localpart and
 * resourcepart goes through full PRECIS (precis.c) and every domainpart through
 * domain_normalise. Same results and error codes as the public functions by contract;
 * only tests/unit/test-jid.c uses these, to check that contract. */
XmppJid *xmpp_jid_parse_slow(const char *str, GError **error);
XmppJid *xmpp_jid_new_slow(const char *local, const char *domain, const char *resource,
                           GError **error);

G_END_DECLS
