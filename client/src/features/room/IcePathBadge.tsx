import { useTranslation } from 'react-i18next';
import type { IcePathInfo } from '../meeting/icePath';

const PROTOCOL = { udp: 'UDP', tcp: 'TCP', tls: 'TLS' } as const;

/** How this endpoint's media flows: directly, or through the province's TURN relay (and over what). */
export function IcePathBadge({ info }: { info: IcePathInfo | null }) {
  const { t } = useTranslation();
  if (!info) return null;
  const protocol = PROTOCOL[info.protocol];
  return (
    <span
      className="muted ice-path"
      data-ice-path={info.path}
      title={info.path === 'relay' ? t('room.path.relayHint') : undefined}
    >
      {t('room.path.label')}:{' '}
      {info.path === 'relay'
        ? t('room.path.relay', { protocol })
        : t('room.path.direct', { protocol })}
    </span>
  );
}
