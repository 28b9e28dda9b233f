export default function Pending(_props: { meetingId?: string }) {
  return <p>…</p>;
}
