/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppAvatars: XEP-0084 (PEP) avatars with XEP-0153 vCard-based avatars as fallback. */
#pragma once

#include "services/pep.h"
#include "services/vcard.h"
#include "services/namespaces.h"

G_BEGIN_DECLS

/* Hard limits (T51, T52): an avatar is at most this many bytes (checked on the announced size
 * and on the base64 text before decoding); at most this many fetches run at once. */
#define XMPP_AVATAR_MAX_BYTES    XMPP_VCARD_MAX_PHOTO_BYTES
#define XMPP_AVATAR_MAX_INFLIGHT 32
#define XMPP_AVATAR_HASH_LEN     40 /* SHA-1 in lower-case hex (XEP-0084 §4.1, XEP-0153 §3.1) */

/* The MIME type from the image's magic bytes (PNG, JPEG, GIF, WebP), or NULL: not an image we
 * accept (T51). Pure. */
const char *xmpp_avatar_sniff_type(const guint8 *data, gsize len);
/* SHA-1 of data in lower-case hex (transfer full). */
char *xmpp_avatar_hash(const guint8 *data, gsize len);
/* A 40-character hex hash (lower or upper case). */
gboolean xmpp_avatar_hash_is_valid(const char *hash);

/* XEP-0084 §2.2 metadata, the <info/> we use (pure). */
typedef struct _XmppAvatarInfo {
  char *id; /* SHA-1 hex, lower case */
  char *type;
  guint64 bytes;
  guint width, height; /* 0 when not given */
} XmppAvatarInfo;
void xmpp_avatar_info_free(XmppAvatarInfo *info);
/* From a metadata notification's <items/> (or a <metadata/> element): the info to fetch (the
 * PNG one, else the first one without a url), *disabled TRUE for an empty <metadata/> (§4.2).
 * NULL when there is none or it breaks a limit (bad id, too many bytes). */
XmppAvatarInfo *xmpp_avatar_info_parse(const XmppNode *items, gboolean *disabled);
/* The decoded <data/> of item `hash` in a pubsub items result (XEP-0084 §3.1), capped before
 * decoding (T51); not yet verified. NULL with error when missing or invalid. Pure. */
GBytes *xmpp_avatar_data_parse(const XmppNode *iq, const char *hash, GError **error);
/* Checks fetched bytes against the expected hash and type (T51). */
gboolean xmpp_avatar_verify(GBytes *bytes, const char *hash, GError **error);

typedef struct _XmppAvatarEvents {
  /* The hash of the icon we have for bare (NULL: none): fetches happen only when it differs. */
  char *(*dup_current_hash)(gpointer data, const char *bare);
  /* bare's avatar is now bytes (verified: SHA-1 hash, a known image type); NULL: removed. */
  void (*changed)(gpointer data, const char *bare, GBytes *bytes, const char *hash);
  /* Our own XEP-0153 hash changed (after learning or publishing it): resend presence. */
  void (*own_hash_changed)(gpointer data);
} XmppAvatarEvents;

typedef struct _XmppAvatars XmppAvatars;

XmppAvatars *xmpp_avatars_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco,
                              XmppPep *pep, XmppVcards *vcards);
void xmpp_avatars_free(XmppAvatars *avatars);
/* events copied; data borrowed until replaced or freed. */
void xmpp_avatars_set_events(XmppAvatars *avatars, const XmppAvatarEvents *events, gpointer data);
/* Once READY: learns our XEP-0153 hash from our vCard (XEP-0153 §4.1). */
void xmpp_avatars_start(XmppAvatars *avatars);
/* Publishes our avatar (NULL: none) to XEP-0084 and to our vCard PHOTO (XEP-0153). FALSE with
 * error (BAD_REQUEST / RESOURCE_CONSTRAINT) when the image is not acceptable. */
gboolean xmpp_avatars_publish(XmppAvatars *avatars, GBytes *image, guint width, guint height,
                              GError **error);
/* Our XEP-0153 photo hash ("" for no avatar, NULL while unknown). */
const char *xmpp_avatars_get_own_hash(const XmppAvatars *avatars);
/* The <x xmlns='vcard-temp:x:update'/> for our presence (XEP-0153 §3.2; avatars as data), for
 * xmpp_presence_add_own_extension. */
XmppNode *xmpp_avatars_build_update(gpointer avatars);

G_END_DECLS
