/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppHttpUpload (http-upload.h): XEP-0363's service, request and slot. */
#include "services/http-upload.h"

#include <string.h>

#include "router/stanza-error.h"
#include "router/stanza.h"
#include "im/oob.h"
#include "services/xdata.h"

G_DEFINE_QUARK(xmpp - http - upload - error - quark, xmpp_http_upload_error)

struct _XmppHttpUpload {
  XmppRouter *router;
  const XmppHost *host;
  const XmppServerItems *server_items;
};

typedef struct {
  XmppHttpSlotCallback callback;
  gpointer data;
  GDestroyNotify destroy;
} Request;

/* ---- the slot ------------------------------------------------------------------------------ */

static void
header_free(gpointer data)
{
  XmppHttpHeader *h = data;
  g_free(h->name);
  g_free(h->value);
  g_free(h);
}

void
xmpp_http_slot_free(XmppHttpSlot *slot)
{
  if (slot == NULL)
    return;
  g_free(slot->put_url);
  g_free(slot->get_url);
  g_ptr_array_unref(slot->headers);
  g_free(slot);
}

/* One line of printable text, as an HTTP field must be. */
static gboolean
one_line(const char *s, gsize max)
{
  gsize n = strlen(s);
  if (n == 0 || n > max)
    return FALSE;
  for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
    if (*p < 0x20 || *p == 0x7f)
      return FALSE;
  return TRUE;
}

static const char *
allowed_header(const char *name)
{
  static const char *const allowed[] = {"Authorization", "Cookie", "Expires"};
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS(allowed); i++)
    if (g_ascii_strcasecmp(name, allowed[i]) == 0)
      return allowed[i];
  return NULL;
}

XmppHttpSlot *
xmpp_http_slot_parse(const XmppNode *slot, GError **error)
{
  const XmppNode *put = slot != NULL ? xmpp_node_get_child(slot, XMPP_NS_HTTP_UPLOAD, "put") : NULL;
  const XmppNode *get = slot != NULL ? xmpp_node_get_child(slot, XMPP_NS_HTTP_UPLOAD, "get") : NULL;
  const char *put_url = put != NULL ? xmpp_node_get_attr(put, "url") : NULL;
  const char *get_url = get != NULL ? xmpp_node_get_attr(get, "url") : NULL;
  if (!xmpp_oob_url_usable(put_url, TRUE) || !xmpp_oob_url_usable(get_url, TRUE)) {
    g_set_error(error, XMPP_HTTP_UPLOAD_ERROR, XMPP_HTTP_UPLOAD_ERROR_BAD_SLOT,
                "the upload service gave no usable https address");
    return NULL;
  }
  XmppHttpSlot *s = g_new0(XmppHttpSlot, 1);
  s->put_url = g_strdup(put_url);
  s->get_url = g_strdup(get_url);
  s->headers = g_ptr_array_new_with_free_func(header_free);
  for (const XmppNode *h = xmpp_node_get_child(put, XMPP_NS_HTTP_UPLOAD, "header"); h != NULL;
       h = xmpp_node_next_child(put, h, XMPP_NS_HTTP_UPLOAD, "header")) {
    const char *name = allowed_header(xmpp_node_get_attr(h, "name"));
    g_autofree char *value = xmpp_node_dup_text(h);
    g_strstrip(value);
    if (name == NULL || !one_line(value, XMPP_HTTP_UPLOAD_MAX_HEADER) ||
        !g_utf8_validate(value, -1, NULL) || s->headers->len >= 3)
      continue; /* §4: only these, and never a header split into two */
    XmppHttpHeader *header = g_new0(XmppHttpHeader, 1);
    header->name = g_strdup(name);
    header->value = g_steal_pointer(&value);
    g_ptr_array_add(s->headers, header);
  }
  return s;
}

/* ---- the request --------------------------------------------------------------------------- */

char *
xmpp_http_upload_clean_name(const char *name)
{
  const char *base = name != NULL ? strrchr(name, '/') : NULL;
  return xmpp_oob_clean_name(base != NULL ? base + 1 : name);
}

XmppNode *
xmpp_http_upload_build_request(const char *service, const char *filename, guint64 size,
                               const char *content_type)
{
  XmppNode *iq = xmpp_stanza_new_iq("get", service, NULL);
  XmppNode *request = xmpp_node_new_child(iq, XMPP_NS_HTTP_UPLOAD, "request");
  g_autofree char *name = xmpp_http_upload_clean_name(filename);
  xmpp_node_set_attr(request, "filename", name);
  g_autofree char *bytes = g_strdup_printf("%" G_GUINT64_FORMAT, size);
  xmpp_node_set_attr(request, "size", bytes);
  if (content_type != NULL && *content_type != '\0')
    xmpp_node_set_attr(request, "content-type", content_type);
  return iq;
}

/* ---- the service --------------------------------------------------------------------------- */

static gboolean
is_upload_service(const XmppDiscoInfo *info)
{
  return xmpp_disco_info_has_feature(info, XMPP_NS_HTTP_UPLOAD);
}

/* §3: the service's limit is a field of its XEP-0128 form; 0 when not said. */
static guint64
max_file_size(const XmppDiscoInfo *info)
{
  for (guint i = 0; info->forms != NULL && i < info->forms->len; i++) {
    g_autoptr(XmppXdataForm) form = xmpp_xdata_form_parse(info->forms->pdata[i], NULL, NULL);
    if (form == NULL || g_strcmp0(xmpp_xdata_form_get_form_type(form), XMPP_NS_HTTP_UPLOAD) != 0)
      continue;
    const char *value =
        xmpp_xdata_field_get_value(xmpp_xdata_form_get_field(form, "max-file-size"));
    guint64 max = 0;
    if (value != NULL && g_ascii_string_to_unsigned(value, 10, 1, G_MAXUINT64, &max, NULL))
      return max;
  }
  return 0;
}

XmppHttpUpload *
xmpp_http_upload_new(XmppRouter *router, const XmppHost *host, const XmppServerItems *server_items)
{
  XmppHttpUpload *up = g_new0(XmppHttpUpload, 1);
  up->router = router;
  up->host = host;
  up->server_items = server_items;
  return up;
}

void
xmpp_http_upload_free(XmppHttpUpload *upload)
{
  if (upload == NULL)
    return;
  xmpp_router_cancel_owner(upload->router, upload);
  g_free(upload);
}

gboolean
xmpp_http_upload_get_service(const XmppHttpUpload *upload, const char **jid, guint64 *max_size)
{
  g_return_val_if_fail(upload != NULL, FALSE);
  const XmppDiscoInfo *info = NULL;
  const char *service = xmpp_server_items_find(upload->server_items, is_upload_service, &info);
  if (jid != NULL)
    *jid = service;
  if (max_size != NULL)
    *max_size = service != NULL ? max_file_size(info) : 0;
  return service != NULL;
}

/* size 0: not known here (the service's refusal); max 0: the service did not say. */
static void
too_large(GError **error, guint64 size, guint64 max)
{
  if (size > 0)
    g_set_error(error, XMPP_HTTP_UPLOAD_ERROR, XMPP_HTTP_UPLOAD_ERROR_TOO_LARGE,
                "the file has %" G_GUINT64_FORMAT
                " bytes, the server takes at most %" G_GUINT64_FORMAT,
                size, max);
  else if (max > 0)
    g_set_error(error, XMPP_HTTP_UPLOAD_ERROR, XMPP_HTTP_UPLOAD_ERROR_TOO_LARGE,
                "the server takes files of at most %" G_GUINT64_FORMAT " bytes", max);
  else
    g_set_error(error, XMPP_HTTP_UPLOAD_ERROR, XMPP_HTTP_UPLOAD_ERROR_TOO_LARGE,
                "the file is too large for the server");
}

static void
request_free(gpointer data)
{
  Request *r = data;
  if (r->destroy != NULL)
    r->destroy(r->data);
  g_free(r);
}

static void
on_slot(const XmppStanza *reply, const GError *error, gpointer data)
{
  Request *r = data;
  g_autoptr(GError) own = NULL;
  g_autoptr(XmppHttpSlot) slot = NULL;
  if (error != NULL) {
    /* §4.1: over the limit, with the limit said. */
    const XmppNode *e = reply != NULL ? xmpp_node_get_child(reply->node, NULL, "error") : NULL;
    const XmppNode *big =
        e != NULL ? xmpp_node_get_child(e, XMPP_NS_HTTP_UPLOAD, "file-too-large") : NULL;
    if (big != NULL) {
      g_autofree char *max_text =
          xmpp_node_dup_child_text(big, XMPP_NS_HTTP_UPLOAD, "max-file-size");
      guint64 max = 0;
      if (max_text != NULL)
        g_ascii_string_to_unsigned(g_strstrip(max_text), 10, 0, G_MAXUINT64, &max, NULL);
      too_large(&own, 0, max);
    }
  } else {
    slot =
        xmpp_http_slot_parse(xmpp_node_get_child(reply->node, XMPP_NS_HTTP_UPLOAD, "slot"), &own);
  }
  r->callback(r->data, slot, own != NULL ? own : error);
}

gboolean
xmpp_http_upload_request_slot(XmppHttpUpload *upload, const char *filename, guint64 size,
                              const char *content_type, XmppHttpSlotCallback callback,
                              gpointer data, GDestroyNotify destroy, GError **error)
{
  g_return_val_if_fail(upload != NULL && callback != NULL, FALSE);
  const char *service = NULL;
  guint64 max = 0;
  if (!xmpp_http_upload_get_service(upload, &service, &max)) {
    g_set_error(error, XMPP_HTTP_UPLOAD_ERROR, XMPP_HTTP_UPLOAD_ERROR_NO_SERVICE,
                "the server offers no file upload");
    return FALSE;
  }
  if (max > 0 && size > max) {
    too_large(error, size, max);
    return FALSE;
  }
  Request *r = g_new0(Request, 1);
  *r = (Request){callback, data, destroy};
  xmpp_router_send_iq(upload->router, upload,
                      xmpp_http_upload_build_request(service, filename, size, content_type),
                      XMPP_HTTP_UPLOAD_SLOT_TIMEOUT_MS, on_slot, r, request_free);
  return TRUE;
}
