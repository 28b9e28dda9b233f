import 'i18next';
import type { Resources } from './vi';

// Typed translation keys: a missing key is a compile error, not a blank label.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: Resources };
  }
}
