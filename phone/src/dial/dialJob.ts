import type { Logger } from '@giaoban/common/logger';
import type { DialJob } from '@giaoban/scheduler/api/phone';
import { maskPhone } from '@giaoban/scheduler/phone/unitPhones';
import type { PinResult } from '../call/phoneCall';
import type { Prompts } from '../media/prompts';
import { speak } from '../media/prompts';
import type { PhoneServer } from '../sip/phoneServer';
import type { DialApi } from './dialApi';
import { placeCall, type PlaceOutcome } from './placeCall';

/** How often a ringing call asks whether it is still needed. */
const RECHECK_MS = 3_000;

export interface DialDeps {
  api: DialApi;
  server: PhoneServer;
  prompts: Prompts;
  promptDir: string;
  /** `sip:{number}@trunk`. */
  uriTemplate: string;
  user: string | undefined;
  password: string | undefined;
  outboundProxy: string | undefined;
  timeoutMs: number;
  repeats: number;
  log: Logger;
  /** The called unit's session → the meeting (as dial-in's). */
  join(
    session: { token: string; meetingId: string; unitId: string },
    callId: string,
  ): Promise<PinResult>;
}

/**
 * One dial-out job from the queue: the unit's numbers one after another until
 * the callee presses 1 and joins; each step reported to the scheduler, which
 * may say stop (acknowledged, joined, emergency ended). The last number's
 * outcome is the call's (không trả lời / máy bận / failed).
 */
export async function runDialJob(job: DialJob, d: DialDeps): Promise<void> {
  const { callId } = job;
  const log = d.log.child({ dialOut: callId });
  const plan = await d.api.plan(callId);
  if (!plan.proceed || plan.numbers.length === 0) {
    await d.api.report(callId, 'cancelled', 0);
    log.info({ unitId: plan.unitId }, 'dial-out not needed any more');
    return;
  }
  // "Cuộc họp … của … đang diễn ra. Bấm phím 1 để vào họp.", made while the first number rings.
  const prompt = speak(`Cuộc họp ${plan.title} của ${plan.hostName} đang diễn ra.`, d.promptDir)
    .then((own) => Buffer.concat([own, d.prompts.pressOne]))
    .catch((err: unknown) => {
      log.warn({ err }, 'dial-out prompt not spoken: the general one instead');
      return d.prompts.dialOut;
    });
  let last: PlaceOutcome = 'failed';
  let attempt = 0;
  for (const number of plan.numbers) {
    attempt++;
    if (!(await d.api.report(callId, 'calling', attempt))) {
      log.info({ attempt }, 'dial-out stopped: no longer needed');
      return;
    }
    // While it rings, and once answered until 1 is pressed, the scheduler is asked again now
    // and then: acknowledged or joined in the app meanwhile → CANCEL, or a goodbye and BYE.
    const stop = new AbortController();
    let ringing: NodeJS.Timeout | undefined;
    const report = (state: 'ringing' | 'answered') => {
      clearInterval(ringing);
      const ask = () =>
        d.api
          .report(callId, state, attempt)
          .then((go) => !go && stop.abort())
          .catch((err: unknown) => log.warn({ err, state }, 'dial-out progress not reported'));
      void ask();
      ringing = setInterval(() => void ask(), RECHECK_MS);
    };
    try {
      last = await placeCall({
        server: d.server,
        uri: d.uriTemplate.replace('{number}', number),
        masked: maskPhone(number),
        user: d.user,
        password: d.password,
        outboundProxy: d.outboundProxy,
        timeoutMs: d.timeoutMs,
        prompt: await prompt,
        repeats: d.repeats,
        log,
        onRinging: () => report('ringing'),
        onAnswered: () => report('answered'),
        signal: stop.signal,
        join: async (sipCallId) => {
          const s = await d.api.unitSession(plan.meetingId, plan.unitId);
          return d.join(s, sipCallId);
        },
      });
    } catch (err) {
      log.error({ err, attempt }, 'dial-out call failed');
      last = 'failed';
    } finally {
      clearInterval(ringing);
    }
    if (last === 'cancelled') {
      log.info({ attempt }, 'dial-out cancelled: no longer needed');
      await d.api.report(callId, 'cancelled', attempt);
      return;
    }
    log.info(
      { attempt, of: plan.numbers.length, number: maskPhone(number), outcome: last },
      'dial-out attempt',
    );
    if (last === 'joined') break;
  }
  await d.api.report(callId, last, attempt);
}
