import { z } from 'zod';

/**
 * Every error that crosses a boundary (REST or socket) carries one of these codes.
 * The client translates the code; the messages here are the server's own fallback
 * (Vietnamese first, English second) for logs and non-browser callers.
 */
export const errorMessages = {
  BAD_REQUEST: { vi: 'Dữ liệu gửi lên không hợp lệ.', en: 'The request data is invalid.' },
  UNAUTHENTICATED: { vi: 'Bạn cần đăng nhập.', en: 'You need to log in.' },
  INVALID_CREDENTIALS: {
    vi: 'Tên đăng nhập hoặc mật khẩu không đúng.',
    en: 'Wrong username or password.',
  },
  FORBIDDEN: {
    vi: 'Bạn không có quyền thực hiện thao tác này.',
    en: 'You are not allowed to do this.',
  },
  NOT_FOUND: { vi: 'Không tìm thấy.', en: 'Not found.' },
  PHONE_PIN_WRONG: { vi: 'Mã PIN không đúng.', en: 'Wrong PIN.' },
  PHONE_NUMBER_INVALID: {
    vi: 'Số điện thoại không hợp lệ (8–15 chữ số, có thể bắt đầu bằng +), bị trùng hoặc quá 5 số.',
    en: 'A phone number is invalid (8–15 digits, optionally starting with +), repeated, or more than 5.',
  },
  PHONE_NO_NUMBER: {
    vi: 'Đơn vị chưa có số điện thoại.',
    en: 'The unit has no phone number.',
  },
  PHONE_NOT_CONFIGURED: {
    vi: 'Chưa cấu hình cầu nối điện thoại.',
    en: 'The phone bridge is not configured.',
  },
  CONFLICT: { vi: 'Dữ liệu đã bị thay đổi hoặc trùng lặp.', en: 'Conflicting or duplicate data.' },
  RATE_LIMITED: {
    vi: 'Bạn thao tác quá nhanh, vui lòng thử lại sau ít phút.',
    en: 'Too many attempts, please try again shortly.',
  },
  INTERNAL: { vi: 'Lỗi hệ thống, vui lòng thử lại.', en: 'Internal error, please try again.' },
  UNAVAILABLE: { vi: 'Dịch vụ tạm thời không sẵn sàng.', en: 'Service temporarily unavailable.' },
  MEETING_NOT_OPEN: {
    vi: 'Phòng họp chưa mở hoặc đã đóng.',
    en: 'The meeting room is not open.',
  },
  NOT_INVITED: {
    vi: 'Đơn vị của bạn không có trong danh sách mời của cuộc họp này.',
    en: 'Your unit is not invited to this meeting.',
  },
  UNIT_OUT_OF_SCOPE: {
    vi: 'Đơn vị nằm ngoài phạm vi quản lý của bạn.',
    en: 'That unit is outside the units you manage.',
  },
  DEMO_PASSWORD: {
    vi: 'Không được dùng mật khẩu mẫu; hãy chọn mật khẩu khác.',
    en: 'The demo password may not be used; choose another one.',
  },
  MEETING_LOCKED: {
    vi: 'Phòng họp đã bị khóa, không nhận thêm điểm cầu.',
    en: 'The meeting is locked: no more endpoints may join.',
  },
  FLOOR_REQUIRED: {
    vi: 'Chủ tọa đã tắt micro của bạn; hãy giơ tay xin phát biểu.',
    en: 'A host muted you; raise your hand to ask for the floor.',
  },
  START_IN_PAST: {
    vi: 'Thời gian bắt đầu đã qua; hãy chọn thời gian sắp tới.',
    en: 'The start time has already passed; choose a time in the future.',
  },
  RECURRENCE_EMPTY: {
    vi: 'Quy tắc lặp không tạo ra buổi họp nào trong vòng một năm kể từ ngày bắt đầu.',
    en: 'The recurrence rule holds no session within a year of the start.',
  },
  PASSWORD_CHANGE_REQUIRED: {
    vi: 'Quản trị viên đã đặt mật khẩu cho tài khoản này; hãy đổi mật khẩu trước khi tiếp tục.',
    en: 'An administrator set this password; change it before you continue.',
  },
  PASSWORD_REUSED: {
    vi: 'Mật khẩu mới phải khác mật khẩu hiện tại.',
    en: 'The new password must differ from the current one.',
  },
  STORAGE_FULL: {
    vi: 'Ổ đĩa dữ liệu của máy chủ đã đầy; báo quản trị viên giải phóng dung lượng.',
    en: "The server's data disk is full; ask the administrator to free space.",
  },
  STORAGE_READONLY: {
    vi: 'Thư mục dữ liệu của máy chủ không ghi được (chỉ đọc); báo quản trị viên.',
    en: "The server's data folder cannot be written (read-only); tell the administrator.",
  },
  RECORDING_DISK_FULL: {
    vi: 'Ổ đĩa lưu bản ghi sắp đầy: việc ghi âm đã dừng, các tệp đã ghi được giữ nguyên.',
    en: 'The recordings disk is nearly full: recording stopped; what was recorded is kept.',
  },
  RECORDING_FAILED: {
    vi: 'Không ghi âm được cuộc họp; hãy thử lại.',
    en: 'The meeting could not be recorded; try again.',
  },
} as const satisfies Record<string, { vi: string; en: string }>;

export type ErrorCode = keyof typeof errorMessages;
export const errorCodes = Object.keys(errorMessages) as ErrorCode[];
export const errorCodeSchema = z.enum(errorCodes as [ErrorCode, ...ErrorCode[]]);

/** Wire shape of an error, in REST bodies (`{ error }`) and socket acks (`{ ok: false, error }`). */
export const errorBodySchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  messageEn: z.string(),
  details: z.unknown().optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

const httpStatus: Partial<Record<ErrorCode, number>> = {
  PHONE_PIN_WRONG: 404,
  PHONE_NUMBER_INVALID: 400,
  PHONE_NO_NUMBER: 409,
  PHONE_NOT_CONFIGURED: 409,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  MEETING_NOT_OPEN: 409,
  NOT_INVITED: 403,
  UNIT_OUT_OF_SCOPE: 403,
  DEMO_PASSWORD: 400,
  MEETING_LOCKED: 403,
  FLOOR_REQUIRED: 403,
  START_IN_PAST: 400,
  RECURRENCE_EMPTY: 400,
  PASSWORD_CHANGE_REQUIRED: 403,
  PASSWORD_REUSED: 400,
  STORAGE_FULL: 507,
  STORAGE_READONLY: 503,
  RECORDING_DISK_FULL: 507,
  RECORDING_FAILED: 500,
};

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, details?: unknown) {
    super(errorMessages[code].en);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return httpStatus[this.code] ?? 500;
  }

  toBody(): ErrorBody {
    return {
      code: this.code,
      message: errorMessages[this.code].vi,
      messageEn: errorMessages[this.code].en,
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

/** Turns zod issues into a compact, client-safe details list. */
export function zodDetails(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.slice(0, 20).map((i) => ({ path: i.path.join('.'), message: i.message }));
}

/** Parses untrusted input or throws BAD_REQUEST with the zod issues as details. */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw new AppError('BAD_REQUEST', zodDetails(result.error));
  return result.data;
}
