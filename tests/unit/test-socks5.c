/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for socks5.c: the XEP-0065 SOCKS5 handshake, a client and a server talking to each
 * other whole and byte by byte, data right after the handshake left as data, and every refusal
 * (another stream's address, authentication only, another command, a refusing streamhost) next
 * to its twin that passes. */
#include "services/socks5.h"

#include <string.h>

#define ADDR  "98b8d688d0f5d895fd41c5e7309a2e9e33ba32ff"
#define OTHER "0000000000000000000000000000000000000000"

/* Moves what from has to say into to, at most step bytes a feed (0: all at once); the bytes to
 * ignores after its handshake are appended to extra. */
static XmppSocks5State
pass(XmppSocks5 *from, XmppSocks5 *to, gsize step, GByteArray *extra)
{
  gsize len = 0;
  const guint8 *out = xmpp_socks5_get_output(from, &len);
  g_autoptr(GByteArray) copy = g_byte_array_new();
  g_byte_array_append(copy, out, (guint)len);
  xmpp_socks5_output_done(from, len);
  XmppSocks5State state = xmpp_socks5_get_state(to);
  for (gsize off = 0; off < copy->len;) {
    gsize n = step == 0 ? copy->len - off : MIN(step, copy->len - off);
    gsize used = 0;
    state = xmpp_socks5_feed(to, copy->data + off, n, &used);
    if (used < n && extra != NULL)
      g_byte_array_append(extra, copy->data + off + used, (guint)(n - used));
    off += n;
  }
  return state;
}

static void
handshake(gsize step)
{
  g_autoptr(XmppSocks5) client = xmpp_socks5_new_client(ADDR);
  g_autoptr(XmppSocks5) server = xmpp_socks5_new_server(ADDR);
  g_assert_cmpint(pass(client, server, step, NULL), ==, XMPP_SOCKS5_CONTINUE); /* greeting */
  g_assert_cmpint(pass(server, client, step, NULL), ==, XMPP_SOCKS5_CONTINUE); /* method */
  g_assert_cmpint(pass(client, server, step, NULL), ==, XMPP_SOCKS5_DONE);     /* request */
  /* The reply, with the file's first bytes right behind it in the same read. */
  gsize len = 0;
  const guint8 *reply = xmpp_socks5_get_output(server, &len);
  g_assert_cmpuint(len, ==, 5 + 40 + 2);
  g_autoptr(GByteArray) wire = g_byte_array_new();
  g_byte_array_append(wire, reply, (guint)len);
  g_byte_array_append(wire, (const guint8 *)"DATA", 4);
  xmpp_socks5_output_done(server, len);
  gsize used = 0;
  g_assert_cmpint(xmpp_socks5_feed(client, wire->data, wire->len, &used), ==, XMPP_SOCKS5_DONE);
  g_assert_cmpuint(used, ==, len); /* "DATA" is the file's */
  xmpp_socks5_get_output(client, &len);
  g_assert_cmpuint(len, ==, 0);
  g_assert_null(xmpp_socks5_get_error(client));
}

static void
test_handshake_whole(void)
{
  handshake(0);
}

static void
test_handshake_byte_by_byte(void)
{
  handshake(1);
}

/* What the client sends is RFC 1928's, as Pidgin's plugin and proxies expect it. */
static void
test_client_bytes(void)
{
  g_autoptr(XmppSocks5) client = xmpp_socks5_new_client(ADDR);
  gsize len = 0;
  const guint8 *out = xmpp_socks5_get_output(client, &len);
  g_assert_cmpmem(out, len, "\x05\x01\x00", 3);
  xmpp_socks5_output_done(client, len);
  gsize used = 0;
  xmpp_socks5_feed(client, (const guint8 *)"\x05\x00", 2, &used);
  out = xmpp_socks5_get_output(client, &len);
  g_assert_cmpuint(len, ==, 47);
  g_assert_cmpmem(out, 5, "\x05\x01\x00\x03\x28", 5);
  g_assert_cmpmem(out + 5, 40, ADDR, 40);
  g_assert_cmpmem(out + 45, 2, "\x00\x00", 2);
}

/* Our streamhost takes only this stream's address: another gets "refused", the twin passes. */
static void
test_server_refuses_other_stream(void)
{
  g_autoptr(XmppSocks5) client = xmpp_socks5_new_client(OTHER);
  g_autoptr(XmppSocks5) server = xmpp_socks5_new_server(ADDR);
  pass(client, server, 0, NULL);
  pass(server, client, 0, NULL);
  g_assert_cmpint(pass(client, server, 0, NULL), ==, XMPP_SOCKS5_FAILED);
  g_assert_nonnull(xmpp_socks5_get_error(server));
  g_assert_cmpint(pass(server, client, 0, NULL), ==, XMPP_SOCKS5_FAILED);
  g_assert_cmpstr(xmpp_socks5_get_error(client), ==, "the streamhost refused the stream");
}

static void
test_server_refuses_authentication_only(void)
{
  g_autoptr(XmppSocks5) server = xmpp_socks5_new_server(ADDR);
  gsize used = 0, len = 0;
  g_assert_cmpint(xmpp_socks5_feed(server, (const guint8 *)"\x05\x01\x02", 3, &used), ==,
                  XMPP_SOCKS5_FAILED);
  const guint8 *out = xmpp_socks5_get_output(server, &len);
  g_assert_cmpmem(out, len, "\x05\xff", 2);
  /* The twin: the same greeting with no-authentication among the methods. */
  g_autoptr(XmppSocks5) twin = xmpp_socks5_new_server(ADDR);
  g_assert_cmpint(xmpp_socks5_feed(twin, (const guint8 *)"\x05\x02\x02\x00", 4, &used), ==,
                  XMPP_SOCKS5_CONTINUE);
  out = xmpp_socks5_get_output(twin, &len);
  g_assert_cmpmem(out, len, "\x05\x00", 2);
}

static void
test_server_refuses_other_command(void)
{
  g_autoptr(XmppSocks5) server = xmpp_socks5_new_server(ADDR);
  gsize used = 0, len = 0;
  xmpp_socks5_feed(server, (const guint8 *)"\x05\x01\x00", 3, &used);
  xmpp_socks5_get_output(server, &len);
  xmpp_socks5_output_done(server, len);
  /* BIND (2) to an IPv4 address: not a bytestream. */
  g_assert_cmpint(xmpp_socks5_feed(server,
                                   (const guint8 *)"\x05\x02\x00\x01\x7f\x00\x00\x01\x00\x50", 10,
                                   &used),
                  ==, XMPP_SOCKS5_FAILED);
  const guint8 *out = xmpp_socks5_get_output(server, &len);
  g_assert_cmpuint(len, ==, 10);
  g_assert_cmpuint(out[1], ==, 0x07); /* command not supported */
  g_assert_cmpuint(used, ==, 10);
  /* Not SOCKS5 at all. */
  g_autoptr(XmppSocks5) http = xmpp_socks5_new_server(ADDR);
  g_assert_cmpint(xmpp_socks5_feed(http, (const guint8 *)"GET / HTTP/1.1\r\n", 16, &used), ==,
                  XMPP_SOCKS5_FAILED);
}

static void
test_client_refusals(void)
{
  gsize used = 0;
  g_autoptr(XmppSocks5) wants_auth = xmpp_socks5_new_client(ADDR);
  g_assert_cmpint(xmpp_socks5_feed(wants_auth, (const guint8 *)"\x05\x02", 2, &used), ==,
                  XMPP_SOCKS5_FAILED);
  g_autoptr(XmppSocks5) refused = xmpp_socks5_new_client(ADDR);
  xmpp_socks5_feed(refused, (const guint8 *)"\x05\x00", 2, &used);
  g_assert_cmpint(xmpp_socks5_feed(refused,
                                   (const guint8 *)"\x05\x01\x00\x01\x7f\x00\x00\x01\x00\x00", 10,
                                   &used),
                  ==, XMPP_SOCKS5_FAILED);
  /* The twin: an IPv4 success reply (as some proxies give) is as good as a domain one. */
  g_autoptr(XmppSocks5) ok = xmpp_socks5_new_client(ADDR);
  xmpp_socks5_feed(ok, (const guint8 *)"\x05\x00", 2, &used);
  g_assert_cmpint(
      xmpp_socks5_feed(ok, (const guint8 *)"\x05\x00\x00\x01\x7f\x00\x00\x01\x00\x00", 10, &used),
      ==, XMPP_SOCKS5_DONE);
}

/* §5.3.2's address: SHA-1 of sid, initiator and target, lowercase hex. */
static void
test_dst_addr(void)
{
  g_autofree char *addr =
      xmpp_socks5_dst_addr("vxf9n471bn46", "requester@example.com/foo", "target@example.org/bar");
  g_assert_cmpstr(addr, ==, ADDR);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/socks5/handshake-whole", test_handshake_whole);
  g_test_add_func("/socks5/handshake-byte-by-byte", test_handshake_byte_by_byte);
  g_test_add_func("/socks5/client-bytes", test_client_bytes);
  g_test_add_func("/socks5/server-refuses-other-stream", test_server_refuses_other_stream);
  g_test_add_func("/socks5/server-refuses-authentication-only",
                  test_server_refuses_authentication_only);
  g_test_add_func("/socks5/server-refuses-other-command", test_server_refuses_other_command);
  g_test_add_func("/socks5/client-refusals", test_client_refusals);
  g_test_add_func("/socks5/dst-addr", test_dst_addr);
  return g_test_run();
}
