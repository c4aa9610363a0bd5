// Catches a render error in its subtree: that part shows a short message and a retry button,
// the rest of the window keeps working, and the error goes to the banner.
import { Component, type ComponentChildren } from 'preact';
import { appErrors } from './app-errors';

interface Props {
  where: string;
  children: ComponentChildren;
}

export class ErrorBoundary extends Component<Props, { error: Error | null }> {
  override state = { error: null as Error | null };

  static override getDerivedStateFromError(error: unknown) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: unknown) {
    appErrors.report(error, this.props.where);
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div class="panel-failed" role="alert">
        <strong>{this.props.where} stopped working.</strong>
        <span class="muted"> {error.message}</span>
        <button type="button" class="btn btn-small" onClick={() => this.setState({ error: null })}>
          Retry
        </button>
      </div>
    );
  }
}
