/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: the SOCKS5 handshake of XEP-0065 bytestreams (services/socks5.c) fed the
 * peer's bytes in pieces. The first input byte is the mode: bit 0 plays the server (our own
 * streamhost), else the client; bits 1-3 the piece size (1 to 8 bytes, 0: all at once). Oracles:
 * a feed never takes more than it was given, and nothing once the handshake is over; what we
 * have to write stays small; our streamhost finishes only for a request naming the stream's
 * address; a finished handshake never changes its verdict. */
#include <string.h>

#include "services/socks5.h"

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size);

#define ADDR "98b8d688d0f5d895fd41c5e7309a2e9e33ba32ff"

static void
check(gboolean ok, const char *what)
{
  if (!ok) {
    g_printerr("fuzz-socks5: %s\n", what);
    abort();
  }
}

static gboolean
contains(const guint8 *hay, gsize len, const char *needle)
{
  gsize n = strlen(needle);
  for (gsize i = 0; i + n <= len; i++)
    if (memcmp(hay + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

int
LLVMFuzzerTestOneInput(const guint8 *data, size_t size)
{
  if (size < 1 || size > 4096)
    return 0;
  gboolean server = (data[0] & 1) != 0;
  gsize piece = (data[0] >> 1) & 7;
  g_autoptr(XmppSocks5) s5 = server ? xmpp_socks5_new_server(ADDR) : xmpp_socks5_new_client(ADDR);
  XmppSocks5State verdict = XMPP_SOCKS5_CONTINUE;
  for (gsize off = 1; off < size;) {
    gsize n = piece == 0 ? size - off : MIN(piece, size - off);
    gsize used = 0;
    XmppSocks5State before = xmpp_socks5_get_state(s5);
    XmppSocks5State state = xmpp_socks5_feed(s5, data + off, n, &used);
    check(used <= n, "a feed takes at most what it is given");
    if (before != XMPP_SOCKS5_CONTINUE) {
      check(used == 0 && state == before, "a finished handshake takes nothing and stays");
    }
    gsize out = 0;
    xmpp_socks5_get_output(s5, &out);
    check(out <= 2 + 5 + 255 + 2 + 10, "what we write stays small");
    if (out > 1) /* write it in two goes, as a socket may */
      xmpp_socks5_output_done(s5, 1);
    xmpp_socks5_get_output(s5, &out);
    xmpp_socks5_output_done(s5, out);
    verdict = state;
    off += n;
  }
  if (server && verdict == XMPP_SOCKS5_DONE)
    check(contains(data + 1, size - 1, ADDR), "our streamhost takes only the stream's address");
  if (verdict == XMPP_SOCKS5_FAILED)
    check(xmpp_socks5_get_error(s5) != NULL, "a failure says why");
  return 0;
}
