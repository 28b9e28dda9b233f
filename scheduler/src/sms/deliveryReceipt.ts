/**
 * A delivery receipt as the SMSC sends it in deliver_sm (esm_class bits 2–5 = 0001):
 * the submitted message's id and its final state, from the receipted_message_id and
 * message_state TLVs when present, else from the receipt text
 * ("id:… sub:001 dlvrd:001 submit date:… done date:… stat:DELIVRD err:000 text:…",
 * SMPP 3.4 appendix B).
 */
export interface DeliveryReceipt {
  messageId: string;
  /** DELIVRD, EXPIRED, DELETED, UNDELIV, ACCEPTD, UNKNOWN, REJECTD (or ENROUTE). */
  state: string;
  delivered: boolean;
}

/** message_state TLV values (SMPP 5.0 §4.7.15) → the receipt text's stat words. */
const STATES: Record<number, string> = {
  1: 'ENROUTE',
  2: 'DELIVRD',
  3: 'EXPIRED',
  4: 'DELETED',
  5: 'UNDELIV',
  6: 'ACCEPTD',
  7: 'UNKNOWN',
  8: 'REJECTD',
};

/** deliver_sm's fields as the smpp package decodes them (by their SMPP names). */
export type DeliverSmFields = Readonly<Record<string, unknown>>;

export function isReceipt(pdu: DeliverSmFields): boolean {
  return (Number(pdu.esm_class ?? 0) & 0x3c) === 0x04;
}

export function parseReceipt(pdu: DeliverSmFields): DeliveryReceipt | null {
  if (!isReceipt(pdu)) return null;
  const text = messageText(pdu.short_message);
  const fromText = (key: string) =>
    new RegExp(`(?:^|\\s)${key}:(\\S*)`, 'i').exec(text)?.[1] ?? undefined;
  const tlvId =
    typeof pdu.receipted_message_id === 'string' && pdu.receipted_message_id
      ? pdu.receipted_message_id
      : undefined;
  const messageId = tlvId ?? fromText('id');
  const tlvState = typeof pdu.message_state === 'number' ? STATES[pdu.message_state] : undefined;
  const state = (tlvState ?? fromText('stat') ?? 'UNKNOWN').toUpperCase();
  if (!messageId) return null;
  return { messageId, state, delivered: state === 'DELIVRD' };
}

/** The smpp package decodes short_message to { message } (string or bytes); be lenient. */
function messageText(sm: unknown): string {
  if (typeof sm === 'string') return sm;
  if (Buffer.isBuffer(sm)) return sm.toString('latin1');
  if (sm && typeof sm === 'object' && 'message' in sm) return messageText(sm.message);
  return '';
}
