import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import '../ui/ui.css'
import './register.css'
import { ToastProvider } from '../ui'
import { App } from './App'

// The app shell for offline starts (production builds only: Vite's dev server changes files).
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  window.addEventListener('load', () => void navigator.serviceWorker.register('/register/sw.js', { scope: '/register/' }).catch(() => {}))
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ToastProvider>
      <App />
    </ToastProvider>
  </StrictMode>,
)
