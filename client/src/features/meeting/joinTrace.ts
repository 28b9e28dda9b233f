/**
 * Where a join's time goes, click → first audio (issue 13, GPRS): each step's
 * moment on the page's clock (performance.now, ms). The pre-join click starts a
 * new trace; the engine and its transports add their steps. Read by
 * `npm run bench:app-join` through `globalThis.giaobanJoinTrace`; costs an
 * array push per step and nothing on the wire.
 */
export interface JoinMark {
  step: string;
  at: number;
}

const marks: JoinMark[] = [];
(globalThis as { giaobanJoinTrace?: JoinMark[] }).giaobanJoinTrace = marks;

/** The click (what came before it stays: the prepared join's steps). */
export function startJoinTrace(): void {
  markJoin('click');
}

/** One step; the first 300 of a page are kept. */
export function markJoin(step: string): void {
  if (marks.length < 300) marks.push({ step, at: performance.now() });
}
