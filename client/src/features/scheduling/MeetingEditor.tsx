import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Conflict, Meeting } from '@giaoban/scheduler/api/meetings';
import { errorCodeOf, type ClientErrorCode } from '../../app/api';
import { Link } from '../../app/Link';
import { navigate } from '../../app/router';
import { useAuth } from '../auth/authStore';
import { ErrorText } from '../i18n/ErrorText';
import { useUnits } from '../units/unitsStore';
import { ConflictList } from './ConflictList';
import { DateTimeFields } from './DateTimeFields';
import {
  cancelMeeting,
  createMeeting,
  getMeeting,
  startMeetingNow,
  updateMeeting,
} from './meetingsApi';
import { fromRrule, noRecurrence, toRrule, weekdayOf, type RecurrenceForm } from './recurrence';
import { RecurrenceFields } from './RecurrenceFields';
import { toSelectors } from './selectors';
import { UnitTreePicker } from './UnitTreePicker';
import { vnInstant, vnParts } from './vnTime';
import './scheduling.css';
import { Loading } from '../../app/Loading';

interface Form {
  title: string;
  description: string;
  date: string;
  time: string;
  durationMinutes: number;
  recurrence: RecurrenceForm;
  invited: Set<string>;
}

function tomorrowAt8(): Pick<Form, 'date' | 'time'> {
  const { date } = vnParts(new Date(Date.now() + 86_400_000).toISOString());
  return { date, time: '08:00' };
}

function formOf(m: Meeting): Form {
  return {
    title: m.title,
    description: m.description,
    ...vnParts(m.start),
    durationMinutes: m.durationMinutes,
    recurrence: fromRrule(m.recurrence?.rrule),
    invited: new Set(m.invitedUnitIds),
  };
}

/**
 * A new meeting may not start in the past; an edited one only if it is moved
 * there (renaming a running meeting is fine, as on the server). An edited
 * series is left to the server, which knows whether sessions remain ahead.
 */
function inPast(meeting: Meeting | null, repeats: boolean, startMs: number): boolean {
  if (startMs >= Date.now()) return false;
  if (!meeting) return true;
  // The form has minutes: a "meet now" start at 08:02:37 comes back as 08:02, unchanged.
  return (
    !repeats && Math.floor(startMs / 60_000) !== Math.floor(Date.parse(meeting.start) / 60_000)
  );
}

/** Create or edit a one-off or recurring meeting and whom it invites. */
export default function MeetingEditor({
  meetingId,
  startNow = false,
}: {
  meetingId: string | null;
  /** An ad-hoc meeting that opens at once ("Họp ngay"): no date, no recurrence. */
  startNow?: boolean;
}) {
  const { t } = useTranslation();
  const account = useAuth((s) => s.account);
  const index = useUnits((s) => s.index);
  const id = useId();
  const [meeting, setMeeting] = useState<Meeting | null>(null);
  const [form, setForm] = useState<Form>(() => ({
    title: '',
    description: '',
    ...tomorrowAt8(),
    durationMinutes: 60,
    recurrence: { ...noRecurrence },
    invited: new Set(),
  }));
  const [error, setError] = useState<ClientErrorCode | null>(null);
  const [noInvited, setNoInvited] = useState(false);
  // Checked here because the scheduler accepts both and the host would see nothing:
  // a series ending before its start has no session, a new meeting in the past is never held.
  const [dateProblem, setDateProblem] = useState<
    'untilBeforeStart' | 'startInPast' | 'badWhen' | null
  >(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<{ conflicts: Conflict[] } | null>(null);

  useEffect(() => {
    if (!meetingId) return;
    getMeeting(meetingId).then(
      (m) => {
        setMeeting(m);
        setForm(formOf(m));
      },
      (err: unknown) => setError(errorCodeOf(err)),
    );
  }, [meetingId]);

  if (!account || !index) return <Loading />;
  if (meetingId && !meeting) return error ? <ErrorText code={error} /> : <Loading />;

  const set = (patch: Partial<Form>) => setForm((f) => ({ ...f, ...patch }));
  const scopeId = meeting?.hostUnitId ?? account.unitId;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setNoInvited(form.invited.size === 0);
    const repeats = form.recurrence.freq !== 'none';
    const problem =
      (!startNow && (!form.date || !form.time)) ||
      (repeats && form.recurrence.end === 'until' && form.recurrence.until === '')
        ? 'badWhen'
        : repeats &&
            form.recurrence.end === 'until' &&
            form.recurrence.until !== '' &&
            form.recurrence.until < form.date
          ? 'untilBeforeStart'
          : !startNow && inPast(meeting, repeats, Date.parse(vnInstant(form.date, form.time)))
            ? 'startInPast'
            : null;
    setDateProblem(problem);
    if (form.invited.size === 0 || problem) return;
    const recurrence = form.recurrence;
    // A weekly rule with no day ticked repeats on the start's own weekday.
    const rrule = toRrule(
      recurrence.freq === 'WEEKLY' && recurrence.byDay.length === 0
        ? { ...recurrence, byDay: [weekdayOf(form.date)] }
        : recurrence,
    );
    const body = {
      title: form.title.trim(),
      description: form.description,
      start: vnInstant(form.date, form.time),
      durationMinutes: form.durationMinutes,
      recurrence: rrule ? { rrule } : null,
      selectors: toSelectors(index, scopeId, form.invited),
    };
    setSaving(true);
    setError(null);
    if (startNow) {
      try {
        const res = await startMeetingNow({
          title: body.title,
          durationMinutes: body.durationMinutes,
          selectors: body.selectors,
        });
        navigate({ name: 'prejoin', meetingId: res.meeting.id });
      } catch (err) {
        setError(errorCodeOf(err));
        setSaving(false);
      }
      return;
    }
    try {
      const res = meeting
        ? await updateMeeting(meeting.id, { ...body, version: meeting.version })
        : await createMeeting(body);
      setMeeting(res.meeting);
      setSaved({ conflicts: res.conflicts });
      if (res.conflicts.length === 0) navigate({ name: 'schedule' });
    } catch (err) {
      setError(errorCodeOf(err));
    } finally {
      setSaving(false);
    }
  };

  const cancelSeries = async () => {
    if (!meeting || !window.confirm(t('schedule.confirmCancelMeeting', { title: meeting.title })))
      return;
    try {
      await cancelMeeting(meeting.id);
      navigate({ name: 'schedule' });
    } catch (err) {
      setError(errorCodeOf(err));
    }
  };

  if (saved && saved.conflicts.length > 0)
    return (
      <section className="panel" aria-labelledby={`${id}-saved`}>
        <h1 id={`${id}-saved`}>{t('schedule.savedWithConflicts')}</h1>
        <ConflictList conflicts={saved.conflicts} />
        <div className="form-actions">
          <button type="button" className="btn" onClick={() => setSaved(null)}>
            {t('schedule.keepEditing')}
          </button>
          <Link to={{ name: 'schedule' }} className="btn btn-primary">
            {t('schedule.done')}
          </Link>
        </div>
      </section>
    );

  return (
    <section aria-labelledby={`${id}-title`}>
      <h1 id={`${id}-title`}>
        {startNow
          ? t('schedule.nowTitle')
          : meeting
            ? t('schedule.editTitle')
            : t('schedule.newTitle')}
      </h1>
      <form className="meeting-form" onSubmit={(e) => void submit(e)}>
        <div className="panel form-grid">
          <div className="span-2">
            <label htmlFor={`${id}-t`}>{t('schedule.meetingTitle')}</label>
            <input
              id={`${id}-t`}
              required
              maxLength={200}
              value={form.title}
              onChange={(e) => set({ title: e.target.value })}
            />
          </div>
          {!startNow && (
            <DateTimeFields
              id={id}
              value={{ date: form.date, time: form.time }}
              onChange={(v) => set(v)}
              showZoneHint
            />
          )}
          <div>
            <label htmlFor={`${id}-m`}>{t('schedule.duration')}</label>
            <select
              id={`${id}-m`}
              value={form.durationMinutes}
              onChange={(e) => set({ durationMinutes: Number(e.target.value) })}
            >
              {[30, 45, 60, 90, 120, 180, 240].map((m) => (
                <option key={m} value={m}>
                  {t('schedule.minutes', { count: m })}
                </option>
              ))}
            </select>
          </div>
          {!startNow && (
            <div className="span-2">
              <RecurrenceFields
                value={form.recurrence}
                onChange={(recurrence) => set({ recurrence })}
              />
            </div>
          )}
          <div className="span-2">
            <label htmlFor={`${id}-desc`}>{t('schedule.description')}</label>
            <textarea
              id={`${id}-desc`}
              rows={3}
              maxLength={2000}
              value={form.description}
              onChange={(e) => set({ description: e.target.value })}
            />
          </div>
        </div>
        <div className="panel">
          <UnitTreePicker
            index={index}
            scopeId={scopeId}
            selected={form.invited}
            onChange={(invited) => set({ invited })}
            label={t('schedule.invitedUnits')}
          />
        </div>
        {noInvited && (
          <p role="alert" className="error-text">
            {t('schedule.noInvited')}
          </p>
        )}
        {dateProblem && (
          <p role="alert" className="error-text">
            {t(`schedule.${dateProblem}`)}
          </p>
        )}
        {error && <ErrorText code={error} />}
        <div className="form-actions">
          {meeting && meeting.status === 'active' && (
            <button type="button" className="btn btn-danger" onClick={() => void cancelSeries()}>
              {t('schedule.cancelMeeting')}
            </button>
          )}
          <span className="spacer" />
          <Link to={{ name: 'schedule' }} className="btn">
            {t('app.cancel')}
          </Link>
          <button type="submit" className="btn btn-primary" disabled={saving}>
            {saving ? t('schedule.saving') : startNow ? t('schedule.startNow') : t('app.save')}
          </button>
        </div>
      </form>
    </section>
  );
}
