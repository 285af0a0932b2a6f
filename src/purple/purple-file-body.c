/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A file as a pollable body stream (purple-file-body.h). */
#include "purple-file-body.h"

#include <string.h>

typedef struct {
  GInputStream parent;
  GInputStream *file; /* the file's own stream */
  guint8 *buffer;     /* XMPP_PURPLE_FILE_BODY_BUFFER bytes */
  gsize start, end;   /* what the buffer holds, not yet given */
} XmppFileBody;

typedef struct {
  GInputStreamClass parent_class;
} XmppFileBodyClass;

static void xmpp_file_body_pollable_init(GPollableInputStreamInterface *iface);
GType xmpp_file_body_get_type(void);

G_DEFINE_TYPE_WITH_CODE(XmppFileBody, xmpp_file_body, G_TYPE_INPUT_STREAM,
                        G_IMPLEMENT_INTERFACE(G_TYPE_POLLABLE_INPUT_STREAM,
                                              xmpp_file_body_pollable_init))

static gssize
body_read(GInputStream *stream, void *buffer, gsize count, GCancellable *cancellable,
          GError **error)
{
  XmppFileBody *body = (XmppFileBody *)stream;
  if (body->start == body->end) {
    gssize n = g_input_stream_read(body->file, body->buffer, XMPP_PURPLE_FILE_BODY_BUFFER,
                                   cancellable, error);
    if (n <= 0)
      return n;
    body->start = 0;
    body->end = (gsize)n;
  }
  gsize n = MIN(count, body->end - body->start);
  memcpy(buffer, body->buffer + body->start, n);
  body->start += n;
  return (gssize)n;
}

static gboolean
body_close(GInputStream *stream, GCancellable *cancellable, GError **error)
{
  return g_input_stream_close(((XmppFileBody *)stream)->file, cancellable, error);
}

/* A local file never blocks for long: always readable, read at once. */
static gboolean
body_is_readable(GPollableInputStream *stream)
{
  (void)stream;
  return TRUE;
}

static GSource *
body_create_source(GPollableInputStream *stream, GCancellable *cancellable)
{
  GSource *ready = g_timeout_source_new(0);
  GSource *source = g_pollable_source_new_full(stream, ready, cancellable);
  g_source_unref(ready);
  return source;
}

static gssize
body_read_nonblocking(GPollableInputStream *stream, void *buffer, gsize count, GError **error)
{
  return body_read(G_INPUT_STREAM(stream), buffer, count, NULL, error);
}

static void
xmpp_file_body_pollable_init(GPollableInputStreamInterface *iface)
{
  iface->is_readable = body_is_readable;
  iface->create_source = body_create_source;
  iface->read_nonblocking = body_read_nonblocking;
}

static void
xmpp_file_body_finalize(GObject *object)
{
  XmppFileBody *body = (XmppFileBody *)object;
  g_clear_object(&body->file);
  g_free(body->buffer);
  G_OBJECT_CLASS(xmpp_file_body_parent_class)->finalize(object);
}

static void
xmpp_file_body_class_init(XmppFileBodyClass *klass)
{
  G_OBJECT_CLASS(klass)->finalize = xmpp_file_body_finalize;
  G_INPUT_STREAM_CLASS(klass)->read_fn = body_read;
  G_INPUT_STREAM_CLASS(klass)->close_fn = body_close;
}

static void
xmpp_file_body_init(XmppFileBody *body)
{
  body->buffer = g_malloc(XMPP_PURPLE_FILE_BODY_BUFFER);
}

GInputStream *
xmpp_purple_file_body_new(const char *path, GError **error)
{
  g_autoptr(GFile) file = g_file_new_for_path(path);
  GFileInputStream *in = g_file_read(file, NULL, error);
  if (in == NULL)
    return NULL;
  XmppFileBody *body = g_object_new(xmpp_file_body_get_type(), NULL);
  body->file = G_INPUT_STREAM(in);
  return G_INPUT_STREAM(body);
}
