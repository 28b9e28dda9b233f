import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { linkMessages } from '../meeting/link/linkIndicator';
import { en } from './en';
import { vi } from './vi';

export const languages = ['vi', 'en'] as const;
export type Language = (typeof languages)[number];

const storageKey = 'giaoban.lang';

function storedLanguage(): Language {
  try {
    const v = localStorage.getItem(storageKey);
    return v === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

/** Engineer E's link messages ('link.good' …) as a nested `link` namespace of our strings. */
function nested(messages: Record<string, string>) {
  const out: Record<string, Record<string, string>> = {};
  for (const [key, text] of Object.entries(messages)) {
    const [group, name] = key.split('.') as [string, string];
    (out[group] ??= {})[name] = text;
  }
  return out;
}

/** Initialises i18next once; Vietnamese unless the user chose English on this device. */
export function initI18n(lng: Language = storedLanguage()) {
  if (!i18next.isInitialized) {
    void i18next.use(initReactI18next).init({
      lng,
      fallbackLng: 'vi',
      resources: {
        vi: { translation: { ...vi, ...nested(linkMessages.vi) } },
        en: { translation: { ...en, ...nested(linkMessages.en) } },
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
  return i18next;
}

export function setLanguage(lng: Language) {
  try {
    localStorage.setItem(storageKey, lng);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
  void i18next.changeLanguage(lng);
}
