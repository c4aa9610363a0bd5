// Renderer entry: connect to the core (Electron bridge or WebSocket), then render the shell.
// Nothing here may throw to a blank window: every failure lands in the error banner.
import { render } from 'preact';
import './styles/app.css';
import { connectToCore } from './transport/connect';
import { LiveStore } from './live/live-store';
import { App } from './shell/app';
import { appErrors, installGlobalErrorHandlers } from './shell/app-errors';
import { ErrorBoundary } from './shell/error-boundary';

installGlobalErrorHandlers();
const root = document.getElementById('app')!;
try {
  const client = connectToCore();
  client.onError((err) => appErrors.report(err, 'transport'));
  const live = new LiveStore(client);
  render(
    <ErrorBoundary where="HeartMind">
      <App client={client} live={live} />
    </ErrorBoundary>,
    root,
  );
} catch (err) {
  appErrors.report(err, 'startup');
  root.textContent = `HeartMind could not start: ${(err as Error).message}`;
}
