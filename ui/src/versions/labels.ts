// The environment labels, in promotion order.

import type { Label } from '../bindings';

export const LABELS: readonly Label[] = ['dev', 'staging', 'prod'];
