// The tasks of the models whose predictions a session holds, for an export's predictions file: its
// columns name each class as the installed model's card does ('arithmetic_p_task', not
// 'arithmetic_p_1'). Read on the main side (the DB worker that writes the export has no models
// area); a model not installed, or no profile folder, leaves its classes said by index.
import type { DbClient } from '../db/db-client';
import type { PredictionModelTasks } from '../../shared/formats/csv/predictions-csv';

export async function exportModelTasks(db: DbClient, sessionId: number, dataDir: string | undefined): Promise<PredictionModelTasks[]> {
  if (dataDir === undefined) return [];
  const ids = await db.api.listPredictionModels(sessionId);
  if (ids.length === 0) return [];
  // (the models area loaded only here: an export of a session without predictions needs none of it)
  const { installedModelTasks } = await import('../model/models.core');
  return installedModelTasks(ids, dataDir);
}
