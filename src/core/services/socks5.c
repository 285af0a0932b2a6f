/* SPDX-License-Identifier: GPL-2.0-or-later */
/* XmppSocks5 (socks5.h): RFC 1928's greeting, request and reply, both sides. */
#include "services/socks5.h"

#include <string.h>

#define VERSION      0x05
#define NO_AUTH      0x00
#define NO_METHOD    0xff
#define CMD_CONNECT  0x01
#define ATYP_IPV4    0x01
#define ATYP_DOMAIN  0x03
#define ATYP_IPV6    0x04
#define REP_OK       0x00
#define REP_REFUSED  0x05 /* connection refused: not the address we expect */
#define REP_BAD_CMD  0x07
#define REP_BAD_ATYP 0x08

typedef enum {
  CLIENT_METHOD, /* sent the greeting, waiting for the method chosen */
  CLIENT_REPLY,  /* sent the request, waiting for the reply */
  SERVER_GREETING,
  SERVER_REQUEST,
  FINISHED,
} Step;

struct _XmppSocks5 {
  Step step;
  XmppSocks5State state;
  char *dst_addr;
  GByteArray *in;  /* what the current step has read so far (at most 262 bytes) */
  GByteArray *out; /* to write */
  const char *error;
};

static XmppSocks5 *
socks5_new(const char *dst_addr, Step step)
{
  g_return_val_if_fail(dst_addr != NULL && strlen(dst_addr) <= 255, NULL);
  XmppSocks5 *s5 = g_new0(XmppSocks5, 1);
  s5->step = step;
  s5->state = XMPP_SOCKS5_CONTINUE;
  s5->dst_addr = g_strdup(dst_addr);
  s5->in = g_byte_array_new();
  s5->out = g_byte_array_new();
  return s5;
}

static void
put(XmppSocks5 *s5, const guint8 *bytes, gsize len)
{
  g_byte_array_append(s5->out, bytes, (guint)len);
}

/* VER, CMD/REP, RSV, ATYP=domain, the address, port 0: the request and the server's reply. */
static void
put_address_message(XmppSocks5 *s5, guint8 code)
{
  guint8 head[5] = {VERSION, code, 0x00, ATYP_DOMAIN, (guint8)strlen(s5->dst_addr)};
  static const guint8 port[2] = {0, 0};
  put(s5, head, sizeof head);
  put(s5, (const guint8 *)s5->dst_addr, strlen(s5->dst_addr));
  put(s5, port, sizeof port);
}

XmppSocks5 *
xmpp_socks5_new_client(const char *dst_addr)
{
  XmppSocks5 *s5 = socks5_new(dst_addr, CLIENT_METHOD);
  static const guint8 greeting[3] = {VERSION, 1, NO_AUTH};
  if (s5 != NULL)
    put(s5, greeting, sizeof greeting);
  return s5;
}

XmppSocks5 *
xmpp_socks5_new_server(const char *dst_addr)
{
  return socks5_new(dst_addr, SERVER_GREETING);
}

void
xmpp_socks5_free(XmppSocks5 *s5)
{
  if (s5 == NULL)
    return;
  g_free(s5->dst_addr);
  g_byte_array_unref(s5->in);
  g_byte_array_unref(s5->out);
  g_free(s5);
}

const guint8 *
xmpp_socks5_get_output(const XmppSocks5 *s5, gsize *len)
{
  *len = s5->out->len;
  return s5->out->data;
}

void
xmpp_socks5_output_done(XmppSocks5 *s5, gsize n)
{
  g_byte_array_remove_range(s5->out, 0, (guint)MIN(n, s5->out->len));
}

static XmppSocks5State
fail(XmppSocks5 *s5, const char *why)
{
  s5->step = FINISHED;
  s5->state = XMPP_SOCKS5_FAILED;
  s5->error = why;
  return s5->state;
}

static XmppSocks5State
done(XmppSocks5 *s5)
{
  s5->step = FINISHED;
  s5->state = XMPP_SOCKS5_DONE;
  return s5->state;
}

/* How many bytes the current step needs in all, from what it has read (0: not known yet).
 * A message whose length cannot be known from its head fails the step instead. */
static gsize
needed(const XmppSocks5 *s5)
{
  const guint8 *b = s5->in->data;
  gsize n = s5->in->len;
  switch (s5->step) {
    case CLIENT_METHOD:
      return 2;
    case SERVER_GREETING:
      return n < 2 ? 2 : 2 + (gsize)b[1];
    case CLIENT_REPLY:
    case SERVER_REQUEST:
      if (n < 5)
        return 5;
      switch (b[3]) {
        case ATYP_IPV4:
          return 4 + 4 + 2;
        case ATYP_IPV6:
          return 4 + 16 + 2;
        default: /* a domain, or something the step refuses once it has the head */
          return 5 + (gsize)b[4] + 2;
      }
    case FINISHED:
      break;
  }
  return 0;
}

/* The current step's message is whole: act on it. */
static XmppSocks5State
step(XmppSocks5 *s5)
{
  const guint8 *b = s5->in->data;
  switch (s5->step) {
    case CLIENT_METHOD:
      if (b[0] != VERSION || b[1] != NO_AUTH)
        return fail(s5, "the streamhost wants authentication we do not have");
      put_address_message(s5, CMD_CONNECT);
      s5->step = CLIENT_REPLY;
      return XMPP_SOCKS5_CONTINUE;
    case CLIENT_REPLY:
      if (b[0] != VERSION)
        return fail(s5, "the streamhost does not speak SOCKS5");
      if (b[1] != REP_OK)
        return fail(s5, "the streamhost refused the stream");
      if (b[3] != ATYP_IPV4 && b[3] != ATYP_DOMAIN && b[3] != ATYP_IPV6)
        return fail(s5, "the streamhost's reply is malformed");
      return done(s5);
    case SERVER_GREETING: {
      if (b[0] != VERSION)
        return fail(s5, "the peer does not speak SOCKS5");
      gboolean no_auth = memchr(b + 2, NO_AUTH, b[1]) != NULL;
      guint8 answer[2] = {VERSION, no_auth ? NO_AUTH : NO_METHOD};
      put(s5, answer, sizeof answer);
      if (!no_auth)
        return fail(s5, "the peer offers no method without authentication");
      s5->step = SERVER_REQUEST;
      return XMPP_SOCKS5_CONTINUE;
    }
    case SERVER_REQUEST: {
      if (b[0] != VERSION)
        return fail(s5, "the peer does not speak SOCKS5");
      guint8 refusal[10] = {VERSION, REP_REFUSED, 0x00, ATYP_IPV4, 0, 0, 0, 0, 0, 0};
      if (b[1] != CMD_CONNECT || b[3] != ATYP_DOMAIN) {
        refusal[1] = b[1] != CMD_CONNECT ? REP_BAD_CMD : REP_BAD_ATYP;
        put(s5, refusal, sizeof refusal);
        return fail(s5, "the peer asked for something other than a stream");
      }
      /* The port is 0 in XEP-0065; the address alone says which stream. */
      if (b[4] != strlen(s5->dst_addr) || memcmp(b + 5, s5->dst_addr, b[4]) != 0) {
        put(s5, refusal, sizeof refusal);
        return fail(s5, "the peer asked for another stream");
      }
      put_address_message(s5, REP_OK);
      return done(s5);
    }
    case FINISHED:
      break;
  }
  return s5->state;
}

XmppSocks5State
xmpp_socks5_feed(XmppSocks5 *s5, const guint8 *bytes, gsize len, gsize *used)
{
  gsize taken = 0;
  while (s5->step != FINISHED && taken < len) {
    /* A step reads only its own message: the peer may send data right after it. */
    gsize want = needed(s5);
    while (want > s5->in->len && taken < len) {
      gsize n = MIN(want - s5->in->len, len - taken);
      g_byte_array_append(s5->in, bytes + taken, (guint)n);
      taken += n;
      if (s5->in->data[0] != VERSION) { /* every message starts with it: fail at once */
        *used = taken;
        return fail(s5, "the peer does not speak SOCKS5");
      }
      want = needed(s5); /* the head may say how long the rest is */
    }
    if (s5->in->len < want)
      break;
    step(s5);
    g_byte_array_set_size(s5->in, 0);
  }
  *used = taken;
  return s5->state;
}

XmppSocks5State
xmpp_socks5_get_state(const XmppSocks5 *s5)
{
  return s5->state;
}

const char *
xmpp_socks5_get_error(const XmppSocks5 *s5)
{
  return s5->error;
}

char *
xmpp_socks5_dst_addr(const char *sid, const char *initiator, const char *target)
{
  g_autofree char *all = g_strconcat(sid, initiator, target, NULL);
  return g_compute_checksum_for_string(G_CHECKSUM_SHA1, all, -1);
}
