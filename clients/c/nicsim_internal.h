/* What the client's sources share: the connection and the two steps of every message. Not for drivers. */
#ifndef NICSIM_INTERNAL_H
#define NICSIM_INTERNAL_H

#include <sys/types.h>

#include "nicsim.h"
#include "nicsim_protocol.h"

typedef struct {
  uint64_t address;
  uint32_t bytes;
  uint8_t *copy;
} region;

struct nicsim {
  int fd;
  pid_t server; /* the server process nicsim_spawn started, or 0 */
  nicsim_device_info info;
  uint64_t now_ps;
  char error[1100];
  int failed;
  /* The byte stream to the server can no longer be trusted (lost, or the server refused or sent what this client cannot read): not even GOODBYE goes. */
  int connection_lost;
  /* Posted messages wait here until the next request (or a full buffer) sends them together. */
  uint8_t *out;
  size_t out_used, out_size;
  uint8_t *in;
  region *regions;
  size_t region_count, region_capacity;
  nicsim_diagnostic_handler on_diagnostic;
  void *diagnostic_context;
  /*
   * Diagnostics that came before a reply, handed to the handler once the reply is copied to `reply`: a handler that
   * calls the device (reads ERRLOG) took the reply its caller waited for, and its caller got the handler's (from a
   * driver developer's check). While they are handed over (`delivering`), a handler's own calls add theirs here.
   */
  struct held_diagnostic {
    uint64_t time_ps;
    uint32_t code;
    char text[NICSIM_MSG_DIAGNOSTIC_MESSAGE_MAX + 1];
  } *held;
  size_t held_count, held_capacity;
  int delivering;
  uint8_t *reply;
  /* GOODBYE has been answered: the diagnostics that came with it are handed over, and a handler's calls are refused. */
  int ended;
  /* The next connection still open: each is disconnected at exit, its posted messages sent first. */
  nicsim *next_open;
};

/* Say HELLO on a connected stream `fd` (of a server process `server` to wait for at the end, or 0): the connection, or NULL with `reason`. */
nicsim *nicsim_hello(int fd, pid_t server, const char *client_name, char *reason, size_t size);

/* Record the first error (later calls then do nothing); printf-style. */
void nicsim_fail(nicsim *device, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/*
 * A message laid out in the send buffer, its header written and its fixed fields zeroed (NULL after
 * an error). It happens a call's cost later; a reply's time replaces this count.
 */
uint8_t *nicsim_begin(nicsim *device, uint32_t type, size_t fixed_bytes, size_t tail_bytes);
/* Send what is buffered (the request last), then read until its reply: returns the reply, or NULL after an error. */
const uint8_t *nicsim_exchange(nicsim *device, uint32_t reply_type, size_t *reply_length);

#endif /* NICSIM_INTERNAL_H */
