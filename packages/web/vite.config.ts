import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

// The register is served by the Patron server at /register/ (packages/server/src/http/web-app.ts).
// Its build goes to dist/register so the back office and portal can sit beside it later.
export default defineConfig({
  base: '/register/',
  plugins: [react()],
  build: {
    outDir: 'dist/register',
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: true,
  },
  server: {
    // `npm run dev -w @patron/web` next to `npm start`: the API comes from the Patron server.
    proxy: { '/api': `http://127.0.0.1:${process.env.PORT ?? 3000}` },
  },
})
