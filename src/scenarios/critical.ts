// MERGE: placeholder until the critical-rules branch lands.
import type { Scenario } from './schema';
export interface Breach { node: string; choice: string; rule: string; chapter: number; heading: string }
export function criticalBreaches(_def: Scenario, _steps: ReadonlyArray<{ node: string; choice: string }>): Breach[] {
  return [];
}
