/**
 * The device's language choice, without i18next: the first-visit login form
 * (features/auth/loginForm.ts) runs before i18next is loaded and must read and
 * keep the same choice.
 */
export const languages = ['vi', 'en'] as const;
export type Language = (typeof languages)[number];

export const languageLabels: Record<Language, string> = { vi: 'Tiếng Việt', en: 'English' };

const storageKey = 'giaoban.lang';

export function storedLanguage(): Language {
  try {
    return localStorage.getItem(storageKey) === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi';
  }
}

export function storeLanguage(lng: Language) {
  try {
    localStorage.setItem(storageKey, lng);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
  document.documentElement.lang = lng;
}
