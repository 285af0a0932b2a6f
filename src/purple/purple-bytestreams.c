/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SOCKS5 bytestream sockets (purple-bytestreams.h). An event may free the XmppPurpleS5b: nothing
 * touches it after one runs. */
#include "purple-bytestreams.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "services/socks5.h"

#define CHUNK (64 * 1024) /* bytes read or written at once */

/* One connection while its handshake runs: to a streamhost, or from a peer to ours. */
typedef struct {
  XmppPurpleS5b *owner;
  int fd;
  guint watch;
  XmppSocks5 *handshake;
  const XmppStreamhost *host;      /* connecting: which (in owner->hosts); NULL: accepted */
  PurpleProxyConnectData *connect; /* while the TCP connection is made */
  guint timer;
} Conn;

struct _XmppPurpleS5b {
  PurpleAccount *account;
  char *dst_addr;
  XmppPurpleS5bEvents events;
  gpointer data;
  /* our streamhost */
  PurpleNetworkListenData *listen_data;
  int listen_fd;
  guint listen_watch;
  GPtrArray *accepted;  /* Conn*, handshaking */
  Conn *ready_accepted; /* one whose handshake is done, not yet taken */
  gboolean want_accepted;
  guint want_timer;
  /* connecting to theirs */
  GPtrArray *hosts; /* XmppStreamhost* */
  guint next_host;
  Conn *connecting;
  /* the stream */
  int fd;
  guint watch;
  GByteArray *early; /* data that came with the handshake */
  GInputStream *in;  /* sending */
  guint8 *buffer;
  gsize buffer_len, buffer_off;
};

static void
conn_free(Conn *c)
{
  if (c == NULL)
    return;
  if (c->connect != NULL)
    purple_proxy_connect_cancel(c->connect);
  if (c->watch != 0)
    purple_input_remove(c->watch);
  if (c->timer != 0)
    purple_timeout_remove(c->timer);
  if (c->fd >= 0)
    close(c->fd);
  xmpp_socks5_free(c->handshake);
  g_free(c);
}

static void
set_nonblocking(int fd)
{
  int flags = fcntl(fd, F_GETFL);
  if (flags >= 0)
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static Conn *
conn_new(XmppPurpleS5b *s5b, int fd, const XmppStreamhost *host)
{
  Conn *c = g_new0(Conn, 1);
  c->owner = s5b;
  c->fd = fd;
  c->host = host;
  c->handshake =
      host != NULL ? xmpp_socks5_new_client(s5b->dst_addr) : xmpp_socks5_new_server(s5b->dst_addr);
  return c;
}

/* Writes what the handshake has to say: FALSE when the socket failed. (A few dozen bytes on a
 * fresh connection: what does not go at once is tried again with the next read.) */
static gboolean
conn_flush(Conn *c)
{
  gsize len = 0;
  const guint8 *out = xmpp_socks5_get_output(c->handshake, &len);
  if (len == 0)
    return TRUE;
  gssize n = send(c->fd, out, len, MSG_NOSIGNAL);
  if (n < 0)
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
  xmpp_socks5_output_done(c->handshake, (gsize)n);
  return TRUE;
}

static void try_next_host(XmppPurpleS5b *s5b);
static void accepted_ready(XmppPurpleS5b *s5b, Conn *c);

/* The handshake is over on c: it becomes the stream, or is dropped. */
static void
conn_finished(Conn *c, gboolean ok)
{
  XmppPurpleS5b *s5b = c->owner;
  if (c->host != NULL) {
    s5b->connecting = NULL;
    if (!ok) {
      purple_debug_info("lyre", "bytestream: %s:%u: %s\n", c->host->host, c->host->port,
                        xmpp_socks5_get_error(c->handshake));
      conn_free(c);
      try_next_host(s5b);
      return;
    }
    const XmppStreamhost *host = c->host;
    purple_input_remove(c->watch);
    c->watch = 0;
    s5b->fd = c->fd;
    c->fd = -1;
    conn_free(c);
    s5b->events.ready(s5b->data, host);
    return;
  }
  guint index = 0;
  if (g_ptr_array_find(s5b->accepted, c, &index))
    g_ptr_array_steal_index_fast(s5b->accepted, index); /* ours now */
  if (!ok || s5b->ready_accepted != NULL) {
    conn_free(c); /* a stranger, or a second one */
    return;
  }
  purple_input_remove(c->watch);
  c->watch = 0;
  accepted_ready(s5b, c);
}

static void
conn_readable(gpointer data, gint fd, PurpleInputCondition cond)
{
  Conn *c = data;
  guint8 bytes[512];
  (void)cond;
  gssize n = recv(fd, bytes, sizeof bytes, 0);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return;
  if (n <= 0) {
    conn_finished(c, FALSE);
    return;
  }
  gsize used = 0;
  XmppSocks5State state = xmpp_socks5_feed(c->handshake, bytes, (gsize)n, &used);
  gboolean flushed = conn_flush(c);
  if (state == XMPP_SOCKS5_CONTINUE && flushed)
    return;
  gboolean ok = state == XMPP_SOCKS5_DONE && flushed;
  if (ok && used < (gsize)n) {
    if (c->owner->early == NULL)
      c->owner->early = g_byte_array_new();
    g_byte_array_append(c->owner->early, bytes + used, (guint)((gsize)n - used));
  }
  conn_finished(c, ok);
}

/* ---- our streamhost ------------------------------------------------------------------------- */

static void
accepted_ready(XmppPurpleS5b *s5b, Conn *c)
{
  if (!s5b->want_accepted) {
    s5b->ready_accepted = c; /* kept until the peer says it is the one */
    return;
  }
  if (s5b->want_timer != 0)
    purple_timeout_remove(s5b->want_timer);
  s5b->want_timer = 0;
  s5b->want_accepted = FALSE;
  s5b->fd = c->fd;
  c->fd = -1;
  conn_free(c);
  s5b->events.ready(s5b->data, NULL);
}

static void
on_accept(gpointer data, gint fd, PurpleInputCondition cond)
{
  XmppPurpleS5b *s5b = data;
  (void)cond;
  int peer = accept(fd, NULL, NULL);
  if (peer < 0)
    return;
  if (s5b->accepted->len >= XMPP_PURPLE_S5B_MAX_ACCEPTED || s5b->fd >= 0) {
    close(peer);
    return;
  }
  set_nonblocking(peer);
  Conn *c = conn_new(s5b, peer, NULL);
  g_ptr_array_add(s5b->accepted, c);
  c->watch = purple_input_add(peer, PURPLE_INPUT_READ, conn_readable, c);
}

static void
on_listening(int fd, gpointer data)
{
  XmppPurpleS5b *s5b = data;
  s5b->listen_data = NULL;
  s5b->listen_fd = fd;
  guint16 port = 0;
  if (fd >= 0) {
    port = purple_network_get_port_from_fd(fd);
    s5b->listen_watch = purple_input_add(fd, PURPLE_INPUT_READ, on_accept, s5b);
  }
  s5b->events.listening(s5b->data, port);
}

void
xmpp_purple_s5b_listen(XmppPurpleS5b *s5b)
{
  g_return_if_fail(s5b != NULL && s5b->listen_data == NULL && s5b->listen_fd < 0);
  /* No port mapping: libpurple's NAT-PMP waits for the router's answer in the UI's thread.
   * Peers behind other NATs are what proxies are for. */
  purple_network_listen_map_external(FALSE);
  s5b->listen_data = purple_network_listen_range(0, 0, SOCK_STREAM, on_listening, s5b);
  purple_network_listen_map_external(TRUE);
  if (s5b->listen_data == NULL)
    s5b->events.listening(s5b->data, 0);
}

static gboolean
on_nobody_came(gpointer data)
{
  XmppPurpleS5b *s5b = data;
  s5b->want_timer = 0;
  s5b->want_accepted = FALSE;
  s5b->events.failed(s5b->data, "the receiver never reached our streamhost");
  return FALSE;
}

void
xmpp_purple_s5b_take_accepted(XmppPurpleS5b *s5b)
{
  g_return_if_fail(s5b != NULL);
  s5b->want_accepted = TRUE;
  Conn *c = s5b->ready_accepted;
  if (c != NULL) {
    s5b->ready_accepted = NULL;
    accepted_ready(s5b, c);
    return;
  }
  s5b->want_timer = purple_timeout_add_seconds(XMPP_PURPLE_S5B_ACCEPT_TIMEOUT, on_nobody_came, s5b);
}

/* ---- connecting to a streamhost ------------------------------------------------------------- */

static gboolean
on_connect_timeout(gpointer data)
{
  Conn *c = data;
  c->timer = 0;
  XmppPurpleS5b *s5b = c->owner;
  purple_debug_info("lyre", "bytestream: %s:%u did not answer in time\n", c->host->host,
                    c->host->port);
  s5b->connecting = NULL;
  conn_free(c);
  try_next_host(s5b);
  return FALSE;
}

static void
on_connected(gpointer data, gint fd, const gchar *error)
{
  Conn *c = data;
  c->connect = NULL;
  if (fd < 0) {
    purple_debug_info("lyre", "bytestream: %s:%u: %s\n", c->host->host, c->host->port,
                      error != NULL ? error : "no connection");
    conn_finished(c, FALSE);
    return;
  }
  c->fd = fd;
  set_nonblocking(fd);
  if (!conn_flush(c)) { /* the greeting */
    conn_finished(c, FALSE);
    return;
  }
  c->watch = purple_input_add(fd, PURPLE_INPUT_READ, conn_readable, c);
}

static void
try_next_host(XmppPurpleS5b *s5b)
{
  while (s5b->hosts != NULL && s5b->next_host < s5b->hosts->len) {
    const XmppStreamhost *host = s5b->hosts->pdata[s5b->next_host++];
    Conn *c = conn_new(s5b, -1, host);
    c->connect = purple_proxy_connect(NULL, s5b->account, host->host, host->port, on_connected, c);
    if (c->connect == NULL) {
      conn_free(c);
      continue;
    }
    c->timer = purple_timeout_add_seconds(XMPP_PURPLE_S5B_CONNECT_TIMEOUT, on_connect_timeout, c);
    s5b->connecting = c;
    return;
  }
  s5b->events.failed(s5b->data, "no streamhost could be reached");
}

void
xmpp_purple_s5b_connect(XmppPurpleS5b *s5b, const GPtrArray *hosts)
{
  g_return_if_fail(s5b != NULL && hosts != NULL && s5b->connecting == NULL);
  if (s5b->hosts != NULL)
    g_ptr_array_unref(s5b->hosts);
  s5b->hosts = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_streamhost_free);
  for (guint i = 0; i < hosts->len; i++) {
    const XmppStreamhost *h = hosts->pdata[i];
    g_ptr_array_add(s5b->hosts, xmpp_streamhost_new(h->jid, h->host, h->port));
  }
  s5b->next_host = 0;
  try_next_host(s5b);
}

/* ---- the bytes ------------------------------------------------------------------------------ */

static void
end_stream(XmppPurpleS5b *s5b, const char *why, int code)
{
  if (s5b->watch != 0)
    purple_input_remove(s5b->watch);
  s5b->watch = 0;
  g_autoptr(GError) error =
      why != NULL ? g_error_new(G_IO_ERROR, g_io_error_from_errno(code), "%s", why) : NULL;
  s5b->events.closed(s5b->data, error);
}

static void
on_writable(gpointer data, gint fd, PurpleInputCondition cond)
{
  XmppPurpleS5b *s5b = data;
  (void)cond;
  if (s5b->buffer_off == s5b->buffer_len) {
    g_autoptr(GError) error = NULL;
    gssize n = g_input_stream_read(s5b->in, s5b->buffer, CHUNK, NULL, &error);
    if (n < 0) {
      end_stream(s5b, error->message, EIO);
      return;
    }
    if (n == 0) {
      shutdown(fd, SHUT_WR); /* the end of the file: the receiver closes its side */
      end_stream(s5b, NULL, 0);
      return;
    }
    s5b->buffer_len = (gsize)n;
    s5b->buffer_off = 0;
  }
  gssize n =
      send(fd, s5b->buffer + s5b->buffer_off, s5b->buffer_len - s5b->buffer_off, MSG_NOSIGNAL);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return;
  if (n < 0) {
    end_stream(s5b, g_strerror(errno), errno);
    return;
  }
  s5b->buffer_off += (gsize)n;
  s5b->events.sent(s5b->data, (gsize)n);
}

void
xmpp_purple_s5b_send(XmppPurpleS5b *s5b, GInputStream *in)
{
  g_return_if_fail(s5b != NULL && s5b->fd >= 0 && in != NULL && s5b->watch == 0);
  s5b->in = g_object_ref(in);
  s5b->buffer = g_malloc(CHUNK);
  s5b->watch = purple_input_add(s5b->fd, PURPLE_INPUT_WRITE, on_writable, s5b);
}

static void
on_readable(gpointer data, gint fd, PurpleInputCondition cond)
{
  XmppPurpleS5b *s5b = data;
  (void)cond;
  guint8 bytes[CHUNK];
  gssize n = recv(fd, bytes, sizeof bytes, 0);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return;
  if (n < 0)
    end_stream(s5b, g_strerror(errno), errno);
  else if (n == 0)
    end_stream(s5b, NULL, 0);
  else
    s5b->events.received(s5b->data, bytes, (gsize)n);
}

static gboolean
deliver_early(gpointer data)
{
  XmppPurpleS5b *s5b = data;
  g_autoptr(GByteArray) early = g_steal_pointer(&s5b->early);
  s5b->watch = purple_input_add(s5b->fd, PURPLE_INPUT_READ, on_readable, s5b);
  s5b->events.received(s5b->data, early->data, early->len);
  return FALSE;
}

void
xmpp_purple_s5b_receive(XmppPurpleS5b *s5b)
{
  g_return_if_fail(s5b != NULL && s5b->fd >= 0 && s5b->watch == 0);
  if (s5b->early != NULL && s5b->early->len > 0)
    deliver_early(s5b); /* the caller is ready: it asked */
  else
    s5b->watch = purple_input_add(s5b->fd, PURPLE_INPUT_READ, on_readable, s5b);
}

/* ---- where we are --------------------------------------------------------------------------- */

GPtrArray *
xmpp_purple_s5b_own_hosts(int fd, const char *jid, guint16 port)
{
  GPtrArray *hosts = g_ptr_array_new_with_free_func((GDestroyNotify)xmpp_streamhost_free);
  struct sockaddr_storage addr;
  socklen_t len = sizeof addr;
  char local[INET6_ADDRSTRLEN] = "";
  if (fd >= 0 && getsockname(fd, (struct sockaddr *)&addr, &len) == 0) {
    if (addr.ss_family == AF_INET)
      inet_ntop(AF_INET, &((struct sockaddr_in *)&addr)->sin_addr, local, sizeof local);
    else if (addr.ss_family == AF_INET6)
      inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&addr)->sin6_addr, local, sizeof local);
  }
  /* Our listener is IPv4 (purple_network_listen_range): an IPv6 connection's address would
   * reach nothing. */
  if (*local != '\0' && addr.ss_family == AF_INET)
    g_ptr_array_add(hosts, xmpp_streamhost_new(jid, local, port));
  const char *public_ip = purple_prefs_get_bool("/purple/network/auto_ip")
                              ? purple_upnp_get_public_ip()
                              : purple_network_get_public_ip();
  struct in_addr ipv4;
  if (public_ip != NULL && inet_pton(AF_INET, public_ip, &ipv4) == 1 &&
      strcmp(public_ip, "0.0.0.0") != 0 && strcmp(public_ip, local) != 0)
    g_ptr_array_add(hosts, xmpp_streamhost_new(jid, public_ip, port));
  return hosts;
}

/* ---- the object ----------------------------------------------------------------------------- */

XmppPurpleS5b *
xmpp_purple_s5b_new(PurpleAccount *account, const char *dst_addr, const XmppPurpleS5bEvents *events,
                    gpointer data)
{
  XmppPurpleS5b *s5b = g_new0(XmppPurpleS5b, 1);
  s5b->account = account;
  s5b->dst_addr = g_strdup(dst_addr);
  s5b->events = *events;
  s5b->data = data;
  s5b->listen_fd = -1;
  s5b->fd = -1;
  s5b->accepted = g_ptr_array_new_with_free_func((GDestroyNotify)conn_free);
  return s5b;
}

void
xmpp_purple_s5b_free(XmppPurpleS5b *s5b)
{
  if (s5b == NULL)
    return;
  if (s5b->listen_data != NULL)
    purple_network_listen_cancel(s5b->listen_data);
  if (s5b->listen_watch != 0)
    purple_input_remove(s5b->listen_watch);
  if (s5b->listen_fd >= 0)
    close(s5b->listen_fd);
  g_ptr_array_unref(s5b->accepted);
  conn_free(s5b->ready_accepted);
  if (s5b->want_timer != 0)
    purple_timeout_remove(s5b->want_timer);
  conn_free(s5b->connecting);
  if (s5b->hosts != NULL)
    g_ptr_array_unref(s5b->hosts);
  if (s5b->watch != 0)
    purple_input_remove(s5b->watch);
  if (s5b->fd >= 0)
    close(s5b->fd);
  if (s5b->early != NULL)
    g_byte_array_unref(s5b->early);
  g_clear_object(&s5b->in);
  g_free(s5b->buffer);
  g_free(s5b->dst_addr);
  g_free(s5b);
}
