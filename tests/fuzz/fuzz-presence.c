/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libFuzzer target: presence (RFC 6121 §3-§4) driven through the router as the session drives
 * it: contacts' presence into the per-resource table (im/presence.c), subscription stanzas
 * against a roster with items in every state (im/subscription.c), the answer to the
 * invisibility discovery and to the invisibility requests (im/presence-own.c), and XEP-0115
 * <c/> elements (services/caps.c), whose disco#info queries the input answers. The user's
 * answers to subscription requests are given after the input, as the glue would give them.
 * Every contact, resource and cache the modules keep is checked against its limits.
 *
 * The first input byte is the mode: bit 0 the user's language, bit 1 pre-approval, bit 2 our
 * own presence is sent first (bit 3: invisible), bit 4 invisibility discovery, bits 5-6 how the
 * user answers requests (accept, deny, approve later, or not at all: then the modules are freed
 * with their requests pending), bit 7 requests end by timeout (else the session closes). */
#include <string.h>

#include "fuzz-harness.h"
#include "im/presence.h"
#include "im/subscription.h"
#include "services/caps.h"

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size);

#define STORED                                                                                     \
  "lyre-roster 2\nver\tv1\n"                                                                       \
  "romeo@example.net\tboth\t-\tRomeo\tFriends\n"                                                   \
  "nurse@example.com\tto\ta\tNurse\n"                                                              \
  "benvolio@example.net\tnone\tp\t\n"                                                              \
  "mercutio@example.org\tfrom\t-\tMercutio\n"                                                      \
  "end\t4\n"

typedef struct {
  XmppPresence *presence;
  XmppCaps *caps;
  GPtrArray *requests; /* bare JIDs that asked for a subscription (char*) */
} Run;

static void
check_contact(const Run *run, const XmppPresenceContact *c)
{
  fuzz_check(c->bare != NULL && *c->bare != '\0', "a contact has a bare JID");
  XmppJid *jid = xmpp_jid_parse(c->bare, NULL);
  fuzz_check(jid != NULL && xmpp_jid_is_bare(jid), "a contact's key is a valid bare JID");
  xmpp_jid_free(jid);
  fuzz_check(c->resources->len <= XMPP_PRESENCE_MAX_RESOURCES, "resources within the limit");
  fuzz_check_utf8(c->error, "a presence error");
  for (guint i = 0; i < c->resources->len; i++) {
    const XmppPresenceResource *r = c->resources->pdata[i];
    fuzz_check(r->resource != NULL, "a resource has a name");
    for (guint j = 0; j < i; j++)
      fuzz_check(strcmp(((XmppPresenceResource *)c->resources->pdata[j])->resource, r->resource) !=
                     0,
                 "a resource is kept once");
    fuzz_check(r->show <= XMPP_SHOW_DND, "a known show");
    fuzz_check(r->priority >= XMPP_PRESENCE_PRIORITY_MIN &&
                   r->priority <= XMPP_PRESENCE_PRIORITY_MAX,
               "priority clamped");
    fuzz_check(r->idle_since >= 0, "idle time not before 1970");
    fuzz_check(r->status == NULL || strlen(r->status) <= XMPP_PRESENCE_MAX_STATUS,
               "status within the limit");
    fuzz_check_utf8(r->status, "a status");
  }
  const XmppPresenceResource *best = xmpp_presence_contact_get_best(c);
  fuzz_check((best == NULL) == (c->resources->len == 0), "a contact online has a best resource");
}

static void
on_contact_changed(gpointer data, const XmppPresenceContact *contact)
{
  check_contact(data, contact);
}

static void
on_subscription_request(gpointer data, const char *bare, const char *message)
{
  Run *run = data;
  fuzz_check_utf8(message, "a subscription request's message");
  fuzz_check(g_hash_table_size(xmpp_presence_get_pending_in(run->presence)) <=
                 XMPP_SUBSCRIPTION_MAX_PENDING,
             "pending requests within the limit");
  fuzz_check(xmpp_subscription_get_state(run->presence, bare).pending_in,
             "a request is pending until answered");
  g_ptr_array_add(run->requests, g_strdup(bare));
}

static void
on_subscription_changed(gpointer data, const char *bare, XmppPresenceType type)
{
  fuzz_check(type >= XMPP_PRESENCE_SUBSCRIBE && type <= XMPP_PRESENCE_UNSUBSCRIBED,
             "a subscription change is one of the four");
  fuzz_check_utf8(bare, "a bare JID");
}

static void
on_invisible_mechanism(gpointer data, XmppInvisibleMechanism mechanism)
{
  fuzz_check(mechanism != XMPP_INVISIBLE_UNKNOWN, "a discovered mechanism is known");
}

static const XmppPresenceEvents events = {
    .contact_changed = on_contact_changed,
    .subscription_request = on_subscription_request,
    .subscription_changed = on_subscription_changed,
    .invisible_mechanism = on_invisible_mechanism,
};

static void
on_learnt(gpointer data, const char *full_jid, const XmppDiscoInfo *info, gboolean verified)
{
  Run *run = data;
  fuzz_check(info != NULL, "learnt features exist");
  if (verified) {
    /* Only an answer that hashes to an announced ver is shared by everyone with it (T47). */
    char *ver = xmpp_caps_compute_ver(info);
    fuzz_check(ver != NULL && xmpp_caps_lookup(run->caps, ver) != NULL,
               "a verified answer is cached under its own hash");
    g_free(ver);
  }
}

static void
check_caps(const XmppCaps *caps)
{
  fuzz_check(xmpp_caps_n_cached(caps) <= XMPP_CAPS_MAX_CACHE, "caps cache within the limit");
  fuzz_check(xmpp_caps_n_inflight(caps) <= XMPP_CAPS_MAX_INFLIGHT, "caps queries within limit");
  fuzz_check(xmpp_caps_n_jids(caps) <= XMPP_CAPS_MAX_JIDS, "caps JIDs within the limit");
  fuzz_check(xmpp_caps_get_cache_bytes(caps) <= XMPP_CAPS_MAX_CACHE_BYTES,
             "caps cache bytes within the limit");
}

/* What the glue does with the requests once the user answered (mode bits 5-6). */
static void
answer_requests(Run *run, guint how)
{
  for (guint i = 0; i < run->requests->len; i++) {
    const char *bare = run->requests->pdata[i];
    switch (how) {
      case 0:
        xmpp_subscription_answer(run->presence, bare, TRUE);
        break;
      case 1:
        xmpp_subscription_answer(run->presence, bare, FALSE);
        break;
      case 2:
        (void)xmpp_subscription_approve(run->presence, bare);
        (void)xmpp_subscription_unsubscribe(run->presence, bare);
        break;
      default:
        break;
    }
    XmppSubscriptionState state = xmpp_subscription_get_state(run->presence, bare);
    fuzz_check(how == 3 || !state.pending_in, "an answered request is no longer pending");
  }
}

int
LLVMFuzzerTestOneInput(const guint8 *data, size_t size)
{
  if (size < 1 || size > FUZZ_MAX_INPUT)
    return 0;
  guint8 mode = data[0];
  FuzzHarness *h = fuzz_harness_new("juliet@example.test/balcony");
  const XmppHost *host = &h->fake->host;
  XmppRoster *roster = xmpp_roster_new(h->router, host);
  fuzz_check(xmpp_roster_store_load(roster, STORED, strlen(STORED), NULL), "the seed store loads");
  XmppPresence *presence = xmpp_presence_new(h->router, host, roster);
  XmppDisco *disco = xmpp_disco_new(h->router, host);
  XmppCaps *caps = xmpp_caps_new(h->router, host, disco, presence);
  Run run = {presence, caps, g_ptr_array_new_with_free_func(g_free)};
  xmpp_presence_set_events(presence, &events, &run);
  xmpp_caps_set_learnt(caps, on_learnt, &run);
  xmpp_presence_set_lang(presence, (mode & 1) ? "fr-CA" : NULL);
  xmpp_presence_set_pre_approval(presence, (mode & 2) != 0);
  if (mode & 16)
    xmpp_presence_discover(presence);
  if (mode & 4) {
    XmppOwnPresence own = {.show = XMPP_SHOW_AWAY,
                           .status = "Wherefore art thou",
                           .priority = 5,
                           .invisible = (mode & 8) != 0,
                           .idle_since = 1700000000};
    xmpp_presence_send_own(presence, &own);
  }
  fuzz_harness_feed(h, data + 1, size - 1);
  answer_requests(&run, (mode >> 5) & 3);
  if (mode & 4) {
    /* The user changes presence once the mechanism is known: the invisible toggle goes both
     * ways through whatever the server answered. */
    XmppOwnPresence own = {.show = XMPP_SHOW_NONE, .invisible = (mode & 8) == 0};
    xmpp_presence_send_own(presence, &own);
    (void)xmpp_presence_send_directed(presence, "romeo@example.net/orchard", TRUE);
  }
  fuzz_check(xmpp_presence_n_contacts(presence) <= XMPP_PRESENCE_MAX_CONTACTS,
             "contacts within the limit");
  check_caps(caps);
  fuzz_harness_end(h, (mode & 128)             ? FUZZ_END_TIMEOUT
                      : ((mode >> 5) & 3) == 3 ? FUZZ_END_FREE
                                               : FUZZ_END_CLOSE);
  /* disco first: caps' queries go through it, and their callbacks need caps. */
  xmpp_disco_free(disco);
  check_caps(caps);
  xmpp_caps_free(caps);
  xmpp_presence_free(presence);
  xmpp_roster_free(roster);
  fuzz_check(xmpp_router_n_pending(h->router) == 0, "no request outlives its module");
  g_ptr_array_unref(run.requests);
  fuzz_harness_free(h);
  return 0;
}
