import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { initI18n } from './features/i18n/i18n';
import { translateFormValidity } from './features/i18n/formValidity';
import './app/styles.css';

translateFormValidity();

// Vietnamese at once; English waits for its small chunk. Until then the
// placeholder in index.html ("Đang tải GiaoBan…") stays.
void initI18n().then(() => {
  const root = document.getElementById('root');
  if (root)
    createRoot(root).render(
      <StrictMode>
        <App />
      </StrictMode>,
    );
});
