/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for stream.c: one transport's pipeline (TLS, parser, writer) against an in-process
 * TLS server, and that every failure reaches the stream's owner, a failed write included. */
#include <string.h>

#include "fake-host.h"
#include "stream/stream.h"
#include "test-certs.h"
#include "tls-peer.h"
#include "xml/node.h"

typedef struct {
  TestPki *pki;
  char *cert, *key;
  FakeHost *fake;
  XmppStream *stream;
  TestTlsPeer *peer;
  GString *events;
  GError *failure;
  gboolean free_on_element; /* the owner frees the stream from its element callback */
} Fixture;

static void
on_stream_start(gpointer data, const XmppNode *header)
{
  g_string_append(((Fixture *)data)->events, "start ");
}

static void
on_element(gpointer data, XmppNode *element)
{
  Fixture *f = data;
  g_string_append_printf(f->events, "element:%s ", element->name);
  xmpp_node_free(element);
  if (f->free_on_element) {
    xmpp_stream_free(f->stream); /* a callback may free the stream: the idiom defers it */
    f->stream = NULL;
  }
}

static void
on_stream_end(gpointer data)
{
  g_string_append(((Fixture *)data)->events, "end ");
}

static void
on_failed(gpointer data, const GError *error)
{
  Fixture *f = data;
  g_string_append(f->events, "failed ");
  g_clear_error(&f->failure);
  f->failure = g_error_copy(error);
}

static void
on_tls_done(gpointer data, XmppTlsVerifyResult verify)
{
  g_string_append_printf(((Fixture *)data)->events, "tls:%s ",
                         verify == XMPP_TLS_VERIFY_ACCEPT ? "trusted" : "ask");
}

static const XmppStreamCallbacks callbacks = {
    .stream_start = on_stream_start,
    .element = on_element,
    .stream_end = on_stream_end,
    .failed = on_failed,
    .tls_done = on_tls_done,
};

/* Moves ciphertext both ways until nothing moves (bounded). */
static void
pump(Fixture *f)
{
  for (int round = 0; round < 100; round++) {
    gboolean moved = FALSE;
    if (f->fake->output->len > 0) {
      g_autoptr(GError) error = NULL;
      GByteArray *out = f->fake->output;
      f->fake->output = g_byte_array_new();
      g_assert_true(test_tls_peer_feed(f->peer, out->data, out->len, &error));
      g_byte_array_unref(out);
      moved = TRUE;
    }
    g_autoptr(GBytes) reply = test_tls_peer_take_output(f->peer);
    if (reply != NULL && g_bytes_get_size(reply) > 0) {
      xmpp_stream_feed(f->stream, g_bytes_get_data(reply, NULL), g_bytes_get_size(reply));
      moved = TRUE;
    }
    if (!moved)
      return;
  }
  g_assert_not_reached();
}

static void
setup(Fixture *f, gconstpointer unused)
{
  g_autoptr(GError) error = NULL;
  f->pki = test_pki_new(&error);
  g_assert_no_error(error);
  g_assert_true(test_pki_issue(f->pki, TEST_CERT_GOOD, "example.test", &f->cert, &f->key, &error));
  f->fake = fake_host_new();
  f->events = g_string_new(NULL);
  f->stream = xmpp_stream_new(&f->fake->host, &callbacks, f);
  f->peer = test_tls_peer_new(f->cert, f->key, NULL, &error);
  g_assert_no_error(error);
  XmppTlsConfig config = {
      .server_name = "example.test",
      .ca_file = test_pki_get_ca_file(f->pki),
      .no_system_trust = TRUE,
  };
  g_assert_true(xmpp_stream_start_tls(f->stream, &config, &error));
  g_assert_no_error(error);
  pump(f);
  g_assert_cmpstr(f->events->str, ==, "tls:trusted ");
  g_string_truncate(f->events, 0);
}

static void
teardown(Fixture *f, gconstpointer unused)
{
  xmpp_stream_free(f->stream);
  test_tls_peer_free(f->peer);
  fake_host_free(f->fake);
  g_string_free(f->events, TRUE);
  g_clear_error(&f->failure);
  g_free(f->cert);
  g_free(f->key);
  test_pki_free(f->pki);
}

static char *
peer_plaintext(Fixture *f)
{
  g_autoptr(GBytes) plain = test_tls_peer_take_plaintext(f->peer);
  return plain != NULL ? g_strndup(g_bytes_get_data(plain, NULL), g_bytes_get_size(plain))
                       : g_strdup("");
}

/* Both ways over TLS: our header and a stanza reach the server; its header and stanza reach
 * the owner. */
static void
test_round_trip(Fixture *f, gconstpointer unused)
{
  xmpp_stream_open(f->stream, "example.test", NULL, "en");
  g_autoptr(XmppNode) message = xmpp_node_new("jabber:client", "message");
  xmpp_stream_send(f->stream, message);
  pump(f);
  g_autofree char *seen = peer_plaintext(f);
  g_assert_nonnull(strstr(seen, "<stream:stream"));
  g_assert_nonnull(strstr(seen, "<message"));
  const char *server = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                       "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"
                       "<presence/>";
  g_autoptr(GError) error = NULL;
  g_assert_true(test_tls_peer_write(f->peer, (const guint8 *)server, strlen(server), &error));
  pump(f);
  g_assert_cmpstr(f->events->str, ==, "start element:presence ");
  g_assert_null(f->failure);
}

/* A write that TLS cannot make is a failure of the stream, reported to its owner, not only a
 * line in the log (which left a dead link until the keepalive noticed). */
static void
test_failed_write_reaches_owner(Fixture *f, gconstpointer unused)
{
  xmpp_tls_close(xmpp_stream_get_tls(f->stream)); /* TLS can no longer send */
  g_autoptr(XmppNode) message = xmpp_node_new("jabber:client", "message");
  xmpp_stream_send(f->stream, message);
  g_assert_cmpstr(f->events->str, ==, "failed ");
  g_assert_error(f->failure, XMPP_TLS_ERROR, XMPP_TLS_ERROR_IO);
  g_assert_true(xmpp_stream_is_closed(f->stream));
  /* Once failed, nothing more is tried or reported. */
  xmpp_stream_send(f->stream, message);
  xmpp_stream_close(f->stream);
  g_assert_cmpstr(f->events->str, ==, "failed ");
}

/* Freed from inside a callback while more stanzas wait in the same TLS record: nothing more
 * is delivered, and the outermost feed frees it (ASan and valgrind check the rest). */
static void
test_free_in_callback(Fixture *f, gconstpointer unused)
{
  const char *server = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                       "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"
                       "<presence/><message/><iq type='get' id='1'/>";
  g_autoptr(GError) error = NULL;
  g_assert_true(test_tls_peer_write(f->peer, (const guint8 *)server, strlen(server), &error));
  g_autoptr(GBytes) record = test_tls_peer_take_output(f->peer);
  xmpp_stream_open(f->stream, "example.test", NULL, "en"); /* the parser waits for a header */
  f->free_on_element = TRUE;
  xmpp_stream_feed(f->stream, g_bytes_get_data(record, NULL), g_bytes_get_size(record));
  g_assert_cmpstr(f->events->str, ==, "start element:presence ");
  g_assert_null(f->stream);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) g_test_add(path, Fixture, NULL, setup, fn, teardown)
  ADD("/stream/round_trip", test_round_trip);
  ADD("/stream/failed_write_reaches_owner", test_failed_write_reaches_owner);
  ADD("/stream/free_in_callback", test_free_in_callback);
  return g_test_run();
}
