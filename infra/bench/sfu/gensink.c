/*
 * RTP pacing generator + spinning sink for `npm run bench:sfu` (compiled at bench time
 * with the system cc). One thread, meant to be pinned alone on the core the SFU worker
 * does not use:
 *   - generator: ONE UDP socket, many SSRCs, one Opus-sized RTP packet (100 bytes, with
 *     the ssrc-audio-level header extension browsers send) every 20 ms per producer;
 *     producers are phase-spread over the 20 ms. The RTP timestamp is the monotonic send
 *     time in microseconds since start: mediasoup's SimpleConsumer rewrites SSRC and
 *     sequence number but keeps the timestamp, and SRTP leaves the header in clear, so the
 *     sink reads every packet's send time without decrypting.
 *   - sink: ONE UDP socket every consumer transport sends to. It SPINS (recvmmsg with
 *     MSG_DONTWAIT, never sleeps in epoll) so the worker does not pay a cross-core wake-up
 *     per packet that a worker sending to a network card never pays.
 * Counting: only packets SENT inside the measurement window count; one counts as
 * delivered if it arrives within LATE_MS of its send time; later or never = lost.
 *
 * Protocol (stdin / stdout, line based):
 *   prints  "SINK <port>"
 *   reads   "RUN <warmup_ms> <window_ms> <late_ms> <nprod>" then nprod lines
 *           "<port> <ssrc> <fanout> [<period_us> [<kind>]]": period default 20000 (an Opus
 *           frame); kind 0 = audio (100 B, counted per packet by send time), 1 = VP8 video
 *           (1,100 B, one packet per frame, a keyframe every second). Video is forwarded by a
 *           SimulcastConsumer, which rewrites the timestamp: video arrivals (told apart by
 *           size, > 400 B) are only counted (arrival inside the window, "videoInWindow");
 *           give video targets fanout 0.
 *   prints  "WSTART", "WEND", then "RESULT <json>"; reads the next RUN or "QUIT".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXPROD 4096
#define BATCH 64
#define HIST_US 10 /* delay histogram bucket */
#define HIST_N 200000 /* up to 2 s */
#define AUDIO_BYTES 100
#define VIDEO_BYTES 1100
#define VP8_PT 96

static uint64_t t0_ns;
static uint64_t now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ((uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec - t0_ns) / 1000ull;
}

static struct {
  struct sockaddr_in to;
  uint32_t ssrc;
  uint32_t fanout;
  uint16_t seq;
  uint64_t due;
  uint32_t period;
  uint32_t kind;
} prod[MAXPROD];
static uint32_t hist[HIST_N];

static uint64_t hist_pct(uint64_t total, double q) {
  uint64_t want = (uint64_t)(q * (double)total), acc = 0;
  for (int i = 0; i < HIST_N; i++) {
    acc += hist[i];
    if (acc > want) return (uint64_t)i * HIST_US;
  }
  return (uint64_t)HIST_N * HIST_US;
}

int main(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  t0_ns = (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
  setvbuf(stdout, NULL, _IOLBF, 0);

  int tx = socket(AF_INET, SOCK_DGRAM, 0), rx = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  int big = 64 << 20;
  /* FORCE needs root; a plain SO_RCVBUF (capped by rmem_max) is the fallback. */
  if (setsockopt(rx, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) != 0)
    setsockopt(rx, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  if (bind(rx, (struct sockaddr *)&a, sizeof a) != 0 || bind(tx, (struct sockaddr *)&a, sizeof a) != 0) {
    perror("bind");
    return 1;
  }
  socklen_t al = sizeof a;
  getsockname(rx, (struct sockaddr *)&a, &al);
  printf("SINK %d\n", ntohs(a.sin_port));

  static char bufs[BATCH][1600];
  static struct mmsghdr msgs[BATCH];
  static struct iovec iov[BATCH];
  for (int i = 0; i < BATCH; i++) {
    iov[i].iov_base = bufs[i];
    iov[i].iov_len = sizeof bufs[i];
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  uint8_t pkt[VIDEO_BYTES];
  int dbg = getenv("GENSINK_DEBUG") ? 5 : 0;
  char line[256];
  while (fgets(line, sizeof line, stdin)) {
    unsigned warm, win, late, n;
    if (strncmp(line, "QUIT", 4) == 0) break;
    if (sscanf(line, "RUN %u %u %u %u", &warm, &win, &late, &n) != 4 || n > MAXPROD) {
      fprintf(stderr, "bad command: %s", line);
      return 2;
    }
    uint64_t start = now_us();
    for (unsigned i = 0; i < n; i++) {
      unsigned port, ssrc, fan, period = 20000, kind = 0;
      if (!fgets(line, sizeof line, stdin) || sscanf(line, "%u %u %u %u %u", &port, &ssrc, &fan, &period, &kind) < 3 || period == 0) return 2;
      prod[i].to = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons(port)};
      inet_pton(AF_INET, "127.0.0.1", &prod[i].to.sin_addr);
      prod[i].ssrc = ssrc;
      prod[i].fanout = fan;
      prod[i].period = period;
      prod[i].kind = kind;
      prod[i].due = start + (uint64_t)i * period / n; /* phase-spread over the period */
    }
    memset(hist, 0, sizeof hist);
    uint64_t ws = start + warm * 1000ull, we = ws + win * 1000ull, end = we + late * 1000ull;
    uint64_t sentWin = 0, expected = 0, delivered = 0, lateN = 0, rtpAll = 0, rtcpAll = 0, sendErr = 0;
    uint64_t videoWin = 0;
    uint64_t maxDelay = 0, lastRtp = 0;
    int phase = 0; /* 0 warm-up, 1 window, 2 grace for late arrivals, 3 backlog drain */
    for (;;) {
      uint64_t now = now_us();
      if (phase == 0 && now >= ws) { phase = 1; puts("WSTART"); }
      if (phase == 1 && now >= we) { phase = 2; puts("WEND"); }
      if (phase == 2 && now >= end) { phase = 3; lastRtp = now; }
      /* Stop feeding at the end of the grace period; then drain the worker's backlog so it
         does not leak into the next run (until 150 ms without RTP, at most 10 s). */
      if (phase == 3 && (now - lastRtp > 150000 || now - end > 10000000)) break;
      if (phase < 3) {
        for (unsigned i = 0; i < n; i++) {
          if (prod[i].due > now) continue;
          uint32_t t = (uint32_t)now;
          uint32_t s = prod[i].ssrc;
          size_t len = AUDIO_BYTES;
          pkt[2] = prod[i].seq >> 8; pkt[3] = prod[i].seq & 0xff;
          pkt[4] = t >> 24; pkt[5] = t >> 16; pkt[6] = t >> 8; pkt[7] = t;
          pkt[8] = s >> 24; pkt[9] = s >> 16; pkt[10] = s >> 8; pkt[11] = s;
          if (prod[i].kind == 1) {
            /* VP8, one packet per frame (marker set); payload descriptor: X=1 S=1 PID=0,
               I=1, 15-bit picture id; then the VP8 header, inverse keyframe bit clear once
               per second (a SimulcastConsumer starts a layer on a keyframe). */
            uint16_t pid = prod[i].seq & 0x7fff;
            int key = prod[i].seq % (1000000 / prod[i].period + 1) == 0;
            len = VIDEO_BYTES;
            pkt[0] = 0x80; pkt[1] = 0x80 | VP8_PT;
            pkt[12] = 0x90; pkt[13] = 0x80; pkt[14] = 0x80 | (pid >> 8); pkt[15] = pid & 0xff;
            pkt[16] = key ? 0x00 : 0x01;
            memset(pkt + 17, 0x3c, len - 17);
          } else {
            pkt[0] = 0x90; /* V=2, X=1 */
            pkt[1] = 111;
            /* one-byte header extension: id 1 = ssrc-audio-level, voice activity + -30 dBov */
            pkt[12] = 0xBE; pkt[13] = 0xDE; pkt[14] = 0; pkt[15] = 1;
            pkt[16] = 0x10; pkt[17] = 0x80 | 30; pkt[18] = 0; pkt[19] = 0;
            memset(pkt + 20, 0x5a, len - 20);
          }
          if (sendto(tx, pkt, len, 0, (struct sockaddr *)&prod[i].to, sizeof prod[i].to) < 0) sendErr++;
          if (now >= ws && now < we) { sentWin++; expected += prod[i].fanout; }
          prod[i].seq++;
          prod[i].due += prod[i].period;
        }
      }
      int got = recvmmsg(rx, msgs, BATCH, MSG_DONTWAIT, NULL);
      if (got <= 0) continue;
      uint64_t arr = now_us();
      uint32_t arr32 = (uint32_t)arr;
      for (int k = 0; k < got; k++) {
        uint8_t *b = (uint8_t *)bufs[k];
        if (msgs[k].msg_len < 12 || (b[0] >> 6) != 2) continue;
        if (b[1] >= 200 && b[1] <= 206) { rtcpAll++; continue; }
        rtpAll++;
        lastRtp = arr;
        /* Video by size: the consumer's payload type is the router's, not ours. */
        if (msgs[k].msg_len > 400) { if (arr >= ws && arr < we) videoWin++; continue; }
        uint32_t st = ((uint32_t)b[4] << 24) | ((uint32_t)b[5] << 16) | ((uint32_t)b[6] << 8) | b[7];
        uint32_t d = arr32 - st; /* modular: correct across the 71-minute wrap */
        uint64_t sent = arr - d;
        if (dbg > 0) { dbg--; fprintf(stderr, "dbg st=%u arr=%u d=%u ws=%llu we=%llu len=%u b0=%02x b1=%02x\n", st, arr32, d, (unsigned long long)ws, (unsigned long long)we, msgs[k].msg_len, b[0], b[1]); }
        if (sent < ws || sent >= we) continue;
        if (d <= late * 1000u) {
          delivered++;
          hist[d / HIST_US < HIST_N ? d / HIST_US : HIST_N - 1]++;
          if (d > maxDelay) maxDelay = d;
        } else lateN++;
      }
    }
    double loss = expected ? 1.0 - (double)delivered / (double)expected : 0.0;
    printf("RESULT {\"sentInWindow\":%llu,\"expected\":%llu,\"delivered\":%llu,\"late\":%llu,"
           "\"loss\":%.6f,\"delayP50Us\":%llu,\"delayP99Us\":%llu,\"delayMaxUs\":%llu,"
           "\"rtpArrivals\":%llu,\"rtcpArrivals\":%llu,\"sendErrors\":%llu,\"windowMs\":%u,\"videoInWindow\":%llu}\n",
           (unsigned long long)sentWin, (unsigned long long)expected, (unsigned long long)delivered,
           (unsigned long long)lateN, loss, (unsigned long long)hist_pct(delivered, 0.5),
           (unsigned long long)hist_pct(delivered, 0.99), (unsigned long long)maxDelay,
           (unsigned long long)rtpAll, (unsigned long long)rtcpAll, (unsigned long long)sendErr, win, (unsigned long long)videoWin);
  }
  return 0;
}
