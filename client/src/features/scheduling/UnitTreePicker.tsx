import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UnitNode } from '@giaoban/scheduler/api/units';
import { foldText } from '../units/foldText';
import { TierBadge } from '../units/TierBadge';
import { subtree, tierOf, unitPath, type UnitIndex } from '../units/unitsStore';
import './scheduling.css';

interface Props {
  index: UnitIndex;
  /** The host's own unit: only its subtree can be invited. */
  scopeId: string;
  selected: ReadonlySet<string>;
  onChange(next: Set<string>): void;
  /** Accessible name of the whole picker. */
  label: string;
}

/** The lowest-tier children of a unit (the communes of a district). */
export function leafChildren(node: UnitNode): UnitNode[] {
  return node.children.filter((c) => c.children.length === 0);
}

/**
 * Picks invited units from the org tree: search by name (tone marks optional),
 * expand a district, tick units one by one or all communes of a district at once.
 */
export function UnitTreePicker({ index, scopeId, selected, onChange, label }: Props) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const searchId = useId();
  const scope = index.byId.get(scopeId);

  const matches = useMemo(() => {
    const q = foldText(query);
    if (!q || !scope) return null;
    return subtree(index, scope.id)
      .filter((u) => foldText(u.name).includes(q) || u.id === query.trim())
      .slice(0, 50);
  }, [query, index, scope]);

  if (!scope) return null;

  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    onChange(next);
  };
  const setMany = (ids: string[], on: boolean) => {
    const next = new Set(selected);
    for (const id of ids) {
      if (on) next.add(id);
      else next.delete(id);
    }
    onChange(next);
  };

  const checkbox = (u: UnitNode, showPath = false) => (
    <label className="unit-option">
      <input
        type="checkbox"
        checked={selected.has(u.id)}
        onChange={(e) => toggle(u.id, e.target.checked)}
      />
      <span className="unit-option-name">{u.name}</span>
      <TierBadge tier={tierOf(index, u)} tierId={u.tier} unitType={u.type} />
      {showPath && (
        <span className="muted unit-option-path">
          {unitPath(index, u.id)
            .slice(1, -1)
            .map((p) => p.name)
            .join(' › ')}
        </span>
      )}
    </label>
  );

  const group = (node: UnitNode, depth: number) => {
    const leaves = leafChildren(node);
    const allOn = leaves.length > 0 && leaves.every((l) => selected.has(l.id));
    const count = subtree(index, node.id).filter((u) => selected.has(u.id)).length;
    return (
      <details key={node.id} className="unit-group" open={depth === 0}>
        <summary>
          <span className="unit-group-name">{node.name}</span>
          {count > 0 && (
            <span className="unit-group-count">{t('scheduling.selectedCount', { count })}</span>
          )}
        </summary>
        <div className="unit-group-body">
          {checkbox(node)}
          {leaves.length > 0 && (
            <button
              type="button"
              className="btn btn-small"
              aria-pressed={allOn}
              onClick={() =>
                setMany(
                  leaves.map((l) => l.id),
                  !allOn,
                )
              }
            >
              {allOn
                ? t('scheduling.noneOfChildren', { name: node.name })
                : t('scheduling.allOfChildren', { name: node.name, count: leaves.length })}
            </button>
          )}
          <ul className="unit-list">
            {node.children.map((c) => (
              <li key={c.id}>{c.children.length > 0 ? group(c, depth + 1) : checkbox(c)}</li>
            ))}
          </ul>
        </div>
      </details>
    );
  };

  return (
    <fieldset className="unit-picker">
      <legend>{label}</legend>
      <div className="unit-picker-bar">
        <label htmlFor={searchId} className="visually-hidden">
          {t('scheduling.searchUnits')}
        </label>
        <input
          id={searchId}
          type="search"
          placeholder={t('scheduling.searchUnits')}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <span className="unit-picker-count" aria-live="polite">
          {t('scheduling.selectedCount', { count: selected.size })}
        </span>
        {selected.size > 0 && (
          <button type="button" className="btn btn-small" onClick={() => onChange(new Set())}>
            {t('scheduling.clearSelection')}
          </button>
        )}
      </div>
      {matches ? (
        <ul className="unit-list unit-search-results" aria-label={t('scheduling.searchResults')}>
          {matches.length === 0 && <li className="muted">{t('scheduling.noMatch')}</li>}
          {matches.map((u) => (
            <li key={u.id}>{checkbox(u, true)}</li>
          ))}
        </ul>
      ) : (
        <div className="unit-tree">{group(scope, 0)}</div>
      )}
    </fieldset>
  );
}
