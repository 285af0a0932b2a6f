/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lyre-bench: a headless libpurple client that signs in with a given XMPP plugin and measures
 * its own CPU time, wall time and memory for the scenarios of bench/run-bench. */

/*
 * Usage: lyre-bench --purple-home DIR --account JID/RES --password PW --protocol ID
 *                   [--plugin-dir DIR] [--set key=value]... [--contacts N] [--timeout S]
 *                   [--receive-from-start N] [--debug 1]
 *
 * Sign-in is measured from enabling the account until purple says "signed-on" AND the account
 * has at least N buddies (--contacts) on the buddy list; then one "signin" event. Both plugins
 * go online only once the roster is in, so this is the full buddy list in both.
 * --receive-from-start N counts received messages from enabling the account (an archive
 * catch-up at sign-in): "received" when the Nth is in, measured from the start. Afterwards
 * commands from stdin, one per line, each answered with one event:
 *   receive COUNT   arm the receive counter ("receive-armed")
 *   hold            stop reading the socket: the client blocks on stdin ("holding") until the
 *                   next line, which must be "release"; then the time and CPU of draining COUNT
 *                   messages ("received" when the last one is in)
 *   send JID COUNT  send COUNT chat messages to JID through a conversation, in batches per
 *                   main-loop iteration ("send-started" with the monotonic start, "send-queued")
 *   report          CPU and wall time since the last send started ("report")
 *   settle MS       wait until the buddy list has not changed for MS milliseconds ("settled":
 *                   wall_us from enabling the account to its last change, cpu_us until then,
 *                   and how many changes libpurple reported to the buddy list UI)
 *   join-room ROOM NICK USERS HISTORY [PROBE]
 *                   join the room (bare JID) as NICK through serv_join_chat with the chat
 *                   components room, server, handle ("join-started"); "room-joined" once purple's
 *                   "chat-joined" came and the room's window lists USERS occupants (us among
 *                   them); "room-ready" once, besides, HISTORY delayed lines (the history) are in
 *                   it: wall_us, cpu_us, sys_us from the command, joined_us and joined_cpu_us at
 *                   "room-joined", max_stall_us (the longest turn of the main loop, from a
 *                   poll's return to the next poll, from the command until "room-ready") and
 *                   max_stall_cpu_us (the CPU time used in that turn), max_busy_us (the most
 *                   CPU time any one turn used), max_rss_kb. With PROBE, one "room-probe" with
 *                   the monotonic time (µs) at which a line containing that word was written
 *                   in the room's window
 *   room-status     "room-status": the joined room's occupants in the window, its delayed
 *                   lines and its other lines so far
 *   quit
 * Every event is a JSON line on stdout with wall_us, cpu_us (user+system of this process), sys_us,
 * and max_rss_kb. Under valgrind's callgrind the counters are zeroed when a measurement starts
 * and dumped when it ends (dumps named "signin", "receive"), so only that work is counted.
 * Exit: 0 after quit, 1 on timeout or a connection error, 2 on a usage error.
 */

#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#ifdef HAVE_CALLGRIND
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_ZERO_STATS
#define CALLGRIND_DUMP_STATS_AT(x)
#endif

#define UI_ID             "lyre-bench"
#define SEND_BATCH        250 /* messages per main-loop iteration: the socket drains in between */
#define DEFAULT_TIMEOUT_S 600

typedef struct {
  gint64 wall_us, cpu_us, sys_us;
} Mark;

typedef struct {
  const char *home, *plugin_dir, *protocol, *account, *password;
  GPtrArray *settings;
  guint contacts, timeout;
  gboolean debug;
  GMainLoop *loop;
  PurpleAccount *acct;
  int status;
  Mark start;
  guint buddies;
  gboolean signed_on, signin_reported;
  guint recv_target, recv_count;
  char *send_to;
  guint send_left, send_total, send_idle;
  GIOChannel *in;
  guint in_watch, timer;
} Bench;

static Bench b;

static gint64
sys_now_us(void)
{
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (gint64)ru.ru_stime.tv_sec * G_USEC_PER_SEC + ru.ru_stime.tv_usec;
}

static gint64
cpu_now_us(void)
{
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (gint64)ru.ru_utime.tv_sec * G_USEC_PER_SEC + ru.ru_utime.tv_usec +
         (gint64)ru.ru_stime.tv_sec * G_USEC_PER_SEC + ru.ru_stime.tv_usec;
}

/* The peak resident memory of this program: /proc/self/status's VmHWM. Not getrusage's
 * ru_maxrss, in which Linux keeps the peak of the process before exec, i.e. of the runner that
 * forked it (a Python runner of 40 MiB made every figure at least 40 MiB). */
static int
max_rss_kb(void)
{
  g_autofree char *status = NULL;
  if (g_file_get_contents("/proc/self/status", &status, NULL, NULL)) {
    const char *line = strstr(status, "\nVmHWM:");
    if (line != NULL)
      return (int)g_ascii_strtoll(line + strlen("\nVmHWM:"), NULL, 10);
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (int)ru.ru_maxrss;
}

/* Resident memory now (not the peak): /proc/self/statm's second field, in pages. */
static int
rss_now_kb(void)
{
  g_autofree char *statm = NULL;
  if (!g_file_get_contents("/proc/self/statm", &statm, NULL, NULL))
    return -1;
  char **fields = g_strsplit(statm, " ", 3);
  int kb = g_strv_length(fields) >= 2
               ? (int)(g_ascii_strtoll(fields[1], NULL, 10) * (sysconf(_SC_PAGESIZE) / 1024))
               : -1;
  g_strfreev(fields);
  return kb;
}

static Mark
mark_now(void)
{
  return (Mark){.wall_us = g_get_monotonic_time(), .cpu_us = cpu_now_us(), .sys_us = sys_now_us()};
}

/* One measurement event: what passed since `since`, plus the monotonic clock (µs) at its
 * start and end, which the runner compares with the peer's clock on the same machine. */
static void
emit_measure(const char *event, Mark since, int count)
{
  Mark now = mark_now();
  char wall[32], cpu[32], sys[32], t0[32], t1[32];
  g_snprintf(wall, sizeof wall, "%" G_GINT64_FORMAT, now.wall_us - since.wall_us);
  g_snprintf(cpu, sizeof cpu, "%" G_GINT64_FORMAT, now.cpu_us - since.cpu_us);
  g_snprintf(sys, sizeof sys, "%" G_GINT64_FORMAT, now.sys_us - since.sys_us);
  g_snprintf(t0, sizeof t0, "%" G_GINT64_FORMAT, since.wall_us);
  g_snprintf(t1, sizeof t1, "%" G_GINT64_FORMAT, now.wall_us);
  emit(event, "count", I, count, "wall_us", S, wall, "cpu_us", S, cpu, "sys_us", S, sys,
       "start_mono_us", S, t0, "end_mono_us", S, t1, "max_rss_kb", I, max_rss_kb(), "rss_kb", I,
       rss_now_kb(), (char *)NULL);
}

static void
finish(int status)
{
  b.status = status;
  if (b.loop != NULL)
    g_main_loop_quit(b.loop);
}

/* ---- sign-in -------------------------------------------------------------------------------- */

static void
check_signed_in(void)
{
  if (b.signin_reported || !b.signed_on || b.buddies < b.contacts)
    return;
  b.signin_reported = TRUE;
  CALLGRIND_DUMP_STATS_AT("signin");
  emit_measure("signin", b.start, (int)b.buddies);
}

static void
node_added(PurpleBlistNode *node, gpointer data)
{
  if (PURPLE_BLIST_NODE_IS_BUDDY(node) && purple_buddy_get_account((PurpleBuddy *)node) == b.acct) {
    b.buddies++;
    check_signed_in();
  }
}

static void
signed_on(PurpleConnection *gc, gpointer data)
{
  b.signed_on = TRUE;
  check_signed_in();
}

static void
conn_report_reason(PurpleConnection *gc, PurpleConnectionError reason, const char *text)
{
  emit("disconnected", "reason", I, (int)reason, "text", S, text, (char *)NULL);
  finish(1);
}

static PurpleConnectionUiOps conn_ops = {.report_disconnect_reason = conn_report_reason};

/* Nobody answers questions in a benchmark: trust comes from the CA the runner installs. */
static void *
request_action(const char *title, const char *primary, const char *secondary, int default_action,
               PurpleAccount *account, const char *who, PurpleConversation *conv, void *user_data,
               size_t action_count, va_list actions)
{
  emit("error", "text", S, "unexpected question", "primary", S, primary, (char *)NULL);
  finish(1);
  return NULL;
}

static PurpleRequestUiOps request_ops = {.request_action = request_action};

/* ---- settling ---------------------------------------------------------------------------------
 * Every change libpurple shows a buddy-list UI (a buddy added, aliased, its status or icon)
 * goes through the UI's update hook: the list has settled when that stays quiet. */

static gint64 last_change_us;
static guint n_changes, settle_quiet_ms, settle_timer;

static void
blist_update(PurpleBuddyList *list, PurpleBlistNode *node)
{
  last_change_us = g_get_monotonic_time();
  n_changes++;
}

static gboolean
check_settled(gpointer data)
{
  gint64 now = g_get_monotonic_time();
  if (now - last_change_us < (gint64)settle_quiet_ms * 1000)
    return G_SOURCE_CONTINUE;
  settle_timer = 0;
  char wall[32], cpu[32];
  g_snprintf(wall, sizeof wall, "%" G_GINT64_FORMAT,
             MAX(last_change_us, b.start.wall_us) - b.start.wall_us);
  g_snprintf(cpu, sizeof cpu, "%" G_GINT64_FORMAT, cpu_now_us() - b.start.cpu_us);
  emit("settled", "wall_us", S, wall, "cpu_us", S, cpu, "changes", I, (int)n_changes, (char *)NULL);
  return G_SOURCE_REMOVE;
}

static void
start_settle(guint quiet_ms)
{
  settle_quiet_ms = quiet_ms;
  if (settle_timer == 0)
    settle_timer = g_timeout_add(50, check_settled, NULL);
}

/* ---- receive ----------------------------------------------------------------------------------
 */

static Mark recv_start;

static void
received_im(PurpleAccount *account, char *sender, char *message, PurpleConversation *conv,
            PurpleMessageFlags flags)
{
  if (account != b.acct || b.recv_target == 0)
    return;
  if (++b.recv_count == b.recv_target) {
    CALLGRIND_DUMP_STATS_AT("receive");
    emit_measure("received", recv_start, (int)b.recv_count);
    b.recv_target = 0;
  }
}

/* The socket stays unread while this blocks: the peer's messages pile up in the kernel and
 * in the server, and the drain afterwards is the client's work alone. */
static void
hold(void)
{
  emit("holding", (char *)NULL);
  char *line = NULL;
  GIOStatus st = g_io_channel_read_line(b.in, &line, NULL, NULL, NULL);
  gboolean release = st == G_IO_STATUS_NORMAL && line != NULL && g_str_has_prefix(line, "release");
  g_free(line);
  if (!release) {
    emit("command-error", "line", S, "hold: expected release", (char *)NULL);
    finish(1);
    return;
  }
  b.recv_count = 0;
  CALLGRIND_ZERO_STATS;
  recv_start = mark_now();
  emit("released", (char *)NULL);
}

/* ---- send -------------------------------------------------------------------------------------
 */

static Mark send_start;

static gboolean
send_batch(gpointer data)
{
  PurpleConversation *conv = purple_conversation_new(PURPLE_CONV_TYPE_IM, b.acct, b.send_to);
  for (guint i = 0; i < SEND_BATCH && b.send_left > 0; i++, b.send_left--) {
    char *text =
        g_strdup_printf("Message %u from the bench client", b.send_total - b.send_left + 1);
    purple_conv_im_send(PURPLE_CONV_IM(conv), text);
    g_free(text);
  }
  if (b.send_left > 0)
    return G_SOURCE_CONTINUE;
  b.send_idle = 0;
  emit_measure("send-queued", send_start, (int)b.send_total);
  return G_SOURCE_REMOVE;
}

static void
start_send(const char *jid, guint count)
{
  g_free(b.send_to);
  b.send_to = g_strdup(jid);
  b.send_left = b.send_total = count;
  send_start = mark_now();
  char t0[32];
  g_snprintf(t0, sizeof t0, "%" G_GINT64_FORMAT, send_start.wall_us);
  emit("send-started", "count", I, (int)count, "start_mono_us", S, t0, (char *)NULL);
  if (b.send_idle == 0)
    b.send_idle = g_idle_add(send_batch, NULL);
}

/* ---- group chat join ---------------------------------------------------------------------------
 * What a user waits for when entering a busy room: the window with every occupant listed, and
 * the history in it. prpl-jabber opens the window at the room's first presence and lists each
 * occupant as it comes; Lyre opens it at our own presence with the list it has gathered: the
 * occupant count in the window is what both reach at the same point. */

static struct {
  char *room, *probe;
  guint want_users, want_lines;
  PurpleConversation *conv;
  guint users, lines, other_lines;
  gboolean active, joined_reported, probe_reported, in_turn;
  Mark start, joined;
  gint64 turn_us, turn_cpu_us, max_turn_us, max_turn_cpu_us, max_busy_us;
} rj;

/* One turn of the main loop, from a poll's return to the next poll: meanwhile nothing else
 * (a redraw, a key press, another socket) is looked at, so the longest turn is the longest the
 * client could not answer. Timed in the loop's poll function: no timer of its own, which would
 * wake the process up (about 55 µs of CPU a wake-up on the bench machine) and charge the slower
 * join for it. */
static void
end_turn(void)
{
  if (!rj.in_turn)
    return;
  rj.in_turn = FALSE;
  gint64 wall = g_get_monotonic_time() - rj.turn_us, cpu = cpu_now_us() - rj.turn_cpu_us;
  if (wall > rj.max_turn_us) {
    rj.max_turn_us = wall;
    rj.max_turn_cpu_us = cpu;
  }
  rj.max_busy_us = MAX(rj.max_busy_us, cpu);
}

static gint
timed_poll(GPollFD *fds, guint nfds, gint timeout)
{
  if (rj.active)
    end_turn();
  gint ready = g_poll(fds, nfds, timeout);
  if (rj.active) {
    rj.in_turn = TRUE;
    rj.turn_us = g_get_monotonic_time();
    rj.turn_cpu_us = cpu_now_us();
  }
  return ready;
}

static void
room_check(void)
{
  if (!rj.active || rj.conv == NULL || rj.users < rj.want_users)
    return;
  if (!rj.joined_reported) {
    rj.joined_reported = TRUE;
    rj.joined = mark_now();
    emit_measure("room-joined", rj.start, (int)rj.users);
  }
  if (rj.lines < rj.want_lines)
    return;
  end_turn(); /* this turn, up to here, counts too */
  Mark now = mark_now();
  rj.active = FALSE;
  char wall[32], cpu[32], sys[32], jwall[32], jcpu[32], stall[32], stall_cpu[32], busy[32];
  g_snprintf(wall, sizeof wall, "%" G_GINT64_FORMAT, now.wall_us - rj.start.wall_us);
  g_snprintf(cpu, sizeof cpu, "%" G_GINT64_FORMAT, now.cpu_us - rj.start.cpu_us);
  g_snprintf(sys, sizeof sys, "%" G_GINT64_FORMAT, now.sys_us - rj.start.sys_us);
  g_snprintf(jwall, sizeof jwall, "%" G_GINT64_FORMAT, rj.joined.wall_us - rj.start.wall_us);
  g_snprintf(jcpu, sizeof jcpu, "%" G_GINT64_FORMAT, rj.joined.cpu_us - rj.start.cpu_us);
  g_snprintf(stall, sizeof stall, "%" G_GINT64_FORMAT, rj.max_turn_us);
  g_snprintf(stall_cpu, sizeof stall_cpu, "%" G_GINT64_FORMAT, rj.max_turn_cpu_us);
  g_snprintf(busy, sizeof busy, "%" G_GINT64_FORMAT, rj.max_busy_us);
  emit("room-ready", "users", I, (int)rj.users, "lines", I, (int)rj.lines, "wall_us", S, wall,
       "cpu_us", S, cpu, "sys_us", S, sys, "joined_us", S, jwall, "joined_cpu_us", S, jcpu,
       "max_stall_us", S, stall, "max_stall_cpu_us", S, stall_cpu, "max_busy_us", S, busy,
       "max_rss_kb", I, max_rss_kb(), (char *)NULL);
}

static gboolean
is_our_room(PurpleConversation *conv)
{
  return rj.room != NULL && purple_conversation_get_account(conv) == b.acct &&
         purple_conversation_get_type(conv) == PURPLE_CONV_TYPE_CHAT &&
         g_ascii_strcasecmp(purple_conversation_get_name(conv), rj.room) == 0;
}

static void
room_joined(PurpleConversation *conv, gpointer data)
{
  if (!is_our_room(conv))
    return;
  rj.conv = conv;
  room_check();
}

static void
room_user_joined(PurpleConversation *conv, const char *name, PurpleConvChatBuddyFlags flags,
                 gboolean new_arrival, gpointer data)
{
  if (conv != rj.conv)
    return;
  rj.users++;
  room_check();
}

static void
room_user_left(PurpleConversation *conv, const char *name, const char *reason, gpointer data)
{
  if (conv == rj.conv && rj.users > 0)
    rj.users--;
}

static void
room_line(PurpleAccount *account, const char *who, char *message, PurpleConversation *conv,
          PurpleMessageFlags flags, gpointer data)
{
  if (conv != rj.conv)
    return;
  if (flags & PURPLE_MESSAGE_DELAYED) {
    rj.lines++;
    room_check();
    return;
  }
  rj.other_lines++;
  if (rj.probe != NULL && !rj.probe_reported && message != NULL &&
      strstr(message, rj.probe) != NULL) {
    rj.probe_reported = TRUE;
    char t[32];
    g_snprintf(t, sizeof t, "%" G_GINT64_FORMAT, g_get_monotonic_time());
    emit("room-probe", "mono_us", S, t, (char *)NULL);
  }
}

static void
join_room(char **w)
{
  PurpleConnection *gc = purple_account_get_connection(b.acct);
  const char *at = strchr(w[1], '@');
  if (gc == NULL || at == NULL || at == w[1] || rj.active) {
    emit("command-error", "line", S, "join-room: not connected, not a room, or joining",
         (char *)NULL);
    return;
  }
  g_free(rj.room);
  g_free(rj.probe);
  memset(&rj, 0, sizeof rj);
  rj.room = g_strdup(w[1]);
  rj.want_users = (guint)g_ascii_strtoull(w[3], NULL, 10);
  rj.want_lines = (guint)g_ascii_strtoull(w[4], NULL, 10);
  rj.probe = w[5] != NULL ? g_strdup(w[5]) : NULL;
  /* The keys are static strings, as Pidgin's join dialog and both plugins' defaults have them. */
  GHashTable *components = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
  g_hash_table_insert(components, "room", g_strndup(w[1], (gsize)(at - w[1])));
  g_hash_table_insert(components, "server", g_strdup(at + 1));
  g_hash_table_insert(components, "handle", g_strdup(w[2]));
  rj.active = TRUE;
  emit("join-started", "room", S, rj.room, (char *)NULL);
  rj.start = mark_now();
  rj.in_turn = TRUE; /* the turn that runs this command */
  rj.turn_us = rj.start.wall_us;
  rj.turn_cpu_us = rj.start.cpu_us;
  serv_join_chat(gc, components);
  g_hash_table_destroy(components);
}

/* ---- commands ---------------------------------------------------------------------------------
 */

static void
run_command(const char *line)
{
  char **w = g_strsplit(line, " ", g_str_has_prefix(line, "join-room ") ? 6 : 3);
  guint n = g_strv_length(w);
  if ((n == 5 || n == 6) && strcmp(w[0], "join-room") == 0) {
    join_room(w);
  } else if (n == 2 && strcmp(w[0], "receive") == 0) {
    b.recv_target = (guint)g_ascii_strtoull(w[1], NULL, 10);
    b.recv_count = 0;
    recv_start = mark_now(); /* "hold" starts it again when the drain starts */
    emit("receive-armed", "count", I, (int)b.recv_target, "rss_kb", I, rss_now_kb(), (char *)NULL);
  } else if (n == 1 && strcmp(w[0], "hold") == 0) {
    hold();
  } else if (n == 3 && strcmp(w[0], "send") == 0) {
    start_send(w[1], (guint)g_ascii_strtoull(w[2], NULL, 10));
  } else if (n == 2 && strcmp(w[0], "settle") == 0) {
    start_settle((guint)g_ascii_strtoull(w[1], NULL, 10));
  } else if (n == 1 && strcmp(w[0], "room-status") == 0) {
    emit("room-status", "users", I, (int)rj.users, "lines", I, (int)rj.lines, "other_lines", I,
         (int)rj.other_lines, (char *)NULL);
  } else if (n == 1 && strcmp(w[0], "report") == 0) {
    emit_measure("report", send_start, (int)b.send_total);
  } else if (n == 1 && strcmp(w[0], "quit") == 0) {
    finish(0);
  } else if (n > 0 && *w[0] != '\0') {
    emit("command-error", "line", S, line, (char *)NULL);
  }
  g_strfreev(w);
}

static gboolean
stdin_ready(GIOChannel *ch, GIOCondition cond, gpointer data)
{
  char *line = NULL;
  GIOStatus st = g_io_channel_read_line(ch, &line, NULL, NULL, NULL);
  if (st == G_IO_STATUS_NORMAL && line != NULL) {
    run_command(g_strstrip(line));
    g_free(line);
    return TRUE;
  }
  g_free(line);
  if (st == G_IO_STATUS_AGAIN)
    return TRUE;
  b.in_watch = 0;
  if (b.signin_reported)
    finish(0); /* stdin closed: the runner is gone (before sign-in: wait for it, or the timeout) */
  return FALSE;
}

static gboolean
on_timeout(gpointer data)
{
  b.timer = 0;
  emit("timeout", "seconds", I, (int)b.timeout, (char *)NULL);
  finish(1);
  return G_SOURCE_REMOVE;
}

/* ---- main ---------------------------------------------------------------------------------------
 */

static int
usage(const char *msg)
{
  fprintf(stderr, "lyre-bench: %s (see the comment at the top of lyre-bench.c)\n", msg);
  return 2;
}

static int
parse_args(int argc, char **argv)
{
  b.timeout = DEFAULT_TIMEOUT_S;
  b.settings = g_ptr_array_new();
  for (int i = 1; i < argc; i += 2) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (v == NULL)
      return usage("missing value");
    if (!strcmp(a, "--purple-home"))
      b.home = v;
    else if (!strcmp(a, "--plugin-dir"))
      b.plugin_dir = v;
    else if (!strcmp(a, "--protocol"))
      b.protocol = v;
    else if (!strcmp(a, "--account"))
      b.account = v;
    else if (!strcmp(a, "--password"))
      b.password = v;
    else if (!strcmp(a, "--set"))
      g_ptr_array_add(b.settings, (gpointer)v);
    else if (!strcmp(a, "--contacts"))
      b.contacts = (guint)g_ascii_strtoull(v, NULL, 10);
    else if (!strcmp(a, "--receive-from-start"))
      b.recv_target = (guint)g_ascii_strtoull(v, NULL, 10);
    else if (!strcmp(a, "--debug"))
      b.debug = strcmp(v, "0") != 0;
    else if (!strcmp(a, "--timeout"))
      b.timeout = (guint)g_ascii_strtoull(v, NULL, 10);
    else
      return usage("unknown option");
  }
  if (b.home == NULL || b.account == NULL || b.password == NULL || b.protocol == NULL ||
      b.timeout == 0)
    return usage("--purple-home, --account, --password and --protocol are required");
  return 0;
}

int
main(int argc, char **argv)
{
  int rc = parse_args(argc, argv);
  if (rc != 0)
    return rc;
  purple_connections_set_ui_ops(&conn_ops);
  purple_request_set_ui_ops(&request_ops);
  if (!harness_purple_init(UI_ID, b.home, b.plugin_dir, b.debug)) {
    fprintf(stderr, "lyre-bench: libpurple initialisation failed\n");
    return 1;
  }
  rc = 1;
  static int handle;
  if (purple_find_prpl(b.protocol) == NULL) {
    emit("error", "text", S, "protocol plugin not found", "protocol", S, b.protocol, (char *)NULL);
    goto out;
  }
  b.acct = purple_accounts_find(b.account, b.protocol);
  if (b.acct == NULL) {
    b.acct = purple_account_new(b.account, b.protocol);
    purple_accounts_add(b.acct);
  }
  purple_account_set_password(b.acct, b.password);
  purple_account_set_remember_password(b.acct, TRUE); /* as most Pidgin and Finch users do */
  for (guint i = 0; i < b.settings->len; i++)
    if (!harness_apply_setting(b.acct, b.settings->pdata[i])) {
      rc = usage("bad --set");
      goto out;
    }
  GSList *have = purple_find_buddies(b.acct, NULL);
  b.buddies = g_slist_length(have);
  g_slist_free(have);
  PurpleBlistUiOps *blist_ops = purple_blist_get_ui_ops();
  if (blist_ops != NULL)
    blist_ops->update = blist_update;
  purple_signal_connect(purple_blist_get_handle(), "blist-node-added", &handle,
                        PURPLE_CALLBACK(node_added), NULL);
  purple_signal_connect(purple_connections_get_handle(), "signed-on", &handle,
                        PURPLE_CALLBACK(signed_on), NULL);
  purple_signal_connect(purple_conversations_get_handle(), "received-im-msg", &handle,
                        PURPLE_CALLBACK(received_im), NULL);
  void *convs = purple_conversations_get_handle();
  purple_signal_connect(convs, "chat-joined", &handle, PURPLE_CALLBACK(room_joined), NULL);
  purple_signal_connect(convs, "chat-buddy-joined", &handle, PURPLE_CALLBACK(room_user_joined),
                        NULL);
  purple_signal_connect(convs, "chat-buddy-left", &handle, PURPLE_CALLBACK(room_user_left), NULL);
  purple_signal_connect(convs, "wrote-chat-msg", &handle, PURPLE_CALLBACK(room_line), NULL);
  b.loop = g_main_loop_new(NULL, FALSE);
  g_main_context_set_poll_func(NULL, timed_poll);
  b.timer = g_timeout_add_seconds(b.timeout, on_timeout, NULL);
  b.in = g_io_channel_unix_new(0);
  b.in_watch = g_io_add_watch(b.in, G_IO_IN | G_IO_HUP | G_IO_ERR, stdin_ready, NULL);
  purple_savedstatus_activate(purple_savedstatus_new(NULL, PURPLE_STATUS_AVAILABLE));

  CALLGRIND_ZERO_STATS;
  b.start = mark_now();
  recv_start = b.start; /* --receive-from-start */
  purple_account_set_enabled(b.acct, UI_ID, TRUE);
  g_main_loop_run(b.loop);
  rc = b.status;
  g_main_loop_unref(b.loop);
  b.loop = NULL;
  if (b.timer != 0)
    g_source_remove(b.timer);
  if (b.in_watch != 0)
    g_source_remove(b.in_watch);
  if (b.send_idle != 0)
    g_source_remove(b.send_idle);
  if (settle_timer != 0)
    g_source_remove(settle_timer);
  g_io_channel_unref(b.in);
out:
  purple_signals_disconnect_by_handle(&handle);
  purple_core_quit(); /* saves the buddy list: the warm sign-in starts from it */
  g_ptr_array_free(b.settings, TRUE);
  g_free(b.send_to);
  g_free(rj.room);
  g_free(rj.probe);
  emit("exit", "status", I, rc, (char *)NULL);
  return rc;
}
