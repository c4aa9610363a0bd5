// `heartmind models <verb>`: the installed models from a terminal, as the Models view lists them:
// the shipped ones and the user's (<data folder>/models), each usable or with its problems, and
// which one runs live. Install and remove go through the same registry as the app's Install and
// Remove; a running app or serve sees the change within a second (it watches the folder).
import { resolve } from 'node:path';
import { CliUsageError, parseFlags, unknownName, type CliIo } from '../core/cli-command';
import type { CliCommand } from '../core/cli-command';
import { defaultDataDir } from '../core/data-dir';
import { formatBytes } from '../../shared/byte-size';
import { renderModelCard } from '../../shared/model/card';
import type { ModalityContract, ModelCard } from '../../shared/model/model.types';
import { isListedActive } from '../../shared/model/model-list';
import { activeModelId, defaultBuiltinModelsDir, readActiveChoice, type ActiveChoice } from './models.core';
import { installedText, installModel } from './install-model';
import { ModelRegistry, type InstalledModel } from './registry';

export const command: CliCommand = {
  usage: [
    'usage: heartmind models <verb> [arguments] [--data-dir DIR] [--json]',
    '',
    '  list                   the installed models: id, version, shipped or yours, tasks, input, size; * = the one that runs live',
    '  show ID                a model\'s card (tasks, input, training, evaluation, limitations), its files and problems',
    '  install ONNX CARD      copy a model (its .onnx file and card.json) into your models folder; one of yours with',
    '                         the same id is replaced. It runs live once chosen with Use in the app\'s Models view',
    '  install FOLDER         the same from a model folder (card.json and its model.onnx, as export-model writes it)',
    '  remove ID --yes        delete one of your models (the shipped ones cannot be removed)',
    '',
    '  --data-dir DIR  profile folder holding your models/ (default $HEARTMIND_DATA_DIR, else the per-user app-data folder);',
    '                  the shipped models are the app\'s models/ ($HEARTMIND_MODELS_DIR points it elsewhere)',
    '  --json          machine-readable output (list, show)',
    '',
    'examples:',
    '  heartmind models list',
    '  heartmind models show heartmind-eegmat-arithmetic --json',
    '  heartmind models install my-model                        # a folder export-model wrote',
  ].join('\n'),
  run,
};

/** 'EEG 19 ch' / 'EEG 1–64 ch' / 'ECG 1 lead', for a list line. */
function modalityText(name: 'EEG' | 'ECG', m: ModalityContract): string {
  const one = m.channels === 'any' ? m.minChannels === m.maxChannels : true;
  const count = m.channels === 'any' ? m.maxChannels : m.channels.length;
  const n = m.channels === 'any' ? (one ? String(m.minChannels) : `${m.minChannels}–${m.maxChannels}`) : String(count);
  return name === 'ECG' ? `ECG ${n} ${one && count === 1 ? 'lead' : 'leads'}` : `EEG ${n} ch`;
}

function inputText(card: ModelCard): string {
  const parts = [card.input.eeg && modalityText('EEG', card.input.eeg), card.input.ecg && modalityText('ECG', card.input.ecg)].filter(Boolean);
  return `${parts.join(' + ')}, ${card.input.windowSeconds}-s windows`;
}

/** A model file's size in the units of `heartmind sessions list` and the Sessions view (formatBytes; it was MiB here alone). */
const sizeText = (m: InstalledModel) => (m.onnxStamp ? formatBytes(m.sizeBytes) : 'cannot be read');

/** Why the marked model runs, or why none does: the words the Models view would give. */
function activeText(models: InstalledModel[], activeId: string | null, choice: ActiveChoice): string {
  const chosen = choice.chosenNone || (choice.activeId !== null && choice.activeId === activeId);
  if (!activeId) {
    if (!models.some((m) => m.problems.length === 0)) return 'no usable model is installed';
    return chosen ? 'none (Stop was chosen in Models; Use there runs one)' : 'none: a model runs once chosen with Use in the app\'s Models view';
  }
  const m = models.find((x) => x.id === activeId)!;
  // A choice saved for a model removed since gives way to the shipped default: not "no model has been chosen".
  const why = chosen ? 'chosen with Use' : choice.activeId ? `the shipped default: the chosen model '${choice.activeId}' is no longer installed` : 'the shipped default: no model has been chosen';
  return `${activeId} (${why})${m.problems.length ? ', but it cannot be used now: see heartmind models show ' + activeId : ''}`;
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    'data-dir': { type: 'string' },
    json: { type: 'boolean' },
    yes: { type: 'boolean' },
  });
  const [verb, ...args] = positionals;
  const want = (n: number, what: string) => {
    if (args.length !== n) throw new CliUsageError(`${verb} takes ${what}, got ${args.length ? args.map((a) => `'${a}'`).join(' ') : 'none'}`);
  };
  if (!verb) throw new CliUsageError('which verb? (list, show, install, remove)');
  if (verb === 'list') want(0, 'no arguments');
  else if (verb === 'show' || verb === 'remove') want(1, 'one model id');
  else if (verb === 'install') {
    if (args.length !== 1 && args.length !== 2) want(2, 'a model folder, or two paths: the .onnx file and its card.json');
  }
  else throw new CliUsageError(unknownName('verb', verb, ['list', 'show', 'install', 'remove']));
  if (values.json && (verb === 'install' || verb === 'remove')) throw new CliUsageError(`--json applies to list and show, not ${verb}`);
  if (verb === 'remove' && !values.yes) throw new CliUsageError(`remove deletes the model's folder for good: add --yes to do it`);

  const userDir = resolve(values['data-dir'] ?? defaultDataDir(), 'models');
  const builtinDir = defaultBuiltinModelsDir();
  const registry = new ModelRegistry([...(builtinDir ? [{ dir: builtinDir, source: 'builtin' as const }] : []), { dir: userDir, source: 'user' as const }]);
  const models = await registry.scan();

  if (verb === 'list') {
    const choice = await readActiveChoice(userDir);
    const activeId = activeModelId(models, choice);
    if (values.json) {
      io.out(JSON.stringify({ shippedDir: builtinDir, userDir, active: activeId, models: models.map((m) => ({ id: m.id, source: m.source, dir: m.dir, version: m.card?.version ?? null, name: m.card?.name ?? null, tasks: m.card?.config.tasks.map((t) => t.name) ?? [], input: m.card?.input ?? null, sizeBytes: m.sizeBytes, revision: m.revision, problems: m.problems })) }, null, 2));
      return 0;
    }
    io.out(`shipped models: ${builtinDir ?? '(none found)'}`);
    io.out(`your models:    ${userDir}`);
    if (!models.length) io.out('no model is installed');
    for (const [i, m] of models.entries()) {
      const mark = isListedActive(models, i, activeId) ? '*' : ' ';
      const where = m.source === 'builtin' ? 'shipped' : 'yours';
      const c = m.card;
      const what = c ? `${c.name} · ${c.config.tasks.map((t) => t.name).join(', ')} · ${inputText(c)} · ${sizeText(m)}` : '';
      io.out(`${mark} ${m.id}  ${c?.version ?? '?'}  ${where}  ${what}`.trimEnd());
      if (m.problems.length) io.out(`    cannot be used: ${m.problems.join('; ')}`);
    }
    io.out(`runs live: ${activeText(models, activeId, choice)}`);
    return 0;
  }

  if (verb === 'show') {
    const m = registry.get(args[0]);
    if (values.json) {
      io.out(JSON.stringify({ id: m.id, source: m.source, dir: m.dir, onnxPath: m.onnxPath, sizeBytes: m.sizeBytes, revision: m.revision, problems: m.problems, signature: m.signature, card: m.card }, null, 2));
      return 0;
    }
    io.out(`${m.id}: ${m.source === 'builtin' ? 'shipped with the app' : 'yours'}, ${m.dir}`);
    io.out(`model file: ${m.onnxPath} (${sizeText(m)})`);
    io.out(m.problems.length ? `cannot be used: ${m.problems.join('; ')}` : 'usable');
    if (m.card) io.out(`\n${renderModelCard(m.card).trimEnd()}`);
    return m.problems.length ? 1 : 0;
  }

  if (verb === 'install') {
    const installed = await installModel(registry, args[0], args[1]);
    const m = installed.model;
    io.out(installedText(installed));
    io.out(m.problems.length ? `but it cannot be used: ${m.problems.join('; ')}` : "it runs live once chosen with Use in the app's Models view");
    return 0;
  }

  // remove
  const choice = await readActiveChoice(userDir);
  // Yours under a shipped model's id is removed, and the shipped one, which is what ran, still runs.
  const ranLive = activeModelId(models, choice) === args[0] && registry.get(args[0]).source === 'user';
  const removed = await registry.remove(args[0]);
  const dup = registry.list().find((m) => m.id === args[0]);
  io.out(`removed model '${args[0]}' (predictions it stored with sessions stay)${dup ? `: your folder ${removed.dir}; the shipped model of that id stays` : ''}`);
  // The model that ran live gone: which runs now, as list would say (an app running it stops it within a second).
  if (ranLive) {
    const after = registry.list();
    io.out(`it ran live; runs live now: ${activeText(after, activeModelId(after, choice), choice)}`);
  }
  return 0;
}
