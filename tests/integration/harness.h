/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lyre-harness: what harness.c (main, connection, commands) and harness-ui.c share. */
#ifndef LYRE_HARNESS_H
#define LYRE_HARNESS_H

#include <glib.h>
#include <purple.h>

/* Value types for emit(): emit("progress", "text", S, "..", "step", I, 2, (char *)NULL). */
enum { S = 1, I = 2 };

/* Prints one JSON object {"event":EVENT, key: value...} as a line on stdout and flushes. */
void emit(const char *event, ...);

/* How action requests are answered: "accept-once", "always" or "reject". */
void harness_set_cert_answer(const char *answer);

extern PurpleEventLoopUiOps harness_loop_ops;
extern PurpleRequestUiOps harness_request_ops;
extern PurpleNotifyUiOps harness_notify_ops; /* notify_message -> a "notify" event */

/* Buddy-list commands (add-buddy, remove-buddy, alias, move, rename-group, dump-buddies): TRUE
 * when line was one of them (and was run). */
gboolean harness_roster_command(PurpleAccount *account, const char *line);
/* Presence commands (dump-presence, buddy-menu, status-priority): TRUE when line was one. */
gboolean harness_presence_command(PurpleAccount *account, const char *line);

#endif
