import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadAppConfig } from '../config';
import { loadCoturnEnv } from '../turn/coturnEnv';
import { readCa } from '../web/caRoutes';
import { certificateNames, issueLocalCertificates, subjectAltNames } from './localCa';

/**
 * `npm run cert -- [names…] [--new-ca] [--out DIR]`: a local CA (kept if it exists)
 * and a server certificate for PUBLIC_URL's host, TURN_HOST, the names given,
 * localhost and 127.0.0.1. Files in DATA_DIR/tls (or --out); prints the variables to set.
 */
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'new-ca': { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});

try {
  const config = loadAppConfig();
  const dir = path.resolve(values.out ?? path.join(config.DATA_DIR, 'tls'));
  const turnHost = loadCoturnEnv().TURN_HOST;
  const extra = [...(turnHost ? [turnHost] : []), ...positionals];
  const names = certificateNames(config.PUBLIC_URL, extra);
  const { files, caCreated } = await issueLocalCertificates(dir, names, {
    newCa: values['new-ca'],
  });
  const ca = readCa(files.caCert);
  process.stdout.write(
    [
      caCreated
        ? `CA mới / new CA: ${files.caCert}`
        : `CA giữ nguyên / CA kept (máy xã không phải cài lại / communes need not reinstall): ${files.caCert}`,
      `  SHA-256: ${ca.fingerprint256}`,
      `Chứng chỉ máy chủ / server certificate: ${files.cert}`,
      `  tên / names: ${subjectAltNames(readFileSync(files.cert)).join(', ')}`,
      '',
      'Đặt các biến sau rồi chạy npm start / set these, then npm start:',
      `  TLS_CERT=${files.cert}`,
      `  TLS_KEY=${files.key}`,
      `  TLS_CA_CERT=${files.caCert}`,
      '',
      'Máy xã tải CA tại / communes get the CA at: <địa chỉ máy chủ / server address>/ca',
      `Khóa CA / CA key ${files.caKey}: giữ bí mật, sao lưu ngoại tuyến / keep secret, back up offline.`,
    ].join('\n') + '\n',
  );
} catch (err) {
  console.error(`Lỗi / error: ${(err as Error).message}`);
  process.exit(1);
}
