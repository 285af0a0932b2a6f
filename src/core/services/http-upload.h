/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppHttpUpload: XEP-0363 HTTP File Upload. The upload service is one of the server's items;
 * a slot is asked for a file (name, size, type) and names where to PUT it, with which headers,
 * and where others GET it. The HTTP itself is the glue's (src/purple/purple-upload.c). */
#pragma once

#include "router/router.h"
#include "services/server-items.h"

G_BEGIN_DECLS

#define XMPP_NS_HTTP_UPLOAD "urn:xmpp:http:upload:0"

#define XMPP_HTTP_UPLOAD_MAX_HEADER      4096 /* bytes of one header's value */
#define XMPP_HTTP_UPLOAD_SLOT_TIMEOUT_MS 30000

#define XMPP_HTTP_UPLOAD_ERROR (xmpp_http_upload_error_quark())
GQuark xmpp_http_upload_error_quark(void);
typedef enum {
  XMPP_HTTP_UPLOAD_ERROR_NO_SERVICE, /* the server offers no upload service (yet) */
  XMPP_HTTP_UPLOAD_ERROR_TOO_LARGE,  /* over the service's max-file-size */
  XMPP_HTTP_UPLOAD_ERROR_BAD_SLOT,   /* an answer that is not a usable slot */
} XmppHttpUploadError;

typedef struct {
  char *name;  /* Authorization, Cookie or Expires (§4: no other header is sent) */
  char *value; /* one line */
} XmppHttpHeader;

typedef struct _XmppHttpSlot {
  char *put_url;      /* https: where the file goes */
  char *get_url;      /* https: where others fetch it */
  GPtrArray *headers; /* XmppHttpHeader*, owned: the PUT's extra headers */
} XmppHttpSlot;

void xmpp_http_slot_free(XmppHttpSlot *slot);
/* The slot of an answer (<slot xmlns=XEP-0363/>, borrowed). Both URLs must be https and at most
 * XMPP_OOB_MAX_URL bytes (im/oob.h) without blanks or control characters; headers other than the
 * three allowed, or with a value on several lines, are dropped. NULL with BAD_SLOT otherwise. */
XmppHttpSlot *xmpp_http_slot_parse(const XmppNode *slot, GError **error);
/* The request for a slot: <request filename= size= content-type=/> (content_type may be NULL). */
XmppNode *xmpp_http_upload_build_request(const char *service, const char *filename, guint64 size,
                                         const char *content_type);
/* The file name told to the service: the last path part, cleaned as a peer's would be
 * (im/oob.h: no separators or controls, not hidden, never empty). */
char *xmpp_http_upload_clean_name(const char *name);

typedef struct _XmppHttpUpload XmppHttpUpload;

XmppHttpUpload *xmpp_http_upload_new(XmppRouter *router, const XmppHost *host,
                                     const XmppServerItems *server_items);
void xmpp_http_upload_free(XmppHttpUpload *upload);
/* The server's upload service (the first of its items offering XEP-0363): its JID, and its
 * max-file-size in bytes (0: none said); FALSE when there is none (yet). */
gboolean xmpp_http_upload_get_service(const XmppHttpUpload *upload, const char **jid,
                                      guint64 *max_size);
/* Runs once: the slot (borrowed) or the error (TOO_LARGE when the service says so, with its
 * limit in the message; the stanza error or XMPP_IQ_ERROR otherwise). */
typedef void (*XmppHttpSlotCallback)(gpointer data, const XmppHttpSlot *slot, const GError *error);
/* Asks for a slot. FALSE (error set, callback not run) when there is no service or the file is
 * over its size; otherwise the callback runs once, then destroy. */
gboolean xmpp_http_upload_request_slot(XmppHttpUpload *upload, const char *filename, guint64 size,
                                       const char *content_type, XmppHttpSlotCallback callback,
                                       gpointer data, GDestroyNotify destroy, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(XmppHttpSlot, xmpp_http_slot_free)

G_END_DECLS
