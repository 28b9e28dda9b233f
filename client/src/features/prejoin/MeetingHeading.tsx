export function MeetingHeading({ meetingId }: { meetingId: string }) {
  return <p className="muted">{meetingId}</p>;
}
