/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to the JID layer: PRECIS preparation of localparts and resourceparts (RFC 8265). */
#pragma once

#include <glib.h>

#include "jid/jid.h"

G_BEGIN_DECLS

/* Raw parts longer than this are refused before any Unicode work: mappings shrink text by
 * at most about 3:1, so a part that could normalise to XMPP_JID_MAX_PART_BYTES fits. */
#define XMPP_PRECIS_RAW_PART_MAX (4 * XMPP_JID_MAX_PART_BYTES)

/* UsernameCaseMapped (RFC 8265 §3.3) plus RFC 7622 §3.3.1's exclusions on len bytes of
 * valid UTF-8. Returns the prepared localpart, or NULL with XMPP_JID_ERROR_LOCALPART. */
char *xmpp_precis_prepare_localpart(const char *in, gsize len, GError **error);
/* OpaqueString (RFC 8265 §4.2) on len bytes of valid UTF-8. Returns the prepared
 * resourcepart, or NULL with XMPP_JID_ERROR_RESOURCEPART. */
char *xmpp_precis_prepare_resourcepart(const char *in, gsize len, GError **error);

G_END_DECLS
