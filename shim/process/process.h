/* The process layer's own interface: what the constructor (init.c) and the
 * interposed fork (interpose/fd.c) need of fork.c. */
#ifndef SF_PROCESS_H
#define SF_PROCESS_H

/* Learns the sockets already open (inherited across exec, or a fork
 * child's that the table missed); no malloc beyond sf_socket_reserve's. */
void sf_process_adopt_inherited(void);
/* Installs the pthread_atfork handlers (once, from the constructor). */
void sf_process_atfork_install(void);
/* Per-process state in a fork child, called by the interposed fork. */
void sf_after_fork_child(void);

#endif
