// The console's build: a single-page app served by the API at /console/ (src/http/console.ts).
// `npm run dev:console` runs this with a proxy to the API (CONSOLE_API_URL, default
// http://127.0.0.1:8000), so the app calls its own origin exactly as it does when served.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = process.env.CONSOLE_API_URL || 'http://127.0.0.1:8000';

export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    port: 5173,
    proxy: { '/api': api, '/health': api, '/docs': api },
  },
});
