import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { linkMessages } from '../meeting/link/linkIndicator';
import type { Resources } from './vi';
import { vi } from './vi';

import { storeLanguage, storedLanguage, type Language } from './languageChoice';

export { languages, type Language } from './languageChoice';

/** Engineer E's link messages ('link.good' …) as a nested `link` namespace of our strings. */
function nested(messages: Record<string, string>) {
  const out: Record<string, Record<string, string>> = {};
  for (const [key, text] of Object.entries(messages)) {
    const [group, name] = key.split('.') as [string, string];
    (out[group] ??= {})[name] = text;
  }
  return out;
}

/**
 * Vietnamese ships with the first script; English (a few KB) loads when chosen,
 * so that the first visit of a Vietnamese commune does not carry both.
 */
const loaded = new Set<Language>(['vi']);

/** Registers a language's strings (the English chunk once loaded; tests register it up front). */
export function addLanguage(lng: Language, strings: Resources) {
  i18next.addResourceBundle(lng, 'translation', { ...strings, ...nested(linkMessages[lng]) });
  loaded.add(lng);
}

async function ensureLanguage(lng: Language): Promise<void> {
  if (loaded.has(lng)) return;
  const { en } = await import('./en');
  addLanguage('en', en);
}

/**
 * Initialises i18next once; Vietnamese unless the user chose English on this
 * device. Resolves when the chosen language's strings are there (at once for
 * Vietnamese; after one small request for English).
 */
export function initI18n(lng: Language = storedLanguage()): Promise<void> {
  if (!i18next.isInitialized) {
    void i18next.use(initReactI18next).init({
      lng: 'vi',
      fallbackLng: 'vi',
      resources: {
        vi: { translation: { ...vi, ...nested(linkMessages.vi) } },
      },
      interpolation: { escapeValue: false },
      initAsync: false,
      showSupportNotice: false,
    });
    i18next.on('languageChanged', (l) => {
      document.documentElement.lang = l;
    });
  }
  document.documentElement.lang = i18next.language;
  if (lng === i18next.language) return Promise.resolve();
  return ensureLanguage(lng).then(
    () => void i18next.changeLanguage(lng),
    () => undefined, // English did not arrive (link down): stay in Vietnamese
  );
}

export function setLanguage(lng: Language) {
  storeLanguage(lng);
  if (loaded.has(lng)) void i18next.changeLanguage(lng);
  else
    ensureLanguage(lng).then(
      () => void i18next.changeLanguage(lng),
      () => undefined, // not loaded (link down): the switch keeps showing the current language
    );
}
