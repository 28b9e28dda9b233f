import { useTranslation } from 'react-i18next';
import type { LinkIndicator } from '../meeting/link/linkIndicator';
import './linkBadge.css';

/**
 * A link-quality indicator: four bars and, when asked, the words. The level
 * logic is engineer E's (meeting/link/linkIndicator.ts); this only draws it.
 */
export function LinkBadge({
  indicator,
  showText = false,
}: {
  indicator: LinkIndicator;
  showText?: boolean;
}) {
  const { t } = useTranslation();
  const text = t(indicator.messageKey as 'app.name');
  return (
    <span
      className={`link-badge link-${indicator.level}`}
      title={text}
      data-link-level={indicator.level}
    >
      <span className="link-bars" role="img" aria-label={text}>
        {[1, 2, 3, 4].map((b) => (
          <span
            key={b}
            className={b <= indicator.bars ? 'on' : ''}
            style={{ height: `${b * 3 + 2}px` }}
          />
        ))}
      </span>
      {showText && <span className="link-text">{text}</span>}
    </span>
  );
}
