/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppVcards: XEP-0054 vCards: fetching a contact's or our own, publishing ours. */
#pragma once

#include "services/disco.h"
#include "services/namespaces.h"

G_BEGIN_DECLS

/* Hard limits (T51, T52). A PHOTO is decoded only when its base64 text, whitespace removed, can
 * hold no more than XMPP_VCARD_MAX_PHOTO_BYTES; longer text fields are cut at a character. */
#define XMPP_VCARD_MAX_PHOTO_BYTES (512 * 1024)
#define XMPP_VCARD_MAX_FIELD       4096 /* bytes of one text field */
#define XMPP_VCARD_MAX_ENTRIES     16   /* EMAIL and TEL entries kept */

/* One postal address (ADR, XEP-0054 §3): each part NULL when absent. */
typedef struct _XmppVcardAddress {
  char *street;
  char *extadd;
  char *locality;
  char *region;
  char *pcode;
  char *country;
} XmppVcardAddress;

typedef struct _XmppVcard XmppVcard; /* the parsed model (pure) */
struct _XmppVcard {
  char *fn;                 /* FN: the formatted name */
  char *nickname;           /* NICKNAME */
  char *given;              /* N/GIVEN */
  char *family;             /* N/FAMILY */
  char *middle;             /* N/MIDDLE */
  char **emails;            /* EMAIL/USERID, NULL-terminated, never NULL */
  char **phones;            /* TEL/NUMBER, NULL-terminated, never NULL */
  XmppVcardAddress address; /* the first ADR */
  char *org_name;           /* ORG/ORGNAME */
  char *org_unit;           /* ORG/ORGUNIT */
  char *title;              /* TITLE */
  char *url;                /* URL */
  char *birthday;           /* BDAY (as sent: ISO 8601 expected) */
  char *description;        /* DESC (or NOTE when there is no DESC) */
  char *photo_type;         /* PHOTO/TYPE, NULL when absent */
  GBytes *photo;            /* PHOTO/BINVAL decoded; NULL when absent or rejected */
  gboolean photo_rejected;  /* a BINVAL was there but too large or not strict base64 (T51) */
};
/* Every string field is valid UTF-8 (the XML parser guarantees it), NULL when absent or empty. */

XmppVcard *xmpp_vcard_new(void);
void xmpp_vcard_free(XmppVcard *vcard);
XmppVcard *xmpp_vcard_copy(const XmppVcard *vcard);
/* Parses <vCard xmlns='vcard-temp'/> (pure). NULL with XMPP_STANZA_ERROR BAD_REQUEST when it is
 * not one. A bad PHOTO only drops the photo (photo_rejected). */
XmppVcard *xmpp_vcard_parse(const XmppNode *element, GError **error);
/* The <vCard/> element for vcard (pure). */
XmppNode *xmpp_vcard_build(const XmppVcard *vcard);
/* Strict base64 (RFC 4648 §4) of untrusted text (T51): whitespace is skipped (XEP-0054 BINVAL
 * and XEP-0084 data are often wrapped); anything else outside the alphabet, bad padding, or more
 * than max_bytes once decoded fails with BAD_REQUEST or RESOURCE_CONSTRAINT, before anything is
 * decoded. */
GBytes *xmpp_vcard_decode_base64(const char *text, gsize max_bytes, GError **error);

typedef struct _XmppVcards XmppVcards;

/* vcard NULL when the request failed (error set) or the contact has none. */
typedef void (*XmppVcardCallback)(const XmppVcard *vcard, const GError *error, gpointer user_data);

XmppVcards *xmpp_vcards_new(XmppRouter *router, const XmppHost *host, XmppDisco *disco);
void xmpp_vcards_free(XmppVcards *vcards);
/* jid NULL: our own vCard. */
void xmpp_vcards_fetch(XmppVcards *vcards, const XmppJid *jid, XmppVcardCallback cb,
                       gpointer user_data, GDestroyNotify destroy);
/* Replaces our own vCard (XEP-0054 §3.2). cb (may be NULL) gets the server's answer. */
void xmpp_vcards_publish(XmppVcards *vcards, const XmppVcard *vcard, XmppIqCallback cb,
                         gpointer user_data, GDestroyNotify destroy);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppVcard, xmpp_vcard_free)

G_END_DECLS
