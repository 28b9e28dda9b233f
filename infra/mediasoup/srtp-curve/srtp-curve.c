/*
 * srtp-curve: the per-packet cost of srtp_protect against the number of SRTP sessions,
 * as mediasoup's worker uses libsrtp (one srtp_t per transport, ssrc_any_outbound,
 * replay window 1,024, allow_repeat_tx), sending one 92-byte RTP packet to each session
 * round robin. Between two protects the loop also touches TOUCH bytes of unrelated
 * per-session memory (the worker's own transport, consumer and socket state), so the
 * sessions' crypto state competes for the caches as it does in the worker.
 *
 *   srtp-curve [-s cm|gcm] [-t TOUCH] [-r ROUNDS] [-k REPS] N...
 *       prints, per N: ns per packet with SRTP (protect + touch), without (touch only),
 *       and their difference (SRTP's cost), medians of REPS paired repetitions.
 *   srtp-curve -d [-s cm|gcm]
 *       prints the protected bytes of a fixed set of packets (fixed keys, payloads 0..300
 *       bytes) and checks each round trip through srtp_unprotect: built against two
 *       libsrtp builds, the outputs must be identical (run.sh compares them).
 *
 * Build and run: infra/mediasoup/srtp-curve/run.sh (docs/bench-sfu.md).
 */
#define _POSIX_C_SOURCE 199309L
#include <srtp2/srtp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RTP_LEN 92
#define MAX_TRAILER 32

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void die(const char *what, srtp_err_status_t st)
{
    fprintf(stderr, "srtp-curve: %s failed (%d)\n", what, (int)st);
    exit(1);
}

static void set_policy(srtp_policy_t *p, int gcm, uint8_t *key, srtp_ssrc_type_t type)
{
    memset(p, 0, sizeof(*p));
    if (gcm) {
        srtp_crypto_policy_set_aes_gcm_256_16_auth(&p->rtp);
        srtp_crypto_policy_set_aes_gcm_256_16_auth(&p->rtcp);
    } else {
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p->rtp);
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p->rtcp);
    }
    p->ssrc.type = type;
    p->key = key;
    p->window_size = 1024;
    p->allow_repeat_tx = 1;
}

static int key_len(int gcm)
{
    return gcm ? SRTP_AES_GCM_256_KEY_LEN_WSALT : SRTP_AES_ICM_128_KEY_LEN_WSALT;
}

/* An RTP header (version 2, PT 111) with the session's SSRC and seq, then payload. */
static int make_rtp(uint8_t *buf, uint32_t ssrc, uint16_t seq, int payload)
{
    int i;
    buf[0] = 0x80;
    buf[1] = 111;
    buf[2] = (uint8_t)(seq >> 8);
    buf[3] = (uint8_t)seq;
    buf[4] = (uint8_t)(seq >> 8);
    buf[5] = (uint8_t)(seq * 7);
    buf[6] = 0;
    buf[7] = 0;
    buf[8] = (uint8_t)(ssrc >> 24);
    buf[9] = (uint8_t)(ssrc >> 16);
    buf[10] = (uint8_t)(ssrc >> 8);
    buf[11] = (uint8_t)ssrc;
    for (i = 0; i < payload; i++) {
        buf[12 + i] = (uint8_t)(i * 31 + seq);
    }
    return 12 + payload;
}

/* -d: protected bytes of fixed packets, and each one's round trip. */
static int dump(int gcm)
{
    uint8_t key[64], pkt[400 + MAX_TRAILER], orig[400];
    srtp_policy_t p;
    srtp_t tx, rx;
    srtp_err_status_t st;
    int i, s, len, olen, payload;

    for (s = 0; s < 4; s++) {
        for (i = 0; i < key_len(gcm); i++) {
            key[i] = (uint8_t)(rng() & 0xff);
        }
        set_policy(&p, gcm, key, ssrc_any_outbound);
        if ((st = srtp_create(&tx, &p))) die("srtp_create", st);
        set_policy(&p, gcm, key, ssrc_any_inbound);
        if ((st = srtp_create(&rx, &p))) die("srtp_create", st);
        for (payload = 0; payload <= 300; payload += (payload < 40 ? 1 : 13)) {
            olen = len = make_rtp(pkt, 0x1000u + (uint32_t)s, (uint16_t)(65530 + payload), payload);
            memcpy(orig, pkt, (size_t)len);
            if ((st = srtp_protect(tx, pkt, &len))) die("srtp_protect", st);
            printf("%d %d ", s, payload);
            for (i = 0; i < len; i++) printf("%02x", pkt[i]);
            printf("\n");
            if ((st = srtp_unprotect(rx, pkt, &len))) die("srtp_unprotect", st);
            if (len != olen || memcmp(pkt, orig, (size_t)len) != 0) {
                fprintf(stderr, "srtp-curve: round trip differs (session %d, payload %d)\n", s, payload);
                return 1;
            }
        }
        srtp_dealloc(tx);
        srtp_dealloc(rx);
    }
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One pass over all sessions: touch the session's own memory, then (srtp) protect. */
static double pass(srtp_t *sess, uint8_t **mem, int n, int touch, int rounds, int srtp,
                   uint16_t *seq, volatile uint32_t *sink)
{
    uint8_t pkt[RTP_LEN + MAX_TRAILER];
    double t0 = now_ns();
    int r, i, j, len;
    uint32_t acc = 0;
    srtp_err_status_t st;

    for (r = 0; r < rounds; r++) {
        for (i = 0; i < n; i++) {
            uint8_t *m = mem[i];
            for (j = 0; j < touch; j += 64) {
                acc += m[j];
                m[j] = (uint8_t)(acc + 1);
            }
            len = make_rtp(pkt, 0x10000u + (uint32_t)i, (*seq)++, RTP_LEN - 12);
            if (srtp) {
                if ((st = srtp_protect(sess[i], pkt, &len))) die("srtp_protect", st);
            }
            acc += pkt[len - 1];
        }
    }
    *sink += acc;
    return (now_ns() - t0) / ((double)rounds * n);
}

int main(int argc, char **argv)
{
    int gcm = 0, touch = 3072, rounds = 0, reps = 7, dump_mode = 0, opt, a, i, k;
    srtp_err_status_t st;
    volatile uint32_t sink = 0;

    while ((opt = getopt(argc, argv, "s:t:r:k:d")) != -1) {
        switch (opt) {
        case 's': gcm = strcmp(optarg, "gcm") == 0; break;
        case 't': touch = atoi(optarg); break;
        case 'r': rounds = atoi(optarg); break;
        case 'k': reps = atoi(optarg); break;
        case 'd': dump_mode = 1; break;
        default:
            fprintf(stderr, "usage: srtp-curve [-s cm|gcm] [-t TOUCH] [-r ROUNDS] [-k REPS] N... | -d\n");
            return 2;
        }
    }
    if ((st = srtp_init())) die("srtp_init", st);
    if (dump_mode) return dump(gcm);

    printf("# %s, %d B of other memory touched per session per packet, %d reps (medians)\n",
           gcm ? "AEAD_AES_256_GCM" : "AES_CM_128_HMAC_SHA1_80", touch, reps);
    printf("%8s %14s %14s %14s\n", "sessions", "with SRTP ns", "without ns", "SRTP ns");
    for (a = optind; a < argc; a++) {
        int n = atoi(argv[a]);
        int rr = rounds > 0 ? rounds : (400000 / n > 20 ? 400000 / n : 20);
        srtp_t *sess = calloc((size_t)n, sizeof(*sess));
        uint8_t **mem = calloc((size_t)n, sizeof(*mem));
        double on[64], off[64], diff[64];
        uint16_t seq = 1;
        uint8_t key[64];
        srtp_policy_t p;

        if (reps > 64) reps = 64;
        /* sessions and their other memory allocated interleaved, as a worker's heap grows */
        for (i = 0; i < n; i++) {
            for (k = 0; k < key_len(gcm); k++) key[k] = (uint8_t)(rng() & 0xff);
            set_policy(&p, gcm, key, ssrc_any_outbound);
            if ((st = srtp_create(&sess[i], &p))) die("srtp_create", st);
            mem[i] = malloc((size_t)(touch > 0 ? touch : 1));
            memset(mem[i], i, (size_t)(touch > 0 ? touch : 1));
        }
        pass(sess, mem, n, touch, 2, 1, &seq, &sink); /* warm up: streams cloned */
        for (k = 0; k < reps; k++) {
            on[k] = pass(sess, mem, n, touch, rr, 1, &seq, &sink);
            off[k] = pass(sess, mem, n, touch, rr, 0, &seq, &sink);
            diff[k] = on[k] - off[k];
        }
        qsort(on, (size_t)reps, sizeof(double), cmp_double);
        qsort(off, (size_t)reps, sizeof(double), cmp_double);
        qsort(diff, (size_t)reps, sizeof(double), cmp_double);
        printf("%8d %14.1f %14.1f %14.1f\n", n, on[reps / 2], off[reps / 2], diff[reps / 2]);
        fflush(stdout);
        for (i = 0; i < n; i++) {
            srtp_dealloc(sess[i]);
            free(mem[i]);
        }
        free(sess);
        free(mem);
    }
    return (int)(sink == 0xdeadbeef);
}
