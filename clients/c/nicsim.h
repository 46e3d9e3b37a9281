/*
 * A C client of `nicsim serve` (docs/device-protocol.md): drive the model's NIC from a driver in
 * another process, through its registers (MMIO), host memory it reaches by DMA, and its MSI-X
 * interrupts, in simulated time. libc and POSIX sockets only.
 *
 * Host memory: nicsim_alloc registers a region; the library keeps a copy of it, which
 * nicsim_host gives you. Write what the device must see with nicsim_memory_write (or write in place
 * and call nicsim_memory_sync); the device's DMA writes reach your copy before every reply, so
 * after any call that waits (an MMIO read, a wait) your copy is the device's memory.
 *
 * Errors are sticky: after the first one (a refused message, a lost connection) every call does
 * nothing and returns 0, and nicsim_error says what happened. Check it where it matters.
 */
#ifndef NICSIM_H
#define NICSIM_H

#include <stddef.h>
#include <stdint.h>

#include "nicsim_device.h"
#include "nicsim_protocol.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nicsim nicsim;

/* What HELLO_REPLY said of the device. */
typedef struct {
  uint16_t queues;
  /* One vector per queue, then the error vector (vectors - 1). */
  uint16_t vectors;
  /* Simulated CPU time every call costs, ps. */
  uint64_t call_ps;
} nicsim_device_info;

/* Called for each DIAGNOSTIC: the device's words for a driver mistake it saw (also in ERRLOG). */
typedef void (*nicsim_diagnostic_handler)(void *context, uint64_t time_ps, uint32_t code, const char *message);

/*
 * Connect and say HELLO. Each returns NULL when it cannot, with the reason in `reason` (of `size`
 * bytes). nicsim_connect_env uses the socket named by NICSIM_SOCKET (set by `nicsim serve -- cmd`);
 * nicsim_spawn starts the server itself (argv: e.g. {"node", "dist/system/cli/main.js", "serve",
 * "--stdio", NULL}) and talks to it on its stdin and stdout.
 */
nicsim *nicsim_connect_unix(const char *path, const char *client_name, char *reason, size_t size);
nicsim *nicsim_connect_env(const char *client_name, char *reason, size_t size);
nicsim *nicsim_spawn(char *const argv[], const char *client_name, char *reason, size_t size);

/*
 * GOODBYE: the run ends and writes its files. Frees the connection; returns 0 if no error happened.
 * After an error the client refused itself (nothing sent) GOODBYE still goes; after a lost or refused connection it cannot.
 * A second nicsim_goodbye or nicsim_disconnect on the same handle is refused (-1, a message on stderr); any other call after
 * the end uses freed memory.
 */
int nicsim_goodbye(nicsim *device);
/* Close without GOODBYE (the server records a disconnect). Frees the connection. */
void nicsim_disconnect(nicsim *device);

const nicsim_device_info *nicsim_info(const nicsim *device);
/* NULL while all is well; else what went wrong (it stays). */
const char *nicsim_error(const nicsim *device);
/* The client's simulated time, ps. */
uint64_t nicsim_now_ps(const nicsim *device);
/*
 * Replace the default diagnostic handler (which prints to stderr); NULL keeps them silent. A diagnostic that came
 * during a call is handed over once that call has its reply (and its time), in the order they came: the handler may
 * call the device, but not end the session (nicsim_goodbye and nicsim_disconnect are refused there). Those that come
 * with GOODBYE's reply are handed over as the session ends: the device can no longer be called then.
 */
void nicsim_on_diagnostic(nicsim *device, nicsim_diagnostic_handler handler, void *context);

/* Registers: a read waits for its round trip; a write is posted. */
uint32_t nicsim_mmio_read(nicsim *device, uint32_t offset);
void nicsim_mmio_write(nicsim *device, uint32_t offset, uint32_t value);

/* A region of host memory the device may reach: its host address (0 on error). */
uint64_t nicsim_alloc(nicsim *device, uint32_t bytes, uint32_t alignment, const char *label);
/* The client's copy of [address, address + length), or NULL when that is not inside one region. */
void *nicsim_host(nicsim *device, uint64_t address, size_t length);
/* Copy into the client's copy (when the range is in a region) and send to the device. */
void nicsim_memory_write(nicsim *device, uint64_t address, const void *data, size_t length);
/* Send bytes written in place through nicsim_host. */
void nicsim_memory_sync(nicsim *device, uint64_t address, size_t length);
/* Read the server's copy (needs no region of the client's); returns 0 on success. */
int nicsim_memory_read(nicsim *device, uint64_t address, void *data, size_t length);

/*
 * Let time pass; returns the time after. NICSIM_WAIT_FOREVER (or any duration from 2^53 ps) has no
 * limit: the model runs until nothing is left to happen in it.
 */
uint64_t nicsim_wait(nicsim *device, uint64_t duration_ps);
/*
 * Wait for an interrupt of a vector in `mask`, at most `timeout_ps`: the vectors delivered, 0 on
 * timeout. With NICSIM_WAIT_FOREVER it waits until one comes, or returns 0 once nothing is left to
 * happen in the model (no interrupt can come any more).
 */
uint32_t nicsim_wait_interrupt(nicsim *device, uint32_t mask, uint64_t timeout_ps);

/* The remote peer (the test bench). Addresses are IPv4 as a << 24 | b << 16 | c << 8 | d. */
enum { NICSIM_PEER_DECRYPTS = 0, NICSIM_PEER_ENCRYPTS = 1 };
/* key_material: the AES key then the 4-byte salt, 20 or 36 bytes (another length is an error here, nothing sent). */
void nicsim_peer_sa(nicsim *device, uint32_t spi, uint32_t source, uint32_t destination, int direction, uint8_t icv_bytes, const uint8_t *key_material, size_t key_material_bytes);
void nicsim_peer_echo(nicsim *device, int enable);
void nicsim_peer_send(nicsim *device, uint32_t count, uint64_t gap_ps, uint16_t bytes, uint8_t traffic_class, int esp);

typedef struct {
  uint64_t time_ps;
  uint32_t received, decrypted, refused, sent;
} nicsim_peer_counts;
/* Returns 0 on success. */
int nicsim_peer_status(nicsim *device, nicsim_peer_counts *counts);

#ifdef __cplusplus
}
#endif

#endif /* NICSIM_H */
