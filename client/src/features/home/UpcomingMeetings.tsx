export function UpcomingMeetings({ unitId }: { unitId: string }) {
  return <section data-unit={unitId} />;
}
