/*
 * What the C client must refuse or report itself, run by c-client-limits.test.ts (built with
 * AddressSanitizer where the compiler has it): c_client_limits CASE, under `nicsim serve -- ...`.
 *   oversized-key      nicsim_peer_sa with 300000 key bytes: refused before it is laid out
 *   wrong-key          nicsim_peer_sa with 21 key bytes: refused here, not by the server
 *   oversized-message  a message whose tail is longer than its type allows (the internal nicsim_begin)
 *   wait-forever       nicsim_wait_interrupt and nicsim_wait with NICSIM_WAIT_FOREVER on an idle device
 *   wide-direction     nicsim_peer_sa with direction 256, beyond its byte: refused here, not cut to 0
 *   long-name          HELLO with a name of 1500 three-byte characters, past the limit: cut at a character's start
 *   bad-long-name      HELLO with 5000 bytes of 0x80, not UTF-8: sent as it is for the server to refuse, not cut to nothing
 *   spawn-missing      nicsim_spawn of a server that cannot be started (no NICSIM_SOCKET needed)
 *   handler-reads      two mistakes, then STATUS and ERROR_COUNT read, with a diagnostic handler that reads ERRLOG_COUNT
 *   handler-silent     the same with no handler: what the main line reads must not differ
 *   handler-waits      a mistake, then STATUS read, with a handler that waits 1 µs: the main line's time after the read is the handler's
 *   handler-goodbye    a mistake, then goodbye, with a handler that reads ERRLOG_COUNT: goodbye succeeds, the handler's read is refused
 *   goodbye-in-handler a handler that calls nicsim_goodbye: refused (it would free the connection the read still uses)
 *   exit-in-handler    a handler that calls exit(3): the connection goes at exit all the same (it spun for ever)
 *   goodbye-twice      nicsim_goodbye, then nicsim_goodbye and nicsim_disconnect again: refused, not a read of the freed connection
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nicsim_internal.h"

/* A handler that calls the device, as a driver reading its error log on a diagnostic does. */
static void read_in_handler(void *context, uint64_t time_ps, uint32_t code, const char *message) {
  (void)time_ps, (void)message;
  printf("handler: code %u, ERRLOG_COUNT %u\n", code, nicsim_mmio_read(context, NICSIM_ERRLOG_COUNT));
}

static uint64_t handler_time;
static void wait_in_handler(void *context, uint64_t time_ps, uint32_t code, const char *message) {
  (void)time_ps, (void)code, (void)message;
  handler_time = nicsim_wait(context, 1000000);
}

static void goodbye_in_handler(void *context, uint64_t time_ps, uint32_t code, const char *message) {
  (void)time_ps, (void)code, (void)message;
  int result = nicsim_goodbye(context);
  printf("handler: goodbye %d, error: %s\n", result, nicsim_error(context));
}

static void exit_in_handler(void *context, uint64_t time_ps, uint32_t code, const char *message) {
  (void)context, (void)time_ps, (void)code, (void)message;
  exit(3);
}

static void read_after_goodbye(void *context, uint64_t time_ps, uint32_t code, const char *message) {
  (void)time_ps, (void)code, (void)message;
  nicsim *device = context;
  uint32_t count = nicsim_mmio_read(device, NICSIM_ERRLOG_COUNT);
  printf("handler: code %u, read %u, error: %s\n", code, count, nicsim_error(device) ? nicsim_error(device) : "none");
}

int main(int argc, char **argv) {
  const char *which = argc > 1 ? argv[1] : "";
  char reason[512];
  if (strcmp(which, "spawn-missing") == 0) {
    char program[] = "/nonexistent/nicsim-server", serve[] = "serve", stdio[] = "--stdio";
    char *server[] = {program, serve, stdio, NULL};
    nicsim *device = nicsim_spawn(server, "limits", reason, sizeof reason);
    printf("%s: %s\n", device ? "connected" : "not connected", device ? "" : reason);
    return device ? 1 : 0;
  }
  /* 1500 euro signs (4500 bytes): byte 4096 is inside one. */
  char *name = calloc(1, 4501);
  for (size_t at = 0; at < 4500; at += 3) name[at] = (char)0xE2, name[at + 1] = (char)0x82, name[at + 2] = (char)0xAC;
  if (strcmp(which, "bad-long-name") == 0) memset(name, 0x80, 4500);
  nicsim *device = nicsim_connect_env(strcmp(which, "long-name") == 0 || strcmp(which, "bad-long-name") == 0 ? name : "limits", reason, sizeof reason);
  free(name);
  if (strcmp(which, "bad-long-name") == 0) return printf("%s: %s\n", device ? "connected" : "not connected", device ? "" : reason), 0;
  if (!device) return fprintf(stderr, "c_client_limits: %s\n", reason), 2;
  if (strcmp(which, "oversized-key") == 0) {
    uint8_t *key = calloc(1, 300000);
    nicsim_peer_sa(device, 0x1001, 1, 2, NICSIM_PEER_DECRYPTS, 16, key, 300000);
    free(key);
  } else if (strcmp(which, "wrong-key") == 0) {
    uint8_t key[21] = {0};
    nicsim_peer_sa(device, 0x1001, 1, 2, NICSIM_PEER_DECRYPTS, 16, key, sizeof key);
  } else if (strcmp(which, "oversized-message") == 0) {
    nicsim_begin(device, NICSIM_MSG_MEMORY_WRITE, NICSIM_MSG_MEMORY_WRITE_FIXED_BYTES, 300000);
  } else if (strcmp(which, "long-label") == 0) {
    /* A label past the limit whose cut would fall inside a two-byte character: 'a', then 'é' repeated (byte 4096 continues one). */
    size_t bytes = NICSIM_MSG_ALLOCATE_LABEL_MAX + 3;
    char *label = malloc(bytes + 1);
    label[0] = 'a';
    for (size_t at = 1; at + 1 < bytes; at += 2) label[at] = (char)0xC3, label[at + 1] = (char)0xA9;
    label[bytes] = 0;
    uint64_t address = nicsim_alloc(device, 64, 64, label);
    free(label);
    printf("allocated %s\n", address ? "yes" : "no");
  } else if (strcmp(which, "wrapping-address") == 0) {
    /* An address whose end wraps past 2^64: its sum looked inside the region at address 0x80 (a write through a wild pointer). */
    nicsim_alloc(device, 256, 128, "ring");
    uint64_t near_top = UINT64_MAX - 3;
    printf("host copy %s\n", nicsim_host(device, near_top, 10) ? "found" : "none");
    uint8_t bytes[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    nicsim_memory_write(device, near_top, bytes, sizeof bytes);
  } else if (strcmp(which, "wait-forever") == 0) {
    uint32_t vectors = nicsim_wait_interrupt(device, 1u, NICSIM_WAIT_FOREVER);
    uint64_t after = nicsim_wait(device, NICSIM_WAIT_FOREVER);
    printf("vectors %u, then %llu ps\n", vectors, (unsigned long long)after);
  } else if (strcmp(which, "exit-posted") == 0) {
    /* Posted writes wait in the send buffer for the next request: a driver leaving by exit() without nicsim_goodbye lost them. */
    nicsim_mmio_write(device, NICSIM_TDT(0), 3);
    exit(0);
  } else if (strcmp(which, "wide-direction") == 0) {
    uint8_t key[20] = {0};
    nicsim_peer_sa(device, 0x1001, 1, 2, 256, 16, key, sizeof key);
  } else if (strcmp(which, "handler-reads") == 0 || strcmp(which, "handler-silent") == 0) {
    nicsim_on_diagnostic(device, strcmp(which, "handler-reads") == 0 ? read_in_handler : NULL, device);
    nicsim_mmio_write(device, 0x7004, 1);
    nicsim_mmio_write(device, 0x7008, 1);
    uint32_t status = nicsim_mmio_read(device, NICSIM_STATUS);
    uint32_t errors = nicsim_mmio_read(device, NICSIM_ERROR_COUNT);
    printf("main: STATUS 0x%x, ERROR_COUNT %u\n", status, errors);
  } else if (strcmp(which, "handler-waits") == 0) {
    nicsim_on_diagnostic(device, wait_in_handler, device);
    nicsim_mmio_write(device, 0x7004, 1);
    nicsim_mmio_read(device, NICSIM_STATUS);
    printf("handler at %llu ps, main line after the read at %llu ps\n", (unsigned long long)handler_time, (unsigned long long)nicsim_now_ps(device));
  } else if (strcmp(which, "handler-goodbye") == 0) {
    nicsim_on_diagnostic(device, read_after_goodbye, device);
    nicsim_mmio_write(device, 0x7004, 1);
    /* Shorter than the write's way to the device: its diagnostic comes with GOODBYE's reply. */
    nicsim_wait(device, 360000);
    return printf("goodbye %d\n", nicsim_goodbye(device)), 0;
  } else if (strcmp(which, "exit-in-handler") == 0) {
    nicsim_on_diagnostic(device, exit_in_handler, device);
    nicsim_mmio_write(device, 0x7004, 1);
    nicsim_mmio_read(device, NICSIM_STATUS);
    return 1;
  } else if (strcmp(which, "goodbye-twice") == 0) {
    int first = nicsim_goodbye(device);
    int second = nicsim_goodbye(device);
    nicsim_disconnect(device);
    return printf("goodbye %d, then %d\n", first, second), 0;
  } else if (strcmp(which, "goodbye-in-handler") == 0) {
    nicsim_on_diagnostic(device, goodbye_in_handler, device);
    nicsim_mmio_write(device, 0x7004, 1);
    nicsim_mmio_read(device, NICSIM_STATUS);
    nicsim_on_diagnostic(device, NULL, NULL);
  } else if (strcmp(which, "long-name") != 0) return fprintf(stderr, "c_client_limits: no case %s\n", which), 2;
  const char *error = nicsim_error(device);
  printf("error: %s\n", error ? error : "none");
  // After an error the client refused itself nothing more is sent but GOODBYE: the run still ends as the client's goodbye.
  nicsim_goodbye(device);
  return 0;
}
