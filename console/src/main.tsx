import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { App } from './App.tsx';
import { restoreSession } from './session.ts';

// The API is the page's own origin: the server serves the console at /console/ (and Vite's dev
// server proxies /api to it).
const session = await restoreSession({ baseUrl: window.location.origin, store: window.sessionStorage });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter basename="/console">
      <App session={session} />
    </BrowserRouter>
  </StrictMode>,
);
