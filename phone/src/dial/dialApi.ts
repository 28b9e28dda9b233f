import type { z } from 'zod';
import { AppError } from '@giaoban/common/errors';
import {
  dialPlanSchema,
  dialReportResponseSchema,
  phoneSessionResponseSchema,
  type DialPlan,
  type DialState,
  type PhoneSessionResponse,
} from '@giaoban/scheduler/api/phone';

/** The scheduler's dial-out routes, as the phone role calls them (Bearer: the phone key). */
export class DialApi {
  readonly #appUrl: string;
  readonly #key: string;

  constructor(appUrl: string, key: string) {
    this.#appUrl = appUrl;
    this.#key = key;
  }

  plan(callId: string): Promise<DialPlan> {
    return this.#post(`/api/phone/dial/${encodeURIComponent(callId)}/plan`, {}, dialPlanSchema);
  }

  /** Reports a step; false: stop (the call is no longer needed). */
  async report(callId: string, state: DialState, attempt: number): Promise<boolean> {
    const r = await this.#post(
      `/api/phone/dial/${encodeURIComponent(callId)}/state`,
      { state, attempt },
      dialReportResponseSchema,
    );
    return r.proceed;
  }

  /** A session of the called unit for the meeting (only while its dial-out call goes on). */
  unitSession(meetingId: string, unitId: string): Promise<PhoneSessionResponse> {
    return this.#post('/api/phone/unit-session', { meetingId, unitId }, phoneSessionResponseSchema);
  }

  async #post<S extends z.ZodType>(path: string, body: unknown, schema: S): Promise<z.infer<S>> {
    const res = await fetch(new URL(path, this.#appUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.#key}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5_000),
    });
    if (res.status !== 200) {
      const err = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
      throw new AppError('UNAVAILABLE', { status: res.status, code: err.error?.code, path });
    }
    return schema.parse(await res.json()) as z.infer<S>;
  }
}
