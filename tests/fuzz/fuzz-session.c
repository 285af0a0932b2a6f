/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: a whole XmppSession fed a server byte stream, either from the first byte
 * (negotiation) or after a scripted login (stanzas), with XEP-0198 stream management on or
 * off. The first input byte picks the phase and how the rest is split into reads. When the
 * input ends the stream (a lost link the session survives: interrupted), the rest of the input
 * is what the server says on a new transport (a resume, or a new sign-in). */
#include "fake-host.h"
#include "session.h"

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size);

#define HEADER                                                                                     \
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "                                     \
  "xmlns:stream='http://etherx.jabber.org/streams' id='f' from='example.test' version='1.0'>"

static gboolean
zero_random(gpointer data, guint8 *buf, gsize len)
{
  memset(buf, 0, len); /* deterministic ids: the bind reply below can match */
  return TRUE;
}

typedef struct {
  gboolean closed;
  guint interrupted; /* times, each answered with a new transport */
} Run;

static void
on_closed(gpointer data, const GError *error)
{
  ((Run *)data)->closed = TRUE;
}

static void
on_interrupted(gpointer data, const GError *error)
{
  ((Run *)data)->interrupted++;
}

static void
feed(XmppSession *session, const char *text)
{
  xmpp_session_feed(session, (const guint8 *)text, strlen(text));
}

int
LLVMFuzzerTestOneInput(const guint8 *data, size_t size)
{
  if (size < 1)
    return 0;
  guint8 mode = data[0];
  data++;
  size--;
  FakeHost *fake = fake_host_new();
  fake->host.random = zero_random;
  fake->host.log = NULL;
  Run run = {FALSE, 0};
  XmppSessionEvents events = {.closed = on_closed, .interrupted = on_interrupted};
  XmppSessionConfig config = {
      .jid = "juliet@example.test",
      .password = "secret",
      .tls_policy = XMPP_TLS_POLICY_OPPORTUNISTIC,
      .allow_plain_in_clear = TRUE,
  };
  XmppSession *session = xmpp_session_new(&config, &fake->host, &events, &run, NULL);
  xmpp_session_connect_transport(session, XMPP_TRANSPORT_TCP);
  if (mode & 1) {
    feed(session, HEADER "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                         "<mechanism>PLAIN</mechanism></mechanisms></stream:features>");
    feed(session, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
    feed(session, (mode & 0x80) ? HEADER "<stream:features><bind "
                                         "xmlns='urn:ietf:params:xml:ns:xmpp-bind'/><sm "
                                         "xmlns='urn:xmpp:sm:3'/></stream:features>"
                                : HEADER "<stream:features><bind "
                                         "xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
                                         "</stream:features>");
    feed(session, "<iq type='result' id='00000000000000000000000000000000'><bind "
                  "xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>juliet@example.test/f</jid>"
                  "</bind></iq>");
    if (!xmpp_session_is_ready(session))
      abort(); /* the scripted login itself must work */
    if (mode & 0x80)
      feed(session, "<enabled xmlns='urn:xmpp:sm:3' id='sm-f' resume='true' max='60'/>");
  }
  /* Reads of 1..64 bytes (mode bits 1-6), or everything at once. */
  gsize step = (mode >> 1) & 0x3f;
  guint transports = 1;
  for (gsize off = 0; off < size && !run.closed;) {
    if (run.interrupted >= transports) {
      if (transports >= 4)
        break; /* bounded: a few reconnections per input */
      transports++;
      xmpp_session_connect_transport(session, XMPP_TRANSPORT_TCP);
    }
    gsize n = step == 0 ? size - off : MIN(step, size - off);
    xmpp_session_feed(session, data + off, n);
    off += n;
  }
  fake_host_advance(fake, 120 * 1000); /* timers: IQ timeouts, keepalive */
  xmpp_session_free(session);
  fake_host_free(fake);
  return 0;
}
