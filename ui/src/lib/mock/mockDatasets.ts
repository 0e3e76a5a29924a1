// Datasets in the mock host: to be written (placeholder so the host type-checks).

import { engineError, type Command, type Emit, type Req, type Res } from '../host';
import type { MockState } from './mockHost';

type DatasetCommand = Extract<Command, `datasets_${string}`>;
export type DatasetsImpl = { [C in DatasetCommand]: (req: Req<C>, emit: Emit<C>) => Res<C> | Promise<Res<C>> };

export function mockDatasets(_st: MockState): DatasetsImpl {
  const missing = () => {
    throw engineError('internal', 'datasets are not in the mock host yet');
  };
  return {
    datasets_list: () => [],
    datasets_get: missing,
    datasets_create: missing,
    datasets_update: missing,
    datasets_delete: missing,
    datasets_save: missing,
    datasets_import: missing,
    datasets_export: missing,
  };
}
