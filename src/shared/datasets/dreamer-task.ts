// The task a DREAMER dataset trains, on its own so that the Training view (renderer) describes it
// without bundling the MAT-file reader behind dreamer-sources.ts.
import { DREAMER_DEFAULT_THRESHOLD, type DreamerDimension } from './datasets.types';
import { TASKS_AFFECT } from '../model/config';
import type { TaskSpec } from '../model/model.types';

/**
 * The DREAMER task of `dimension`, described with the threshold its labels were cut at: the
 * description travels into the model's config and card, where a fixed "SAM ≥ 4" misdescribed a
 * model trained with --threshold 3.
 */
export function dreamerTask(dimension: DreamerDimension, threshold: number = DREAMER_DEFAULT_THRESHOLD): TaskSpec {
  const task = TASKS_AFFECT.find((t) => t.name === dimension)!;
  return { ...task, description: `${dimension[0].toUpperCase()}${dimension.slice(1)}, high (SAM ≥ ${threshold}) vs low` };
}
