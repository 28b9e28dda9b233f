import type { Resources } from '../i18n/vi';
import { vi } from '../i18n/vi';
import {
  languageLabels,
  languages,
  storeLanguage,
  storedLanguage,
  type Language,
} from '../i18n/languageChoice';
import { authStore, prefetchLogin, type AuthState } from './authCore';

/**
 * The login screen, in plain DOM: the first visit's only script is this form
 * (a few KB), not React (≈ 55 KB brotli) — on GPRS that is the form in about
 * 3 s instead of 17 s, while React and the app behind the login arrive as the
 * user types (boot.ts). React's LoginPage mounts this same form, so there is
 * one login screen. Strings come from vi.ts / en.ts (English loads when chosen).
 */

let english: Resources | null = null;
async function stringsOf(lng: Language): Promise<Resources> {
  if (lng === 'vi') return vi;
  english ??= (await import('../i18n/en')).en;
  return english;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string>> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) if (v !== undefined) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

export interface LoginFormOptions {
  /** The language was switched here (React passes i18next's setLanguage). */
  onLanguage?: (lng: Language) => void;
  /** The user started on the form: load what comes after the login. */
  onInterest?: () => void;
}

/** Renders the login form into `root`; returns the unmount function. */
export function mountLoginForm(root: HTMLElement, options: LoginFormOptions = {}): () => void {
  let s: Resources = vi;
  const title = el('h1');
  const tagline = el('p', { class: 'muted' });
  const heading = el('h2', { id: 'login-title' });
  const userLabel = el('label', { for: 'login-username' });
  const username = el('input', {
    id: 'login-username',
    name: 'username',
    autocomplete: 'username',
    autocapitalize: 'none',
    spellcheck: 'false',
    required: '',
    'aria-describedby': 'login-username-hint',
  });
  const hint = el('p', { id: 'login-username-hint', class: 'hint' });
  const passLabel = el('label', { for: 'login-password' });
  const password = el('input', {
    id: 'login-password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: '',
  });
  const errorSlot = el('div');
  const submit = el('button', { type: 'submit', class: 'btn btn-primary btn-block' });
  const form = el(
    'form',
    { 'aria-labelledby': 'login-title', novalidate: '' },
    heading,
    userLabel,
    username,
    hint,
    passLabel,
    password,
    errorSlot,
    submit,
  );
  const select = el('select');
  for (const l of languages) select.append(el('option', { value: l, lang: l }, languageLabels[l]));
  const langHidden = el('span', { class: 'visually-hidden' });
  // The CA certificate for commune PCs (served by the node at /ca, also over plain HTTP).
  const caLink = el('a', { href: '/ca', class: 'login-ca' });
  const screen = el(
    'main',
    { id: 'main', class: 'login-screen' },
    el(
      'div',
      { class: 'login-card' },
      el(
        'div',
        { class: 'login-brand' },
        el('span', { class: 'brand-mark', 'aria-hidden': 'true' }, 'GB'),
        el('div', {}, title, tagline),
      ),
      form,
      el(
        'div',
        { class: 'login-footer' },
        caLink,
        el('label', { class: 'lang-switch' }, langHidden, select),
      ),
    ),
  );

  const render = (state: AuthState) => {
    title.textContent = s.app.name;
    tagline.textContent = s.app.tagline;
    heading.textContent = s.auth.title;
    userLabel.textContent = s.auth.username;
    hint.textContent = s.auth.hint;
    passLabel.textContent = s.auth.password;
    langHidden.textContent = s.app.language;
    caLink.textContent = s.auth.caLink;
    select.setAttribute('aria-label', s.app.language);
    // Logged in but the app behind still downloading (boot.ts): keep saying so.
    const loading = state.status === 'authenticated';
    submit.textContent = loading
      ? s.app.loading
      : state.submitting
        ? s.auth.submitting
        : s.auth.submit;
    submit.disabled = state.submitting || loading;
    errorSlot.replaceChildren();
    if (state.error) {
      const errors = s.errors as Record<string, string>;
      errorSlot.append(
        el(
          'p',
          { role: 'alert', class: 'error-text', 'data-error-code': state.error },
          errors[state.error] ?? s.errors.UNKNOWN,
        ),
      );
    }
  };

  const setLanguage = async (lng: Language) => {
    try {
      s = await stringsOf(lng);
    } catch {
      select.value = storedLanguage(); // English did not arrive: stay as we are
      return;
    }
    storeLanguage(lng);
    select.value = lng;
    options.onLanguage?.(lng);
    render(authStore.getState());
  };

  // Loading what logging in needs (the zod contracts) starts when the user starts.
  let warmed = false;
  const warm = () => {
    if (warmed) return;
    warmed = true;
    prefetchLogin();
    options.onInterest?.();
  };
  form.addEventListener('focusin', warm);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!username.value || !password.value) return;
    void authStore.getState().login(username.value, password.value);
  });
  select.addEventListener('change', () => void setLanguage(select.value as Language));

  select.value = 'vi';
  render(authStore.getState());
  const unsubscribe = authStore.subscribe(render);
  root.replaceChildren(screen);
  // For bench:app-load: the moment the login screen is usable (what loads after is not its cost).
  performance.mark?.('gb-login-usable');
  if (storedLanguage() !== 'vi') void setLanguage(storedLanguage());

  return () => {
    unsubscribe();
    screen.remove();
  };
}
