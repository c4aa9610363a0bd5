import { render } from 'preact';

render(<h1>HeartMind</h1>, document.getElementById('app')!);
