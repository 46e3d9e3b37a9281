/* The C client of `nicsim serve`: see nicsim.h and docs/device-protocol.md. */
#define _POSIX_C_SOURCE 200809L

#include "nicsim_internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

void nicsim_fail(nicsim *device, const char *format, ...) {
  if (device->failed) return;
  device->failed = 1;
  va_list arguments;
  va_start(arguments, format);
  vsnprintf(device->error, sizeof device->error, format, arguments);
  va_end(arguments);
}

static void print_diagnostic(void *context, uint64_t time_ps, uint32_t code, const char *message) {
  (void)context;
  (void)code;
  fprintf(stderr, "nicsim: device at %llu ns: %s\n", (unsigned long long)(time_ps / 1000), message);
}

static int send_all(nicsim *device, const uint8_t *bytes, size_t length) {
  while (length > 0) {
    ssize_t sent = send(device->fd, bytes, length, MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) {
      nicsim_fail(device, "the connection to the server is lost (%s)", strerror(errno));
      device->connection_lost = 1;
      return -1;
    }
    bytes += sent;
    length -= (size_t)sent;
  }
  return 0;
}

static int flush(nicsim *device) {
  if (device->out_used == 0 || device->failed) return device->failed ? -1 : 0;
  int result = send_all(device, device->out, device->out_used);
  device->out_used = 0;
  return result;
}

/*
 * A message laid out in the send buffer, its header written and its fixed fields zeroed (NULL after
 * an error). It happens a call's cost later; a reply's time replaces this count.
 */
uint8_t *nicsim_begin(nicsim *device, uint32_t type, size_t fixed_bytes, size_t tail_bytes) {
  if (device->ended) {
    nicsim_fail(device, "a call after nicsim_goodbye (from a handler of the diagnostics that came with its reply): the session has ended; nothing was sent");
    return NULL;
  }
  if (device->failed) return NULL;
  // Checked before anything is laid out: a tail past the protocol's maximum would run past the send buffer.
  if (tail_bytes > nicsim_msg_tail_max(type) || fixed_bytes != nicsim_msg_fixed_bytes(type)) {
    nicsim_fail(device, "a message of type 0x%x with a tail of %zu bytes: that type's tail holds at most %u (NICSIM_MSG_*_MAX); nothing was sent", type, tail_bytes, (unsigned)nicsim_msg_tail_max(type));
    return NULL;
  }
  size_t length = fixed_bytes + tail_bytes;
  if (device->out_used + length > device->out_size && flush(device) != 0) return NULL;
  device->now_ps += device->info.call_ps;
  uint8_t *message = device->out + device->out_used;
  memset(message, 0, fixed_bytes);
  NICSIM_WRITE(message, MSG_HEADER_LENGTH, length);
  NICSIM_WRITE(message, MSG_HEADER_TYPE, type);
  device->out_used += length;
  return message;
}

static int receive_all(nicsim *device, uint8_t *bytes, size_t length) {
  while (length > 0) {
    ssize_t got = recv(device->fd, bytes, length, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      nicsim_fail(device, "the server closed the connection");
      device->connection_lost = 1;
      return -1;
    }
    bytes += got;
    length -= (size_t)got;
  }
  return 0;
}

static region *region_of(nicsim *device, uint64_t address, size_t length) {
  for (size_t index = 0; index < device->region_count; index++) {
    region *candidate = &device->regions[index];
    // Without a sum that could wrap past 2^64 (an address near the top and a length made one that looked inside).
    if (address >= candidate->address && length <= candidate->bytes && address - candidate->address <= candidate->bytes - length) return candidate;
  }
  return NULL;
}

/* A notification the server sent before a reply: the device's memory writes and diagnostics. */
static void take_notification(nicsim *device, uint32_t type, const uint8_t *message, size_t length) {
  if (type == NICSIM_MSG_MEMORY_UPDATE) {
    uint64_t address = NICSIM_READ(message, MSG_MEMORY_UPDATE_ADDRESS);
    size_t bytes = length - NICSIM_MSG_MEMORY_UPDATE_FIXED_BYTES;
    region *target = region_of(device, address, bytes);
    if (!target) {
      nicsim_fail(device, "MEMORY_UPDATE of %zu bytes at 0x%llx: outside every region of this client", bytes, (unsigned long long)address);
      return;
    }
    memcpy(target->copy + (address - target->address), message + NICSIM_MSG_MEMORY_UPDATE_DATA_OFFSET, bytes);
  } else if (type == NICSIM_MSG_DIAGNOSTIC) {
    if (!device->on_diagnostic) return;
    if (device->held_count == device->held_capacity) {
      size_t capacity = device->held_capacity ? 2 * device->held_capacity : 8;
      struct held_diagnostic *grown = realloc(device->held, capacity * sizeof *grown);
      if (!grown) {
        nicsim_fail(device, "out of memory holding a diagnostic for the handler");
        return;
      }
      device->held = grown;
      device->held_capacity = capacity;
    }
    struct held_diagnostic *held = &device->held[device->held_count++];
    // The length was checked against the table: the text fits.
    size_t bytes = length - NICSIM_MSG_DIAGNOSTIC_FIXED_BYTES;
    memcpy(held->text, message + NICSIM_MSG_DIAGNOSTIC_MESSAGE_OFFSET, bytes);
    held->text[bytes] = 0;
    held->time_ps = NICSIM_READ(message, MSG_DIAGNOSTIC_TIME_PS);
    held->code = (uint32_t)NICSIM_READ(message, MSG_DIAGNOSTIC_CODE);
  }
}

/* The client's time from a reply that carries one (HELLO's may be 0); a reply without one leaves it. */
static void take_reply_time(nicsim *device, uint32_t type, const uint8_t *reply) {
  switch (type) {
    case NICSIM_MSG_HELLO_REPLY: device->now_ps = NICSIM_READ(reply, MSG_HELLO_REPLY_TIME_PS); break;
    case NICSIM_MSG_GOODBYE_REPLY: device->now_ps = NICSIM_READ(reply, MSG_GOODBYE_REPLY_TIME_PS); break;
    case NICSIM_MSG_MMIO_READ_REPLY: device->now_ps = NICSIM_READ(reply, MSG_MMIO_READ_REPLY_TIME_PS); break;
    case NICSIM_MSG_WAIT_REPLY: device->now_ps = NICSIM_READ(reply, MSG_WAIT_REPLY_TIME_PS); break;
    case NICSIM_MSG_PEER_STATUS_REPLY: device->now_ps = NICSIM_READ(reply, MSG_PEER_STATUS_REPLY_TIME_PS); break;
    default: break;
  }
}

/* Hand the held diagnostics to the handler, in the order they came, with the reply (NULL: none, the server refused) kept aside: the handler may call the device. */
static const uint8_t *deliver_held(nicsim *device, const uint8_t *reply, size_t length) {
  if (device->held_count == 0 || device->delivering) return reply;
  if (reply) {
    if (!device->reply && !(device->reply = malloc(NICSIM_MSG_MAX_BYTES))) {
      nicsim_fail(device, "out of memory keeping a reply while diagnostics are handled");
      return NULL;
    }
    memcpy(device->reply, reply, length);
  }
  device->delivering = 1;
  for (size_t index = 0; index < device->held_count; index++) {
    struct held_diagnostic held = device->held[index];
    if (device->on_diagnostic) device->on_diagnostic(device->diagnostic_context, held.time_ps, held.code, held.text);
  }
  device->held_count = 0;
  device->delivering = 0;
  return reply ? device->reply : NULL;
}

/* Send what is buffered (the request last), then read until its reply: returns the reply, or NULL after an error. */
const uint8_t *nicsim_exchange(nicsim *device, uint32_t reply_type, size_t *reply_length) {
  if (flush(device) != 0) return NULL;
  for (;;) {
    uint8_t *message = device->in;
    if (receive_all(device, message, NICSIM_MSG_HEADER_BYTES) != 0) return NULL;
    uint32_t length = (uint32_t)NICSIM_READ(message, MSG_HEADER_LENGTH);
    uint32_t type = (uint32_t)NICSIM_READ(message, MSG_HEADER_TYPE);
    if (length < NICSIM_MSG_HEADER_BYTES || length > NICSIM_MSG_MAX_BYTES) {
      nicsim_fail(device, "the server sent a header of length %u", length);
      device->connection_lost = 1;
      return NULL;
    }
    if (receive_all(device, message + NICSIM_MSG_HEADER_BYTES, length - NICSIM_MSG_HEADER_BYTES) != 0) return NULL;
    uint32_t fixed = nicsim_msg_fixed_bytes(type);
    if (fixed != 0 && (length < fixed || length - fixed > nicsim_msg_tail_max(type))) {
      nicsim_fail(device, "the server sent a message of type 0x%x and %u bytes: not a length that type has", type, length);
      device->connection_lost = 1;
      return NULL;
    }
    if (type == NICSIM_MSG_ERROR) {
      size_t bytes = length - NICSIM_MSG_ERROR_FIXED_BYTES;
      nicsim_fail(device, "the server refused a message (protocol error %u): %.*s", (unsigned)NICSIM_READ(message, MSG_ERROR_CODE), (int)bytes, (const char *)message + NICSIM_MSG_ERROR_MESSAGE_OFFSET);
      device->connection_lost = 1;
      // What the device said before the refusal is still the driver's to hear.
      return deliver_held(device, NULL, 0);
    }
    if (type == reply_type) {
      *reply_length = length;
      /* The reply's time is set here, before the handlers run: set by the caller after them, a handler's own wait was undone (from a driver developer's check). */
      take_reply_time(device, type, message);
      return deliver_held(device, message, length);
    }
    if (type != NICSIM_MSG_MEMORY_UPDATE && type != NICSIM_MSG_DIAGNOSTIC) {
      nicsim_fail(device, "the server sent type 0x%x while this client waited for 0x%x", type, reply_type);
      device->connection_lost = 1;
      return NULL;
    }
    take_notification(device, type, message, length);
    if (device->failed) return NULL;
  }
}

/* The bytes of a name or label the protocol holds, cut at a character's start, not inside a UTF-8 sequence: the server refuses text that is not UTF-8. */
static size_t text_bytes(const char *text, size_t most) {
  size_t bytes = strlen(text);
  if (bytes <= most) return bytes;
  bytes = most;
  /* A character is at most 4 bytes: past 3 continuation bytes the text is not UTF-8 there, and is sent as it is for the server to refuse (not cut to nothing). */
  size_t back = 0;
  while (back < 3 && ((unsigned char)text[bytes - back] & 0xC0) == 0x80) back++;
  return ((unsigned char)text[bytes - back] & 0xC0) == 0x80 ? most : bytes - back;
}

/*
 * Connections said HELLO and not yet ended: a driver that returns from main or calls exit without nicsim_goodbye or
 * nicsim_disconnect is disconnected then, what it posted sent first (it waited in the send buffer, and the driver's last
 * doorbell and mistakes were lost; from a driver developer's check). A crash by a signal still loses it.
 */
static nicsim *open_connections;

static void disconnect_at_exit(void) {
  /* exit() from a diagnostic handler: the process is ending, so the connection goes though a handler runs (refused there, it spun for ever). */
  for (nicsim *device = open_connections; device; device = device->next_open) device->delivering = 0;
  while (open_connections) nicsim_disconnect(open_connections);
}

static void opened(nicsim *device) {
  static int registered;
  if (!registered) registered = atexit(disconnect_at_exit) == 0;
  device->next_open = open_connections;
  open_connections = device;
}

static void closed(nicsim *device) {
  for (nicsim **link = &open_connections; *link; link = &(*link)->next_open) {
    if (*link != device) continue;
    *link = device->next_open;
    return;
  }
}

nicsim *nicsim_hello(int fd, pid_t server, const char *client_name, char *reason, size_t size) {
  nicsim *device = calloc(1, sizeof *device);
  if (device) {
    device->out_size = 256 * 1024;
    device->out = malloc(device->out_size);
    device->in = malloc(NICSIM_MSG_MAX_BYTES);
  }
  if (!device || !device->out || !device->in) {
    snprintf(reason, size, "out of memory");
    if (device) free(device->out), free(device->in), free(device);
    close(fd);
    return NULL;
  }
  device->fd = fd;
  device->server = server;
  device->on_diagnostic = print_diagnostic;
  /* Open from here: a HELLO the server refuses is disconnected as any open connection is. */
  opened(device);
  size_t name_bytes = text_bytes(client_name, NICSIM_MSG_HELLO_CLIENT_NAME_MAX);
  uint8_t *message = nicsim_begin(device, NICSIM_MSG_HELLO, NICSIM_MSG_HELLO_FIXED_BYTES, name_bytes);
  NICSIM_WRITE(message, MSG_HELLO_MAGIC, NICSIM_PROTOCOL_MAGIC);
  NICSIM_WRITE(message, MSG_HELLO_MAJOR, NICSIM_PROTOCOL_VERSION_MAJOR);
  NICSIM_WRITE(message, MSG_HELLO_MINOR, NICSIM_PROTOCOL_VERSION_MINOR);
  memcpy(message + NICSIM_MSG_HELLO_CLIENT_NAME_OFFSET, client_name, name_bytes);
  size_t length;
  const uint8_t *reply = nicsim_exchange(device, NICSIM_MSG_HELLO_REPLY, &length);
  if (!reply) {
    snprintf(reason, size, "%s", device->error);
    nicsim_disconnect(device);
    return NULL;
  }
  device->info.queues = (uint16_t)NICSIM_READ(reply, MSG_HELLO_REPLY_QUEUES);
  device->info.vectors = (uint16_t)NICSIM_READ(reply, MSG_HELLO_REPLY_VECTORS);
  device->info.call_ps = NICSIM_READ(reply, MSG_HELLO_REPLY_CALL_PS);
  return device;
}

nicsim *nicsim_connect_unix(const char *path, const char *client_name, char *reason, size_t size) {
  struct sockaddr_un address;
  memset(&address, 0, sizeof address);
  address.sun_family = AF_UNIX;
  if (strlen(path) >= sizeof address.sun_path) {
    snprintf(reason, size, "socket path %s is longer than %zu bytes", path, sizeof address.sun_path - 1);
    return NULL;
  }
  strcpy(address.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0 || connect(fd, (struct sockaddr *)&address, sizeof address) != 0) {
    snprintf(reason, size, "cannot connect to %s: %s", path, strerror(errno));
    if (fd >= 0) close(fd);
    return NULL;
  }
  return nicsim_hello(fd, 0, client_name, reason, size);
}

nicsim *nicsim_connect_env(const char *client_name, char *reason, size_t size) {
  const char *path = getenv("NICSIM_SOCKET");
  if (!path || !*path) {
    snprintf(reason, size, "NICSIM_SOCKET is not set: run this under `nicsim serve -- <program>`, or give a socket path");
    return NULL;
  }
  return nicsim_connect_unix(path, client_name, reason, size);
}

static void release(nicsim *device) {
  closed(device);
  close(device->fd);
  if (device->server > 0) waitpid(device->server, NULL, 0);
  for (size_t index = 0; index < device->region_count; index++) free(device->regions[index].copy);
  free(device->regions), free(device->out), free(device->in), free(device->held), free(device->reply), free(device);
}

/* Ending the session from a diagnostic handler would free the connection the call that heard the diagnostic still reads. */
static int ending_in_handler(nicsim *device, const char *call) {
  if (!device->delivering) return 0;
  nicsim_fail(device, "%s from a diagnostic handler: end the session once the call that heard the diagnostic has returned", call);
  return 1;
}

/*
 * Whether the handle is a connection still open, asked without reading it: a second nicsim_goodbye read the connection the first
 * had freed and died of SIGSEGV (from a bad-input check). Any other call after the end is still a use after free, as with fclose.
 */
static int ended_already(const nicsim *device, const char *call) {
  for (const nicsim *open = open_connections; open; open = open->next_open) {
    if (open == device) return 0;
  }
  fprintf(stderr, "nicsim: %s on a connection already ended (by nicsim_goodbye or nicsim_disconnect, which free it) or never opened: nothing was done\n", call);
  return 1;
}

int nicsim_goodbye(nicsim *device) {
  if (ended_already(device, "nicsim_goodbye")) return -1;
  if (ending_in_handler(device, "nicsim_goodbye")) return -1;
  /*
   * A mistake this client refused itself (nothing was sent) leaves the connection whole: GOODBYE still ends the run, so that its
   * summary says the client said goodbye, not that it disconnected; the first error is kept and reported.
   */
  if (!device->connection_lost) {
    int refused = device->failed;
    char first[sizeof device->error];
    memcpy(first, device->error, sizeof first);
    device->failed = 0;
    nicsim_begin(device, NICSIM_MSG_GOODBYE, NICSIM_MSG_GOODBYE_FIXED_BYTES, 0);
    size_t length;
    /* Diagnostics that come with the reply are held until the session is over: a handler's call then broke a clean goodbye (the server had closed). */
    device->delivering = 1;
    nicsim_exchange(device, NICSIM_MSG_GOODBYE_REPLY, &length);
    device->delivering = 0;
    if (refused) device->failed = 1, memcpy(device->error, first, sizeof first);
  }
  int result = device->failed ? -1 : 0;
  if (device->failed) fprintf(stderr, "nicsim: %s\n", device->error);
  device->ended = 1;
  deliver_held(device, NULL, 0);
  release(device);
  return result;
}

void nicsim_disconnect(nicsim *device) {
  if (ended_already(device, "nicsim_disconnect")) return;
  if (ending_in_handler(device, "nicsim_disconnect")) return;
  /* What was posted still goes: the server lands a disconnecting client's posted writes (they waited here for the next request). */
  if (!device->connection_lost) flush(device);
  release(device);
}

const nicsim_device_info *nicsim_info(const nicsim *device) { return &device->info; }
const char *nicsim_error(const nicsim *device) { return device->failed ? device->error : NULL; }
uint64_t nicsim_now_ps(const nicsim *device) { return device->now_ps; }

void nicsim_on_diagnostic(nicsim *device, nicsim_diagnostic_handler handler, void *context) {
  device->on_diagnostic = handler;
  device->diagnostic_context = context;
}

uint32_t nicsim_mmio_read(nicsim *device, uint32_t offset) {
  uint8_t *message = nicsim_begin(device, NICSIM_MSG_MMIO_READ, NICSIM_MSG_MMIO_READ_FIXED_BYTES, 0);
  if (!message) return 0;
  NICSIM_WRITE(message, MSG_MMIO_READ_OFFSET, offset);
  size_t length;
  const uint8_t *reply = nicsim_exchange(device, NICSIM_MSG_MMIO_READ_REPLY, &length);
  if (!reply) return 0;
  return (uint32_t)NICSIM_READ(reply, MSG_MMIO_READ_REPLY_VALUE);
}

void nicsim_mmio_write(nicsim *device, uint32_t offset, uint32_t value) {
  uint8_t *message = nicsim_begin(device, NICSIM_MSG_MMIO_WRITE, NICSIM_MSG_MMIO_WRITE_FIXED_BYTES, 0);
  if (!message) return;
  NICSIM_WRITE(message, MSG_MMIO_WRITE_OFFSET, offset);
  NICSIM_WRITE(message, MSG_MMIO_WRITE_VALUE, value);
}

uint64_t nicsim_alloc(nicsim *device, uint32_t bytes, uint32_t alignment, const char *label) {
  if (device->failed) return 0;
  size_t label_bytes = text_bytes(label, NICSIM_MSG_ALLOCATE_LABEL_MAX);
  uint8_t *message = nicsim_begin(device, NICSIM_MSG_ALLOCATE, NICSIM_MSG_ALLOCATE_FIXED_BYTES, label_bytes);
  if (!message) return 0;
  NICSIM_WRITE(message, MSG_ALLOCATE_BYTES, bytes);
  NICSIM_WRITE(message, MSG_ALLOCATE_ALIGNMENT, alignment);
  memcpy(message + NICSIM_MSG_ALLOCATE_LABEL_OFFSET, label, label_bytes);
  size_t length;
  const uint8_t *reply = nicsim_exchange(device, NICSIM_MSG_ALLOCATE_REPLY, &length);
  if (!reply) return 0;
  uint64_t address = NICSIM_READ(reply, MSG_ALLOCATE_REPLY_ADDRESS);
  if (device->region_count == device->region_capacity) {
    size_t capacity = device->region_capacity ? 2 * device->region_capacity : 16;
    region *grown = realloc(device->regions, capacity * sizeof *grown);
    if (!grown) return nicsim_fail(device, "out of memory for region %s", label), 0;
    device->regions = grown;
    device->region_capacity = capacity;
  }
  uint8_t *copy = calloc(1, bytes);
  if (!copy) return nicsim_fail(device, "out of memory for region %s", label), 0;
  device->regions[device->region_count++] = (region){address, bytes, copy};
  return address;
}

void *nicsim_host(nicsim *device, uint64_t address, size_t length) {
  region *found = region_of(device, address, length);
  return found ? found->copy + (address - found->address) : NULL;
}

void nicsim_memory_write(nicsim *device, uint64_t address, const void *data, size_t length) {
  void *copy = nicsim_host(device, address, length);
  // Outside every region the bytes still go: the server refuses them as the in-process guard would, naming the region run past.
  if (copy && copy != data) memmove(copy, data, length);
  for (size_t done = 0; done < length && !device->failed;) {
    size_t bytes = length - done < NICSIM_MSG_MAX_DATA_BYTES ? length - done : NICSIM_MSG_MAX_DATA_BYTES;
    uint8_t *message = nicsim_begin(device, NICSIM_MSG_MEMORY_WRITE, NICSIM_MSG_MEMORY_WRITE_FIXED_BYTES, bytes);
    if (!message) return;
    NICSIM_WRITE(message, MSG_MEMORY_WRITE_ADDRESS, address + done);
    memcpy(message + NICSIM_MSG_MEMORY_WRITE_DATA_OFFSET, (const uint8_t *)data + done, bytes);
    done += bytes;
  }
}

void nicsim_memory_sync(nicsim *device, uint64_t address, size_t length) {
  void *copy = nicsim_host(device, address, length);
  if (!copy) {
    nicsim_fail(device, "nicsim_memory_sync of %zu bytes at 0x%llx: not inside one region of this client", length, (unsigned long long)address);
    return;
  }
  nicsim_memory_write(device, address, copy, length);
}

int nicsim_memory_read(nicsim *device, uint64_t address, void *data, size_t length) {
  for (size_t done = 0; done < length && !device->failed;) {
    size_t bytes = length - done < NICSIM_MSG_MAX_DATA_BYTES ? length - done : NICSIM_MSG_MAX_DATA_BYTES;
    uint8_t *message = nicsim_begin(device, NICSIM_MSG_MEMORY_READ, NICSIM_MSG_MEMORY_READ_FIXED_BYTES, 0);
    if (!message) break;
    NICSIM_WRITE(message, MSG_MEMORY_READ_ADDRESS, address + done);
    NICSIM_WRITE(message, MSG_MEMORY_READ_BYTES, bytes);
    size_t reply_length;
    const uint8_t *reply = nicsim_exchange(device, NICSIM_MSG_MEMORY_READ_REPLY, &reply_length);
    if (!reply) break;
    memcpy((uint8_t *)data + done, reply + NICSIM_MSG_MEMORY_READ_REPLY_DATA_OFFSET, bytes);
    done += bytes;
  }
  return device->failed ? -1 : 0;
}

static uint32_t take_wait_reply(nicsim *device) {
  size_t length;
  const uint8_t *reply = nicsim_exchange(device, NICSIM_MSG_WAIT_REPLY, &length);
  if (!reply) return 0;
  return (uint32_t)NICSIM_READ(reply, MSG_WAIT_REPLY_VECTORS);
}

uint64_t nicsim_wait(nicsim *device, uint64_t duration_ps) {
  if (device->failed) return device->now_ps;
  uint8_t *message = nicsim_begin(device, NICSIM_MSG_WAIT, NICSIM_MSG_WAIT_FIXED_BYTES, 0);
  if (!message) return device->now_ps;
  NICSIM_WRITE(message, MSG_WAIT_DURATION_PS, duration_ps);
  take_wait_reply(device);
  return device->now_ps;
}

uint32_t nicsim_wait_interrupt(nicsim *device, uint32_t mask, uint64_t timeout_ps) {
  uint8_t *message = nicsim_begin(device, NICSIM_MSG_WAIT_INTERRUPT, NICSIM_MSG_WAIT_INTERRUPT_FIXED_BYTES, 0);
  if (!message) return 0;
  NICSIM_WRITE(message, MSG_WAIT_INTERRUPT_TIMEOUT_PS, timeout_ps);
  NICSIM_WRITE(message, MSG_WAIT_INTERRUPT_MASK, mask);
  return take_wait_reply(device);
}
