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

static int
max_rss_kb(void)
{
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

/* ---- commands ---------------------------------------------------------------------------------
 */

static void
run_command(const char *line)
{
  char **w = g_strsplit(line, " ", 3);
  guint n = g_strv_length(w);
  if (n == 2 && strcmp(w[0], "receive") == 0) {
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
  b.loop = g_main_loop_new(NULL, FALSE);
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
  emit("exit", "status", I, rc, (char *)NULL);
  return rc;
}
