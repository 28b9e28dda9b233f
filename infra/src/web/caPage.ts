import type { CaInfo } from './caRoutes';

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const style = `body{font-family:system-ui,sans-serif;max-width:46rem;margin:1.5rem auto;padding:0 1rem;line-height:1.5;color:#1b1f24}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:1.6rem}code{background:#eef1f4;padding:.1rem .3rem;border-radius:3px;word-break:break-all}
.dl{display:inline-block;background:#0b5cad;color:#fff;padding:.6rem 1rem;border-radius:6px;text-decoration:none;font-weight:600}
.en{color:#4a5560;border-top:1px solid #d0d7de;margin-top:2rem;padding-top:1rem}ol li{margin:.3rem 0}`;

/**
 * The page a commune PC opens (often by its plain-HTTP address, before it trusts
 * HTTPS): what to download, how to install it on Windows and Android, and the
 * fingerprint to compare with the one the province IT reads out by phone.
 */
export function caPage(ca: CaInfo | undefined): string {
  const head = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Chứng chỉ máy chủ GiaoBan</title><style>${style}</style></head><body>`;
  if (!ca)
    return `${head}<h1>Chứng chỉ máy chủ</h1><p>Máy chủ này dùng chứng chỉ của một tổ chức cấp chứng chỉ công cộng (hoặc chưa bật HTTPS): máy tính không cần cài thêm gì.</p><p class="en" lang="en">This server uses a certificate from a public CA (or HTTPS is not on): nothing to install.</p><p><a href="/">GiaoBan</a></p></body></html>`;
  const fp = esc(ca.fingerprint256);
  return `${head}
<h1>Cài chứng chỉ máy chủ GiaoBan cho máy tính xã</h1>
<p>Trình duyệt chỉ cho dùng micrô và camera trên trang an toàn (HTTPS). Máy chủ của tỉnh dùng chứng chỉ do tổ chức cấp chứng chỉ nội bộ (CA) cấp: cài chứng chỉ CA này <strong>một lần</strong> trên mỗi máy, sau đó trình duyệt sẽ không còn báo “kết nối không an toàn”.</p>
<p><a class="dl" href="/ca.crt" download="giaoban-ca.crt">Tải chứng chỉ CA (giaoban-ca.crt)</a></p>
<p>Trước khi cài, <strong>đối chiếu dấu vân tay SHA-256</strong> dưới đây với dấu vân tay cán bộ CNTT của tỉnh đọc qua điện thoại hoặc ghi trong công văn. Nếu khác nhau, <strong>không cài</strong> và báo ngay cho tỉnh.</p>
<p><code id="fingerprint">${fp}</code></p>
<p>Chứng chỉ: <code>${esc(ca.subject)}</code>, hết hạn ${esc(ca.validTo)}.</p>
<h2>Máy tính Windows (Chrome, Edge)</h2>
<ol>
<li>Bấm nút tải ở trên, mở tệp <code>giaoban-ca.crt</code> vừa tải về.</li>
<li>Bấm <strong>Install Certificate… (Cài đặt chứng chỉ)</strong>, chọn <strong>Local Machine (Máy cục bộ)</strong>, bấm Next (cần quyền quản trị).</li>
<li>Chọn <strong>Place all certificates in the following store (Đặt tất cả chứng chỉ vào kho sau)</strong> → Browse → <strong>Trusted Root Certification Authorities (Tổ chức cấp chứng chỉ gốc đáng tin cậy)</strong> → OK → Next → Finish, đồng ý cảnh báo bảo mật.</li>
<li>Đóng hẳn trình duyệt rồi mở lại, vào địa chỉ GiaoBan bằng <code>https://</code>.</li>
<li>Firefox: Cài đặt → Riêng tư &amp; Bảo mật → Chứng chỉ → Xem chứng chỉ → Nhà cung cấp → Nhập… → chọn tệp, đánh dấu “Tin cậy CA này để nhận diện trang web”.</li>
</ol>
<h2>Điện thoại, máy tính bảng Android</h2>
<ol>
<li>Bấm nút tải ở trên (tệp được lưu vào mục Tải xuống).</li>
<li>Mở <strong>Cài đặt → Bảo mật</strong> (hoặc Bảo mật và quyền riêng tư) → <strong>Cài đặt khác / Mã hóa và thông tin xác thực</strong> → <strong>Cài đặt chứng chỉ → Chứng chỉ CA</strong>.</li>
<li>Bấm <strong>Vẫn cài đặt</strong>, chọn tệp <code>giaoban-ca.crt</code> trong Tải xuống, xác nhận bằng mã khóa màn hình.</li>
<li>Mở lại Chrome và vào địa chỉ GiaoBan bằng <code>https://</code>.</li>
</ol>
<div class="en" lang="en">
<h2>English</h2>
<p>Browsers allow the microphone and camera only on secure (HTTPS) pages. This server's certificate comes from the province's own certificate authority: install this CA certificate once per device. Before installing, compare the SHA-256 fingerprint above with the one the province IT team gives you by phone or in writing; if it differs, do not install it.</p>
<p><strong>Windows (Chrome, Edge)</strong>: open the downloaded <code>giaoban-ca.crt</code> → Install Certificate → Local Machine → Place all certificates in the following store → Trusted Root Certification Authorities → Finish; restart the browser. Firefox: Settings → Privacy &amp; Security → Certificates → View Certificates → Authorities → Import, tick “Trust this CA to identify websites”.</p>
<p><strong>Android</strong>: Settings → Security → More security settings / Encryption &amp; credentials → Install a certificate → CA certificate → Install anyway → pick <code>giaoban-ca.crt</code> from Downloads; reopen Chrome.</p>
</div>
<p><a href="/">GiaoBan</a></p>
</body></html>`;
}
