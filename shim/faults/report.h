/* What the user sees of the faults: the JSON event log (SOCKFAULT_LOG) and
 * the exit summary (stderr or SOCKFAULT_SUMMARY). */
#ifndef SF_REPORT_H
#define SF_REPORT_H

#include "faults/fault.h"

/* Logs one injected fault; result is the call's return value or -errno. */
void sf_report_fault(const struct sf_call_ctx *c, const struct sf_verdict *v, long result);

/* Prints the per-rule summary (the library destructor calls it). */
void sf_report_summary(void);

/* The full log's exit line: each rule's matching and fired counts of this
 * process's own calls (since its fork). */
void sf_report_exit_counts(void);

void sf_report_atfork_prepare(void);
void sf_report_atfork_child(void);

#endif
