// The storefront's build: a single-page React app; `npm run build -w @marketplace/web` writes dist/.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', sourcemap: true },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
});
