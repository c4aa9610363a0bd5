// The commands of `heartmind <command>`, one line each: its name, the summary `heartmind --help`
// prints, and the module exporting its `command: CliCommand` (loaded only when it runs). A module
// of its own rather than part of cli.ts, which runs the command line when imported, so that tests
// can read the list (test/docs.test.ts checks each command and flag the docs give against it).
import type { CliCommand } from './core/cli-command';

export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<{ command: CliCommand }>;
}

export const COMMANDS: CommandEntry[] = [
  { name: 'serve', summary: 'run the core in Node and serve the live dashboard at a local URL', load: () => import('./serve/serve-command') },
  { name: 'train', summary: 'train and evaluate a model (a recipe, or a dataset), export it to the model registry', load: () => import('./train/train-command') },
  { name: 'pretrain', summary: 'self-supervised pretraining of an EEG or ECG encoder (masked patches, ECG dual masking)', load: () => import('./train/pretrain-command') },
  { name: 'evaluate', summary: 'subject-wise evaluation of the model and its ablations next to the baseline', load: () => import('./train/evaluate-command') },
  { name: 'record', summary: 'record the running devices (simulated, or paired with --no-demo) into the session database', load: () => import('./sessions/record-command') },
  { name: 'sessions', summary: 'the session library: list, show, rename, tag, notes, delete, import and export files', load: () => import('./sessions/sessions-command') },
  { name: 'models', summary: 'the installed models: list, show a card, install an ONNX model with its card, remove', load: () => import('./model/models-command') },
  { name: 'export-model', summary: 'export a finished training run as a registry model (ONNX + card)', load: () => import('./train/export-command') },
];
