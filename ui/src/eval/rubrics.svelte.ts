// The engine's built-in judging rubrics, read once for the metric picker.

import type { Rubric } from '../bindings';
import { call, toEngineError } from '../lib/host';

export class Rubrics {
  list = $state.raw<Rubric[] | null>(null);
  error = $state<string | null>(null);
  private asked = false;

  /** Fetches the list unless it is here or on its way. */
  ensure(): void {
    if (this.asked) return;
    this.asked = true;
    call('eval_rubrics').then(
      (list) => {
        this.list = list;
        this.error = null;
      },
      (e) => {
        this.asked = false;
        this.error = toEngineError(e).message;
      },
    );
  }

  find(id: string): Rubric | undefined {
    return this.list?.find((r) => r.id === id);
  }
}

/** The scale of a rubric for people: `1–5`, `yes / partially / no`. */
export function describeScale(r: Rubric): string {
  return r.scale.kind === 'points' ? `${r.scale.min}–${r.scale.max}` : r.scale.labels.map((l) => l.label).join(' / ');
}
