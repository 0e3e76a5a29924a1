// Evaluation in the mock host: to be written (placeholder so the host type-checks).

import { engineError, type Command, type Emit, type Req, type Res } from '../host';
import type { MockState } from './mockHost';

type EvalCommand = Extract<Command, `eval_${string}`>;
export type EvalImpl = { [C in EvalCommand]: (req: Req<C>, emit: Emit<C>) => Res<C> | Promise<Res<C>> };

export function mockEval(_st: MockState): EvalImpl {
  const missing = () => {
    throw engineError('internal', 'evaluation is not in the mock host yet');
  };
  return {
    eval_rubrics: () => [],
    eval_summary: missing,
    eval_scores: () => ({ scores: [] }),
    eval_report: missing,
  };
}
