export default function MeetingEditor({ meetingId }: { meetingId: string | null }) {
  return <p>{meetingId}</p>;
}
