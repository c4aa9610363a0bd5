// Catches a render error in its subtree: that part shows a short message and a retry button,
// the rest of the window keeps working, and the error goes to the banner.
import { Component, createRef, type ComponentChildren } from 'preact';
import { appErrors } from './app-errors';
import { returnFocus } from './focus-return';

interface Props {
  where: string;
  children: ComponentChildren;
}

const CONTROL = 'button:not([disabled]), a[href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]';

export class ErrorBoundary extends Component<Props, { error: Error | null }> {
  override state = { error: null as Error | null };
  private readonly retryButton = createRef<HTMLButtonElement>();
  private readonly message = createRef<HTMLDivElement>();
  /**
   * Retry was pressed: where the message stood (its parent and the node before it), since its
   * button goes with it and the focus would fall to the page body.
   */
  private retried: { parent: Node; before: Node | null } | null = null;

  static override getDerivedStateFromError(error: unknown) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: unknown) {
    appErrors.report(error, this.props.where);
  }

  override componentDidUpdate() {
    const at = this.retried;
    if (!at) return;
    this.retried = null;
    // After the render queue has run: a part that throws again is first committed without its
    // error (the state comes back with the next render).
    setTimeout(() => {
      if (this.state.error) {
        returnFocus(this.retryButton.current);
        return;
      }
      // Back: the first control of what now stands where the message stood, else the nearest
      // focusable region around it (the view).
      const first = at.before ? at.before.nextSibling : at.parent.firstChild;
      const control = first instanceof HTMLElement ? (first.matches(CONTROL) ? first : first.querySelector<HTMLElement>(CONTROL)) : null;
      returnFocus(control ?? (at.parent instanceof Element ? at.parent.closest<HTMLElement>('[tabindex]') : null));
    });
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div class="panel-failed" role="alert" ref={this.message}>
        <strong>{this.props.where} stopped working.</strong>
        <span class="muted"> {error.message}</span>
        <button
          type="button"
          class="btn btn-small"
          ref={this.retryButton}
          onClick={() => {
            const at = this.message.current;
            this.retried = at?.parentNode ? { parent: at.parentNode, before: at.previousSibling } : null;
            this.setState({ error: null });
          }}
        >
          Retry
        </button>
      </div>
    );
  }
}
