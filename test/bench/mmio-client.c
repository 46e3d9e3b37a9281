/* The serve bench's client: MMIO round trips through the socket, timed by the wall clock. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "nicsim.h"

int main(int argc, char **argv) {
  unsigned reads = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 20000;
  char reason[512];
  nicsim *device = nicsim_connect_env("mmio bench", reason, sizeof reason);
  if (!device) return fprintf(stderr, "mmio-client: %s\n", reason), 1;
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  uint32_t sum = 0;
  for (unsigned read = 0; read < reads; read++) sum += nicsim_mmio_read(device, NICSIM_STATUS);
  clock_gettime(CLOCK_MONOTONIC, &end);
  double seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
  printf("reads %u seconds %.6f checksum %u\n", reads, seconds, sum);
  return nicsim_goodbye(device) == 0 ? 0 : 1;
}
