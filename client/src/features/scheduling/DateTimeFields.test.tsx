import '../../test/setup';
import { describe, expect, it } from 'vitest';
import { useState } from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import { DateTimeFields, type DateTime } from './DateTimeFields';

function Harness({ initial, seen }: { initial: DateTime; seen: DateTime[] }) {
  const [value, setValue] = useState(initial);
  return (
    <form aria-label="f">
      <DateTimeFields
        id="w"
        value={value}
        onChange={(v) => {
          seen.push(v);
          setValue(v);
        }}
      />
    </form>
  );
}

describe('DateTimeFields', () => {
  it('shows dd/mm/yyyy and 24-hour time whatever the browser locale', () => {
    render(<Harness initial={{ date: '2026-12-07', time: '14:30' }} seen={[]} />);
    expect(screen.getByLabelText<HTMLInputElement>('Ngày').value).toBe('07/12/2026');
    expect(screen.getByLabelText<HTMLInputElement>('Giờ bắt đầu').value).toBe('14:30');
  });

  it('turns typed Vietnamese dates and times into values and tidies them on blur', () => {
    const seen: DateTime[] = [];
    render(<Harness initial={{ date: '2026-12-07', time: '08:00' }} seen={seen} />);
    const day = screen.getByLabelText<HTMLInputElement>('Ngày');
    fireEvent.change(day, { target: { value: '9/1/2027' } });
    expect(seen.at(-1)).toEqual({ date: '2027-01-09', time: '08:00' });
    fireEvent.blur(day);
    expect(day.value).toBe('09/01/2027');
    const time = screen.getByLabelText<HTMLInputElement>('Giờ bắt đầu');
    fireEvent.change(time, { target: { value: '13h45' } });
    fireEvent.blur(time);
    expect(time.value).toBe('13:45');
    expect(seen.at(-1)).toEqual({ date: '2027-01-09', time: '13:45' });
  });

  it('keeps a bad value as typed, explains it and blocks the form', () => {
    const seen: DateTime[] = [];
    render(<Harness initial={{ date: '2026-12-07', time: '08:00' }} seen={seen} />);
    const day = screen.getByLabelText<HTMLInputElement>('Ngày');
    fireEvent.change(day, { target: { value: '31/02/2026' } });
    fireEvent.blur(day);
    expect(day.value).toBe('31/02/2026');
    expect(day.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('alert').textContent).toBe(
      'Ngày không hợp lệ. Nhập ngày/tháng/năm, ví dụ 07/12/2026.',
    );
    expect(day.validationMessage).toContain('Ngày không hợp lệ');
    expect(seen.at(-1)).toEqual({ date: '', time: '08:00' });

    const time = screen.getByLabelText<HTMLInputElement>('Giờ bắt đầu');
    fireEvent.change(time, { target: { value: '2:30 PM' } });
    fireEvent.blur(time);
    expect(time.value).toBe('2:30 PM');
    expect(screen.getAllByRole('alert').map((a) => a.textContent)).toContain(
      'Giờ không hợp lệ. Nhập giờ:phút theo 24 giờ, ví dụ 08:00 hoặc 14:30.',
    );

    // Fixing the text clears the message.
    fireEvent.change(day, { target: { value: '28/02/2026' } });
    fireEvent.change(time, { target: { value: '14:30' } });
    expect(screen.queryAllByRole('alert')).toHaveLength(0);
    expect(day.validationMessage).toBe('');
    expect(seen.at(-1)).toEqual({ date: '2026-02-28', time: '14:30' });
  });
});
