// Installing a model from what a user holds: a model folder (card.json and the ONNX file it names,
// as export-model writes it or a colleague shares it), or an ONNX file and its card.json. One code
// path for `heartmind models install` and the Models view's Install: the same checks, the same words.
import { stat } from 'node:fs/promises';
import { ModelError, ModelErrorCode } from '../../shared/model/model-error';
import type { InstalledModel, ModelRegistry } from './registry';

export interface ModelInstall {
  model: InstalledModel;
  /** The version of a model of yours with that id whose files the install replaced ('' when its card gave none). */
  replaced?: string;
}

/**
 * Installs into the user's models folder of `registry` (scanned): from the model folder `path`, or,
 * with `cardPath`, from the ONNX file `path` and that card. A model of yours with the same id is
 * replaced (the way to install a newer version), and `replaced` says which version was.
 */
export async function installModel(registry: ModelRegistry, path: string, cardPath?: string): Promise<ModelInstall> {
  const previous = new Map(registry.list().filter((m) => m.source === 'user').map((m) => [m.id, m.card?.version ?? '']));
  let model: InstalledModel;
  if (cardPath !== undefined) model = await registry.installFiles(path, cardPath);
  else {
    // One path: a model folder. A file alone is not enough: its card is needed too.
    const st = await stat(path).catch(() => null);
    if (!st) throw new ModelError(ModelErrorCode.Io, `there is no folder or file ${path}`);
    if (!st.isDirectory()) throw new ModelError(ModelErrorCode.BadCard, `${path} is a file: give the model folder that holds it and its card.json, or its card.json too`);
    model = await registry.installFolder(path);
  }
  const replaced = previous.get(model.id);
  return replaced === undefined ? { model } : { model, replaced };
}

/** "installed model 'mine' 1.1.0 into DIR (replacing version 1.0.0)": the command's line and the app's log line. */
export function installedText({ model, replaced }: ModelInstall): string {
  const version = model.card?.version ? ` ${model.card.version}` : '';
  return `installed model '${model.id}'${version} into ${model.dir}${replaced !== undefined ? ` (replacing version ${replaced || 'unknown'})` : ''}`;
}
