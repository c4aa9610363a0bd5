// Which entry of an installed-models list runs live: the registry lists the shipped models first, and
// a folder of the user's under a shipped model's id after it, under the same id, with the problem
// that another model uses the id. Only the first under an id is the one the core runs (and shows,
// selects, hands out): the Models view and `heartmind models list` marked both as active.

/** Whether `models[index]` is the model that runs while `activeId` is active. */
export function isListedActive(models: readonly { id: string }[], index: number, activeId: string | null): boolean {
  return activeId !== null && models[index]?.id === activeId && models.findIndex((m) => m.id === activeId) === index;
}
