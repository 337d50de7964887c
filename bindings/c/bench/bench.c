/*
 * Benchmark of the C library against OpenSSL, in nanoseconds per operation.
 * Run with `make bench-c`, which builds it with -O2 against an install into
 * build/prefix. It is never part of a test's pass or fail.
 *
 * Measured in one run, for a short user ID ("user_123", 8 bytes):
 * - the floor: one SHA-256 compression (OpenSSL's SHA256_Transform) and the
 *   hex encoding of 32 bytes. A precomputed HMAC key schedule leaves two
 *   compressions per user ID of up to 55 bytes, so "2 x compression + hex"
 *   is the least that signing can cost;
 * - OpenSSL's one-shot HMAC(EVP_sha256(), ...) with hex encoding, and with
 *   hex encoding and CRYPTO_memcmp for verifying, as a C program would sign
 *   and verify without this library;
 * - the keyring's sign and verify, and the one-shot functions of this
 *   library.
 * Each figure is the median of ROUNDS rounds; the ratios at the end compare
 * figures of the same run.
 */
#define _POSIX_C_SOURCE 199309L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <pexelize_identity.h>

#define ROUNDS 7

static const uint8_t KEY[] = "sk_live_0123456789abcdef";
static const uint8_t USER_ID[] = "user_123";

/* Results go here, so the compiler cannot drop the measured work. */
static volatile uint8_t sink;

/* Tells the compiler that all of `buffer` is read, so no byte of the output
 * is optimized away (the usual empty-asm barrier of GCC and Clang). */
static inline void escape(const void *buffer) {
  __asm__ volatile("" : : "r"(buffer) : "memory");
}

static double now_ns(void) {
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Two hex characters per byte value, filled by init_hex_pairs, so encoding
 * is one table lookup per byte. */
static char hex_pairs[256][2];

static void init_hex_pairs(void) {
  static const char digits[] = "0123456789abcdef";

  for (int byte = 0; byte < 256; byte++) {
    hex_pairs[byte][0] = digits[byte >> 4];
    hex_pairs[byte][1] = digits[byte & 15];
  }
}

static void hex_encode(const uint8_t bytes[32], char out[65]) {
  for (int i = 0; i < 32; i++)
    memcpy(out + 2 * i, hex_pairs[bytes[i]], 2);
  out[64] = '\0';
}

/* OpenSSL 3 deprecates SHA256_Init and SHA256_Transform, but has no other
 * public way to run a single SHA-256 compression, the floor measured here. */
static void compress_once(SHA256_CTX *context, const uint8_t block[64]) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  SHA256_Transform(context, block);
#pragma GCC diagnostic pop
}

static void op_compress(long iterations) {
  static uint8_t block[64];
  SHA256_CTX context;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  SHA256_Init(&context);
#pragma GCC diagnostic pop
  for (long i = 0; i < iterations; i++) {
    block[0] = (uint8_t)i;
    compress_once(&context, block);
  }
  sink = (uint8_t)context.h[0];
}

static void op_hex(long iterations) {
  uint8_t bytes[32] = {0};
  char out[65];

  for (long i = 0; i < iterations; i++) {
    bytes[0] = (uint8_t)i;
    hex_encode(bytes, out);
    escape(out);
  }
}

static void op_openssl_sign(long iterations) {
  uint8_t mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  char out[65];

  for (long i = 0; i < iterations; i++) {
    HMAC(EVP_sha256(), KEY, sizeof(KEY) - 1, USER_ID, sizeof(USER_ID) - 1, mac,
         &mac_len);
    hex_encode(mac, out);
    escape(out);
  }
}

static char expected_signature[65];

static void op_openssl_verify(long iterations) {
  uint8_t mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  char out[65];

  for (long i = 0; i < iterations; i++) {
    HMAC(EVP_sha256(), KEY, sizeof(KEY) - 1, USER_ID, sizeof(USER_ID) - 1, mac,
         &mac_len);
    hex_encode(mac, out);
    sink = (uint8_t)(CRYPTO_memcmp(out, expected_signature, 64) == 0);
  }
}

static pexelize_keyring *ring;

static void op_keyring_sign(long iterations) {
  char out[PEXELIZE_SIGNATURE_BUFFER_LEN];

  for (long i = 0; i < iterations; i++) {
    pexelize_keyring_sign(ring, USER_ID, sizeof(USER_ID) - 1, out);
    escape(out);
  }
}

static void op_keyring_verify(long iterations) {
  for (long i = 0; i < iterations; i++) {
    sink = (uint8_t)pexelize_keyring_verify(ring, USER_ID, sizeof(USER_ID) - 1,
                                            expected_signature, 64, 0, NULL);
  }
}

static void op_one_shot_sign(long iterations) {
  char out[PEXELIZE_SIGNATURE_BUFFER_LEN];

  for (long i = 0; i < iterations; i++) {
    pexelize_generate_identity_signature(KEY, sizeof(KEY) - 1, USER_ID,
                                         sizeof(USER_ID) - 1, out);
    escape(out);
  }
}

static void op_one_shot_verify(long iterations) {
  for (long i = 0; i < iterations; i++) {
    sink =
        (uint8_t)pexelize_verify(KEY, sizeof(KEY) - 1, USER_ID,
                                 sizeof(USER_ID) - 1, expected_signature, 64);
  }
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a;
  double y = *(const double *)b;

  return (x > y) - (x < y);
}

/* Returns the median ns per operation of ROUNDS rounds of `iterations`. */
static double measure(const char *name, void (*op)(long), long iterations) {
  double samples[ROUNDS];

  op(iterations / 10);
  for (int round = 0; round < ROUNDS; round++) {
    double start = now_ns();
    op(iterations);
    samples[round] = (now_ns() - start) / (double)iterations;
  }
  qsort(samples, ROUNDS, sizeof(samples[0]), compare_doubles);
  printf("%-44s %9.1f ns/op  (min %.1f, max %.1f)\n", name, samples[ROUNDS / 2],
         samples[0], samples[ROUNDS - 1]);
  return samples[ROUNDS / 2];
}

int main(void) {
  init_hex_pairs();
  if (pexelize_keyring_new(KEY, sizeof(KEY) - 1, NULL, &ring) != PEXELIZE_OK ||
      pexelize_keyring_sign(ring, USER_ID, sizeof(USER_ID) - 1,
                            expected_signature) != PEXELIZE_OK) {
    fprintf(stderr, "error: keyring setup failed\n");
    return 1;
  }

  printf("user ID \"%s\" (%zu bytes), key %zu bytes, median of %d rounds\n",
         USER_ID, sizeof(USER_ID) - 1, sizeof(KEY) - 1, ROUNDS);
  double compress =
      measure("SHA-256 compression (SHA256_Transform)", op_compress, 2000000);
  double hex = measure("hex encoding of 32 bytes", op_hex, 5000000);
  double openssl_sign =
      measure("OpenSSL HMAC() + hex", op_openssl_sign, 300000);
  double openssl_verify = measure("OpenSSL HMAC() + hex + CRYPTO_memcmp",
                                  op_openssl_verify, 300000);
  double keyring_sign =
      measure("pexelize_keyring_sign", op_keyring_sign, 2000000);
  double keyring_verify =
      measure("pexelize_keyring_verify (1 key)", op_keyring_verify, 2000000);
  double one_shot_sign =
      measure("pexelize_generate_identity_signature", op_one_shot_sign, 500000);
  double one_shot_verify =
      measure("pexelize_verify", op_one_shot_verify, 500000);
  pexelize_keyring_free(ring);

  double floor_ns = 2 * compress + hex;
  printf("\nfloor, 2 x compression + hex: %.1f ns\n", floor_ns);
  printf("keyring sign / floor:                  %5.2fx (target <= 1.5x)\n",
         keyring_sign / floor_ns);
  printf("OpenSSL sign / keyring sign:           %5.2fx (target >= 8x)\n",
         openssl_sign / keyring_sign);
  printf("OpenSSL verify / keyring verify:       %5.2fx\n",
         openssl_verify / keyring_verify);
  printf("OpenSSL sign / one-shot sign:          %5.2fx (target >= 4x)\n",
         openssl_sign / one_shot_sign);
  printf("OpenSSL verify / one-shot verify:      %5.2fx\n",
         openssl_verify / one_shot_verify);
  return 0;
}
