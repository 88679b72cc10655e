// The storefront: reads where the gateway is, then renders the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@mantine/core/styles.css';
import { configureGateway } from './api/client.ts';
import { loadConfig } from './config.ts';
import { App } from './app.tsx';

const root = document.getElementById('root');
if (!root) throw new Error('no #root element in index.html');

const config = await loadConfig();
configureGateway(config.gatewayUrl);
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
