/**
 * Which signaling node HAProxy sends a meeting's sockets to: the edge names
 * the server in `X-GiaoBan-Node` on the meeting backend's answers. The request
 * carries no engine.io version, so the node answers 400 without opening a
 * session.
 */
export async function nodeOfMeeting(edgeUrl: string, meetingId: string): Promise<string> {
  const res = await fetch(`${edgeUrl}/socket.io/?meetingId=${encodeURIComponent(meetingId)}`);
  await res.arrayBuffer();
  const node = res.headers.get('x-giaoban-node');
  if (!node) throw new Error(`the edge named no node for meeting ${meetingId} (${res.status})`);
  return node;
}
