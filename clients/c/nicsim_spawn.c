/* nicsim_spawn: the C client starting the server itself, on its stdin and stdout (see nicsim.h). */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nicsim_internal.h"

/* The errno of a failed exec, through a pipe that closes by itself when the exec succeeds; 0 when it did. */
static int exec_error(int pipe_read) {
  int error = 0;
  ssize_t got;
  do got = read(pipe_read, &error, sizeof error);
  while (got < 0 && errno == EINTR);
  close(pipe_read);
  return got == (ssize_t)sizeof error ? error : 0;
}

nicsim *nicsim_spawn(char *const argv[], const char *client_name, char *reason, size_t size) {
  int pair[2], exec_pipe[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) {
    snprintf(reason, size, "socketpair: %s", strerror(errno));
    return NULL;
  }
  if (pipe(exec_pipe) != 0 || fcntl(exec_pipe[1], F_SETFD, FD_CLOEXEC) != 0) {
    snprintf(reason, size, "pipe: %s", strerror(errno));
    close(pair[0]), close(pair[1]);
    return NULL;
  }
  pid_t child = fork();
  if (child < 0) {
    snprintf(reason, size, "fork: %s", strerror(errno));
    close(pair[0]), close(pair[1]), close(exec_pipe[0]), close(exec_pipe[1]);
    return NULL;
  }
  if (child == 0) {
    // The server's stdin and stdout are its end of the pair; stderr stays the client's.
    dup2(pair[1], 0);
    dup2(pair[1], 1);
    close(pair[0]), close(pair[1]), close(exec_pipe[0]);
    execvp(argv[0], argv);
    int error = errno;
    ssize_t written = write(exec_pipe[1], &error, sizeof error);
    (void)written;
    _exit(127);
  }
  close(pair[1]), close(exec_pipe[1]);
  int error = exec_error(exec_pipe[0]);
  if (error != 0) {
    snprintf(reason, size, "cannot run %s: %s", argv[0], strerror(error));
    close(pair[0]);
    waitpid(child, NULL, 0);
    return NULL;
  }
  return nicsim_hello(pair[0], child, client_name, reason, size);
}
