import { afterEach } from 'vitest';
import { cleanup, configure } from '@testing-library/react';
import { addLanguage, initI18n } from '../features/i18n/i18n';
import { en } from '../features/i18n/en';

/** Imported first by every component test: Vietnamese strings, a clean DOM after each test. */
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
void initI18n('vi');
// In the app English loads on demand; tests switch languages synchronously.
addLanguage('en', en);
afterEach(() => cleanup());
// The CI machine has 2 cores shared with browser tests: give async UI a few seconds.
configure({ asyncUtilTimeout: 5000 });
