// What the Training view's header says the trainer is doing. The runner's own job (overview.active)
// comes with its backend; a run another process trains — `heartmind train | pretrain | evaluate`
// on the command line, followed live through its files (run-watch.ts) — reads 'running' in the
// list without being the runner's: the header said 'idle' all the while it trained.
import type { TrainingOverview } from '../../../../shared/ipc/training.schema';

export function trainerState(o: TrainingOverview | null): { text: string; title?: string } {
  if (o?.active) return { text: `running on jax-js ${o.backend?.split(':')[0] ?? '…'}`, title: o.backend ?? undefined };
  const elsewhere = (o?.runs ?? []).filter((r) => r.state === 'running' && !r.problem);
  if (elsewhere.length === 0) return { text: 'idle' };
  const who = elsewhere.map((r) => `${r.name} (run ${r.id}${r.pid ? `, process ${r.pid}` : ''})`).join('; ');
  const title = `trained by another process, e.g. heartmind on the command line: ${who}. Ctrl+C there pauses it with a checkpoint.`;
  // No percentage: the list is reread on status changes, not on each progress push (the run's bar has it).
  return { text: `training (CLI): ${elsewhere.length > 1 ? `${elsewhere.length} runs` : elsewhere[0].name}`, title };
}
