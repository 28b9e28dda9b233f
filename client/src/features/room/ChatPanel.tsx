import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChatMessage } from '@giaoban/signaling/protocol/meeting';
import { formatTime } from '../i18n/dateTime';

/** The room's text chat: a fallback channel when the voice breaks up. */
export function ChatPanel({
  messages,
  onSend,
  onClose,
}: {
  messages: readonly ChatMessage[];
  onSend(text: string): Promise<unknown>;
  onClose(): void;
}) {
  const { t, i18n } = useTranslation();
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const listRef = useRef<HTMLOListElement>(null);
  const id = useId();

  useEffect(() => {
    listRef.current?.lastElementChild?.scrollIntoView({ block: 'end' });
  }, [messages.length]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const value = text.trim();
    if (!value) return;
    setSending(true);
    try {
      await onSend(value);
      setText('');
    } finally {
      setSending(false);
    }
  };

  return (
    <aside className="chat-panel" aria-labelledby={`${id}-title`}>
      <div className="host-panel-head">
        <h2 id={`${id}-title`}>{t('room.chat')}</h2>
        <button type="button" className="btn btn-small btn-ghost" onClick={onClose}>
          {t('app.close')}
        </button>
      </div>
      <ol className="chat-messages" ref={listRef} aria-live="polite">
        {messages.map((m) => (
          <li key={m.id}>
            <strong>{m.unitName}</strong>{' '}
            <time className="muted" dateTime={new Date(m.at).toISOString()}>
              {formatTime(m.at, i18n.language)}
            </time>
            <p>{m.text}</p>
          </li>
        ))}
      </ol>
      <form onSubmit={(e) => void submit(e)} className="chat-form">
        <label htmlFor={`${id}-input`} className="visually-hidden">
          {t('room.chatMessage')}
        </label>
        <input
          id={`${id}-input`}
          value={text}
          maxLength={2000}
          placeholder={t('room.chatMessage')}
          onChange={(e) => setText(e.target.value)}
        />
        <button
          type="submit"
          className="btn btn-primary btn-small"
          disabled={sending || !text.trim()}
        >
          {t('room.send')}
        </button>
      </form>
    </aside>
  );
}
