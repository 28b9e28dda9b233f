import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
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

/** Initialises i18next once; Vietnamese unless the user chose English on this device. */
export function initI18n(lng: Language = storedLanguage()) {
  if (!i18next.isInitialized) {
    void i18next.use(initReactI18next).init({
      lng,
      fallbackLng: 'vi',
      resources: { vi: { translation: vi }, en: { translation: en } },
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
