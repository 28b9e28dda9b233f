import { describe, expect, it } from 'vitest';
import { isSrtpSample, shareOfReport } from '../bench/sfu/srtpProfile';

// Lines as `perf report -q -t '|' -n --sort dso,sym` prints them for a worker.
const report = [
  ' 40.00%  | 400        |mediasoup-worker-3.19.3_libsrtp2-2.5.0-3_openssl-9f3df1d0 |[.] RTC::Consumer::SendRtpPacket(RTC::RtpPacket*)',
  ' 20.00%  | 200        |[kernel.kallsyms]   |[k] pvm_irq_enable',
  ' 10.00%  | 100        |libcrypto.so.3      |[.] sha1_block_data_order_avx2',
  ' 5.00%   | 50         |mediasoup-worker-3.19.3_libsrtp2-2.5.0-3_openssl-9f3df1d0 |[.] srtp_protect_mki',
  ' 3.00%   | 30         |mediasoup-worker-3.19.3_libsrtp2-2.5.0-3_openssl-9f3df1d0 |[.] RTC::SrtpSession::EncryptRtp(unsigned char const**, unsigned long*)',
  ' 2.00%   | 20         |mediasoup-worker-3.19.3_libsrtp2-2.5.0-3_openssl-9f3df1d0 |[.] bitvector_left_shift',
  ' 20.00%  | 200        |libc.so.6           |[.] __memmove_avx_unaligned_erms',
  '',
].join('\n');

describe("bench:sfu's SRTP cost by attribution (perf samples in SRTP code)", () => {
  it('counts libsrtp, the SrtpSession wrapper and libcrypto as SRTP in the OpenSSL worker', () => {
    const s = shareOfReport(report, 'openssl');
    expect(s.samples).toBe(1000);
    expect(s.srtpSamples).toBe(100 + 50 + 30 + 20);
    expect(s.share).toBeCloseTo(0.2);
  });

  it("counts NSS's libraries and Debian's libsrtp2.so, not the worker's own code, for NSS", () => {
    expect(isSrtpSample('nss', '/usr/lib/x86_64-linux-gnu/libsrtp2.so.1', '[.] srtp_protect')).toBe(
      true,
    );
    expect(isSrtpSample('nss', 'libfreeblpriv3.so', '[.] rijndael_encryptECB')).toBe(true);
    expect(isSrtpSample('nss', 'libsoftokn3.so', '[.] NSC_EncryptUpdate')).toBe(true);
    expect(isSrtpSample('nss', 'mediasoup-worker-x_nss', '[.] 0x0000000000123456')).toBe(false);
    expect(isSrtpSample('nss', 'libcrypto.so.3', '[.] EVP_EncryptUpdate')).toBe(false);
    expect(isSrtpSample('openssl', 'libc.so.6', '[.] srtp_lookalike')).toBe(false);
  });

  it('has no share without samples', () => {
    expect(shareOfReport('', 'openssl').share).toBeNaN();
  });
});
