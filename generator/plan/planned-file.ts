/**
 * One output file of the plan: its path, the template that renders it and
 * what the template sees.
 */
import type { OutputTemplate } from '../load/read-templates.js';

export interface PlannedFile {
  path: string;
  template: OutputTemplate;
  context: Record<string, unknown>;
}
